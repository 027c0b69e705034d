"""Small inline instruments for the survey engine tests (not the YAML data files)."""

import copy


def opts(*codes, **extra):
    """Options with Dutch/English labels derived from the codes."""
    return [
        {"code": code, "label_nl": code.title(), "label_en": code.upper(), **extra}
        for code in codes
    ]


def q(code, type_="single", **fields):
    question = {
        "code": code,
        "type": type_,
        "text_nl": f"Vraag {code}",
        "text_en": f"Question {code}",
    }
    question["source"] = "test"
    if type_ in ("single", "multiple", "top2") and "options" not in fields:
        question["options"] = opts("ja", "nee")
    if type_ == "top2":
        question.setdefault("max_choices", 2)
    if type_ == "scale" and "scale" not in fields:
        question["scale"] = {"min": 1, "max": 5}
    if type_ == "text":
        question["max_length"] = 20
    question.update(fields)
    return question


def block(code, *questions, **fields):
    return {
        "code": code,
        "title_nl": f"Blok {code}",
        "title_en": f"Block {code}",
        "questions": list(questions),
        **fields,
    }


def instrument(*blocks, constructs=None, slug="test"):
    data = {
        "slug": slug,
        "title_nl": "Testmonitor",
        "title_en": "Test monitor",
        "source": "tests",
        "size_scheme": "gib2009",
        "blocks": list(blocks),
    }
    if constructs is not None:
        data["constructs"] = constructs
    return copy.deepcopy(data)


def gib():
    """The instrument most tests share.

    beleid: heeft_beleid (single, required) -> thema (multiple, exclusive 'geen') and
    prioriteit (top2) only when heeft_beleid == ja; fte (number 0..1000, 1 decimal);
    budget (band); tevreden (scale 1..5); toelichting (text, max 20).
    visie (block shown only when heeft_beleid == ja): v1, v2, v3 scale 1..5.
    Construct visie_score = mean of v1..v3, at least 2 items.
    """
    return instrument(
        block(
            "beleid",
            q(
                "heeft_beleid",
                options=opts("ja", "nee", "weet_niet"),
                required=True,
                published=["vng2009.table_3_1"],
            ),
            q(
                "thema",
                "multiple",
                options=opts("klimaat", "economie", "cultuur") + opts("geen", exclusive=True),
                when={"question": "heeft_beleid", "equals": "ja"},
            ),
            q(
                "prioriteit",
                "top2",
                options=opts("a", "b", "c", "d"),
                when={"question": "heeft_beleid", "equals": "ja"},
            ),
            q("fte", "number", min=0, max=1000, decimals=1, unit_nl="fte", unit_en="FTE"),
            q(
                "budget",
                "band",
                options=[
                    {
                        "code": "laag",
                        "label_nl": "Laag",
                        "label_en": "Low",
                        "lower": 0,
                        "upper": 10000,
                    },
                    {
                        "code": "midden",
                        "label_nl": "Midden",
                        "label_en": "Middle",
                        "lower": 10000,
                        "upper": 50000,
                    },
                    {
                        "code": "hoog",
                        "label_nl": "Hoog",
                        "label_en": "High",
                        "lower": 50000,
                        "upper": None,
                    },
                ],
            ),
            q(
                "tevreden",
                "scale",
                scale={"min": 1, "max": 5, "labels": {1: {"nl": "slecht", "en": "poor"}}},
            ),
            q("toelichting", "text"),
        ),
        block(
            "visie",
            q("v1", "scale"),
            q("v2", "scale"),
            q("v3", "scale"),
            when={"question": "heeft_beleid", "equals": "ja"},
        ),
        constructs=[
            {
                "code": "visie_score",
                "label_nl": "Visie",
                "label_en": "Vision",
                "items": ["v1", "v2", "v3"],
                "min_items": 2,
                "source": "003 Tabel 1",
                "published": ["rathenau2021.table_1"],
            },
        ],
        slug="gib",
    )
