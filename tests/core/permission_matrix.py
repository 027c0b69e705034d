"""THE permission matrix: who may do what, through every door of the site and the API.

Keys are ``(URL pattern name, HTTP method)``. Every route of the URL configuration
needs an entry (``test_permission_matrix.py::test_route_is_in_the_matrix`` fails
otherwise); the Django admin (``admin:*``) is covered as a whole by
``test_admin_is_closed_to_every_role``.

An entry is either ``public(...)`` — read-only or open by design (a login form, a
code entry, a signed consent link), asked once anonymously: never a denial or a 5xx — or
an ``Op``: the expected outcome for each role × object variant.

``expect`` holds one group per role, in the order of ``ROLES`` (anonymous, reader,
contributor, coordinator, facilitator, code_holder); each group has one letter per
variant (``variants``, usually own / other):

* ``A`` allow — not denied: 2xx/3xx (a write may also answer 400/409/412 to the
  minimal payload).
* ``D`` deny — 401/403/404 or a redirect to the login (or code) page, and for a write
  NOTHING written: the row count of every model and the target object are unchanged.
* ``R`` refused — as ``D``, but a 400 from validation also counts as a refusal (a form
  that does not even offer the forbidden choice).
* ``M`` method not allowed — 405.
* ``-`` not applicable.

Variants: ``own`` = belongs to the user's organisation (Enschede), ``other`` = another
municipality's (Weert, or Weert–Eindhoven); ``-`` = no object (create pages). For the
monitor, ``own`` is the wave the code holder holds a code for and ``other`` a wave
they hold none for (logged-in people of Enschede see their own municipality in both);
``open``/``closed`` are a wave's states. ``other-side`` (learning scores): the other
partner's side in the user's own partnership; ``proposed``: a partnership in which
another municipality named the user's organisation, not yet confirmed by it (C16).

Where a row fails because of a bug another helper is fixing right now, ``xfail``
names the issue point; remove the entry from ``xfail`` when the fix lands (the xfail
is strict, so a fixed row fails until then).

To add a route: add ``("namespace:name", "METHOD"): Op(...)`` (or ``public(...)``)
below, with the expectation the issue and the rules call for.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from kennisschakel.partnerships.models import LearningDimension
from tests.core.permission_world import OTHER_CODE, OWN_CODE, THIRD_CODE

ROLES = ("anonymous", "reader", "contributor", "coordinator", "facilitator", "code_holder")
OWN_OTHER = ("own", "other")
NONE = ("-",)

# Presets, one group per role (see ROLES).
OWNER_EDITS = "DD DD AD AD AA DD"  # can_edit: the own organisation's contributors; facilitators
ORG_READS = "DD AD AD AD AA DD"  # private to the own organisation (any role) and facilitators
CONTENT_CREATE = "D D A A A D"  # contributors, coordinators, facilitators
LOGGED_IN = "D A A A A D"  # anyone with an account
FACILITATORS = "D D D D A D"  # only facilitators
CODE_HOLDER = "DD DD DD DD DD AD"  # only the holder of this wave's code (nobody else, ever)
OWN_RESULTS = "DD AA AA AA DD AD"  # "where do we stand": the own municipality, not facilitators
AFTER_CLOSING = "DA DA DA DA AA DA"  # open: facilitators only; closed: everyone
OTHER_SIDE_CONFIRMS = "DD DD AD AD DD DD"  # the other side answers; facilitators don't speak for it
SIDES_ONLY = "DD AD AD AD DD DD"  # introductions: the two sides only, not even facilitators
ASKING_SIDE_WITHDRAWS = "DD DD AD AD DD DD"  # asked by the own organisation / by others
ADOPT = "DD DD DA DA AA DD"  # adopt another organisation's published practice
SCORE_OWN_SIDE = "DDD DDD ADD ADD AAA DDD"  # own side / other side in own partnership / other
PARTNERS_EDIT = "DDD DDD ADD ADD AAA DDD"  # confirmed partner / merely proposed (C16) / other
WITH_PROPOSED = ("own", "proposed", "other")


@dataclass
class Public:
    url: Callable
    data: object = None
    fmt: str = "form"


@dataclass
class Op:
    expect: str
    url: Callable  # (world, variant) -> path
    variants: tuple = OWN_OTHER
    target: Callable | None = None  # (world, variant) -> object a denied write leaves alone
    data: object = None  # dict, or (world, variant, role) -> dict
    fmt: str = "form"  # "form" (site) or "json" (API)
    prepare: Callable | None = None  # (world) -> None, before the request
    xfail: dict = field(default_factory=dict)  # {(role, variant) or role: reason}

    @property
    def api(self) -> bool:
        return self.fmt == "json"

    def outcome(self, role: str, variant: str) -> str:
        groups = self.expect.split()
        assert len(groups) == len(ROLES), f"{self.expect!r}: one group per role"
        group = groups[ROLES.index(role)]
        assert len(group) == len(self.variants), f"{self.expect!r}: one letter per variant"
        return group[self.variants.index(variant)]

    def xfail_reason(self, role: str, variant: str) -> str | None:
        return self.xfail.get((role, variant)) or self.xfail.get(role)


def public(url, data=None, fmt="form") -> Public:
    return Public(url if callable(url) else (lambda w, v, _u=url: reverse(_u)), data, fmt)


def path(name: str, *args) -> Callable:
    return lambda w, v: reverse(name, args=list(args))


def of(name: str, objects, attr: str = "slug", suffix: str = "", extra=()) -> tuple:
    """URL and target for a route whose object depends on the variant.

    ``objects`` is a key template ("draft_{}") or {variant: key}.
    """

    def key(variant):
        return objects[variant] if isinstance(objects, dict) else objects.format(variant)

    def url(w, v):
        obj = w[key(v)]
        return reverse(name, args=[getattr(obj, attr), *extra]) + suffix

    return {"url": url, "target": lambda w, v: w[key(v)]}


def api(name: str, objects=None, attr: str = "slug", **kwargs) -> dict:
    spec = of(name, objects, attr) if objects else {"url": path(name)}
    return {**spec, "fmt": "json", **kwargs}


# ---------------------------------------------------------------------------- payloads

DRAFTS = "draft_{}"
PUBLISHED = "published_{}"
WAVES_OF_CODE = {"own": "wave_open", "other": "wave_open_other"}
CLOSED_WAVES = {"own": "wave_closed", "other": "wave_closed_other"}
OPEN_CLOSED = {"open": "wave_open", "closed": "wave_closed"}
PROPOSED = {"own": "partnership_proposed", "other": "partnership_proposed_other"}
LEARNING_SIDES = {"own": "side_own", "other-side": "side_other_in_own", "other": "side_in_other"}


def _learning_partnership(w, v):
    return w["partnership_own"] if v != "other" else w["partnership_other"]


def learning_url(name):
    return lambda w, v: reverse(name, args=[_learning_partnership(w, v).slug])


def learning_api_data(w, v, role):
    scores = {d.value: {"score": 3, "justification": "matrix"} for d in LearningDimension}
    return {"partner": w[LEARNING_SIDES[v]].party_key, "year": 2024, "scores": scores}


def learning_form_data(w, v, role):
    data = {"partner": w[LEARNING_SIDES[v]].pk, "year": 2024}
    for d in LearningDimension:
        data[f"score_{d.value}"] = "3"
    return data


def practice_api_data(w, v, role):
    return {
        "title": "Matrix API praktijk",
        "summary": "Een praktijk die de matrix via de API aanmaakt.",
        "domains": [w["domain"].slug],
    }


def activity_api_data(w, v, role):
    partnership = w["partnership_own"] if v == "own" else w["partnership_other"]
    partner = OTHER_CODE if v == "own" else THIRD_CODE
    return {
        "partnership": partnership.slug,
        "form": "werkbezoek",
        "title": "Matrix uitwisseling via de API",
        "start_date": "2024-06-01",
        "sides": [
            {"party": OWN_CODE, "direction": "gave"},
            {"party": partner, "direction": "received"},
        ],
    }


def activity_form_data(w, v, role):
    partnership = w["partnership_own"] if v == "own" else w["partnership_other"]
    return {
        "partnership": partnership.pk,
        "form": "werkbezoek",
        "title": "Matrix uitwisseling via het formulier",
        "start_date": "2024-06-01",
        "other_party": OTHER_CODE if v == "own" else THIRD_CODE,
        "own_direction": "gave",
        "other_direction": "received",
    }


ASKED_BY = {"own": "introduction_asked_by_own", "other": "introduction_other"}


def asked_by_own_prepare(w):
    """An open request the own organisation asked (the world's own one was asked *of* it)."""
    from kennisschakel.matching.models import Introduction

    w.objects["introduction_asked_by_own"] = Introduction.objects.create(
        asker=w.own,
        requested_by=w.users["contributor"],
        recipient=w.third,
        candidate_key=f"municipality:{THIRD_CODE}",
        subject="Matrix",
        message="Graag een gesprek.",
    )


def submit_prepare(w):
    """'Done' shows only after submitting: the own invitations are submitted first."""
    from django.utils import timezone

    for name in WAVES_OF_CODE.values():
        w[name].invitations.filter(cbs_code=OWN_CODE).update(submitted_at=timezone.now())


def invitation_target(waves):
    return lambda w, v: w[waves[v]].invitations.get(cbs_code=OWN_CODE)


def wave_url(name, waves, *extra):
    return lambda w, v: reverse(name, args=[w[waves[v]].slug, *extra])


def code_holder_op(name, *extra, **kwargs):
    return Op(
        CODE_HOLDER,
        url=wave_url(name, WAVES_OF_CODE, *extra),
        target=invitation_target(WAVES_OF_CODE),
        **kwargs,
    )


def open_wave(name, suffix_args=()):
    return lambda w, v: reverse(name, args=[w["wave_open"].slug, *suffix_args])


def token_action_data(w, v, role):
    from kennisschakel.monitor.views.tokens import new_stamp

    invitation = w["wave_open"].invitations.get(cbs_code=OWN_CODE)
    return {"invitation": [invitation.pk], "action": "invalidate", "stamp": new_stamp()}


def bulk_close_data(w, v, role):
    from kennisschakel.monitor.views.tokens import new_stamp

    return {"stamp": new_stamp(), "confirm_close": "1"}


def consent_url(w, v):
    from kennisschakel.register.contacts import consent_token

    return reverse("register:consent", args=[consent_token(w["person_own"])])


MATRIX: dict[tuple[str, str], Op | Public] = {
    # ------------------------------------------------------------------ site basics
    ("core:home", "GET"): public("core:home"),
    ("core:sources", "GET"): public("core:sources"),
    ("favicon", "GET"): public("favicon"),
    # The system status and index rebuilds (core/status/): facilitators only.
    ("core:status", "GET"): Op(FACILITATORS, path("core:status"), NONE),
    ("core:status-rebuild", "POST"): Op(
        FACILITATORS, path("core:status-rebuild", "zoekindex"), NONE
    ),
    # Mijn Kennisschakel (core/mine.py): the page after login, for anyone with an account.
    ("core:mine", "GET"): Op(LOGGED_IN, path("core:mine"), NONE),
    # Notifications (notifications app): each person's own; another's is not found.
    ("notifications:list", "GET"): Op(LOGGED_IN, path("notifications:list"), NONE),
    ("notifications:mark-read", "POST"): Op(
        "D D D D D D",
        lambda w, v: reverse("notifications:mark-read", args=[w["notification_other"].pk]),
        ("other",),
        target=lambda w, v: w["notification_other"],
    ),
    ("notifications:mark-all-read", "POST"): Op(
        LOGGED_IN, path("notifications:mark-all-read"), NONE
    ),
    ("notifications:digest", "POST"): Op(
        LOGGED_IN, path("notifications:digest"), NONE, data={"frequency": "weekly"}
    ),
    ("set_language", "POST"): public("set_language", data={"language": "en", "next": "/"}),
    ("accounts:login", "GET"): public("accounts:login"),
    ("accounts:login", "POST"): public("accounts:login", data={"username": "x@x.nl"}),
    ("accounts:logout", "POST"): public("accounts:logout"),
    ("accounts:profile", "GET"): Op(LOGGED_IN, path("accounts:profile"), NONE),
    ("accounts:renew-token", "POST"): Op(LOGGED_IN, path("accounts:renew-token"), NONE),
    ("accounts:revoke-token", "POST"): Op(LOGGED_IN, path("accounts:revoke-token"), NONE),
    ("accounts:password_reset", "GET"): public("accounts:password_reset"),
    ("accounts:password_reset", "POST"): public(
        "accounts:password_reset", data={"email": "niemand@test.example"}
    ),
    ("accounts:password_reset_done", "GET"): public("accounts:password_reset_done"),
    ("accounts:password_reset_confirm", "GET"): public(
        lambda w, v: reverse("accounts:password_reset_confirm", args=["MQ", "set-password"])
    ),
    ("accounts:password_reset_confirm", "POST"): public(
        lambda w, v: reverse("accounts:password_reset_confirm", args=["MQ", "set-password"])
    ),
    ("accounts:password_reset_complete", "GET"): public("accounts:password_reset_complete"),
    # ------------------------------------------------------------------ API: basics
    ("api:openapi", "GET"): public("api:openapi"),
    ("api:docs", "GET"): public("api:docs"),
    ("api:tokens", "POST"): public("api:tokens", data={}, fmt="json"),
    ("api:tokens", "DELETE"): Op(LOGGED_IN, **api("api:tokens"), variants=NONE),
    ("api:matches", "POST"): public("api:matches", data={"text": "inburgering"}, fmt="json"),
    # ------------------------------------------------------------------ API: register
    ("api:municipality-list", "GET"): public("api:municipality-list"),
    ("api:municipality-detail", "GET"): public(path("api:municipality-detail", OWN_CODE)),
    # Register facts belong to CBS and facilitators (Municipality has no edit rule).
    ("api:municipality-detail", "PATCH"): Op(
        "DD DD DD DD AA DD",
        **api(
            "api:municipality-detail",
            {"own": "municipality_own", "other": "municipality_other"},
            attr="cbs_code",
        ),
        data={"inhabitants": 123456},
    ),
    ("api:former-municipality-detail", "GET"): public(
        path("api:former-municipality-detail", OWN_CODE)
    ),
    ("api:merger-list", "GET"): public("api:merger-list"),
    ("api:province-list", "GET"): public("api:province-list"),
    ("api:size-scheme-list", "GET"): public("api:size-scheme-list"),
    ("api:size-scheme-detail", "GET"): public(path("api:size-scheme-detail", "gib2009")),
    ("api:grouping-list", "GET"): public("api:grouping-list"),
    ("api:grouping-detail", "GET"): public(
        lambda w, v: reverse("api:grouping-detail", args=[w["grouping"].slug])
    ),
    ("api:country-list", "GET"): public("api:country-list"),
    ("api:country-detail", "GET"): public(path("api:country-detail", "DE")),
    ("api:place-list", "GET"): public("api:place-list"),
    ("api:place-detail", "GET"): public(
        lambda w, v: reverse("api:place-detail", args=[w["place"].pk])
    ),
    ("api:organisation-list", "GET"): public("api:organisation-list"),
    ("api:organisation-list", "POST"): Op(
        FACILITATORS,
        **api("api:organisation-list"),
        variants=NONE,
        data={"slug": "matrix-nieuw", "name": "Matrix nieuw", "type": "network"},
    ),
    ("api:organisation-detail", "GET"): public(path("api:organisation-detail", "gm0153")),
    ("api:organisation-detail", "PATCH"): Op(
        OWNER_EDITS,
        **api("api:organisation-detail", {"own": "org_own", "other": "org_other"}),
        data={"website": "https://example.org/matrix"},
    ),
    # ------------------------------------------------------------------ API: knowledge
    ("api:practice-list", "GET"): public("api:practice-list"),
    ("api:practice-list", "POST"): Op(
        CONTENT_CREATE, **api("api:practice-list"), variants=NONE, data=practice_api_data
    ),
    ("api:practice-detail", "GET"): Op(ORG_READS, **api("api:practice-detail", DRAFTS)),
    ("api:practice-detail", "PATCH"): Op(
        OWNER_EDITS, **api("api:practice-detail", DRAFTS), data={"summary": "Matrix was hier."}
    ),
    ("api:practice-adoptions", "GET"): Op(ORG_READS, **api("api:practice-adoptions", DRAFTS)),
    ("api:practice-adoptions", "POST"): Op(
        ADOPT, **api("api:practice-adoptions", PUBLISHED), data={"outcome": "overgenomen"}
    ),
    # ------------------------------------------------------------------ API: partnerships
    ("api:partnership-list", "GET"): public("api:partnership-list"),
    ("api:partnership-list", "POST"): Op(
        CONTENT_CREATE,
        **api("api:partnership-list"),
        variants=NONE,
        data={"name": "Matrix API", "kind": "stedenband", "partners": [OWN_CODE, "country: UA"]},
    ),
    ("api:partnership-detail", "GET"): public(
        lambda w, v: reverse("api:partnership-detail", args=[w["partnership_own"].slug])
    ),
    **{
        ("api:partnership-detail", method): Op(
            PARTNERS_EDIT,
            **api("api:partnership-detail", "partnership_{}"),
            variants=WITH_PROPOSED,
            data={"notes": "matrix"},
        )
        for method in ("PUT", "PATCH")
    },
    # C16: the proposed partner itself confirms (or declines); nobody speaks for it.
    ("api:partnership-participation", "POST"): Op(
        OTHER_SIDE_CONFIRMS,
        **api("api:partnership-participation", PROPOSED),
        data={"agree": True},
    ),
    ("api:partnership-learning", "GET"): public(
        lambda w, v: reverse("api:partnership-learning", args=[w["partnership_own"].slug])
    ),
    ("api:partnership-learning", "POST"): Op(
        SCORE_OWN_SIDE,
        learning_url("api:partnership-learning"),
        variants=("own", "other-side", "other"),
        target=lambda w, v: w[LEARNING_SIDES[v]],
        data=learning_api_data,
        fmt="json",
    ),
    ("api:activity-list", "GET"): public("api:activity-list"),
    # C15: an exchange is logged under a partnership only by one of its partners.
    ("api:activity-list", "POST"): Op(
        "DD DD AD AD AA DD",
        url=path("api:activity-list"),
        target=lambda w, v: w["partnership_other"],
        data=activity_api_data,
        fmt="json",
    ),
    ("api:activity-detail", "GET"): public(
        lambda w, v: reverse("api:activity-detail", args=[w["activity_own"].slug])
    ),
    ("api:activity-detail", "PUT"): Op(
        OWNER_EDITS, **api("api:activity-detail", "activity_{}"), data={"title": "Matrix"}
    ),
    ("api:activity-detail", "PATCH"): Op(
        OWNER_EDITS, **api("api:activity-detail", "activity_{}"), data={"title": "Matrix"}
    ),
    ("api:activity-confirmation", "POST"): Op(
        OTHER_SIDE_CONFIRMS,
        **api(
            "api:activity-confirmation", {"own": "activity_confirmable", "other": "activity_other"}
        ),
        data={"agree": True},
    ),
    ("api:membership-list", "GET"): public("api:membership-list"),
    ("api:membership-list", "POST"): Op(
        CONTENT_CREATE,
        **api("api:membership-list"),
        variants=NONE,
        data=lambda w, v, role: {"network": w["network2"].slug},
    ),
    ("api:membership-detail", "GET"): public(
        lambda w, v: reverse("api:membership-detail", args=[w["membership_own"].pk])
    ),
    **{
        ("api:membership-detail", method): Op(
            OWNER_EDITS,
            **api("api:membership-detail", "membership_{}", attr="pk"),
            data=None if method == "DELETE" else {"since": 2001},
        )
        for method in ("PUT", "PATCH", "DELETE")
    },
    ("api:reciprocity-list", "GET"): public("api:reciprocity-list"),
    ("api:reciprocity-network", "GET"): public(
        lambda w, v: reverse("api:reciprocity-network", args=[w["network"].slug])
    ),
    ("api:reciprocity-detail", "GET"): public(path("api:reciprocity-detail", OWN_CODE)),
    # ------------------------------------------------------------------ API: monitor
    ("api:instrument-list", "GET"): public("api:instrument-list"),
    ("api:instrument-detail", "GET"): public(path("api:instrument-detail", "gib")),
    ("api:wave-list", "GET"): public("api:wave-list"),
    ("api:wave-list", "POST"): Op(
        FACILITATORS,
        **api("api:wave-list"),
        variants=NONE,
        data={
            "slug": "matrix-api-golf",
            "instrument": "gib",
            "title": "Matrix API",
            "period": "2030",
            "reference_date": "2025-01-01",
            "size_scheme": "gib2009",
            "opens_on": "2030-01-01",
            "closes_on": "2030-02-01",
        },
    ),
    ("api:wave-detail", "GET"): public(
        lambda w, v: reverse("api:wave-detail", args=[w["wave_open"].slug])
    ),
    **{
        ("api:wave-detail", method): Op(
            FACILITATORS,
            url=open_wave("api:wave-detail"),
            variants=NONE,
            target=lambda w, v: w["wave_open"],
            data={"title": "Matrix gewijzigd"},
            fmt="json",
        )
        for method in ("PUT", "PATCH")
    },
    ("api:wave-invitations", "GET"): Op(
        FACILITATORS, url=open_wave("api:wave-invitations"), variants=NONE, fmt="json"
    ),
    ("api:wave-report", "GET"): Op(
        AFTER_CLOSING,
        url=wave_url("api:wave-report", OPEN_CLOSED),
        variants=("open", "closed"),
        fmt="json",
    ),
    # Asking for the report PDF: with a token, whoever may read the report (202, a job).
    ("api:wave-report-pdf", "POST"): Op(
        "DD DA DA DA AA DD",
        url=wave_url("api:wave-report-pdf", OPEN_CLOSED),
        variants=("open", "closed"),
        fmt="json",
    ),
    ("api:file-job-detail", "GET"): Op(
        FACILITATORS,
        lambda w, v: reverse("api:file-job-detail", args=[w["file_done"].pk]),
        NONE,
        fmt="json",
    ),
    ("api:file-job-content", "GET"): Op(
        FACILITATORS,
        lambda w, v: reverse("api:file-job-content", args=[w["file_done"].pk]),
        NONE,
        fmt="json",
    ),
    ("api:wave-answers", "GET"): code_holder_op("api:wave-answers", fmt="json"),
    ("api:wave-answers", "PATCH"): code_holder_op(
        "api:wave-answers", fmt="json", data={"answers": {"invuller_functie": "Matrix"}}
    ),
    ("api:wave-submit", "POST"): code_holder_op("api:wave-submit", fmt="json", data={}),
    # ------------------------------------------------------------------ API: matching
    ("api:question-list", "GET"): public("api:question-list"),
    ("api:question-list", "POST"): Op(
        CONTENT_CREATE,
        **api("api:question-list"),
        variants=NONE,
        data={"title": "Matrixvraag API", "text": "Hoe organiseren andere gemeenten inburgering?"},
    ),
    ("api:question-detail", "GET"): public(
        lambda w, v: reverse("api:question-detail", args=[w["question_own"].pk])
    ),
    **{
        ("api:question-detail", method): Op(
            OWNER_EDITS,
            **api("api:question-detail", "question_{}", attr="pk"),
            data={"title": "Matrix gewijzigd"},
        )
        for method in ("PUT", "PATCH")
    },
    ("api:question-matches", "GET"): public(
        lambda w, v: reverse("api:question-matches", args=[w["question_own"].pk])
    ),
    ("api:offer-list", "GET"): public("api:offer-list"),
    ("api:offer-list", "POST"): Op(
        CONTENT_CREATE,
        **api("api:offer-list"),
        variants=NONE,
        data={"title": "Matrixaanbod API", "text": "Wij delen onze aanpak van schuldhulp."},
    ),
    ("api:offer-detail", "GET"): public(
        lambda w, v: reverse("api:offer-detail", args=[w["offer_own"].pk])
    ),
    **{
        ("api:offer-detail", method): Op(
            OWNER_EDITS,
            **api("api:offer-detail", "offer_{}", attr="pk"),
            data={"title": "Matrix gewijzigd"},
        )
        for method in ("PUT", "PATCH")
    },
    ("api:introduction-list", "GET"): Op(LOGGED_IN, **api("api:introduction-list"), variants=NONE),
    # C14: a reader may not ask for introductions through the API either.
    ("api:introduction-list", "POST"): Op(
        CONTENT_CREATE,
        **api("api:introduction-list"),
        variants=NONE,
        data={
            "candidate": f"municipality:{THIRD_CODE}",
            "message": "Graag een gesprek over de aanpak van de matrix.",
        },
    ),
    ("api:introduction-detail", "GET"): Op(
        SIDES_ONLY, **api("api:introduction-detail", "introduction_{}", attr="pk")
    ),
    ("api:introduction-answer", "POST"): Op(
        OTHER_SIDE_CONFIRMS,
        **api("api:introduction-answer", "introduction_{}", attr="pk"),
        data={"accept": False},
    ),
    # Only the asking side withdraws (rules.edit_introduction, as the site's button);
    # the side asked is refused, third parties and facilitators do not even see it.
    ("api:introduction-withdraw", "POST"): Op(
        ASKING_SIDE_WITHDRAWS,
        **api("api:introduction-withdraw", ASKED_BY, attr="pk"),
        prepare=asked_by_own_prepare,
    ),
    # ------------------------------------------------------------------ register pages
    ("register:municipality-list", "GET"): public("register:municipality-list"),
    ("register:municipality-detail", "GET"): public(path("register:municipality-detail", OWN_CODE)),
    ("register:organisation-list", "GET"): public("register:organisation-list"),
    ("register:organisation-detail", "GET"): public(
        lambda w, v: reverse("register:organisation-detail", args=[w["network"].slug])
    ),
    **{
        ("register:organisation-edit", method): Op(
            OWNER_EDITS,
            **of("register:organisation-edit", {"own": "org_own", "other": "org_other"}),
            data={"website": "https://example.org/matrix"},
        )
        for method in ("GET", "POST")
    },
    ("register:place-search", "GET"): public("register:place-search"),
    ("register:party-suggest", "GET"): public("register:party-suggest"),
    ("register:place-detail", "GET"): public(
        lambda w, v: reverse("register:place-detail", args=[w["place"].pk])
    ),
    ("register:country-list", "GET"): public("register:country-list"),
    ("register:country-detail", "GET"): public(path("register:country-detail", "DE")),
    ("register:grouping-list", "GET"): public("register:grouping-list"),
    **{
        ("register:contact-list", method): Op(
            CONTENT_CREATE,
            path("register:contact-list"),
            NONE,
            data={"name": "Matrix Nieuw", "email": "matrix-nieuw@test.example"},
        )
        for method in ("GET", "POST")
    },
    ("register:contact-request-consent", "POST"): Op(
        OWNER_EDITS, **of("register:contact-request-consent", "person_{}", attr="pk")
    ),
    ("register:contact-export", "GET"): Op(
        OWNER_EDITS, **of("register:contact-export", "person_{}", attr="pk")
    ),
    ("register:contact-erase", "POST"): Op(
        OWNER_EDITS, **of("register:contact-erase", "person_{}", attr="pk")
    ),
    # The signed link is the key: the person's own page, no login.
    ("register:consent", "GET"): public(consent_url),
    ("register:consent", "POST"): public(consent_url, data={"answer": "yes"}),
    # ------------------------------------------------------------------ knowledge pages
    ("knowledge:practice-list", "GET"): public("knowledge:practice-list"),
    **{
        ("knowledge:practice-create", method): Op(
            CONTENT_CREATE, path("knowledge:practice-create"), NONE, data={"title": "Matrix"}
        )
        for method in ("GET", "POST")
    },
    ("knowledge:my-practices", "GET"): Op(LOGGED_IN, path("knowledge:my-practices"), NONE),
    **{
        ("knowledge:practice-import", method): Op(
            CONTENT_CREATE, path("knowledge:practice-import"), NONE, data={}
        )
        for method in ("GET", "POST")
    },
    ("knowledge:practice-export", "GET"): public(path("knowledge:practice-export", "csv")),
    ("knowledge:practice-detail", "GET"): Op(ORG_READS, **of("knowledge:practice-detail", DRAFTS)),
    **{
        ("knowledge:practice-edit", method): Op(
            OWNER_EDITS, **of("knowledge:practice-edit", DRAFTS), data={"title": "Matrix"}
        )
        for method in ("GET", "POST")
    },
    # C25: a draft's files are as private as the draft; served by a view that checks.
    ("knowledge:attachment-download", "GET"): Op(
        ORG_READS,
        url=lambda w, v: reverse(
            "knowledge:attachment-download",
            args=[w[f"draft_{v}"].slug, w[f"attachment_{v}"].pk],
        ),
    ),
    ("knowledge:practice-status", "POST"): Op(
        OWNER_EDITS, **of("knowledge:practice-status", DRAFTS), data={"status": "published"}
    ),
    **{
        ("knowledge:attachment-upload", method): Op(
            OWNER_EDITS, **of("knowledge:attachment-upload", DRAFTS), data={}
        )
        for method in ("GET", "POST")
    },
    **{
        ("knowledge:adoption-create", method): Op(
            ADOPT, **of("knowledge:adoption-create", PUBLISHED), data={"outcome": "overgenomen"}
        )
        for method in ("GET", "POST")
    },
    ("knowledge:adoption-reply", "POST"): Op(
        OWNER_EDITS,
        url=lambda w, v: reverse(
            "knowledge:adoption-reply",
            args=[w[f"adoption_{v}"].practice.slug, w[f"adoption_{v}"].pk],
        ),
        target=lambda w, v: w[f"adoption_{v}"],
        data={"reply": "Dank voor het laten weten."},
    ),
    # ------------------------------------------------------------------ partnership pages
    ("partnerships:partnership-list", "GET"): public("partnerships:partnership-list"),
    **{
        ("partnerships:partnership-create", method): Op(
            CONTENT_CREATE, path("partnerships:partnership-create"), NONE, data={"name": "M"}
        )
        for method in ("GET", "POST")
    },
    ("partnerships:balances", "GET"): public("partnerships:balances"),
    ("partnerships:partnership-detail", "GET"): public(
        lambda w, v: reverse("partnerships:partnership-detail", args=[w["partnership_own"].slug])
    ),
    **{
        ("partnerships:partnership-edit", method): Op(
            PARTNERS_EDIT,
            **of("partnerships:partnership-edit", "partnership_{}"),
            variants=WITH_PROPOSED,
            data={"name": "M"},
        )
        for method in ("GET", "POST")
    },
    ("partnerships:partnership-participation", "POST"): Op(
        OTHER_SIDE_CONFIRMS,
        **of("partnerships:partnership-participation", PROPOSED),
        data={"answer": "confirm"},
    ),
    ("partnerships:council-note", "GET"): public(
        lambda w, v: reverse("partnerships:council-note", args=[w["partnership_own"].slug])
    ),
    ("partnerships:learning-assessment", "GET"): public(
        lambda w, v: reverse("partnerships:learning-assessment", args=[w["partnership_own"].slug])
    ),
    ("partnerships:learning-assessment", "POST"): Op(
        SCORE_OWN_SIDE.replace("D", "R"),
        learning_url("partnerships:learning-assessment"),
        variants=("own", "other-side", "other"),
        target=lambda w, v: w[LEARNING_SIDES[v]],
        data=learning_form_data,
    ),
    ("partnerships:activity-create", "GET"): Op(
        CONTENT_CREATE, path("partnerships:activity-create"), NONE
    ),
    # C15 on the site: the form does not offer a partnership one is not part of (400).
    ("partnerships:activity-create", "POST"): Op(
        "DD DD AR AR AA DD",
        path("partnerships:activity-create"),
        target=lambda w, v: w["partnership_other"],
        data=activity_form_data,
    ),
    ("partnerships:activity-detail", "GET"): public(
        lambda w, v: reverse("partnerships:activity-detail", args=[w["activity_own"].slug])
    ),
    ("partnerships:activity-detail", "POST"): Op(
        OTHER_SIDE_CONFIRMS,
        **of(
            "partnerships:activity-detail",
            {"own": "activity_confirmable", "other": "activity_other"},
        ),
        data={"agree": "yes"},
    ),
    **{
        ("partnerships:activity-edit", method): Op(
            OWNER_EDITS, **of("partnerships:activity-edit", "activity_{}"), data={"title": "M"}
        )
        for method in ("GET", "POST")
    },
    ("partnerships:activity-council-note", "GET"): public(
        lambda w, v: reverse("partnerships:activity-council-note", args=[w["activity_own"].slug])
    ),
    # Asking for the note's PDF: as open as the note; a job for the one who asks (files/).
    ("partnerships:activity-council-note-pdf", "POST"): public(
        lambda w, v: reverse(
            "partnerships:activity-council-note-pdf", args=[w["activity_own"].slug]
        )
    ),
    ("partnerships:council-note-pdf", "POST"): public(
        lambda w, v: reverse("partnerships:council-note-pdf", args=[w["partnership_own"].slug])
    ),
    **{
        ("partnerships:membership-create", method): Op(
            CONTENT_CREATE,
            path("partnerships:membership-create"),
            NONE,
            data=lambda w, v, role: {"network": w["network2"].pk, "role": "member"},
        )
        for method in ("GET", "POST")
    },
    **{
        ("partnerships:membership-edit", method): Op(
            OWNER_EDITS,
            **of("partnerships:membership-edit", "membership_{}", attr="pk"),
            data={"delete": "1"},  # the strongest write: a denied delete must leave it there
        )
        for method in ("GET", "POST")
    },
    ("partnerships:network-balance", "GET"): public(
        lambda w, v: reverse("partnerships:network-balance", args=[w["network"].slug])
    ),
    ("partnerships:landscape", "GET"): public("partnerships:landscape"),
    # ------------------------------------------------------------------ monitor: running waves
    ("monitor:wave-list", "GET"): public("monitor:wave-list"),
    **{
        ("monitor:wave-create", method): Op(
            FACILITATORS, path("monitor:wave-create"), NONE, data={"title": "Matrix"}
        )
        for method in ("GET", "POST")
    },
    ("monitor:wave-detail", "GET"): public(open_wave("monitor:wave-detail")),
    **{
        ("monitor:wave-edit", method): Op(
            FACILITATORS,
            open_wave("monitor:wave-edit"),
            NONE,
            target=lambda w, v: w["wave_open"],
            data={"title": "Matrix gewijzigd"},
        )
        for method in ("GET", "POST")
    },
    ("monitor:wave-status", "POST"): Op(
        FACILITATORS,
        open_wave("monitor:wave-status"),
        NONE,
        target=lambda w, v: w["wave_open"],
        data={"action": "close"},
    ),
    **{
        ("monitor:wave-import", method): Op(
            FACILITATORS, open_wave("monitor:wave-import"), NONE, data={}
        )
        for method in ("GET", "POST")
    },
    ("monitor:wave-export", "GET"): Op(
        FACILITATORS, open_wave("monitor:wave-export", ["csv"]), NONE
    ),
    ("monitor:wave-preview", "GET"): Op(FACILITATORS, open_wave("monitor:wave-preview"), NONE),
    **{
        ("monitor:wave-preview-block", method): Op(
            FACILITATORS, open_wave("monitor:wave-preview-block", ["invuller"]), NONE, data={}
        )
        for method in ("GET", "POST")
    },
    # ------------------------------------------------------------ monitor: codes per municipality
    ("monitor:wave-tokens", "GET"): Op(FACILITATORS, open_wave("monitor:wave-tokens"), NONE),
    ("monitor:wave-tokens-export", "GET"): Op(
        FACILITATORS, open_wave("monitor:wave-tokens-export", ["xlsx"]), NONE
    ),
    **{
        ("monitor:wave-token", method): Op(
            FACILITATORS,
            open_wave("monitor:wave-token", [OWN_CODE]),
            NONE,
            target=lambda w, v: w["wave_open"].invitations.get(cbs_code=OWN_CODE),
            data={"email": "matrix@enschede.test"},
        )
        for method in ("GET", "POST")
    },
    ("monitor:wave-token-action", "POST"): Op(
        FACILITATORS,
        open_wave("monitor:wave-token-action"),
        NONE,
        target=lambda w, v: w["wave_open"].invitations.get(cbs_code=OWN_CODE),
        data=token_action_data,
    ),
    **{
        ("monitor:wave-bulk", method): Op(
            FACILITATORS,
            open_wave("monitor:wave-bulk", ["close"]),
            NONE,
            target=lambda w, v: w["wave_open"],
            data=bulk_close_data,
        )
        for method in ("GET", "POST")
    },
    # ------------------------------------------------------------------ monitor: the code holder
    ("monitor:answer-start", "GET"): public(open_wave("monitor:answer-start")),
    ("monitor:answer-start", "POST"): public(open_wave("monitor:answer-start"), {"code": "X"}),
    # The personal link: opening it is typing its code (the letter's, here: a valid one).
    ("monitor:answer-link", "GET"): public(
        lambda w, v: reverse(
            "monitor:answer-link", args=[w["wave_open"].slug, w.codes["wave_open"]]
        )
    ),
    ("monitor:answer-link", "POST"): public(
        lambda w, v: reverse("monitor:answer-link", args=[w["wave_open"].slug, "X"]), {"code": "X"}
    ),
    **{
        ("monitor:answer-block", method): code_holder_op(
            "monitor:answer-block", "invuller", data={"invuller_functie": "Matrix"}
        )
        for method in ("GET", "POST")
    },
    ("monitor:answer-autosave", "POST"): code_holder_op(
        "monitor:answer-autosave", data={"invuller_functie": "Matrix"}
    ),
    **{
        ("monitor:answer-review", method): code_holder_op("monitor:answer-review", data={})
        for method in ("GET", "POST")
    },
    **{
        ("monitor:answer-forward", method): code_holder_op(
            "monitor:answer-forward", data={"email": "collega@test.example"}
        )
        for method in ("GET", "POST")
    },
    ("monitor:answer-done", "GET"): code_holder_op("monitor:answer-done", prepare=submit_prepare),
    # C11: leaving is a POST; a GET only shows the button (tests/monitor/test_trust.py
    # ::test_logout_needs_a_post checks that it does not end the session).
    ("monitor:answer-leave", "GET"): public(open_wave("monitor:answer-leave")),
    ("monitor:answer-leave", "POST"): public(open_wave("monitor:answer-leave"), data={}),
    # ------------------------------------------------------------------ monitor: results
    ("monitor:wave-report", "GET"): Op(
        AFTER_CLOSING, wave_url("monitor:wave-report", OPEN_CLOSED), ("open", "closed")
    ),
    ("monitor:wave-chart", "GET"): Op(
        AFTER_CLOSING,
        lambda w, v: reverse("monitor:wave-chart", args=[w[OPEN_CLOSED[v]].slug, w["chart_id"]]),
        ("open", "closed"),
    ),
    ("monitor:where-we-stand", "GET"): Op(
        OWN_RESULTS, wave_url("monitor:where-we-stand", CLOSED_WAVES)
    ),
    ("monitor:where-we-stand-pdf", "POST"): Op(
        OWN_RESULTS, wave_url("monitor:where-we-stand-pdf", CLOSED_WAVES)
    ),
    ("monitor:wave-report-pdf", "POST"): Op(
        AFTER_CLOSING, wave_url("monitor:wave-report-pdf", OPEN_CLOSED), ("open", "closed")
    ),
    # ------------------------------------------------------------------ files made later
    # The world's jobs are a wave's letters: facilitators' files (files/, monitor/pdfs.py).
    ("files:job", "GET"): Op(
        FACILITATORS, lambda w, v: reverse("files:job", args=[w["file_done"].pk]), NONE
    ),
    ("files:download", "GET"): Op(
        FACILITATORS, lambda w, v: reverse("files:download", args=[w["file_done"].pk]), NONE
    ),
    ("files:retry", "POST"): Op(
        FACILITATORS,
        lambda w, v: reverse("files:retry", args=[w["file_failed"].pk]),
        NONE,
        target=lambda w, v: w["file_failed"],
    ),
    # ------------------------------------------------------------------ matching pages
    ("matching:ask", "GET"): public("matching:ask"),
    # From a suggestion: save the typed question as the own organisation's, open the request.
    ("matching:ask-introduce", "POST"): Op(
        CONTENT_CREATE,
        path("matching:ask-introduce"),
        NONE,
        data={
            "text": "Samenwerking met een Duitse stad, matrix.",
            "key": f"municipality:{THIRD_CODE}",
        },
    ),
    ("matching:question-list", "GET"): public("matching:question-list"),
    **{
        ("matching:question-create", method): Op(
            CONTENT_CREATE, path("matching:question-create"), NONE, data={"title": "M"}
        )
        for method in ("GET", "POST")
    },
    ("matching:question-detail", "GET"): public(
        lambda w, v: reverse("matching:question-detail", args=[w["question_own"].pk])
    ),
    **{
        ("matching:question-edit", method): Op(
            OWNER_EDITS, **of("matching:question-edit", "question_{}", attr="pk"), data={}
        )
        for method in ("GET", "POST")
    },
    **{
        ("matching:offer-create", method): Op(
            CONTENT_CREATE, path("matching:offer-create"), NONE, data={"title": "M"}
        )
        for method in ("GET", "POST")
    },
    ("matching:offer-detail", "GET"): public(
        lambda w, v: reverse("matching:offer-detail", args=[w["offer_own"].pk])
    ),
    **{
        ("matching:offer-edit", method): Op(
            OWNER_EDITS, **of("matching:offer-edit", "offer_{}", attr="pk"), data={}
        )
        for method in ("GET", "POST")
    },
    ("matching:introduction-list", "GET"): Op(LOGGED_IN, path("matching:introduction-list"), NONE),
    **{
        ("matching:introduction-create", method): Op(
            CONTENT_CREATE,
            lambda w, v: (
                reverse("matching:introduction-create") + f"?key=municipality:{THIRD_CODE}"
            ),
            NONE,
            data={"key": f"municipality:{THIRD_CODE}", "message": "Graag een gesprek, matrix."},
        )
        for method in ("GET", "POST")
    },
    ("matching:introduction-detail", "GET"): Op(
        SIDES_ONLY, **of("matching:introduction-detail", "introduction_{}", attr="pk")
    ),
    ("matching:introduction-detail", "POST"): Op(
        OTHER_SIDE_CONFIRMS,
        **of("matching:introduction-detail", "introduction_{}", attr="pk"),
        data={"accept": "no", "response": "Nu niet."},
    ),
    ("matching:international", "GET"): public("matching:international"),
}
