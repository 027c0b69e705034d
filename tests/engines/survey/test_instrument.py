"""Instrument loading (schema and whole-instrument checks) and routing."""

import pytest

from kennisschakel.engines.survey import InstrumentError, load_instrument
from kennisschakel.engines.survey.instrument import SCHEMA_PATH
from tests.engines.survey.builders import block, gib, instrument, opts, q


def error_of(data) -> str:
    with pytest.raises(InstrumentError) as info:
        load_instrument(data)
    return str(info.value)


# --------------------------------------------------------------------------- loading


def test_loads_the_shared_instrument_into_the_model():
    inst = load_instrument(gib())
    assert inst.slug == "gib"
    assert [b.code for b in inst.blocks] == ["beleid", "visie"]
    assert [question.code for question in inst.questions] == [
        "heeft_beleid", "thema", "prioriteit", "fte", "budget", "tevreden", "toelichting",
        "v1", "v2", "v3",
    ]  # fmt: skip
    assert [question.index for question in inst.questions] == list(range(10))
    thema = inst.question("thema")
    assert thema.block == "beleid"
    assert thema.option("geen").exclusive is True
    assert thema.option("klimaat").exclusive is False
    assert inst.question("prioriteit").max_choices == 2
    budget = inst.question("budget")
    assert (budget.option("hoog").lower, budget.option("hoog").upper) == (50000, None)
    tevreden = inst.question("tevreden")
    assert (tevreden.scale_min, tevreden.scale_max) == (1, 5)
    assert tevreden.scale_labels == {1: {"nl": "slecht", "en": "poor"}}  # int key, as in YAML
    fte = inst.question("fte")
    assert (fte.min, fte.max, fte.decimals, fte.unit_en) == (0, 1000, 1, "FTE")
    assert inst.question("heeft_beleid").required is True
    assert inst.question("heeft_beleid").published == ("vng2009.table_3_1",)
    assert inst.constructs[0].items == ("v1", "v2", "v3")
    assert inst.construct("visie_score").min_items == 2
    assert inst.question("thema").csv_columns == (
        "thema__klimaat", "thema__economie", "thema__cultuur", "thema__geen",
    )  # fmt: skip
    with pytest.raises(KeyError):
        inst.question("nope")


YAML = """\
slug: mini
title_nl: Mini
title_en: Mini
source: test
size_scheme: gib2009
blocks:
  - code: b
    title_nl: B
    title_en: B
    questions:
      - code: tevreden
        type: scale
        text_nl: Tevreden?
        text_en: Satisfied?
        source: test
        scale:
          min: 1
          max: 3
          labels: {1: {nl: laag, en: low}, 3: {nl: hoog, en: high}}
"""


def test_loads_yaml_text_and_files(tmp_path):
    from_text = load_instrument(YAML)
    assert from_text.question("tevreden").scale_labels[3] == {"nl": "hoog", "en": "high"}
    path = tmp_path / "mini.yaml"
    path.write_text(YAML, encoding="utf-8")
    assert load_instrument(path).slug == "mini"
    assert load_instrument(str(path)).question("tevreden").scale_max == 3


def test_invalid_yaml_is_an_instrument_error():
    assert "not valid YAML" in error_of("slug: [unclosed\nblocks: x\n")


def test_yaml_boolean_option_code_is_refused_with_its_path():
    # YAML 1.1 reads an unquoted `no` as False: the schema catches it.
    text = YAML.replace("scale\n", "single\n", 1).replace(
        "        scale:\n          min: 1\n          max: 3\n"
        "          labels: {1: {nl: laag, en: low}, 3: {nl: hoog, en: high}}\n",
        "        options:\n          - {code: no, label_nl: Nee, label_en: 'No'}\n",
    )
    assert error_of(text).startswith("blocks[0].questions[0].options[0].code: False is not of type")


def test_schema_is_valid_draft_2020_12():
    import json

    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


# --------------------------------------------------------------------------- schema errors


def set_in(data, path, value):
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


def drop(data, path):
    target = data
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return data


