"""Weights are configuration: the shipped file, the defaults and validation."""

import dataclasses

import pytest
import yaml

from kennisschakel.engines.matching import SIGNALS, Weights, load_weights
from kennisschakel.engines.matching.weights import DEFAULT_PATH


def test_defaults_equal_the_shipped_file():
    assert load_weights() == Weights()
    assert load_weights(DEFAULT_PATH) == Weights()


def test_the_file_names_every_weight_and_each_is_documented():
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert list(data) == [f.name for f in dataclasses.fields(Weights)]
    lines = text.splitlines()
    for key in data:
        line = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
        assert lines[line - 1].startswith("#"), f"{key} has no comment above it"


def test_every_signal_has_a_weight():
    weights = Weights()
    for name in SIGNALS:
        assert isinstance(weights.signal(name), float)


def test_a_partial_file_keeps_the_other_defaults(tmp_path):
    path = tmp_path / "weights.yaml"
    path.write_text("topic: 2.0\nmaturity_levels: {running: 0.5}\n", encoding="utf-8")
    weights = load_weights(path)
    assert weights.topic == 2.0
    assert weights.maturity_levels == {"running": 0.5}
    assert weights.border == Weights().border


def test_an_empty_file_is_all_defaults(tmp_path):
    path = tmp_path / "weights.yaml"
    path.write_text("# nothing changed\n", encoding="utf-8")
    assert load_weights(path) == Weights()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("topik: 1.0\n", "unknown weight(s) topik"),
        ("topic: 1.0\nborder_bonus: 2\n", "unknown weight(s) border_bonus"),
        ("topic: high\n", "'topic' must be a number"),
        ("topic: true\n", "'topic' must be a number"),
        ("border: -0.1\n", "'border' must be 0 or positive"),
        ("inside_circle: 0.2\n", "'inside_circle' is a malus"),
        ("topic_pool: 0\n", "'topic_pool' must be a positive integer"),
        ("country_pool: 2.5\n", "'country_pool' must be a positive integer"),
        ("region_factor: 1.5\n", "'region_factor' must lie between 0 and 1"),
        ("maturity_levels: {running: 2}\n", "maturity_levels.running"),
        ("field_weights: {title: 0}\n", "field_weights.title"),
        ("field_weights: [title]\n", "'field_weights' must be a mapping"),
        ("- topic\n", "expected a mapping"),
    ],
)
def test_invalid_files_are_refused(tmp_path, content, message):
    path = tmp_path / "weights.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError) as error:
        load_weights(path)
    assert message in str(error.value)


def test_weights_in_code_are_validated_too():
    with pytest.raises(ValueError, match="'adoptions' must be 0 or positive"):
        Weights(adoptions=-1.0)
    with pytest.raises(ValueError, match="'inside_circle' is a malus"):
        Weights().with_changes(inside_circle=0.1)


def test_every_signal_is_gated_as_relevance_context_or_not_at_all():
    from kennisschakel.engines.matching.signals import (
        CONTEXT_SIGNALS,
        RELEVANCE_SIGNALS,
        UNGATED_SIGNALS,
    )

    # CONTEXT_SIGNALS is derived from SIGNALS: a new signal is context unless named.
    assert {
        "same_size",
        "same_urbanity",
        "same_province",
        "nearby",
        "border",
        "evaluated",
        "maturity",
        "adoptions",
        "experience_years",
        "place_linked",
        "works_internationally",
        "seeks_your_offer",
        "network_members",
    } == CONTEXT_SIGNALS
    groups = (RELEVANCE_SIGNALS, CONTEXT_SIGNALS, UNGATED_SIGNALS)
    assert sum(len(group) for group in groups) == len(SIGNALS)
    assert set(SIGNALS) == RELEVANCE_SIGNALS | CONTEXT_SIGNALS | UNGATED_SIGNALS
