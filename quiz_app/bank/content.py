"""Content rules every question must obey: the app teaches about evidence, never about use.

These rules run in `quiz-app check`, at start-up, and in the test suite, so a teacher's own
question is held to the same standard as the bundled bank.
"""

import re

# Each rule: (what it forbids, in words a question writer can act on; the pattern).
# Patterns are case-insensitive and match whole words, so "oral" does not catch "moral".
_UNIT = r"(?:mg|mcg|µg|ug|g|ml|kg|milligrams?|micrograms?|grams?|millilit(?:re|er)s?)"
FORBIDDEN: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (message, re.compile(pattern, re.IGNORECASE))
    for message, pattern in (
        ("dose amounts and units are not allowed", rf"\d\s*{_UNIT}\b"),
        ("dose amounts and units are not allowed", r"\b(?:milligrams?|micrograms?|mg|mcg)\b"),
        (
            "dose amounts and units are not allowed",
            r"\bper\s+(?:kg|kilo(?:gram)?s?|body\s*weight)\b",
        ),
        (
            "routes of taking a substance are not allowed",
            r"\b(?:intra)?nasal(?:ly)?\b|\bsnort\w*|\binject\w*|\bintravenous\w*|\bintramuscular\w*"
            r"|\boral(?:ly)?\b|\bswallow\w*|\bsublingual\w*|\bunder the tongue\b|\blozenges?\b"
            r"|\btroches?\b|\binfusions?\b|\bnose spray\b|\bsmok(?:e|ed|ing)\b|\bvap(?:e|ed|ing)\b",
        ),
        (
            "schedules are not allowed",
            r"\bdaily\b|\bevery\s+(?:other\s+)?(?:day|morning|night|week|\w+\s+days)\b"
            r"|\b(?:once|twice|\w+\s+times)\s+(?:a|per)\s+(?:day|week|month)\b"
            r"|\bper\s+(?:day|week)\b|\bdays?\s+(?:on|off)\b|\bregimens?\b|\bdosing schedules?\b",
        ),
        (
            "sourcing is not allowed",
            r"\bbuy\w*|\bbought\b|\bpurchas\w*|\border(?:ed|ing)?\s+(?:it\s+)?online\b"
            r"|\bdark\s*(?:web|net)\b|\bdealers?\b|\bvendors?\b|\bwhere to get\b|\bget hold of\b",
        ),
        (
            "how-to wording is not allowed",
            r"\bhow to\b|\bstep[- ]by[- ]step\b|\bsteps to\b|\btips? (?:for|on)\b"
            r"|\bstart(?:ing)? low\b|\btitrat\w*|\bmeasur(?:e|ing) out\b|\bguide to\b",
        ),
    )
)

MAX_SENTENCE_WORDS = 25  # plain words, short sentences: the bank is written for age 13+


def text_problems(text: str) -> list[str]:
    """Return a message for every content rule the text breaks (empty when it is fine)."""
    problems = []
    for message, pattern in FORBIDDEN:
        found = pattern.search(text)
        if found:
            problems.append(f'{message} (found "{found.group(0)}")')
    for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
        if len(sentence.split()) > MAX_SENTENCE_WORDS:
            problems.append(
                f"a sentence has {len(sentence.split())} words; keep sentences to "
                f"{MAX_SENTENCE_WORDS} words or fewer: {sentence[:60]!r}…"
            )
    return problems
