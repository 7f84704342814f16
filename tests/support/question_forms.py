"""A teacher's question form filled in right for each option kind (best-evidence, fix-claim),
as the editor posts it (every test of these kinds changes one field of one of them); reading a
field's problems off the editor, and uploading a question file."""

import html
import re
from typing import Any

from fastapi.testclient import TestClient
from httpx2 import Response

from tests.support.teacher_factories import GOOD_QUESTION_FORM

_COMMON: dict[str, Any] = {
    "theme": "evidence-gaps",
    "source_section": "Evidence Gaps and Uncertainty",
    "difficulty": "2",
    "register": "casual",
    "concepts": ["short-not-long"],
    "ladder_best": "anecdote",
    "ladder_certainty": "very-low",
    "ladder_rated_down": ["no-study"],
    "review_by": "2028-09-01",
}

BEST_EVIDENCE_FORM: dict[str, Any] = {
    **_COMMON,
    "id": "years-later",
    "kind": "best-evidence",
    "claim": "My friend has done it for years and says nothing bad ever happened to her.",
    "cue": "says nothing bad ever happened",
    "explanation": "One friend's years say nothing about others. Only a long study with a "
    "comparison group can show what repeated use does over time.",
    "needed_evidence": "A long study that follows people for years and compares them with "
    "people who never took it.",
    "option_a_text": "A video of the friend telling her story in more detail.",
    "option_a_feedback": "A longer story is still one story. It has no comparison group.",
    "option_a_rung": "anecdote",
    "option_b_text": "A poll of many people who say they feel fine after years.",
    "option_b_feedback": "Many stories are still stories. People who felt bad may not answer.",
    "option_b_rung": "anecdote",
    "option_c_text": "A long study that follows people and compares them with others.",
    "option_c_feedback": "Following people for years beside a comparison group shows what "
    "time does.",
    "option_c_rung": "observational",
    "option_d_text": "",
    "option_d_feedback": "",
    "option_d_rung": "",
    "correct": "c",
}

FIX_CLAIM_FORM: dict[str, Any] = {
    **_COMMON,
    "id": "safe-for-years",
    "kind": "fix-claim",
    "claim": "Studies prove that using it for years is completely safe.",
    "cue": "prove that using it for years is completely safe",
    "explanation": "The studies were short. Nobody has followed people for years, so nothing "
    "is proven about years of use.",
    "needed_evidence": "A long study that follows people for years and compares them with "
    "people who never took it.",
    "option_a_text": "Short studies looked at a few weeks. Nobody knows yet what years do.",
    "option_a_feedback": "This says how long the studies were, and no more.",
    "option_b_text": "Studies prove that using it for years is mostly safe.",
    "option_b_feedback": "Still an overclaim: no study followed people for years.",
    "option_c_text": "Studies prove that using it for years is very dangerous.",
    "option_c_feedback": "This swings to the opposite overclaim. No study shows that either.",
    "option_d_text": "Studies show people feel calmer, so years of use are fine.",
    "option_d_feedback": "A short effect says nothing about years of use.",
    "correct": "a",
}

FORMS = {
    "classify": {**GOOD_QUESTION_FORM, "kind": "classify"},
    "best-evidence": BEST_EVIDENCE_FORM,
    "fix-claim": FIX_CLAIM_FORM,
}


def right_option(form: dict[str, Any]) -> str:
    """Return the text of the option a form marks right."""
    return str(form[f"option_{form['correct']}_text"])


def field_errors(page: str, field: str) -> str:
    """Return the text of the problems the editor shows next to one field."""
    match = re.search(rf'<div id="err-{field}" class="field-errors"[^>]*>(.*?)</div>', page, re.S)
    assert match, f"no error slot for {field}"
    return html.unescape(match.group(1))


def upload_file(client: TestClient, csrf: str, body: str | bytes, name: str) -> Response:
    """Upload a question file on the My questions page, as the teacher's browser sends it."""
    content = body.encode() if isinstance(body, str) else body
    return client.post(
        "/teacher/questions/upload",
        data={"csrf_token": csrf},
        files={"file": (name, content, "application/octet-stream")},
    )
