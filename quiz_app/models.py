"""SQLAlchemy tables; the LTI tables are in quiz_app/lti/tables.py, on the same Base."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    String,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC; SQLite hands it back aware too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("store timezone-aware datetimes only")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        when: datetime = value
        return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


class Base(DeclarativeBase):
    pass


def phase_counts(total: int, check_in: int, check_out: int) -> tuple[int, int, int]:
    """Return how many of an attempt's `total` questions are check-in, practice and check-out
    (an ORM Attempt's phase_counts, and the plain row's of learning/attempt_row.py)."""
    return check_in, total - check_in - check_out, check_out


class Attempt(Base):
    """One student's run through a question set, reached by its unguessable token."""

    __tablename__ = "attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    set_id: Mapped[str] = mapped_column(String(64))
    seed: Mapped[int] = mapped_column(BigInteger)
    # The questions chosen for this student, in order, fixed at the start so that edits to the
    # bank or the set never reshuffle an attempt in progress.
    question_ids: Mapped[list[str]] = mapped_column(JSON)
    retry_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("attempts.id", ondelete="SET NULL"), index=True
    )
    # How many of question_ids are the check-in form (first) and the check-out form (last).
    check_in_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    check_out_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when a student joins a teacher's assignment; bundled public sets leave them empty.
    # Deleting the assignment deletes its attempts (and so their answers) in the database.
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    student_name: Mapped[str | None] = mapped_column(String(80))
    # When the student pressed "Submit my answers" (assignments that give feedback afterwards).
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What a student who joined with a name types with it to get back into this unfinished
    # attempt (classroom/resume.py); random per attempt, and renewed when a teacher re-admits.
    resume_code: Mapped[str | None] = mapped_column(String(8))

    assignment: Mapped["Assignment | None"] = relationship(back_populates="attempts")
    answers: Mapped[list["Answer"]] = relationship(
        back_populates="attempt", order_by="Answer.id", cascade="all, delete-orphan"
    )

    @property
    def phase_counts(self) -> tuple[int, int, int]:
        """Return how many questions are check-in, practice and check-out."""
        return phase_counts(len(self.question_ids), self.check_in_count, self.check_out_count)


