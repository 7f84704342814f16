"""SQLAlchemy tables."""

from datetime import UTC, datetime

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, String, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


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
    retry_of_id: Mapped[int | None] = mapped_column(ForeignKey("attempts.id", ondelete="SET NULL"))
    # How many of question_ids are the check-in form (first) and the check-out form (last).
    check_in_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    check_out_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    answers: Mapped[list["Answer"]] = relationship(
        back_populates="attempt", order_by="Answer.id", cascade="all, delete-orphan"
    )

    @property
    def phase_counts(self) -> tuple[int, int, int]:
        """Return how many questions are check-in, practice and check-out."""
        total = len(self.question_ids)
        return (
            self.check_in_count,
            total - self.check_in_count - self.check_out_count,
            self.check_out_count,
        )


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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    attempt: Mapped[Attempt] = relationship(back_populates="answers")


class PracticeRound(Base):
    """Marks an attempt as a "practise what you missed" round of an earlier attempt (its root)."""

    __tablename__ = "practice_rounds"

    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempts.id", ondelete="CASCADE"), primary_key=True
    )
    root_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), index=True)