B0Q = ["blocks", 0, "questions"]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: drop(d, ["slug"]), "(top level): 'slug' is a required property"),
        (lambda d: set_in(d, ["slug"], "Gib 2009"), "slug: 'Gib 2009' does not match"),
        (lambda d: set_in(d, ["colour"], 1), "(top level): Additional properties are not allowed"),
        (lambda d: set_in(d, ["blocks"], []), "blocks: [] should be non-empty"),
        (lambda d: set_in(d, ["blocks", 1, "code"], "Visie"), "blocks[1].code: 'Visie' does not"),
        (lambda d: drop(d, [*B0Q, 3, "source"]), "blocks[0].questions[3]: 'source' is a required"),
        (lambda d: set_in(d, [*B0Q, 3, "type"], "slider"), "blocks[0].questions[3].type: 'slider'"),
        (
            lambda d: set_in(d, [*B0Q, 0, "required"], "yes"),
            "blocks[0].questions[0].required: 'yes' is not",
        ),
        # per type: required keys ...
        (
            lambda d: drop(d, [*B0Q, 2, "max_choices"]),
            "blocks[0].questions[2]: 'max_choices' is a required",
        ),
        (lambda d: drop(d, [*B0Q, 5, "scale"]), "blocks[0].questions[5]: 'scale' is a required"),
        (
            lambda d: drop(d, [*B0Q, 6, "max_length"]),
            "blocks[0].questions[6]: 'max_length' is a required",
        ),
        (
            lambda d: drop(d, [*B0Q, 0, "options"]),
            "blocks[0].questions[0]: 'options' is a required",
        ),
        (
            lambda d: drop(d, [*B0Q, 4, "options", 1, "upper"]),
            "blocks[0].questions[4].options[1]: 'upper' is a required property",
        ),
        # ... and keys that do not belong to the type
        (
            lambda d: set_in(d, [*B0Q, 3, "options"], opts("a")),
            "blocks[0].questions[3].options: not allowed here (only for questions of type single",
        ),
        (
            lambda d: set_in(d, [*B0Q, 0, "max_choices"], 1),
            "blocks[0].questions[0].max_choices: not allowed here (only for questions of type"
            " top2)",
        ),
        (
            lambda d: set_in(d, [*B0Q, 0, "decimals"], 1),
            "blocks[0].questions[0].decimals: not allowed here",
        ),
        (
            lambda d: set_in(d, [*B0Q, 5, "max_length"], 9),
            "blocks[0].questions[5].max_length: not allowed",
        ),
        (
            lambda d: set_in(d, [*B0Q, 0, "options", 0, "exclusive"], True),
            "blocks[0].questions[0].options[0].exclusive: not allowed here (only for options of"
            " questions of type multiple)",
        ),
        (
            lambda d: set_in(d, [*B0Q, 0, "options", 0, "lower"], 0),
            "blocks[0].questions[0].options[0].lower: not allowed here",
        ),
        (
            lambda d: set_in(d, [*B0Q, 2, "max_choices"], 0),
            "blocks[0].questions[2].max_choices: 0 is less",
        ),
        (
            lambda d: set_in(d, [*B0Q, 5, "scale", "labels"], {"low": {"nl": "a", "en": "b"}}),
            "blocks[0].questions[5].scale.labels: 'low' does not match",
        ),
        (
            lambda d: set_in(d, [*B0Q, 0, "published"], ["table 3.1"]),
            "blocks[0].questions[0].published[0]: 'table 3.1' does not match",
        ),
        # conditions, recursively
        (
            lambda d: set_in(d, [*B0Q, 3, "when"], {"question": "heeft_beleid"}),
            "blocks[0].questions[3].when: {'question': 'heeft_beleid'} does not have enough",
        ),
        (
            lambda d: set_in(
                d, [*B0Q, 3, "when"], {"question": "heeft_beleid", "equals": "ja", "in": ["ja"]}
            ),
            "blocks[0].questions[3].when: {",
        ),
        (
            lambda d: set_in(
                d,
                [*B0Q, 3, "when"],
                {"all": [{"question": "heeft_beleid", "equals": "ja"}, {"not": {"questio": "x"}}]},
            ),
            "blocks[0].questions[3].when.all[1].not: Additional properties are not allowed",
        ),
        (
            lambda d: set_in(d, [*B0Q, 3, "when"], {"any": []}),
            "blocks[0].questions[3].when.any: [] should be non-empty",
        ),
        (
            lambda d: set_in(d, [*B0Q, 3, "when"], {"equals": "ja"}),
            "blocks[0].questions[3].when.equals: not allowed here (an operator needs 'question')",
        ),
        (
            lambda d: set_in(d, [*B0Q, 3, "when"], {"question": "heeft_beleid", "answered": "y"}),
            "blocks[0].questions[3].when.answered: 'y' is not of type 'boolean'",
        ),
        (
            lambda d: set_in(d, ["constructs", 0, "items"], []),
            "constructs[0].items: [] should be non-empty",
        ),
        (
            lambda d: drop(d, ["constructs", 0, "min_items"]),
            "constructs[0]: 'min_items' is a required property",
        ),
    ],
)
def test_schema_errors_name_the_path(mutate, expected):
    # The path comes first, so the author can find the element.
    assert error_of(mutate(gib())).startswith(expected)


