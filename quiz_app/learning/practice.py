"""Practise what you missed: which concepts a student missed, and the next short round of
unseen questions on them. Pure functions, but for practice_plan, which gathers an attempt's
family of answers from the store for the results page and the practice route."""

import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from quiz_app import store
from quiz_app.bank import lookup
from quiz_app.bank.catalog import AnyQuestion, Bank
from quiz_app.bank.items import ClassifyQuestion, Concept
from quiz_app.learning import student_report
from quiz_app.learning.grading import Feedback
from quiz_app.models import Attempt

ConceptState = Literal["practised", "to-practise", "none-left"]


@dataclass(frozen=True)
class ConceptProgress:
    concept: Concept
    state: ConceptState


@dataclass(frozen=True)
class Plan:
    """Where the practice stands for each missed concept, and the questions of the next round."""

    concepts: list[ConceptProgress]
    next_round: list[str]

    @property
    def done(self) -> bool:
        """Whether every missed concept has been answered right once in practice."""
        return all(c.state == "practised" for c in self.concepts)


def key_concept(question: AnyQuestion) -> str:
    """Return the concept a question tests: a classify question's right reason, otherwise the
    first concept it names."""
    if isinstance(question, ClassifyQuestion):
        return next(iter(question.right_reasons))
    return question.concepts[0]


def missed_concepts(feedback: Iterable[Feedback], bank: Bank) -> list[str]:
    """Return the key concepts of the questions not answered fully right, in order of first
    miss (a concept missed twice is listed once)."""
    found: dict[str, None] = {}
    for item in feedback:
        concept = key_concept(item.question)
        if not item.fully_correct and concept in bank.concepts:
            found[concept] = None
    return list(found)


def practised_concepts(feedback: Iterable[Feedback]) -> set[str]:
    """Return every concept named by a question answered fully right."""
    return {c for item in feedback if item.fully_correct for c in item.question.concepts}


def plan(
    bank: Bank,
    *,
    missed: list[str],
    practised: set[str],
    seen: set[str],
    seed: int,
    kinds: list[str] | None = None,
) -> Plan:
    """Return each missed concept's progress and one unseen question per concept still to
    practise (a question that covers two of them counts for both).

    Among a concept's unseen questions, those of the set's kinds come first, then those that
    test it as their key concept; the seed picks among equals, so a reload shows the same round.
    """
    rng = random.Random(seed)
    chosen: list[AnyQuestion] = []
    progress = []
    for concept_id in missed:
        concept = bank.concepts[concept_id]
        if concept_id in practised:
            progress.append(ConceptProgress(concept, "practised"))
            continue
        if not any(concept_id in q.concepts for q in chosen):
            candidates = [
                q
                for q in bank.questions.values()
                if concept_id in q.concepts and q.id not in seen and q not in chosen
            ]
            if not candidates:
                progress.append(ConceptProgress(concept, "none-left"))
                continue

            def rank(q: AnyQuestion, concept_id: str = concept_id) -> tuple[bool, bool]:
                return (q.kind not in (kinds or [q.kind]), key_concept(q) != concept_id)

            best = min(rank(q) for q in candidates)
            chosen.append(rng.choice([q for q in candidates if rank(q) == best]))
        progress.append(ConceptProgress(concept, "to-practise"))
    ids = [q.id for q in chosen]
    rng.shuffle(ids)
    return Plan(progress, ids)


def practice_plan(
    session: Session, bank: Bank, root: Attempt, rounds: list[Attempt]
) -> Plan | None:
    """Return where "practise what you missed" stands for an attempt's family, or None when
    nothing it missed names a concept."""
    family = [root, *rounds]
    answers = store.attempts.answers_of(session, attempts=family)
    found = lookup.resolve_many(session, bank, (q for a in answers.values() for q in a))
    missed = missed_concepts(student_report.feedback_of(found, answers[root.id]).values(), bank)
    if not missed:
        return None
    practised = practised_concepts(
        item for r in rounds for item in student_report.feedback_of(found, answers[r.id]).values()
    )
    seen = {q for a in family for q in a.question_ids}
    for earlier in store.attempts.retried(session, attempt=root):
        seen.update(earlier.question_ids)  # a retry's questions were seen in what it retries
    qset = bank.sets.get(root.set_id)
    return plan(
        bank,
        missed=missed,
        practised=practised,
        seen=seen,
        seed=root.seed + len(rounds),
        kinds=list(qset.selection.kinds) if qset else None,
    )
