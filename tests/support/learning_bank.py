"""A small question bank with every learning feature, written to a folder for a test.

The bundled bank's content changes as writers grow it; these items stay put, so the tests of
reasons, confidence, the ladder, the option kinds, check-in/check-out and practice rounds can
count on exact verdicts, concepts and orders. The concepts are the bundled ones.
"""

from pathlib import Path
from typing import Any

import yaml

from quiz_app.paths import bundled

SECTION = {
    "research-state": "Current State of Research",
    "evidence-gaps": "Evidence Gaps and Uncertainty",
    "micro-not-safe": "Public-Health Considerations",
    "legal": "Legal and Regulatory Status",
    "misinformation": "Cultural Context and Misinformation",
}

# (verdict, first concept, theme) of each family of matched items; each family has three
# items: n=1 goes in the check-in, n=2 in the check-out, n=3 among the practice questions.
FAMILIES: list[tuple[str, str, str]] = [
    ("research", "fair-comparison", "research-state"),
    ("research", "short-not-long", "research-state"),
    ("hypothesis", "open-question", "evidence-gaps"),
    ("hypothesis", "mechanism-not-outcome", "evidence-gaps"),
    ("unsupported", "anecdote", "misinformation"),
    ("unsupported", "small-not-safe", "micro-not-safe"),
]
# Families only for practice rounds: unseen questions on concepts a student may miss.
EXTRA_FAMILIES: list[tuple[str, str, str]] = [
    ("unsupported", "overclaim", "misinformation"),
    ("unsupported", "legal-not-dose", "legal"),
    ("research", "clinic-not-everyday", "research-state"),
]
PRACTICE_ONLY = ("anecdote", "open-question")
WRONG_REASONS = ["popularity", "authority", "no-news-not-safe"]

CLAIMS = {
    "research": (
        "Supervised trials, item {tag}, compared volunteers with a placebo group for a few weeks.",
        "Supervised trials",
    ),
    "hypothesis": (
        "Researchers are asking whether effect {tag} could add up over years of exposure.",
        "are asking whether",
    ),
    "unsupported": (
        "A viral post, item {tag}, insists a tiny amount is harmless and always helps.",
        "a tiny amount is harmless",
    ),
}
LADDERS: dict[str, dict[str, Any]] = {
    "research": {
        "best": "controlled-trials",
        "certainty": "low",
        "rated_down": ["too-few-people", "too-short"],
    },
    "hypothesis": {
        "best": "case-reports",
        "certainty": "very-low",
        "rated_down": ["indirect-measure", "no-comparison-group"],
    },
    "unsupported": {"best": "anecdote", "certainty": "very-low", "rated_down": ["no-study"]},
}
LEGAL_LADDER = {
    "best": "none",
    "certainty": "very-low",
    "rated_down": ["no-study"],
    "note": "Studies cannot settle what the law allows; the law itself does.",
}


def classify_id(verdict: str, concept: str, n: int) -> str:
    return f"{verdict[:3]}-{concept}-{n}"


def _classify(verdict: str, concept: str, theme: str, n: int) -> dict[str, Any]:
    claim, cue = CLAIMS[verdict]
    wrong = [c for c in WRONG_REASONS if c != concept][:2]
    return {
        "id": classify_id(verdict, concept, n),
        "kind": "classify",
        "theme": theme,
        "source_section": SECTION[theme],
        "difficulty": 2 if n < 3 else 1,
        "register": "scientific",
        "claim": claim.format(tag=f"{concept} {n}"),
        "cue": cue,
        "verdict": verdict,
        "explanation": f"The phrase “{cue}” decides it. This item teaches {concept}.",
        "needed_evidence": "A long study that follows two matched groups and compares them.",
        "concepts": [concept],
        "reason_options": [*wrong, concept],
        "ladder": LEGAL_LADDER if concept == "legal-not-dose" else LADDERS[verdict],
        "review_by": "2027-06-01",
    }