# --------------------------------------------------------------------------- semantic errors


def with_when(when, index=3):
    return set_in(gib(), [*B0Q, index, "when"], when)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            with_when({"question": "x", "answered": True}),
            "blocks[0].questions[3].when: unknown question 'x'",
        ),
        (
            with_when({"question": "tevreden", "gte": 2}),
            "blocks[0].questions[3].when: question 'tevreden' (blocks[0].questions[5]) does not"
            " come earlier",
        ),
        (
            with_when({"question": "fte", "gte": 2}),  # itself
            "blocks[0].questions[3].when: question 'fte' (blocks[0].questions[3]) does not come"
            " earlier",
        ),
        (
            with_when({"all": [{"any": [{"question": "heeft_beleid", "equals": "misschien"}]}]}),
            "blocks[0].questions[3].when.all[0].any[0].equals: unknown option 'misschien' of"
            " question 'heeft_beleid'",
        ),
        (
            with_when({"question": "heeft_beleid", "in": ["ja", "wellicht"]}),
            "blocks[0].questions[3].when.in[1]: unknown option 'wellicht'",
        ),
        (
            with_when({"question": "thema", "includes": "sport"}),
            "blocks[0].questions[3].when.includes: unknown option 'sport' of question 'thema'",
        ),
        (
            with_when({"question": "thema", "equals": "klimaat"}),
            "blocks[0].questions[3].when.equals: 'equals' does not apply to question 'thema' of"
            " type multiple",
        ),
        (
            with_when({"question": "heeft_beleid", "includes": "ja"}),
            "blocks[0].questions[3].when.includes: 'includes' does not apply to question"
            " 'heeft_beleid' of type single",
        ),
        (
            with_when({"question": "heeft_beleid", "gte": 1}),
            "blocks[0].questions[3].when.gte: 'gte' does not apply to question 'heeft_beleid' of"
            " type single",
        ),
        (
            with_when({"question": "fte", "equals": 3}, index=5),
            "blocks[0].questions[5].when.equals: 'equals' does not apply to question 'fte' of"
            " type number",
        ),
        (
            with_when({"question": "tevreden", "equals": 7}, index=6),
            "blocks[0].questions[6].when.equals: 7 is not a point of the scale 1..5",
        ),
        (
            with_when({"question": "tevreden", "equals": "4"}, index=6),
            "blocks[0].questions[6].when.equals: '4' is not a point of the scale",
        ),
        (
            with_when({"question": "heeft_beleid", "equals": 1}),
            "blocks[0].questions[3].when.equals: unknown option 1 of question 'heeft_beleid'",
        ),
        (
            # A block's condition may not use a question of the block itself.
            set_in(gib(), ["blocks", 1, "when"], {"question": "v1", "answered": True}),
            "blocks[1].when: question 'v1' (blocks[1].questions[0]) does not come earlier",
        ),
        (
            set_in(gib(), [*B0Q, 1, "code"], "heeft_beleid"),
            "blocks[0].questions[1].code: duplicate question code 'heeft_beleid' (also"
            " blocks[0].questions[0])",
        ),
        (
            set_in(gib(), ["blocks", 1, "questions", 0, "code"], "fte"),
            "blocks[1].questions[0].code: duplicate question code 'fte'",
        ),
        (
            set_in(gib(), ["blocks", 1, "code"], "beleid"),
            "blocks[1].code: duplicate block code 'beleid'",
        ),
        (
            set_in(gib(), [*B0Q, 0, "options"], opts("ja", "nee", "ja")),
            "blocks[0].questions[0].options[2].code: duplicate option code 'ja'",
        ),
        (
            set_in(gib(), [*B0Q, 6, "code"], "response"),
            "blocks[0].questions[6].code: 'response' is reserved",
        ),
        (
            # thema__geen is the CSV column of option geen of thema.
            set_in(gib(), [*B0Q, 6, "code"], "thema__geen"),
            "blocks[0].questions[6].code: CSV column 'thema__geen' clashes with"
            " blocks[0].questions[1]",
        ),
        (
            set_in(gib(), [*B0Q, 2, "max_choices"], 5),
            "blocks[0].questions[2].max_choices: max_choices 5 exceeds the 4 options",
        ),
        (
            set_in(gib(), [*B0Q, 4, "options", 1, "upper"], 9000),
            "blocks[0].questions[4].options[1]: lower 10000 is above upper 9000",
        ),
        (
            set_in(gib(), [*B0Q, 5, "scale"], {"min": 5, "max": 1}),
            "blocks[0].questions[5].scale: min 5 must be below max 1",
        ),
        (
            set_in(gib(), [*B0Q, 5, "scale", "labels"], {6: {"nl": "a", "en": "b"}}),
            "blocks[0].questions[5].scale.labels.6: label outside the scale 1..5",
        ),
        (
            set_in(gib(), [*B0Q, 3, "min"], 2000),
            "blocks[0].questions[3].min: min 2000 is above max 1000",
        ),
        (
            set_in(gib(), ["constructs", 0, "items"], ["v1", "fte"]),
            "constructs[0].items[1]: question 'fte' is of type number, not scale",
        ),
        (
            set_in(gib(), ["constructs", 0, "items"], ["v1", "vx"]),
            "constructs[0].items[1]: unknown question 'vx'",
        ),
        (
            set_in(gib(), ["blocks", 1, "questions", 2, "scale"], {"min": 1, "max": 7}),
            "constructs[0].items[2]: scale 1..7 of 'v3' differs from 1..5 of 'v1'",
        ),
        (
            set_in(gib(), ["constructs", 0, "min_items"], 4),
            "constructs[0].min_items: min_items 4 exceeds the 3 items",
        ),
        (
            set_in(gib(), ["constructs", 0, "code"], "fte"),
            "constructs[0].code: construct code 'fte' is also a question code",
        ),
    ],
)
def test_semantic_errors_name_the_path(data, expected):
    assert error_of(data).startswith(expected)


