"""The article's themes and sections, the three verdicts, and the evidence ladder's vocabulary."""

from dataclasses import dataclass
from typing import Literal

Verdict = Literal["research", "hypothesis", "unsupported"]
VERDICTS: tuple[Verdict, ...] = ("research", "hypothesis", "unsupported")
VERDICT_LABELS: dict[str, str] = {
    "research": "Research",
    "hypothesis": "Hypothesis",
    "unsupported": "Unsupported",
}

ThemeId = Literal[
    "definition",
    "science",
    "why-discussed",
    "research-state",
    "evidence-gaps",
    "micro-not-safe",
    "risks",
    "legal",
    "misinformation",
]


@dataclass(frozen=True)
class Theme:
    id: str
    section: str  # the article section the theme comes from, as questions cite it
    lesson: str  # what the theme teaches, in our words (shown on the sources page)


THEMES: dict[str, Theme] = {
    t.id: t
    for t in (
        Theme(
            "definition",
            'What Does "Microdose Ketamine" Mean?',
            '"Microdose" names an idea people discuss (an amount too small to notice). '
            "It is not a standard medical practice or a do-it-yourself plan.",
        ),
        Theme(
            "science",
            "Understanding Ketamine in a Scientific Context",
            "Ketamine began as an anaesthetic. Scientists study how it acts on glutamate and "
            "NMDA signalling, brain plasticity and mood pathways.",
        ),
        Theme(
            "why-discussed",
            "Why Microdosing Is Discussed",
            "Effects on mood, flexible thinking and stress are questions researchers ask, "
            "not findings they have made.",
        ),
        Theme(
            "research-state",
            "Current State of Research",
            "Studies run under supervision, with ethics review and fixed methods. "
            "They mostly measure short-term changes and biomarkers.",
        ),
        Theme(
            "evidence-gaps",
            "Evidence Gaps and Uncertainty",
            "Nobody has long-term data on repeated small exposures: tolerance, sensitisation, "
            "effects that add up over time and differences between people are unknown.",
        ),
        Theme(
            "micro-not-safe",
            "Public-Health Considerations",
            '"Micro" does not mean "safe". Talking about something as normal is not evidence, '
            "unsupervised exposure carries risk, and young people are more vulnerable.",
        ),
        Theme(
            "risks",
            "Safety and Risk Awareness",
            "Documented risks include changes in mood or perception, memory effects, anxiety "
            "and dissociation. Clinics screen and monitor people; nobody does that outside them.",
        ),
        Theme(
            "legal",
            "Legal and Regulatory Status",
            "Medical and research use needs authorisation. The law depends on where you live, "
            "and it does not change with the size of a dose.",
        ),
        Theme(
            "misinformation",
            "Cultural Context and Misinformation",
            "Online talk blurs research and personal stories, and misinformation spreads "
            "faster than peer-reviewed evidence.",
        ),
    )
}
SECTIONS: dict[str, str] = {t.section: t.id for t in THEMES.values()}

# The evidence ladder, weakest rung first.
Rung = Literal[
    "anecdote", "case-reports", "observational", "controlled-trials", "systematic-reviews"
]
# Where a claim was seen, shown as a small card above it. Crossed with the verdict in the bank
# like the register, so that the kind of source alone never decides the verdict.
SeenIn = Literal[
    "forum-post",
    "video-caption",
    "news-headline",
    "clinic-leaflet",
    "study-summary",
    "friend-message",
]
SEEN_IN_LABELS: dict[str, str] = {
    "forum-post": "A forum post",
    "video-caption": "A video caption",
    "news-headline": "A news headline",
    "clinic-leaflet": "A clinic leaflet",
    "study-summary": "A study summary",
    "friend-message": "A message from a friend",
}

RUNG_LABELS: dict[str, str] = {
    "none": "No studies apply",
    "anecdote": "Personal stories",
    "case-reports": "Case reports",
    "observational": "Observational studies",
    "controlled-trials": "Controlled trials",
    "systematic-reviews": "Systematic reviews",
}

# GRADE-style certainty of the evidence for a claim, lowest first.
Certainty = Literal["very-low", "low", "moderate", "high"]
CERTAINTY_LABELS: dict[str, str] = {
    "very-low": "Very low",
    "low": "Low",
    "moderate": "Moderate",
    "high": "High",
}

# Why the certainty is rated down: the named reasons an explanation may give.
RatedDown = Literal[
    "no-study",
    "no-comparison-group",
    "too-few-people",
    "too-short",
    "different-population",
    "different-dose",
    "different-setting",
    "indirect-measure",
    "not-blinded",
    "inconsistent-results",
]
RATED_DOWN_LABELS: dict[str, str] = {
    "no-study": "no study has tested it",
    "no-comparison-group": "no comparison group",
    "too-few-people": "too few people",
    "too-short": "too short",
    "different-population": "a different group of people",
    "different-dose": "a different amount",
    "different-setting": "a different setting (clinic, not everyday life)",
    "indirect-measure": "measures something indirect (brain signals, not how people fare)",
    "not-blinded": "people knew what they got",
    "inconsistent-results": "studies disagree",
}