class Answer(Base):
    """A student's verdict on one question of an attempt; one per question, never changed."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id", name="uq_answer_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(64))
    # The verdict of a classify question, or the chosen option's id for the other kinds.
    answer: Mapped[str] = mapped_column(String(16))
    correct: Mapped[bool]
    # The concept id given as "why?", and whether it was the right one (NULL: not asked).
    reason: Mapped[str | None] = mapped_column(String(64))
    reason_correct: Mapped[bool | None]
    # "guessing", "unsure", "fairly-sure" or "certain"; NULL when the student did not say.
    confidence: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    attempt: Mapped[Attempt] = relationship(back_populates="answers")


class PracticeRound(Base):
    """Marks an attempt as a "practise what you missed" round of an earlier attempt (its root)."""

    __tablename__ = "practice_rounds"

    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempts.id", ondelete="CASCADE"), primary_key=True
    )
    root_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), index=True)


class Teacher(Base):
    """A teacher account: an email and an argon2id password hash."""

    __tablename__ = "teachers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    password_hash: Mapped[str] = mapped_column(String(255))
    # The IANA time zone the teacher last entered assignment times in (shown back to them).
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TeacherSession(Base):
    """A logged-in browser. Only a hash of the cookie's token is stored, so a copy of the
    database cannot be used to log in."""

    __tablename__ = "teacher_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("teachers.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    teacher: Mapped[Teacher] = relationship()


class RateLimit(Base):
    """How many events (a start, a wrong join code, a failed login...) one key counted in one
    fixed window; quiz_app/rate_limits.py names the keys and the limits."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    # When the row no longer counts for anything (the end of the window after it).
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class Assignment(Base):
    """A question set a teacher gives a class, joined with a short code."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("teachers.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(120))
    join_code: Mapped[str] = mapped_column(String(8), unique=True)
    # Where the questions come from, as the teacher chose it: {"set_id": ...}, a filter
    # {"themes": [...], "verdicts": [...], "kinds": [...], "difficulties": [...]} or {"ids": [...]}.
    source: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The matching question ids, fixed when the assignment is made, so that later changes to
    # the bank never change what the class answers.
    pool: Mapped[list[str]] = mapped_column(JSON)
    question_count: Mapped[int] = mapped_column(Integer)  # practice questions per student
    # The set's two parallel check forms, asked before and after the practice (empty without).
    check_in: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    check_out: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    shuffle: Mapped[bool]
    feedback_mode: Mapped[str] = mapped_column(String(16))  # "immediate" | "after_submit"
    attempts_allowed: Mapped[int] = mapped_column(Integer)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    identity: Mapped[str] = mapped_column(String(16))  # "name" | "nickname"
    closed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The sites whose pages may frame this assignment, space-separated origins checked by
    # security.parse_embed_origins; empty means the server's frame_ancestors setting.
    embed_origins: Mapped[str] = mapped_column(String(1000), default="", server_default="")

    teacher: Mapped[Teacher] = relationship()
    attempts: Mapped[list[Attempt]] = relationship(
        back_populates="assignment", order_by="Attempt.id", passive_deletes=True
    )

    @property
    def every_question(self) -> list[str]:
        """Return every question a student may be asked: the check forms and the pool."""
        return list(dict.fromkeys([*self.check_in, *self.pool, *self.check_out]))


class TeacherQuestion(Base):
    """A question a teacher wrote, private to them: the bank's YAML shape, stored as JSON."""

    __tablename__ = "teacher_questions"
    __table_args__ = (UniqueConstraint("teacher_id", "local_id", name="uq_teacher_question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("teachers.id", ondelete="CASCADE"), index=True
    )
    local_id: Mapped[str] = mapped_column(String(50))  # the id the teacher wrote
    question_id: Mapped[str] = mapped_column(String(64), unique=True)  # t<teacher>.<local_id>
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class StudentAllowance(Base):
    """What a teacher allowed one student of an assignment beyond its settings: more attempts,
    a later closing time. A student is their name as typed when joining, compared casefolded."""

    __tablename__ = "student_allowances"
    __table_args__ = (
        UniqueConstraint("assignment_id", "student_key", name="uq_student_allowance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    student_key: Mapped[str] = mapped_column(String(80))  # assignments.name_key of the name
    extra_attempts: Mapped[int] = mapped_column(Integer, default=0)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AssignmentEvent(Base):
    """One thing a teacher did to one student of an assignment, for the assignment's log."""

    __tablename__ = "assignment_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("teachers.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(32))  # classroom.students.ACTIONS
    student_name: Mapped[str] = mapped_column(String(80))
    details: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    teacher: Mapped[Teacher] = relationship()


class Lease(Base):
    """A named job that one app process at a time may run (the retention sweep): whoever
    holds an unexpired lease runs it; an expired lease (a process that died) is free again."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ClassRun(Base):
    """A teacher running an assignment in class: the whole room on one claim at a time, the
    step it is at (classroom/class_steps.py) and the one order of claims everyone sees."""

    __tablename__ = "class_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    # The claims in the order the class sees them: check-in form, practice, check-out form, the
    # same for every student (the check forms are not counterbalanced in class).
    question_ids: Mapped[list[str]] = mapped_column(JSON)
    check_in_count: Mapped[int] = mapped_column(Integer, default=0)
    check_out_count: Mapped[int] = mapped_column(Integer, default=0)
    position: Mapped[int] = mapped_column(Integer, default=0)  # index into question_ids
    step: Mapped[str] = mapped_column(String(16), default="lobby")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    step_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    assignment: Mapped[Assignment] = relationship()


class ClassRunStudent(Base):
    """A student's attempt taking part in a class run (it joined the room)."""

    __tablename__ = "class_run_students"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("class_runs.id", ondelete="CASCADE"), primary_key=True
    )
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Revote(Base):
    """A student's second vote on a claim after the class discussed it, beside the scored
    answer: the first vote stays the one scored, graded and sent to an LMS."""

    __tablename__ = "revotes"

    answer_id: Mapped[int] = mapped_column(
        ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True
    )
    answer: Mapped[str] = mapped_column(String(16))
    correct: Mapped[bool]
    reason: Mapped[str | None] = mapped_column(String(64))
    reason_correct: Mapped[bool | None]
    confidence: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
