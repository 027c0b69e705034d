"""Issue 10 C19: every door of the site and the API, asked by every role, for own and other objects.

The expectations are data (``tests/core/permission_matrix.py``). This module

* walks the URL configuration (``django.urls.get_resolver()``, recursively, the API
  included) and fails for a route — or, for class-based views, a method — that has
  no entry in the matrix, and for a matrix entry whose route no longer exists;
* asks each public page once, anonymously (never a 4xx or 5xx);
* asks each protected (route, method) as anonymous, reader, contributor, coordinator,
  facilitator and code holder, for each object variant, one test id each, with the
  Django test client: session login for pages, ``Authorization: Token`` for the API,
  a code entered on the start page (and ``X-Access-Code`` in the API) for the code
  holder. A denied write must leave every model's row count and the target object
  exactly as they were.

The objects (``world.py``) are built once for the module and committed; each test
runs in a transaction on top that is rolled back, and the seeded database is put
back when the module is done.
"""

import json
import re
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.generic.edit import ProcessFormView

from tests.core.permission_matrix import MATRIX, ROLES, Op, Public
from tests.core.permission_world import build_world, counts_of_everything, remove_files, state_of

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


# ---------------------------------------------------------------------------- the URL walk


def _methods_of(callback) -> set[str] | None:
    """The HTTP methods a class-based view answers; None for a function view (the matrix
    names its methods)."""
    actions = getattr(callback, "actions", None)
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if cls is None:
        return None
    allowed = {m.lower() for m in getattr(cls, "http_method_names", HTTP_METHODS)}
    if actions:  # a DRF viewset route: the router's method → action map
        methods = {m for m in actions if m in allowed}
    else:
        methods = {m for m in HTTP_METHODS if m in allowed and hasattr(cls, m)}
        if getattr(cls, "put", None) is ProcessFormView.put:
            methods.discard("put")  # Django's form views: PUT is only an alias of POST
    return {m.upper() for m in methods}


