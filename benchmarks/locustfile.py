"""Locust users for the load test of issue 11 (run by benchmarks/load_test.py).

Each user logs in as the demo policy officer of Weert and browses the key pages of
benchmarks/key_pages.py with a think time of 1–3 s; a page's weight is how often real
visitors open it (search and practices most, the monitor report least). The paths come
from ``key_pages.key_pages(BENCH_DATABASE_URL)``. Cookies are sent by hand: with debug
off they are marked Secure, and a cookie jar keeps them to itself over plain HTTP.
"""

import os
import re
import sys
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent))

from httpbench import DEMO_LOGIN  # noqa: E402
from key_pages import key_pages  # noqa: E402

PAGES = key_pages(os.environ["BENCH_DATABASE_URL"])
WEIGHTS = {
    "home": 2,
    "search": 4,
    "practice": 4,
    "municipality": 2,
    "partnerships": 1,
    "balances": 1,
    "match": 2,
    "report": 1,
}


class MunicipalOfficer(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        page = self.client.get("/account/inloggen/", name="login")
        csrf = page.cookies.get("csrftoken", "")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = self.client.post(
            "/account/inloggen/",
            data={
                "csrfmiddlewaretoken": token,
                "username": DEMO_LOGIN[0],
                "password": DEMO_LOGIN[1],
            },
            headers={"Cookie": f"csrftoken={csrf}", "Referer": f"{self.host}/account/inloggen/"},
            allow_redirects=False,
            name="login",
        )
        session = answer.cookies.get("sessionid", "")
        self.client.cookies.clear()
        self.client.headers["Cookie"] = f"csrftoken={csrf}; sessionid={session}"

    def _open(self, name: str):
        if name in PAGES:
            self.client.get(PAGES[name], name=name)

    @task(WEIGHTS["home"])
    def home(self):
        self._open("home")

    @task(WEIGHTS["search"])
    def search(self):
        self._open("search")

    @task(WEIGHTS["practice"])
    def practice(self):
        self._open("practice")

    @task(WEIGHTS["municipality"])
    def municipality(self):
        self._open("municipality")

    @task(WEIGHTS["partnerships"])
    def partnerships(self):
        self._open("partnerships")

    @task(WEIGHTS["balances"])
    def balances(self):
        self._open("balances")

    @task(WEIGHTS["match"])
    def match(self):
        self._open("match")

    @task(WEIGHTS["report"])
    def report(self):
        self._open("report")
