"""Questions for the export and import tests: one of each kind, one full of special characters."""

from typing import Any

from quiz_app.bank.catalog import AnyQuestion
from quiz_app.bank.items import QUESTION

# Every character GIFT, XML and HTML treat specially, in the claim, the cue and the explanation.
TRICKY_CLAIM = (
    'A post said: "{Tiny} = safe ~ #1 rule: C:\\no\\risk" <b>&amp;</b> it\'s fine. Is that true?'
)


def _common(**fields: Any) -> dict[str, Any]:
    return {
        "theme": "micro-not-safe",
        "source_section": "Public-Health Considerations",
        "difficulty": 2,
        "register": "casual",
        "needed_evidence": "A long study that follows many people and compares them with others.",
        "concepts": ["small-not-safe"],
        "ladder": {"best": "anecdote", "certainty": "very-low", "rated_down": ["no-study"]},
        "review_by": "2028-09-01",
        **fields,
    }


def tricky_classify() -> AnyQuestion:
    return QUESTION.validate_python(
        _common(
            id="tricky-01",
            kind="classify",
            claim=TRICKY_CLAIM,
            cue='"{Tiny} = safe ~ #1 rule',
            verdict="unsupported",
            reason_options=["small-not-safe", "popularity", "authority"],
            explanation=(
                'The words "{Tiny} = safe" are the "micro means safe" mistake: #1 of the '
                "misconceptions. A post is not a study; <i>nothing</i> here & there supports "
                "it.\n\n"
                "A second paragraph: the backslash \\ stays."
            ),
        )
    )


def fix_claim() -> AnyQuestion:
    return QUESTION.validate_python(
        _common(
            id="fix-claim-01",
            kind="fix-claim",
            theme="research-state",
            source_section="Current State of Research",
            register="scientific",
            claim="A new study proves that microdosing rewires the brain for good.",
            cue="proves",
            explanation=(
                "Studies so far are short and small. They measure brain signals, not lasting "
                "change, so only the careful rewording keeps to the evidence."
            ),
            concepts=["overclaim", "mechanism-not-outcome"],
            options=[
                {
                    "id": "a",
                    "text": "Everyone online knows microdosing rewires the brain for good.",
                    "feedback": "Popularity is not evidence, and it keeps the overclaim.",
                },
                {
                    "id": "b",
                    "text": "A short, small study found changes in brain signals; what lasts is "
                    "unknown.",
                    "correct": True,
                    "feedback": "This says exactly what was measured, and no more.",
                },
                {
                    "id": "c",
                    "text": "Scientists agree the brain is rewired for good.",
                    "feedback": "An authority's word does not fix an overclaim: no study shows it.",
                },
            ],
        )
    )


def best_evidence() -> AnyQuestion:
    return QUESTION.validate_python(
        _common(
            id="best-evidence-01",
            kind="best-evidence",
            theme="evidence-gaps",
            source_section="Evidence Gaps and Uncertainty",
            register="alarming",
            difficulty=3,
            claim="Repeated small exposures might slowly build up effects that nobody notices.",
            cue="might slowly build up",
            explanation=(
                "Only a long study that compares groups can show effects that add up over time."
            ),
            concepts=["short-not-long"],
            ladder={
                "best": "observational",
                "certainty": "low",
                "rated_down": ["too-short", "different-dose"],
                "note": "Studies so far look at single exposures, not repeated ones.",
            },
            review_by="2027-09-01",
            options=[
                {
                    "id": "a",
                    "text": "Ask people online whether they noticed anything.",
                    "feedback": "Stories cannot show effects that people do not notice.",
                    "rung": "anecdote",
                },
                {
                    "id": "c",
                    "text": "A long study that compares people exposed with people who are not.",
                    "correct": True,
                    "feedback": "Following two groups over time could show slow effects.",
                    "rung": "observational",
                },
                {
                    "id": "b",
                    "text": "One doctor's report about a single patient.",
                    "feedback": "One case cannot tell a slow effect from chance.",
                    "rung": "case-reports",
                },
            ],
        )
    )


def every_kind() -> list[AnyQuestion]:
    return [tricky_classify(), fix_claim(), best_evidence()]
