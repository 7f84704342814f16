"""What every export format shows of a question, and which bank fields travel as metadata.

QTI, Moodle XML and GIFT all show the same things: a prompt, the claim, one choice per verdict or
option with its own feedback, and a general feedback with the explanation, the cue, the evidence
that would settle the claim and the article section. The bank fields these formats have no place
for travel in a JSON object (the "claim-check metadata"), so our own exports re-import exactly.
"""

import html
import re
from dataclasses import dataclass
from typing import Any

from quiz_app.bank.catalog import AnyQuestion
from quiz_app.bank.items import ClassifyQuestion
from quiz_app.bank.vocabulary import THEMES, VERDICT_LABELS, VERDICTS

# What the student is asked, shown before the claim. An importer drops a first paragraph that is
# one of these, so the claim comes back without it.
PROMPTS: dict[str, str] = {
    "classify": "Is this claim research, a hypothesis, or unsupported?",
    "best-evidence": "Which study would settle this claim?",
    "fix-claim": "Which rewording states the evidence honestly?",
}

# Bank fields every format carries in its own structure: the title, the question text and the
# answers. Everything else is metadata.
NATIVE_FIELDS = ("id", "claim", "verdict", "options")
META_FIELDS = (
    "kind",
    "theme",
    "source_section",
    "difficulty",
    "register",
    "cue",
    "explanation",
    "needed_evidence",
    "concepts",
    "reason_options",
    "ladder",
    "review_by",
    "seen_in",
    "options",  # per option, what the answer itself cannot say: its id letter and its rung
)
APP_NAME = "Claim Check"

# What an importer tells a teacher to add for each metadata field: an example value, to paste
# and change, and what the field is.
METADATA_EXAMPLE: dict[str, Any] = {
    "kind": "fix-claim",
    "theme": "risks",
    "difficulty": 2,
    "register": "casual",
    "cue": "words copied from the claim",
    "explanation": "Why the right answer is right.",
    "needed_evidence": "The study that would settle the claim.",
    "concepts": ["anecdote"],
    "reason_options": ["anecdote", "popularity", "authority"],
    "ladder": {"best": "anecdote", "certainty": "very-low", "rated_down": ["no-study"]},
    "review_by": "2028-09-01",
}
# Said when a question's answers are not the three verdicts and its metadata names no kind.
GUESSED_KIND = (
    "{format} has no place for the kind of question, so without “kind” in the metadata it is "
    "taken for fix-claim (which rewording is honest?); write “best-evidence” for “Which study "
    "would settle it?”, with each answer's rung. "
)
METADATA_HELP = {
    "theme": "theme is one of " + ", ".join(THEMES),
    "difficulty": "difficulty is 1 (easy), 2 or 3 (hard)",
    "register": "register is the claim's voice: casual, scientific or alarming",
    "cue": "cue is a phrase copied exactly from the claim that carries its evidence",
    "explanation": "explanation says why the right answer is right (or give general feedback)",
    "needed_evidence": "needed_evidence names the study that would make the claim stronger",
    "concepts": "concepts lists 1 to 3 ids of the concepts the question teaches",
    "reason_options": (
        "reason_options lists 3 or 4 concept ids offered as the reason, exactly one of them "
        "from concepts"
    ),
    "ladder": (
        "ladder gives the best evidence there is (best: none, anecdote, case-reports, "
        "observational, controlled-trials or systematic-reviews), its certainty (very-low, low, "
        "moderate or high) and, unless high, why it is rated down (rated_down)"
    ),
    "review_by": "review_by is the date to check the evidence again, as YYYY-MM-DD",
}

# Characters XML 1.0 cannot carry at all, not even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Choice:
    """One answer a student can pick, with the feedback it gets."""

    key: str  # the verdict ("research") or the option letter ("a")
    text: str
    correct: bool
    feedback: str


def bank_dict(question: AnyQuestion) -> dict[str, Any]:
    """Return the question as the bank's YAML files write it (aliases, no default values)."""
    return question.model_dump(mode="json", by_alias=True, exclude_defaults=True)


def choices(question: AnyQuestion) -> list[Choice]:
    """Return the question's choices in the order a student sees them."""
    if isinstance(question, ClassifyQuestion):
        right = VERDICT_LABELS[question.verdict]
        return [
            Choice(
                key=verdict,
                text=VERDICT_LABELS[verdict],
                correct=verdict == question.verdict,
                feedback=(
                    f"Right: this is {right}."
                    if verdict == question.verdict
                    else f"Not quite: this is {right}, not {VERDICT_LABELS[verdict]}."
                ),
            )
            for verdict in VERDICTS
        ]
    return [Choice(o.id, o.text, o.correct, o.feedback) for o in question.options]


# The general feedback's parts: each heading and the bank field it shows (the cue in quotes).
EXPLANATION_HEADINGS = {
    "Why": "explanation",
    "The words that decide it": "cue",
    "What evidence would make it stronger": "needed_evidence",
    "Article section": "source_section",
}


def explanation_parts(question: AnyQuestion) -> list[tuple[str, str]]:
    """Return the general feedback as (heading, text) pairs, in the app's own order."""
    data = bank_dict(question)
    return [
        (heading, f"“{data[field]}”" if field == "cue" else data[field])
        for heading, field in EXPLANATION_HEADINGS.items()
    ]


def explanation_text(question: AnyQuestion) -> str:
    """Return the general feedback as plain text, one paragraph per part."""
    return "\n\n".join(f"{heading}: {text}" for heading, text in explanation_parts(question))


def metadata(question: AnyQuestion) -> dict[str, Any]:
    """Return the bank fields the formats cannot carry themselves, `kind` first."""
    data = bank_dict(question)
    meta: dict[str, Any] = {"kind": data["kind"]}
    meta |= {k: v for k, v in data.items() if k not in NATIVE_FIELDS and k != "kind"}
    if not isinstance(question, ClassifyQuestion):
        meta["options"] = [
            {"id": o.id} | ({"rung": o.rung} if o.rung else {}) for o in question.options
        ]
    return meta


def xml_safe(text: str) -> str:
    """Return the text without the control characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", text)


def category_name(set_title: str) -> str:
    """Return the question-bank category an LMS files an exported set under."""
    return f"{APP_NAME}: {set_title}".replace("/", "-").replace("\n", " ")


def html_paragraphs(text: str) -> str:
    """Return plain text as HTML: escaped, a <p> per paragraph, <br> for a single line break."""
    return "".join(
        f"<p>{html_inline(paragraph)}</p>" for paragraph in text.split("\n\n") if paragraph.strip()
    )


def html_inline(text: str) -> str:
    """Return plain text as inline HTML: escaped, with <br> for each line break."""
    return html.escape(text.strip(), quote=False).replace("\n", "<br>")
