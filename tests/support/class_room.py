"""A teacher running an assignment in class and students on their own devices, for tests."""

from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response

from quiz_app.models import ClassRun
from quiz_app.store import class_runs
from tests.support.factories import form_values, right_reason
from tests.support.teacher_factories import (
    create_assignment,
    get_assignment,
    join_token,
    student_client,
    teacher_client,
)

# Three classify claims of the bundled bank, in this order.
CLAIMS = ["micro-not-safe-01", "micro-not-safe-02", "micro-not-safe-03"]


@dataclass
class Room:
    app: FastAPI
    teacher: TestClient
    csrf: str
    assignment_id: int
    code: str

    @property
    def presenter(self) -> str:
        return f"/teacher/assignments/{self.assignment_id}/class"

    def run(self) -> ClassRun:
        with self.app.state.sessions() as session:
            run = class_runs.latest_run(session, assignment_id=self.assignment_id)
            assert run is not None
            return run

    def press(self, action: str, **headers: str) -> Response:
        """Press a presenter button at the step the run is at."""
        run = self.run()
        data = {"csrf_token": self.csrf, "step": run.step, "position": str(run.position)}
        return self.teacher.post(f"{self.presenter}/{action}", data=data, headers=headers)

    def join(self, name: str) -> tuple[TestClient, str]:
        """Join as a student and open the class page; return the browser and the token."""
        browser = student_client(self.app)
        token = join_token(browser, self.code, name)
        assert browser.get(f"/a/{token}/class").status_code == 200
        return browser, token

    def vote(
        self, browser: TestClient, token: str, verdict: str, *, again: bool = False, **kw: str
    ) -> Response:
        """Answer (or, `again`, vote again on) the current claim with a verdict and its right
        reason (or `reason`)."""
        run = self.run()
        claim = run.question_ids[run.position]
        question = self.app.state.bank.questions[claim]
        reason = kw.pop("reason") if "reason" in kw else right_reason(question)
        data = form_values(browser, token, claim, verdict, reason)
        where = "revote" if again else "answer"
        return browser.post(
            f"/a/{token}/class/{where}?position={run.position + 1}", data=data, headers=kw
        )


def open_room(app: FastAPI, claims: list[str] | None = None) -> Room:
    """Make a teacher's assignment of `claims` and press Run in class."""
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(
        teacher, csrf, source="ids", ids=claims or CLAIMS, shuffle=None
    )
    room = Room(app, teacher, csrf, assignment_id, get_assignment(app, assignment_id).join_code)
    started = teacher.post(f"{room.presenter}", data={"csrf_token": csrf})
    assert started.status_code == 303, started.text
    return room
