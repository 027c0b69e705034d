"""One sentence per contributing signal, in the user's language (Dutch by default).

The engine (:mod:`kennisschakel.engines.matching`) says *which* signals contributed and with
what (a :class:`~kennisschakel.engines.matching.Reason`: a code and its params); this module
words them. It never adds a sentence for a signal that did not contribute, because it
only words the reasons it is given.
"""

from functools import cache

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kennisschakel.core.i18n import current_language


@cache
def _names(kind: str, language: str) -> dict[str, str]:
    """Reference names (countries, regions, domains, size classes, provinces, municipalities)
    by code, loaded once per process and language: explanations need many, queries none."""
    from kennisschakel.register import models as m

    english = language == "en"
    if kind == "country":
        rows = m.Country.objects.values_list("iso2", "name_nl", "name_en")
    elif kind == "region":
        rows = m.WorldRegion.objects.values_list("slug", "name_nl", "name_en")
    elif kind == "domain":
        rows = m.PolicyDomain.objects.values_list("slug", "name_nl", "name_en")
    elif kind == "size":
        rows = m.SizeClass.objects.values_list("slug", "label_nl", "label_en")
    elif kind == "province":
        rows = ((c, n, n) for c, n in m.Province.objects.values_list("code", "name"))
    else:
        rows = ((c, n, n) for c, n in m.Municipality.objects.values_list("cbs_code", "name"))
    return {code: (en if english and en else nl) for code, nl, en in rows}


def _list(kind: str, codes) -> str:
    names = _names(kind, current_language())
    return ", ".join(names.get(code, str(code)) for code in codes or [])


def _countries(codes) -> str:
    return _list("country", codes)


def _regions(slugs) -> str:
    return _list("region", slugs)


def _domains(slugs) -> str:
    return _list("domain", slugs)


def _size_class(slug) -> str:
    return _list("size", [slug])


def _province(code) -> str:
    return _list("province", [code])


def _names_of(codes) -> str:
    return _list("municipality", codes)


def sentence(reason) -> str:  # noqa: C901  (one branch per signal, on purpose)
    code, p = reason.code, reason.params or {}
    if code == "topic":
        terms = ", ".join(p.get("terms") or [])
        return (
            _("matches your question on: %(terms)s") % {"terms": terms}
            if terms
            else _("matches the words of your question")
        )
    if code == "domain":
        return _("works in %(domains)s") % {"domains": _domains(p.get("domains"))}
    if code == "same_size":
        return _("of the same size as your municipality (%(size)s inhabitants)") % {
            "size": _size_class(p.get("size_class"))
        }
    if code == "same_urbanity":
        return _("equally urban as your municipality")
    if code == "same_province":
        return _("in your province (%(province)s)") % {"province": _province(p.get("province"))}
    if code == "nearby":
        return _("close by")
    if code == "border":
        return _("also a border municipality (%(countries)s)") % {
            "countries": _countries(p.get("countries"))
        }
    if code == "evaluated":
        return _("has been evaluated")
    if code == "maturity":
        from kennisschakel.knowledge.models import Maturity

        label = dict(Maturity.choices).get(p.get("maturity"), p.get("maturity"))
        return _("stage: %(maturity)s") % {"maturity": label}
    if code == "adoptions":
        count = int(p.get("count") or 0)
        return ngettext(
            "taken over by %(count)s other municipality",
            "taken over by %(count)s other municipalities",
            count,
        ) % {"count": count}
    if code == "experience_years":
        return _("experience since %(since)s (%(years)s years)") % {
            "since": p.get("since"),
            "years": p.get("years"),
        }
    if code == "partnership_in_country":
        if p.get("countries"):
            return _("has a partnership in %(where)s") % {"where": _countries(p["countries"])}
        return _("has a partnership in %(where)s") % {"where": _regions(p.get("regions"))}
    if code == "located_in_country":
        if p.get("countries"):
            return _("lies in %(where)s") % {"where": _countries(p["countries"])}
        return _("lies in %(where)s") % {"where": _regions(p.get("regions"))}
    if code == "place_linked":
        names = _names_of(p.get("municipalities") or [])
        return _("already works with %(names)s") % {"names": names}
    if code == "works_internationally":
        return _("works internationally")
    if code == "seeks_your_offer":
        return _("seeks knowledge on %(domains)s, which you can offer (voor wat hoort wat)") % {
            "domains": _domains(p.get("domains"))
        }
    if code == "network_members":
        count = int(p.get("similar") or 0)
        return ngettext(
            "%(count)s member municipality is like yours",
            "%(count)s member municipalities are like yours",
            count,
        ) % {"count": count}
    if code == "outside_region":
        return _("outside your usual circle")
    if code == "named":
        return _("you name %(name)s in your question") % {"name": p.get("name")}
    if code == "linked_to_named":
        return _("linked to %(names)s, which you name") % {"names": ", ".join(p.get("names") or [])}
    if code == "practice_evidence":
        return _("known from the practice “%(practice)s”, which matches your question") % {
            "practice": p.get("practice")
        }
    if code == "type_asked":
        return _type_asked(p.get("type"))
    return code


def sentence_html(reason) -> str:
    """The sentence for a page: escaped, and a practice's title (content written in Dutch)
    marked ``lang="nl"`` in English mode (core/templatetags/dutch_content.py)."""
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    from kennisschakel.core.templatetags.dutch_content import dutch_filter

    if reason.code != "practice_evidence":
        return conditional_escape(sentence(reason))
    wording = _("known from the practice “%(practice)s”, which matches your question")
    title = dutch_filter((reason.params or {}).get("practice") or "")
    return mark_safe(conditional_escape(wording) % {"practice": title})  # noqa: S308  (escaped)


def _type_asked(kind) -> str:
    if kind == "municipality":
        return _("a municipality, as you ask")
    if kind == "network":
        return _("a network, as you ask")
    if kind == "institution":
        return _("a knowledge institution, as you ask")
    if kind == "place":
        return _("a place abroad, as you ask")
    return _("an example from practice, as you ask")


def note(reason, name: str) -> str:
    """A remark that is no reason for the suggestion (``Match.notes``)."""
    if reason.code == "already_partner":
        if (reason.params or {}).get("via") == "network":
            return _("you are already a member of %(name)s") % {"name": name}
        return _("you already work with %(name)s") % {"name": name}
    return reason.code