def _options_items() -> list[dict[str, Any]]:
    common = {
        "theme": "research-state",
        "source_section": SECTION["research-state"],
        "difficulty": 2,
        "register": "casual",
        "cue": "sharper at work",
        "explanation": "Only a fair comparison under supervision can show whether it helps people.",
        "needed_evidence": "A supervised trial comparing it with a placebo.",
        "ladder": LADDERS["hypothesis"],
        "review_by": "2027-06-01",
    }
    best_evidence = {
        **common,
        "id": "best-focus",
        "kind": "best-evidence",
        "claim": "People online say it makes them sharper at work.",
        "concepts": ["fair-comparison", "anecdote"],
        "options": [
            {
                "id": "a",
                "text": "Ask more people online whether they felt sharper.",
                "rung": "anecdote",
                "feedback": "More stories are still stories: nobody compared anything.",
            },
            {
                "id": "b",
                "text": "A supervised trial comparing it with a placebo, where nobody knows which.",
                "rung": "controlled-trials",
                "correct": True,
                "feedback": "A fair, blinded comparison is what could settle the claim.",
            },
            {
                "id": "c",
                "text": "Scan the brains of a few volunteers once.",
                "rung": "case-reports",
                "feedback": "A few brain scans show a mechanism, not whether people fare better.",
            },
        ],
    }
    fix_claim = {
        **common,
        "id": "fix-focus",
        "kind": "fix-claim",
        "claim": "It is proven to make you sharper at work.",
        "cue": "proven to make you sharper at work",
        "concepts": ["overclaim"],
        "options": [
            {
                "id": "a",
                "text": "It is proven to work for everyone, so it must make you sharper.",
                "feedback": "This keeps the overclaim and makes it even stronger.",
            },
            {
                "id": "b",
                "text": "Nobody knows yet whether it makes people sharper; studies are asking.",
                "correct": True,
                "feedback": "This states the evidence honestly: an open question.",
            },
            {
                "id": "c",
                "text": "It never has any effect on anyone at all.",
                "feedback": "This claims more than anyone knows, in the other direction.",
            },
        ],
    }
    return [best_evidence, fix_claim]


def check_forms() -> tuple[list[str], list[str]]:
    return (
        [classify_id(v, c, 1) for v, c, _ in FAMILIES],
        [classify_id(v, c, 2) for v, c, _ in FAMILIES],
    )


PRACTICE_IDS = [classify_id(v, c, 3) for v, c, _ in FAMILIES] + ["best-focus", "fix-focus"]
EXTRA_IDS = [classify_id(v, c, n) for v, c, _ in EXTRA_FAMILIES for n in (1, 2)]


def write_learning_bank(root: Path, **set_options: Any) -> Path:
    """Write the bank to root and return it; set_options override the check set's fields."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "concepts.yaml").write_text((bundled("questions") / "concepts.yaml").read_text())
    items = [_classify(v, c, t, n) for v, c, t in FAMILIES for n in (1, 2, 3)]
    # A fourth, unseen by the check set, for two concepts: practice rounds draw on them.
    items += [_classify(v, c, t, 4) for v, c, t in FAMILIES if c in PRACTICE_ONLY]
    items += [_classify(v, c, t, n) for v, c, t in EXTRA_FAMILIES for n in (1, 2)]
    items += _options_items()
    (root / "questions.yaml").write_text(yaml.safe_dump({"questions": items}, sort_keys=False))
    check_in, check_out = check_forms()
    sets = [
        {
            "id": "check-set",
            "title": "Check in, practise, check out",
            "description": "A check-in, the practice questions, and a matched check-out.",
            "selection": {"ids": PRACTICE_IDS},
            "shuffle": False,
            "check_in": check_in,
            "check_out": check_out,
            **set_options,
        },
        {
            "id": "plain",
            "title": "Plain set",
            "description": "Classify questions only, no check forms.",
            "selection": {"ids": check_in},
            "shuffle": False,
        },
        {
            "id": "extras",
            "title": "Extras",
            "description": "Every item of the families kept for practice rounds.",
            "selection": {"ids": EXTRA_IDS},
            "shuffle": False,
        },
        {
            "id": "options",
            "title": "Studies and rewordings",
            "description": "Which study would settle it, and which rewording is honest.",
            "selection": {"kinds": ["best-evidence", "fix-claim"]},
            "shuffle": False,
            "ask_confidence": False,
        },
    ]
    (root / "sets.yaml").write_text(yaml.safe_dump({"sets": sets}, sort_keys=False))
    return root