def test_duplicate_construct_code():
    data = gib()
    data["constructs"].append(dict(data["constructs"][0]))
    assert (
        error_of(data)
        == "constructs[1].code: duplicate construct code 'visie_score' (also constructs[0])"
    )


# --------------------------------------------------------------------------- routing


@pytest.fixture(scope="module")
def inst():
    return load_instrument(gib())


def asked_codes(inst, answers):
    return [question.code for question in inst.asked(answers)]


def test_condition_true_asks_the_question_and_shows_the_block(inst):
    answers = {"heeft_beleid": "ja"}
    assert inst.is_asked("thema", answers) is True
    assert inst.is_asked(inst.question("prioriteit"), answers) is True
    assert [b.code for b in inst.visible_blocks(answers)] == ["beleid", "visie"]
    assert "v2" in asked_codes(inst, answers)


def test_condition_false_skips_questions_and_block(inst):
    for answers in ({"heeft_beleid": "nee"}, {}):
        assert inst.is_asked("thema", answers) is False
        assert inst.is_asked("fte", answers) is True  # no condition
        assert inst.is_asked("v1", answers) is False  # its block is skipped
        assert [b.code for b in inst.visible_blocks(answers)] == ["beleid"]
        assert asked_codes(inst, answers) == [
            "heeft_beleid", "fte", "budget", "tevreden", "toelichting",
        ]  # fmt: skip


