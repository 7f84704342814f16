"""Reasons, confidence, the evidence ladder and the option kinds, through HTTP, on the small
learning bank (tests/support/learning_bank.py): what a student sees, and what is stored."""

import html
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from quiz_app.bank.items import BestEvidenceQuestion, ClassifyQuestion, FixClaimQuestion
from quiz_app.config import Settings
from tests.support.factories import (
    HTMX,
    answer,
    answer_as_student,
    answer_details,
    answer_rows,
    presentation_of,
    question_ids,
    question_url,
    right_reason,
    start_attempt,
    wrong_reason,
)
from tests.support.learning_bank import check_forms, write_learning_bank


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    root = write_learning_bank(tmp_path / "bank")
    return Settings(
        database_url=database_url, htmx_source="local", data_dir=tmp_path, questions_dir=root
    )


def text(response_text: str) -> str:
    """Return a page as a student reads it: tags kept, entities decoded."""
    return html.unescape(response_text)


def classify(app: FastAPI, qid: str) -> ClassifyQuestion:
    q = app.state.bank.questions[qid]
    assert isinstance(q, ClassifyQuestion)
    return q


def options_question(app: FastAPI, qid: str) -> BestEvidenceQuestion | FixClaimQuestion:
    q = app.state.bank.questions[qid]
    assert isinstance(q, BestEvidenceQuestion | FixClaimQuestion)
    return q


def reason_order(app: FastAPI, page: str) -> list[str]:
    """Return the concept ids of the reasons a page offers, in the order shown (by their names:
    the values the form carries are opaque)."""
    by_name = {c.name: c.id for c in app.state.bank.concepts.values()}
    names = re.findall(
        r'name="reason" value="[^"]*" required>\s*<span class="choice-text">'
        r'<span class="choice-label">([^<]+)</span>',
        page,
    )
    return [by_name[html.unescape(n)] for n in names]


def test_show_question_asks_verdict_why_and_confidence_in_one_form(
    app: FastAPI, client: TestClient
) -> None:
    token = start_attempt(client, "plain")
    qid = question_ids(app, client, token)[0]
    q = classify(app, qid)
    page = text(client.get(question_url(client, token, qid)).text)
    form = page[page.index('<form id="answer-form"') : page.index("</form>")]
    assert re.findall(r'name="answer" value="(\w+)"', form) == [
        "research",
        "hypothesis",
        "unsupported",
    ]
    assert "<legend>Why?</legend>" in form
    assert sorted(reason_order(app, form)) == sorted(q.reason_options)
    assert not set(re.findall(r'name="reason" value="([^"]*)"', form)) & set(q.reason_options)
    for concept_id in q.reason_options:
        assert app.state.bank.concepts[concept_id].name in form
    assert "<legend>How sure are you?</legend>" in form
    assert re.findall(r'name="confidence" value="([a-z-]*)"', form) == [
        "guessing",
        "unsure",
        "fairly-sure",
        "certain",
        "",
    ]
    assert "I'd rather not say" in form
    assert '<button type="submit" class="button">Check my answer</button>' in form
    # Nothing tells which reason is right before the answer.
    assert "the right reason" not in page and "teaching" not in page
    for concept in app.state.bank.concepts.values():
        assert concept.teaching not in page
    assert "best evidence so far" not in page and "evidence ladder" not in page


def test_reason_order_differs_between_students_and_stays_put_for_one(
    app: FastAPI, client: TestClient
) -> None:
    qid = check_forms()[0][0]
    positions = set()
    for _ in range(12):
        token = start_attempt(client, "plain")
        first = reason_order(app, client.get(question_url(client, token, qid)).text)
        assert reason_order(app, client.get(question_url(client, token, qid)).text) == first
        positions.add(first.index(right_reason(classify(app, qid))))
    assert len(positions) > 1, "the right reason always sits in the same place"


