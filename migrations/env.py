"""Alembic environment: runs migrations on the connection quiz_app.db.upgrade hands over."""

from alembic import context
from sqlalchemy import create_engine

from quiz_app.lti import tables as _lti_tables  # noqa: F401  (puts the LTI tables on Base)
from quiz_app.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    # Run from the alembic command line: QUIZ_DATABASE_URL / the default SQLite file.
    from quiz_app.config import Settings

    engine = create_engine(Settings().resolved_database_url())
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
