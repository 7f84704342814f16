"""A teacher's upload cannot make a reply out of proportion to it: a 400-byte alias bomb, YAML
nested 20,000 deep, or a file of 400 broken questions each get a short 422 that says what
to fix, and nothing is stored."""

from typing import Any

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient

from quiz_app.bank import authoring
from quiz_app.models import TeacherQuestion
from tests.support.teacher_factories import row_count, teacher_client

MAX_REPLY_BYTES = 60_000  # the questions page with the problems listed, at most
LAUGHS = (
    b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    b"b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    b"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    b"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    b"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    b"questions:\n- id: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
)


def _upload(client: TestClient, csrf: str, body: bytes, name: str = "mine.yaml") -> Any:
    return client.post(
        "/teacher/questions/upload",
        data={"csrf_token": csrf},
        files={"file": (name, body, "application/octet-stream")},
    )


def test_an_alias_bomb_gets_a_short_422_naming_the_alias(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    response = _upload(teacher, csrf, LAUGHS)
    assert response.status_code == 422
    assert len(response.content) < MAX_REPLY_BYTES
    assert "holds more than 200,000 values, counting what its aliases repeat" in response.text
    assert row_count(app, TeacherQuestion) == 0


def test_yaml_nested_20000_deep_gets_a_422_not_a_server_error(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    response = _upload(teacher, csrf, b"questions: " + b"[" * 20_000 + b"]" * 20_000)
    assert response.status_code == 422
    assert "nests lists or mappings more than 12 deep" in response.text


def test_four_hundred_broken_questions_list_the_first_hundred_and_count_the_rest(
    app: FastAPI,
) -> None:
    teacher, csrf, _ = teacher_client(app)
    broken = [{"id": f"q{i}-" + "x" * 1_500, "claim": ""} for i in range(400)]
    body = yaml.safe_dump({"questions": broken}).encode()
    assert len(body) < authoring.MAX_UPLOAD_BYTES
    response = _upload(teacher, csrf, body)
    assert response.status_code == 422
    assert len(response.content) < 4 * authoring.MAX_PROBLEMS * authoring.MAX_PROBLEM_CHARS
    assert "more problems: fix these first, then upload again" in response.text
    assert "x" * authoring.MAX_PROBLEM_CHARS not in response.text
    assert row_count(app, TeacherQuestion) == 0


@pytest.mark.parametrize("name", ["mine.gift", "mine.xml", "mine.yaml"])
@pytest.mark.parametrize(
    ("size", "status", "said"),
    [
        (1_500_000, 422, "larger than 1 MB"),  # read up to the limit, and refused
        (5_000_000, 413, "A question file may be at most 1 MB"),  # refused before it is read
    ],
)
def test_a_file_over_the_limit_is_said_to_be_larger_than_it_not_a_wrong_size(
    app: FastAPI, name: str, size: int, status: int, said: str
) -> None:
    teacher, csrf, _ = teacher_client(app)
    response = _upload(teacher, csrf, b"// " + b"x" * size, name)
    assert response.status_code == status
    assert said in response.text
    assert " KB" not in response.text
    assert row_count(app, TeacherQuestion) == 0