def test_submit_right_verdict_and_reason_with_htmx_teaches_the_concept_and_ladder(
    app: FastAPI, client: TestClient
) -> None:
    token = start_attempt(client, "plain")
    qid = question_ids(app, client, token)[0]  # a research claim; best evidence: trials
    q = classify(app, qid)
    response = answer(
        client, token, qid, "research", reason=right_reason(q), confidence="certain", htmx=True
    )
    page = text(response.text)
    assert response.status_code == 200 and "<html" not in page
    assert "Right: this is Research" in page
    assert "You were certain." in page
    concept = app.state.bank.concepts[right_reason(q)]
    assert (
        f"You picked <strong>“{concept.name}”</strong>. That is the reason that decides it." in page
    )
    assert concept.teaching in page
    assert q.explanation in page
    rungs = re.findall(
        r'<li class="rung rung-\d( is-best| is-missing)?">\s*<span class="rung-label">([^<]+)', page
    )
    assert [label for _, label in rungs] == [
        "Personal stories",
        "Case reports",
        "Observational studies",
        "Controlled trials",
        "Systematic reviews",
    ]
    assert [mark for mark, _ in rungs] == ["", "", "", " is-best", " is-missing"]
    assert re.search(
        r"Controlled trials</span> <strong class=\"rung-tag\">best evidence so far", page
    )
    assert page.count("best evidence so far") == 1
    assert "How sure we can be: <strong>Low</strong> certainty" in page
    assert "<li>too few people</li>" in page and "<li>too short</li>" in page
    assert "What evidence would settle it:</strong> " + q.needed_evidence in page
    assert answer_details(app, token) == [(qid, right_reason(q), True, "certain")]
    assert answer_rows(app, token) == [(qid, "research", True)]


def test_submit_right_verdict_wrong_reason_without_js_says_right_for_the_wrong_reason(
    app: FastAPI, client: TestClient
) -> None:
    token = start_attempt(client, "plain")
    qid = question_ids(app, client, token)[0]
    q = classify(app, qid)
    response = answer(client, token, qid, q.verdict, reason=wrong_reason(q))
    assert response.status_code == 303
    assert response.headers["location"] == f"{question_url(client, token, qid)}#feedback"
    page = text(client.get(response.headers["location"]).text)
    assert "<html" in page
    assert "Right for the wrong reason: this is Research" in page
    assert 'class="feedback-body is-partial"' in page
    chosen = app.state.bank.concepts[wrong_reason(q)].name
    right = app.state.bank.concepts[right_reason(q)].name
    assert f"You picked <strong>“{chosen}”</strong>. That is not what decides this claim." in page
    assert f"The reason that does: <strong>“{right}”</strong>." in page
    # The locked form marks both reasons in words, not by colour alone.
    assert '<span class="tag">your reason</span>' in page
    assert '<span class="tag tag-right">the right reason</span>' in page
    assert answer_details(app, token) == [(qid, wrong_reason(q), False, None)]
    assert answer_rows(app, token) == [(qid, q.verdict, True)]


