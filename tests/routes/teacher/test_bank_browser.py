"""The teacher's bank browser shows, for every filter, exactly the questions an assignment made
with that filter takes: the bundled ones, and the teacher's own ones it can hand-pick."""

import itertools
import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape

from quiz_app import auth, store
from quiz_app.bank import lookup
from quiz_app.bank.catalog import AnyQuestion, Bank
from quiz_app.bank.items import KINDS
from quiz_app.bank.vocabulary import THEMES, VERDICTS
from quiz_app.classroom import assignment_form
from quiz_app.models import Teacher

PICKED = re.compile(r'name="ids" value="([^"]+)"')


def _own_questions(app: FastAPI) -> tuple[TestClient, dict[str, AnyQuestion]]:
    """Log a new teacher in whose own questions are one bundled question of each kind (under
    their own ids); return the client and those questions by namespaced id."""
    bank: Bank = app.state.bank
    samples = {kind: next(q for q in bank.questions.values() if q.kind == kind) for kind in KINDS}
    with app.state.sessions() as session:
        teacher = Teacher(email="ada@school.org", password_hash="-")
        session.add(teacher)
        session.commit()
        data = {f"my-{kind}": q.model_dump(mode="json") for kind, q in samples.items()}
        for local_id, item in data.items():
            item["id"] = local_id
        ids = {local_id: lookup.namespaced(teacher.id, local_id) for local_id in data}
        store.teacher_questions.save_questions(session, teacher=teacher, questions=data, ids=ids)
        token, _csrf = store.teachers.create_session(session, teacher=teacher, hours=1)
        own = lookup.resolve_many(session, bank, ids.values())
        assert len(own) == len(ids)
    client = TestClient(app, follow_redirects=False)
    client.cookies.set(auth.SESSION_COOKIE, token)
    return client, own


def _assigned(bank: Bank, own: dict[str, AnyQuestion], source: dict[str, list[str]]) -> set[str]:
    """Return what the assignment form takes for a filter, had the bank held the teacher's own
    questions too, and which of their own questions it lets them hand-pick."""
    merged = Bank({**bank.questions, **own}, bank.sets, bank.concepts)
    form = {"title": "Week 3", "source": "filter", "feedback_mode": "immediate"}
    form |= {"identity": "name", "timezone": "UTC", **source}
    parsed = assignment_form.parse_form(form, merged, {})
    pool = set() if parsed.problems else set(parsed.fields["pool"])
    for question_id in own.keys() & pool:
        picked = {**form, "source": "ids", "ids": [question_id]}
        assert not assignment_form.parse_form(picked, bank, own).problems, question_id
    return pool


FILTERS = [
    {k: v for k, v in (("kinds", kind), ("themes", theme), ("verdicts", verdict)) if v}
    for kind, theme, verdict in itertools.product(
        [[], *([k] for k in KINDS)],
        [[], *([t] for t in THEMES)],
        [[], *([v] for v in VERDICTS)],
    )
]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_browse_bank_for_every_filter_shows_what_the_assignment_takes(app: FastAPI) -> None:
    client, own = _own_questions(app)
    for source in FILTERS:
        page = client.get("/teacher/bank", params=source)
        assert page.status_code == 200
        shown = PICKED.findall(page.text)
        assert len(shown) == len(set(shown)), source
        assert set(shown) == _assigned(app.state.bank, own, source), source


def test_browse_bank_shows_own_and_bundled_questions_of_every_kind(app: FastAPI) -> None:
    """Every kind can be assigned, so the browser shows every kind, and a kind filter keeps
    exactly that kind (an option question's card shows its right option, not a verdict)."""
    client, own = _own_questions(app)
    mine = {q.kind: i for i, q in own.items()}
    page = client.get("/teacher/bank").text
    assert set(mine.values()) <= set(PICKED.findall(page))
    bundled = app.state.bank.questions.values()
    assert f"Bundled questions ({len(app.state.bank.questions)})" in page
    for kind in KINDS:
        shown = set(PICKED.findall(client.get("/teacher/bank", params={"kinds": kind}).text))
        assert {i for k, i in mine.items() if k == kind} <= shown
        assert not {i for k, i in mine.items() if k != kind} & shown
        assert shown - set(own) == {q.id for q in bundled if q.kind == kind}
    option = next(q for q in bundled if q.kind == "fix-claim")
    right = next(o for o in option.options if o.correct)
    options = client.get("/teacher/bank", params={"kinds": "fix-claim"}).text
    assert f"<strong>Right: {escape(right.text)}</strong>" in options


def test_browse_bank_with_a_filter_value_nothing_has_shows_nothing(app: FastAPI) -> None:
    """A value no question has (a hand-typed address) matches nothing, as the form refuses it."""
    client, _own = _own_questions(app)
    for params in ({"difficulties": "hard"}, {"themes": "gossip"}, {"kinds": "essay"}):
        page = client.get("/teacher/bank", params=params)
        assert page.status_code == 200
        assert PICKED.findall(page.text) == []
        assert "Bundled questions (0)" in page.text
