"""The glossary: the bank's hard words, each explained in a sentence or two, and the one rule
that explains them in place (a native disclosure around a term's first occurrence in a text).

A teacher edits the glossary like the rest of the bank: a `glossary:` list in a YAML file of
the question folder (the bundled one is `questions/glossary.yaml`). A bank without one loads
with an empty glossary, and then nothing is explained.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated

from markupsafe import Markup, escape
from pydantic import Field, field_validator

from quiz_app.bank.content import text_problems
from quiz_app.bank.items import Strict

# A term or one of its forms: words of letters and digits, joined by spaces, hyphens or
# apostrophes ("NMDA receptor", "follow-up", "placebo-controlled").
Word = Annotated[str, Field(pattern=r"^\w+(?:[ '’-]\w+)*$", max_length=60)]
MAX_SENTENCES = 2  # an explanation is a short note, read in the middle of a claim
# Elements inside which nothing is wrapped: another disclosure, or something already interactive.
NO_WRAP = frozenset({"a", "button", "details", "summary", "select", "textarea", "script", "style"})
_TAG = re.compile(r"(<[^>]*>)")  # a tag of already-safe Markup (its text holds no raw "<")
_TAG_NAME = re.compile(r"<(/?)([A-Za-z][\w-]*)")
DISCLOSURE = Markup(
    '<details class="term"><summary>{}</summary> <span class="term-note">{}</span></details>'
)


class Term(Strict):
    """One hard word: how it is written, its other forms, and what it means, for age 13+."""

    term: Word
    forms: list[Word] = Field(default_factory=list, max_length=12)
    explanation: str = Field(min_length=10, max_length=300)

    @field_validator("term", "forms")
    @classmethod
    def _clean_words(cls, value: str | list[str]) -> str | list[str]:
        problems = [
            p
            for word in ([value] if isinstance(value, str) else value)
            for p in text_problems(word)
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return value

    @field_validator("explanation")
    @classmethod
    def _short_and_clean(cls, value: str) -> str:
        problems = text_problems(value)
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", value) if s]
        if len(sentences) > MAX_SENTENCES:
            problems.append(f"has {len(sentences)} sentences; explain in {MAX_SENTENCES} or fewer")
        if problems:
            raise ValueError("; ".join(problems))
        return value

    @property
    def spellings(self) -> list[str]:
        """Return the term and its forms, each once."""
        return list(dict.fromkeys([self.term, *self.forms]))


EXPLAINED_KEPT = 20_000  # texts whose explained Markup is kept (a bank has about 2,000)


def _key(words: str) -> str:
    """Return how a spelling is compared: case and spacing do not count."""
    return " ".join(words.split()).casefold()


@dataclass(frozen=True)
class Glossary:
    """The bank's terms; `explain` wraps the first occurrence of each in a text."""

    terms: tuple[Term, ...] = ()
    _by_spelling: dict[str, Term] = field(init=False, repr=False, compare=False)
    # Texts explained before: the bank's and the teachers' texts are few and do not change,
    # and explaining one is a few hundred microseconds a page (no student's page is kept).
    _explained: dict[tuple[bool, str], Markup] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        by_spelling = {_key(s): t for t in self.terms for s in t.spellings}
        object.__setattr__(self, "_by_spelling", by_spelling)

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        """Every spelling as a whole word (a hyphen joins words), longest first so that
        "NMDA receptors" wins over "NMDA"; None when the glossary is empty."""
        spellings = sorted(self._by_spelling, key=len, reverse=True)
        if not spellings:
            return None
        words = "|".join(r"\s+".join(map(re.escape, s.split())) for s in spellings)
        return re.compile(rf"(?<![\w-])(?:{words})(?![\w-])", re.IGNORECASE)

    def explain(self, text: str | Markup) -> Markup:
        """Return the text as safe Markup, the first occurrence of each term wrapped in a
        disclosure that holds its explanation (_explain), kept for the next time: up to
        EXPLAINED_KEPT texts."""
        key = (isinstance(text, Markup), str(text))
        found = self._explained.get(key)
        if found is None:
            found = self._explain(text)
            if len(self._explained) < EXPLAINED_KEPT:
                self._explained[key] = found
        return found

    def _explain(self, text: str | Markup) -> Markup:
        """Return the text as safe Markup, the first occurrence of each term wrapped in a
        disclosure that holds its explanation.

        Plain text is escaped first; Markup (the claim with its cue highlighted, say) is kept
        as it is, and only the text between its tags is searched: nothing is wrapped inside a
        tag, an attribute, or an element of NO_WRAP, so disclosures never nest. A term the
        Markup explains already (in a <summary>) is not explained again.
        """
        markup = escape(text)
        if self._pattern is None:
            return markup
        explained: set[str] = set()
        parts = []
        closed_in = 0  # how many NO_WRAP elements are open around this text
        in_summary = False
        for n, part in enumerate(_TAG.split(str(markup))):
            if n % 2:
                parts.append(part)
                closed_in = max(0, closed_in + _opens_no_wrap(part))
                in_summary = part.lower().startswith("<summary")
            elif closed_in or not part:
                parts.append(part)
                if in_summary:
                    explained.update(t.term for t in self._terms_in(Markup(part).unescape()))
            else:
                parts.append(self._wrap(Markup(part).unescape(), explained))
        return Markup("".join(parts))

    def _terms_in(self, plain: str) -> list[Term]:
        """Return the term of every spelling found in plain text, in order."""
        assert self._pattern is not None
        return [self._by_spelling[_key(m.group(0))] for m in self._pattern.finditer(plain)]

    def _wrap(self, plain: str, explained: set[str]) -> str:
        """Return plain text escaped, each term not yet in `explained` wrapped (and added)."""
        assert self._pattern is not None
        out, start = [], 0
        for found in self._pattern.finditer(plain):
            term = self._by_spelling[_key(found.group(0))]
            if term.term in explained:
                continue
            explained.add(term.term)
            out += [
                escape(plain[start : found.start()]),
                DISCLOSURE.format(found.group(0), term.explanation),
            ]
            start = found.end()
        out.append(escape(plain[start:]))
        return "".join(out)


def _opens_no_wrap(tag: str) -> int:
    """Return 1 for a tag that opens a NO_WRAP element, -1 for one that closes it, else 0."""
    found = _TAG_NAME.match(tag)
    if found is None or found.group(2).lower() not in NO_WRAP or tag.endswith("/>"):
        return 0
    return -1 if found.group(1) else 1


def glossary_problems(terms: Iterable[tuple[str, Term]]) -> list[tuple[str, str, str, str]]:
    """Return (file, term, field, message) for every spelling that two entries claim: a word
    can have only one explanation."""
    owners: dict[str, tuple[int, str]] = {}
    found = []
    for n, (name, term) in enumerate(terms):
        for spelling in term.spellings:
            owner, owner_term = owners.setdefault(_key(spelling), (n, term.term))
            if owner != n:
                message = f"{spelling!r} is already explained under {owner_term!r}"
                found.append((name, term.term, "forms", message))
    return found