def test_is_asked_unknown_question(inst):
    with pytest.raises(KeyError):
        inst.is_asked("nope", {})


def test_answers_to_unasked_questions_are_dropped(inst):
    answers = {"heeft_beleid": "nee", "thema": ["klimaat"], "v1": 4, "fte": 2}
    assert inst.effective_answers(answers) == {"heeft_beleid": "nee", "fte": 2}
    # Empty values are not answers either.
    assert inst.effective_answers({"heeft_beleid": "ja", "thema": [], "toelichting": ""}) == {
        "heeft_beleid": "ja"
    }


def logic_instrument():
    """a (single ja/nee), b (multiple x/y), n (number), then questions with nested logic;
    c is asked only when a == ja, and d refers to c."""
    return load_instrument(
        instrument(
            block(
                "one",
                q("a"),
                q("b", "multiple", options=opts("x", "y")),
                q("n", "number", min=0, max=100),
                q("c", when={"question": "a", "equals": "ja"}),
            ),
            block(
                "two",
                q(
                    "all_any",
                    when={
                        "all": [
                            {
                                "any": [
                                    {"question": "b", "includes": "x"},
                                    {"question": "n", "gte": 50},
                                ]
                            },
                            {"not": {"question": "a", "in": ["nee"]}},
                        ]
                    },
                ),
                q("lte", when={"question": "n", "lte": 10}),
                q("c_unanswered", when={"question": "c", "answered": False}),
                q("c_not_ja", when={"not": {"question": "c", "equals": "ja"}}),
                q("c_ja", when={"question": "c", "equals": "ja"}),
            ),
        )
    )


@pytest.mark.parametrize(
    ("answers", "asked"),
    [
        ({}, {"c_unanswered", "c_not_ja"}),
        ({"b": ["x"]}, {"all_any", "c_unanswered", "c_not_ja"}),
        ({"b": ["y"], "n": 50}, {"all_any", "c_unanswered", "c_not_ja"}),
        ({"b": ["y"], "n": 49}, {"c_unanswered", "c_not_ja"}),
        ({"b": ["x"], "a": "nee"}, {"c_unanswered", "c_not_ja"}),
        ({"n": 10}, {"lte", "c_unanswered", "c_not_ja"}),
        ({"n": 11}, {"c_unanswered", "c_not_ja"}),
        ({"a": "ja", "c": "ja"}, {"c", "c_ja"}),
        ({"a": "ja", "c": "nee"}, {"c", "c_not_ja"}),
        # c is answered "ja" but not asked (a == nee): it counts as unanswered.
        ({"a": "nee", "c": "ja"}, {"c_unanswered", "c_not_ja"}),
    ],
)
def test_nested_logic(answers, asked):
    inst = logic_instrument()
    got = set(asked_codes(inst, answers)) - {"a", "b", "n"}
    assert got == asked
    for code in ("all_any", "lte", "c_unanswered", "c_not_ja", "c_ja"):
        assert inst.is_asked(code, answers) is (code in asked)


def test_a_question_in_a_skipped_block_is_not_asked_even_if_its_condition_holds():
    inst = load_instrument(
        instrument(
            block("one", q("a"), q("free", "number")),
            block(
                "two",
                q("inner", when={"question": "free", "answered": True}),
                when={"question": "a", "equals": "ja"},
            ),
        )
    )
    assert inst.is_asked("inner", {"a": "nee", "free": 3}) is False
    assert inst.is_asked("inner", {"a": "ja", "free": 3}) is True
    assert inst.is_asked("inner", {"a": "ja"}) is False


def test_a_one_value_band_and_notes_in_both_languages():
    data = set_in(
        gib(),
        [*B0Q, 4, "options", 0],
        {"code": "nul", "label_nl": "€ 0", "label_en": "€0", "lower": 0, "upper": 0},
    )
    data["reconstruction_notes_nl"] = "Grenzen door ons."
    data["reconstruction_notes_en"] = "Bounds are ours."
    inst = load_instrument(data)
    assert (inst.question("budget").option("nul").lower, inst.reconstruction_notes_en) == (
        0,
        "Bounds are ours.",
    )
