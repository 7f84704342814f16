"""When the database cannot be reached or written: which failures those are, and what to say.

A PostgreSQL server that stopped, or a SQLite file that is read-only, full or failing, is an
outage, not a bug: a student gets a 503 page that says their earlier answers are kept, and the
app recovers by itself when the database is back (the pool checks connections before use). An
admin starting the server gets the same diagnosis as one line, instead of a traceback.
"""

import sqlite3

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from quiz_app import db

RETRY_AFTER_SECONDS = 30  # what a 503 asks the browser (and the person) to wait

# SQLite's result codes that mean the file, not the query, is the trouble.
SQLITE_OUTAGES = {
    "SQLITE_READONLY": "read-only",
    "SQLITE_CANTOPEN": "cannot be opened",
    "SQLITE_FULL": "full (or the disk it is on is)",
    "SQLITE_IOERR": "failing to read or write",
    "SQLITE_BUSY": "busy with another writer",
    "SQLITE_LOCKED": "busy with another writer",
    "SQLITE_CORRUPT": "damaged",
    "SQLITE_NOTADB": "not a database",
}

STUDENT_MESSAGE = (
    "The quiz cannot reach its database right now, so nothing new could be saved. Every answer "
    "you gave before is kept. Wait a minute and press the button again; if it keeps happening, "
    "tell your teacher."
)


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or written; the message says what an admin can do."""


def outage_of(error: BaseException) -> str | None:
    """Return what is wrong with the database when `error` is an outage, or None for a bug."""
    if not isinstance(error, DBAPIError):
        return None
    cause = error.orig
    if isinstance(cause, sqlite3.Error):
        name = getattr(cause, "sqlite_errorname", "")
        return next((what for code, what in SQLITE_OUTAGES.items() if name.startswith(code)), None)
    # psycopg's OperationalError and InterfaceError: the connection or the server, not the SQL.
    if isinstance(error, OperationalError | InterfaceError) or error.connection_invalidated:
        return "not answering"
    return None


def admin_message(error: BaseException, url: str) -> str:
    what = outage_of(error) or "not usable"
    return (
        f"The database at {url} is {what}: {str(getattr(error, 'orig', error)).strip()}. "
        "Check that the database server is running and reachable, or that the server process "
        "may write the SQLite file and its folder and the disk has room; or set "
        "QUIZ_DATABASE_URL to another database."
    )


def open_database(engine: Engine) -> tuple[str | None, str] | None:
    """Upgrade the schema, then write one row that changes nothing, so a database that cannot
    be reached or written fails at start-up with a message instead of at a student's answer.
    Return (the revision before, the newest) when this call upgraded the schema (db.upgrade)."""
    try:
        upgraded = db.upgrade(engine)
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
    except DBAPIError as error:
        if outage_of(error) is None:
            raise
        url = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnavailable(admin_message(error, url)) from error
    return upgraded
