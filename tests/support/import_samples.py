"""Teachers' GIFT and Moodle XML files for import tests: a classify question with its
Claim Check metadata, a fix-claim question, and builders for Moodle XML questions and files."""

import json
from textwrap import dedent

META = {
    "theme": "risks",
    "difficulty": 2,
    "register": "casual",
    "cue": "My friend says",
    "needed_evidence": "A study that follows many people over time and compares them with others.",
    "concepts": ["anecdote"],
    "reason_options": ["anecdote", "popularity", "authority"],
    "ladder": {"best": "anecdote", "certainty": "very-low", "rated_down": ["no-study"]},
    "review_by": "2028-09-01",
}
META_LINE = "// claim-check: " + json.dumps(META)
CLAIM = "My friend says it is harmless, so it must be fine for everyone."
EXPLANATION = "One person's story cannot show that something is harmless for other people."

GIFT_CLASSIFY = f"""\
// A teacher's own file.
$CATEGORY: Week 3

{META_LINE}
::Friend's claim::{CLAIM}{{
  ~Research#Studies are not what this rests on.
  ~Hypothesis#Nobody here asks an open question.
  =Unsupported#One story is not evidence.
  ####{EXPLANATION}
}}
"""


def fix_claim_meta(**changes: object) -> dict[str, object]:
    meta = {k: v for k, v in META.items() if k != "reason_options"}
    meta |= {"cue": "proves", "concepts": ["overclaim"]}
    return meta | changes


GIFT_FIX_CLAIM = f"""\
// claim-check: {json.dumps(fix_claim_meta())}
::fix-1::A study proves microdosing makes everyone calmer. {{
=A small study found some people felt calmer for a short time.#This says what was found, no more.
~Everyone who tries it feels calmer.#Popularity and "everyone" go far beyond any study.
~Experts agree it works for all.#An authority's word is not a study.
####The study was small and short, so "proves" and "everyone" overclaim.
}}
"""


def moodle_question(
    *,
    qtype: str = "multichoice",
    meta: dict[str, object] | None = META,
    answers: str = "",
    extra: str = "",
) -> str:
    answers = answers or dedent(
        """\
        <answer fraction="0" format="html"><text>Research</text>
          <feedback format="html"><text>&lt;p&gt;No study here.&lt;/p&gt;</text></feedback></answer>
        <answer fraction="0" format="html"><text>Hypothesis</text>
          <feedback format="html"><text>No open question.</text></feedback></answer>
        <answer fraction="100" format="html"><text>Unsupported</text>
          <feedback format="html"><text>One story is not evidence.</text></feedback></answer>"""
    )
    metadata = f"<claimcheck>{json.dumps(meta)}</claimcheck>" if meta is not None else ""
    return (
        dedent(
            f"""\
        <question type="{qtype}">
        <name><text>Friend's claim</text></name>
        <questiontext format="html"><text><![CDATA[<p>{CLAIM}</p>]]></text></questiontext>
        <generalfeedback><text><![CDATA[<p>{EXPLANATION}</p>]]></text></generalfeedback>
        <single>true</single>
        {extra}
        """
        )
        + answers
        + f"\n{metadata}\n</question>\n"
    )


def moodle_file(*questions: str) -> str:
    category = (
        '<question type="category"><category><text>$course$/top/Week 3</text></category></question>'
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
        + category
        + "\n"
        + "".join(questions)
        + "</quiz>\n"
    )
