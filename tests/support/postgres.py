"""The test databases: SQLite always, PostgreSQL when QUIZ_TEST_DATABASE_URL names a server
(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test), each test in a schema of its own."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get("QUIZ_TEST_DATABASE_URL", "")
DATABASES = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]


@contextmanager
def temporary_database(kind: str, folder: Path) -> Iterator[str]:
    """Yield the URL of an empty database of `kind` that lives only inside the block."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'quiz.db'}"
        return
    # One schema per test keeps PostgreSQL tests isolated and cheap to throw away.
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