def test_submit_wrong_verdict_right_reason_says_so(app: FastAPI, client: TestClient) -> None:
    token = start_attempt(client, "plain")
    qid = question_ids(app, client, token)[2]  # a hypothesis claim
    q = classify(app, qid)
    page = text(answer(client, token, qid, "research", reason=right_reason(q), htmx=True).text)
    assert "Wrong verdict, right reason: this is Hypothesis" in page
    assert (
        "You said <strong>Research</strong>. The evidence makes it <strong>Hypothesis</strong>."
        in page
    )
    assert answer_rows(app, token) == [(qid, "research", False)]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"reason": "RIGHT"},
            "Choose one of the three answers: Research, Hypothesis or Unsupported.",
        ),
        ({"answer": "maybe", "reason": "RIGHT"}, "Choose one of the three answers"),
        ({"answer": "research"}, "Choose a reason under “Why?”, then check your answer."),
        ({"answer": "research", "reason": ""}, "Choose a reason under “Why?”"),
        ({"answer": "research", "reason": "legal-not-dose"}, "not one of this question's choices"),
        ({"answer": "research", "reason": "no-such-concept"}, "not one of this question's choices"),
        ({"answer": "research", "reason": "<b>x</b>"}, "not one of this question's choices"),
        ({"answer": "research", "reason": "RIGHT", "confidence": "100%"}, "how sure you are"),
        ({"answer": "research", "reason": "x" * 65}, "The field “reason” is not valid"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_submit_incomplete_or_foreign_answer_is_422_and_saves_nothing(
    app: FastAPI, client: TestClient, fields: dict[str, str], message: str, htmx: bool
) -> None:
    token = start_attempt(client, "plain")
    qid = question_ids(app, client, token)[0]
    data = {k: right_reason(classify(app, qid)) if v == "RIGHT" else v for k, v in fields.items()}
    response = client.post(
        question_url(client, token, qid), data=data, headers=HTMX if htmx else {}
    )
    assert response.status_code == 422
    assert message in text(response.text)
    assert "<b>x</b>" not in response.text
    assert ("<html" in response.text) is not htmx
    assert answer_rows(app, token) == []


def test_submit_same_answer_twice_stores_one_row_and_a_changed_one_is_409(
    app: FastAPI, client: TestClient
) -> None:
    token = start_attempt(client, "plain")
    qid = question_ids(app, client, token)[0]
    q = classify(app, qid)
    first = answer(
        client, token, qid, q.verdict, reason=right_reason(q), confidence="unsure", htmx=True
    )
    again = answer(
        client, token, qid, q.verdict, reason=right_reason(q), confidence="unsure", htmx=True
    )
    assert again.status_code == 200 and again.text == first.text
    for changed in (
        {"reason": wrong_reason(q), "confidence": "unsure"},
        {"reason": right_reason(q), "confidence": "certain"},
        {"reason": right_reason(q)},
    ):
        response = answer(client, token, qid, q.verdict, htmx=True, **changed)
        assert response.status_code == 409
        assert "You already answered this question with “Research”" in text(response.text)
    assert answer_details(app, token) == [(qid, right_reason(q), True, "unsure")]


@pytest.mark.parametrize("confidence", [None, ""])
def test_submit_without_confidence_is_fine_and_stored_as_not_said(
    app: FastAPI, client: TestClient, confidence: str | None
) -> None:
    token = start_attempt(client, "plain")
    qid = question_ids(app, client, token)[0]
    q = classify(app, qid)
    response = answer(client, token, qid, q.verdict, reason=right_reason(q), confidence=confidence)
    assert response.status_code == 303
    page = text(client.get(question_url(client, token, qid)).text)
    assert "You were" not in page
    assert '<input type="radio" name="confidence" value="" checked>' in page
    assert answer_details(app, token) == [(qid, right_reason(q), True, None)]


def test_show_question_of_check_set_labels_each_phase(app: FastAPI, client: TestClient) -> None:
    token = start_attempt(client, "check-set")
    ids = question_ids(app, client, token)
    check_in, check_out = check_forms()
    forms = (ids[:6], ids[-6:])
    assert forms in ((check_in, check_out), (check_out, check_in)) and len(ids) == 20
    expected = {
        0: "<strong>Check-in</strong>: question 1 of 6",
        5: "<strong>Check-in</strong>: question 6 of 6",
        6: "<strong>Practice</strong>: question 1 of 8",
        14: "<strong>Check-out</strong>: question 1 of 6",
        19: "<strong>Check-out</strong>: question 6 of 6",
    }
    for index, label in expected.items():
        page = client.get(question_url(client, token, ids[index])).text
        assert label in page, index
        assert f"Question {index + 1} of 20" in page


def test_best_evidence_question_hides_feedback_then_shows_chosen_and_best(
    app: FastAPI, client: TestClient
) -> None:
    token = start_attempt(client, "options")
    qid = question_ids(app, client, token)[0]
    q = options_question(app, qid)
    assert q.kind == "best-evidence"
    before = text(client.get(question_url(client, token, qid)).text)
    assert "Which study would settle this claim?" in before
    # Three options, whose values say only where each is shown, never the option's id.
    assert re.findall(r'name="answer" value="([^"]*)"', before) == ["1", "2", "3"]
    shown = presentation_of(client, token, qid)
    for option in q.options:
        assert option.text in before
        assert option.feedback not in before
    assert "On the ladder" not in before and "best choice" not in before
    assert "How sure are you?" not in before  # this set does not ask

    chosen = q.options[0]
    response = answer(client, token, qid, chosen.id, confidence="certain")
    assert response.status_code == 303
    page = text(client.get(question_url(client, token, qid)).text)
    best = q.correct_option
    chosen_letter, best_letter = shown.letter_of(chosen.id), shown.letter_of(best.id)
    assert f"Not quite: the best choice is {best_letter}" in page
    assert f"<strong>You chose {chosen_letter}:</strong> {chosen.text}" in page
    assert chosen.feedback in page
    assert f"<strong>The best choice, {best_letter}:</strong> {best.text}" in page
    assert best.feedback in page
    assert "On the ladder: Personal stories" in page and "On the ladder: Controlled trials" in page
    assert q.explanation in page and "best evidence so far" in page
    # The set does not ask for confidence, so none is stored even if one is sent.
    assert answer_details(app, token) == [(qid, None, None, None)]
    assert answer_rows(app, token) == [(qid, "a", False)]


def test_fix_claim_right_option_with_htmx(app: FastAPI, client: TestClient) -> None:
    token = start_attempt(client, "options")
    qid = question_ids(app, client, token)[1]
    q = options_question(app, qid)
    assert q.kind == "fix-claim"
    before = text(client.get(question_url(client, token, qid)).text)
    assert "<h1" in before and "Which rewording states the evidence honestly?</h1>" in before
    assert "<legend>Your choice</legend>" in before
    page = text(answer(client, token, qid, q.correct_option.id, htmx=True).text)
    letter = presentation_of(client, token, qid).letter_of(q.correct_option.id)
    assert f"Right: {letter} is the best choice" in page
    assert q.correct_option.feedback in page
    assert "The best choice," not in page
    assert answer_rows(app, token) == [(qid, "b", True)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"answer": "research"}, "Choose one of the options (A, B, C)."),
        ({"answer": "z"}, "Choose one of the options (A, B, C)."),
        ({}, "Choose one of the options"),
        ({"answer": "2", "reason": "anecdote"}, "This question does not ask why"),
    ],
)
def test_option_question_bad_answer_is_422(
    app: FastAPI, client: TestClient, data: dict[str, str], message: str
) -> None:
    token = start_attempt(client, "options")
    qid = question_ids(app, client, token)[0]
    response = client.post(question_url(client, token, qid), data=data)
    assert response.status_code == 422
    assert message in text(response.text)
    assert answer_rows(app, token) == []


