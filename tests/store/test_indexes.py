"""The database carries the queries it runs: every foreign key is the leading column of an
index (or of the primary key or a unique constraint), in a schema made by the migrations."""

from sqlalchemy import inspect
from sqlalchemy.engine.reflection import Inspector

from quiz_app import db


def _leading_columns(inspector: Inspector, table: str) -> set[str]:
    """Return the first column of every index, unique constraint and the primary key."""
    found = {i["column_names"][0] for i in inspector.get_indexes(table) if i["column_names"]}
    found |= {u["column_names"][0] for u in inspector.get_unique_constraints(table)}
    primary = inspector.get_pk_constraint(table)["constrained_columns"]
    return found | ({primary[0]} if primary else set())


def test_every_foreign_key_leads_an_index(database_url: str) -> None:
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    inspector = inspect(engine)
    foreign_keys = [
        (table, fk["constrained_columns"][0])
        for table in inspector.get_table_names()
        for fk in inspector.get_foreign_keys(table)
    ]
    unindexed = [
        f"{table}.{column}"
        for table, column in foreign_keys
        if column not in _leading_columns(inspector, table)
    ]
    engine.dispose()
    assert len(foreign_keys) >= 20  # the reflection found the schema's foreign keys
    assert unindexed == []


def test_the_retry_and_grant_lookups_have_their_own_index(database_url: str) -> None:
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    inspector = inspect(engine)
    names = {
        table: {i["name"] for i in inspector.get_indexes(table)}
        for table in ("attempts", "lti_link_grants")
    }
    engine.dispose()
    assert "ix_attempts_retry_of_id" in names["attempts"]
    assert "ix_lti_link_grants_assignment_id" in names["lti_link_grants"]
