"""A small glossary for the learning bank (tests/support/learning_bank.py), whose claims and
options use these words: the bundled glossary's entries may be reworded, these stay put."""

from pathlib import Path
from typing import Any

import yaml

TERMS: list[dict[str, Any]] = [
    {
        "term": "placebo",
        "forms": ["placebos"],
        "explanation": "A dummy treatment that looks real but has nothing active in it.",
    },
    {
        "term": "supervised",
        "forms": ["supervision"],
        "explanation": "Watched over by trained staff, who can step in if something goes wrong.",
    },
    {
        "term": "viral post",
        "forms": ["viral posts"],
        "explanation": "A post that many people share very fast; being shared is not evidence.",
    },
]


def explanation(term: str) -> str:
    return next(t["explanation"] for t in TERMS if t["term"] == term)


def write_glossary(root: Path, terms: list[dict[str, Any]] | None = None) -> Path:
    """Write glossary.yaml into a bank folder and return the folder."""
    entries = TERMS if terms is None else terms
    (root / "glossary.yaml").write_text(yaml.safe_dump({"glossary": entries}, sort_keys=False))
    return root
