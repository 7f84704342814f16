"""Uploaded YAML cannot make work out of proportion to its size: aliases and anchors, deep
nesting and huge numbers of values are refused before anything is built."""

import re

import pytest
import yaml

from quiz_app.interop import safe_yaml

LAUGHS = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "questions:\n- id: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
)


def test_load_reads_a_plain_question_file() -> None:
    text = "questions:\n- id: one\n  claim: Some claim.\n  tags: [a, b]\n"
    assert safe_yaml.load(text) == {
        "questions": [{"id": "one", "claim": "Some claim.", "tags": ["a", "b"]}]
    }


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        (LAUGHS, "holds more than 200,000 values, counting what its aliases repeat (at line 7)"),
        ("[" * 20_000 + "]" * 20_000, "nests lists or mappings more than 12 deep at line 1"),
        ("{a: " * 50 + "1" + "}" * 50, "nests lists or mappings more than 12 deep"),
        ("[" + "1," * (safe_yaml.MAX_NODES + 1) + "1]", "holds more than 200,000 values"),
        # Deep through an alias: the anchored list is 8 deep, used 8 levels down.
        ("a: &a " + "[" * 8 + "]" * 8 + "\nb: " + "[" * 8 + "*a" + "]" * 8, "more than 12 deep"),
    ],
)
def test_load_refuses_what_would_multiply_the_work(text: str, refusal: str) -> None:
    with pytest.raises(safe_yaml.UnsafeYaml, match=re.escape(refusal)):
        safe_yaml.load(text)


def test_load_keeps_a_few_anchors_and_aliases_as_other_tools_write_them() -> None:
    text = "shared: &tags [a, b]\nquestions:\n- id: one\n  tags: *tags\n- id: two\n  tags: *tags\n"
    data = safe_yaml.load(text)
    assert [q["tags"] for q in data["questions"]] == [["a", "b"], ["a", "b"]]


def test_load_leaves_bad_yaml_to_the_yaml_error() -> None:
    with pytest.raises(yaml.YAMLError):
        safe_yaml.load("questions: [unclosed\n")
