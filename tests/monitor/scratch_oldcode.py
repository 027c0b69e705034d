import importlib.util

from kennisschakel.monitor import services
from tests.monitor import test_concurrency as tc
from tests.monitor.test_concurrency import *  # noqa: F403


def _old():
    spec = importlib.util.spec_from_file_location("old_services", "/tmp/old_services.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_old_save_answers_loses(wave, monkeypatch):
    monkeypatch.setattr(services, "save_answers", _old().save_answers)
    try:
        tc.test_parallel_autosaves_from_several_codes_keep_every_answer(wave)
    except AssertionError as error:
        print("OLD CODE FAILS AS EXPECTED:", str(error)[:200])
        return
    raise AssertionError("old code passed")


def test_old_submit_doubles(wave, smtp_server, monkeypatch):
    monkeypatch.setattr(services, "submit", _old().submit)
    try:
        tc.test_ten_parallel_submits_make_one_submission_and_one_receipt(wave, smtp_server)
    except AssertionError as error:
        print("OLD SUBMIT FAILS AS EXPECTED:", str(error)[:200])
        return
    raise AssertionError("old code passed")