def walk(resolver=None, prefix="", namespace=""):
    """Every route: (pattern, name with namespaces, methods or None)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            name = entry.name or pattern
            if namespace and entry.name:
                name = f"{namespace}:{entry.name}"
            yield pattern, name, _methods_of(entry.callback)


def _is_admin(route) -> bool:
    pattern, name, _methods = route
    return name.startswith("admin:") or pattern.startswith("beheer/")


ROUTES = [route for route in walk() if not _is_admin(route)]
ADMIN_ROUTES = [route for route in walk() if _is_admin(route)]


@pytest.mark.parametrize(("pattern", "name", "methods"), ROUTES, ids=[r[1] for r in ROUTES])
def test_route_is_in_the_matrix(pattern, name, methods):
    listed = {method for (route, method) in MATRIX if route == name}
    how = (
        f"Add ('{name}', '<METHOD>'): Op(<expectation per role>, <url>, ...) — or public(...) "
        "for a read-only public page — to MATRIX in tests/core/permission_matrix.py."
    )
    assert listed, f"Route /{pattern} ({name}) has no entry in the permission matrix. {how}"
    if methods is not None:
        missing = methods - listed
        assert not missing, (
            f"Route /{pattern} ({name}) answers {sorted(missing)} without a matrix entry. {how}"
        )


def test_matrix_names_only_existing_routes():
    names = {name for _pattern, name, _methods in ROUTES}
    stale = sorted({route for (route, _method) in MATRIX} - names)
    assert not stale, f"Matrix entries for routes that no longer exist: {stale}"


def test_the_walk_sees_the_whole_url_configuration():
    """The walk itself: nested includes, the API router and the admin are all found."""
    names = {name for _pattern, name, _methods in walk()}
    assert {"core:home", "api:practice-detail", "api:wave-answers", "admin:index"} <= names
    assert len(ROUTES) > 100
    methods = {name: m for _p, name, m in ROUTES}
    assert methods["api:practice-detail"] == {"GET", "PATCH"}  # http_method_names honoured
    assert methods["api:membership-detail"] == {"GET", "PUT", "PATCH", "DELETE"}


# ---------------------------------------------------------------------------- the world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        built = build_world()
    yield built
    from tests import conftest

    remove_files(built)
    assert conftest._snapshot is not None, "the seeded snapshot of tests/conftest.py is missing"
    with django_db_blocker.unblock():
        conftest._snapshot.restore()


_handler = None


def new_client() -> Client:
    """A test client sharing one request handler: building the middleware chain (WhiteNoise
    scans every static file) costs more than most of the requests made here."""
    global _handler
    client = Client()
    if _handler is None:
        _handler = client.handler
    client.handler = _handler
    return client


def client_for(world, role: str, api: bool) -> Client:
    client = new_client()
    if role in world.users:
        if api:
            client.defaults["HTTP_AUTHORIZATION"] = f"Token {world.tokens[role]}"
        else:
            client.force_login(world.users[role])
    elif role == "code_holder":
        # The letter's code, typed on the start page of each wave it belongs to.
        for name in ("wave_open", "wave_closed"):
            wave = world[name]
            start = reverse("monitor:answer-start", args=[wave.slug])
            client.post(start, {"code": world.codes[name]})
        if api:
            client.defaults["HTTP_X_ACCESS_CODE"] = world.codes["wave_open"]
    return client


def send(client: Client, method: str, url: str, data, fmt: str):
    if method == "GET":
        return client.get(url)
    if fmt == "json":
        body = json.dumps(data if data is not None else {})
        return client.generic(method, url, body, content_type="application/json")
    if method == "POST":
        return client.post(url, data or {})
    return client.generic(method, url, "")


# ---------------------------------------------------------------------------- outcomes

LOGIN_PATHS = (reverse(settings.LOGIN_URL), "/beheer/login/")
CODE_PAGE = re.compile(r"^/monitor/(?!golven/)[^/]+/$")  # monitor:answer-start


def classify(response) -> str:
    status = response.status_code
    if status >= 500:
        return "error"
    if status in (401, 403, 404):
        return "deny"
    if status == 405:
        return "method"
    if 300 <= status < 400:
        target = urlparse(response["Location"]).path
        if target.startswith(LOGIN_PATHS) or CODE_PAGE.match(target):
            return "deny"
        return "allow"
    if status in (400, 409, 412, 422, 429):
        return "invalid"
    return "allow"


def describe(response) -> str:
    where = f" → {response['Location']}" if response.has_header("Location") else ""
    if response.streaming:  # a file download: its body says nothing about the door
        response.close()
        body = "<file>"
    else:
        body = response.content[:300].decode(errors="replace").replace("\n", " ")
    return f"{response.status_code}{where}: {body}"


# ---------------------------------------------------------------------------- public pages

PUBLIC = sorted((key for key, entry in MATRIX.items() if isinstance(entry, Public)))


@pytest.mark.parametrize(("route", "method"), PUBLIC, ids=[f"{r}-{m}" for r, m in PUBLIC])
def test_public_door(route, method, world, db):
    entry = MATRIX[(route, method)]
    response = send(new_client(), method, entry.url(world, "-"), entry.data, entry.fmt)
    outcome = classify(response)
    acceptable = {"allow"} if method == "GET" else {"allow", "invalid"}
    if route == "api:tokens":
        acceptable.add("deny")  # no credentials: 400/401 is the public answer
    assert outcome in acceptable, f"{method} {route} anonymously: {describe(response)}"


# ---------------------------------------------------------------------------- protected doors


def _cases():
    cases = []
    for (route, method), entry in sorted(MATRIX.items()):
        if not isinstance(entry, Op):
            continue
        for role in ROLES:
            for variant in entry.variants:
                expected = entry.outcome(role, variant)
                if expected == "-":
                    continue
                marks = []
                reason = entry.xfail_reason(role, variant)
                if reason:
                    marks.append(pytest.mark.xfail(strict=True, reason=reason))
                cases.append(
                    pytest.param(
                        route,
                        method,
                        role,
                        variant,
                        expected,
                        id=f"{route}-{method}-{role}-{variant}",
                        marks=marks,
                    )  # fmt: skip
                )
    return cases


@pytest.mark.parametrize(("route", "method", "role", "variant", "expected"), _cases())
def test_door(route, method, role, variant, expected, world, db):
    entry: Op = MATRIX[(route, method)]
    client = client_for(world, role, entry.api)
    if entry.prepare:
        entry.prepare(world)
    url = entry.url(world, variant)
    data = entry.data(world, variant, role) if callable(entry.data) else entry.data
    is_write = method in WRITE_METHODS
    if is_write:
        counts_before = counts_of_everything()
        target = entry.target(world, variant) if entry.target else None
        target_before = state_of(target) if target is not None else None

    response = send(client, method, url, data, entry.fmt)
    outcome = classify(response)
    said = f"{method} {url} as {role} ({variant}): {describe(response)}"  # closes files

    assert outcome != "error", said
    if expected == "A":
        allowed = {"allow", "invalid"} if is_write else {"allow"}
        assert outcome in allowed, f"should be allowed — {said}"
    elif expected == "M":
        assert outcome == "method", f"should answer 405 — {said}"
    else:
        refused = {"deny", "invalid"} if expected == "R" else {"deny"}
        assert outcome in refused, f"should be denied — {said}"
        if is_write:
            assert counts_of_everything() == counts_before, f"denied, yet rows changed — {said}"
            if target is not None:
                assert state_of(target) == target_before, f"denied, yet changed — {said}"


# ---------------------------------------------------------------------------- the admin


@pytest.mark.parametrize("role", ROLES)
def test_admin_is_closed_to_every_role(role, world, db):
    """/beheer/ is for staff accounts only (``is_staff``), whatever the role says."""
    from django.contrib import admin

    client = client_for(world, role, api=False)
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls += [reverse(f"admin:{info[0]}_{info[1]}_{view}") for view in ("changelist", "add")]
    assert len(ADMIN_ROUTES) > len(urls) // 2
    for url in urls:
        response = client.get(url)
        assert classify(response) == "deny", f"GET {url} as {role}: {describe(response)}"