def test_option_question_answered_twice_differently_is_409_with_letter(
    app: FastAPI, client: TestClient
) -> None:
    token = start_attempt(client, "options")
    qid = question_ids(app, client, token)[0]
    assert answer(client, token, qid, "a").status_code == 303
    response = answer(client, token, qid, "b")
    assert response.status_code == 409
    letter = presentation_of(client, token, qid).letter_of("a")
    assert f"You already answered this question with “{letter}”" in text(response.text)
    assert answer_rows(app, token) == [(qid, "a", False)]


def test_ladder_of_a_legal_claim_says_no_studies_apply(app: FastAPI, client: TestClient) -> None:
    token = start_attempt(client, "extras")
    legal = next(q for q in question_ids(app, client, token) if "legal" in q)
    page = text(answer_as_student(app, client, token, legal, htmx=True).text)
    assert "<strong>No studies apply.</strong> Studies cannot settle what the law allows" in page
    assert "best evidence so far" not in page
    assert page.count('class="rung rung-') == page.count(" is-missing") == 5


def test_show_question_no_answer_key_in_any_kind_before_answering(
    app: FastAPI, client: TestClient
) -> None:
    for set_id in ("check-set", "extras"):
        token = start_attempt(client, set_id)
        for qid in question_ids(app, client, token):
            q = app.state.bank.questions[qid]
            for headers in ({}, HTMX):
                page = text(client.get(question_url(client, token, qid), headers=headers).text)
                assert q.explanation not in page and q.needed_evidence not in page
                assert "feedback-body" not in page and "tag-right" not in page
                assert "<mark" not in page and "best evidence so far" not in page
                for option in getattr(q, "options", []):
                    assert option.feedback not in page


def test_pages_stay_small(app: FastAPI, client: TestClient) -> None:
    """A question page and its answer fragment stay a few kilobytes, before compression."""
    token = start_attempt(client, "plain")
    qid = question_ids(app, client, token)[0]
    q = classify(app, qid)
    page = client.get(question_url(client, token, qid))
    fragment = answer(client, token, qid, q.verdict, reason=right_reason(q), htmx=True)
    assert len(page.content) < 16_000, len(page.content)
    assert len(fragment.content) < 16_000, len(fragment.content)
