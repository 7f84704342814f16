"""Where a claim was seen (a forum post, a headline, a leaflet...): a checked field of every
question kind, shown to the student as a small card above the claim."""

from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from quiz_app.bank.catalog import check_bank
from quiz_app.config import Settings
from quiz_app.main import create_app
from tests.support.factories import question_ids
from tests.support.learning_bank import write_learning_bank


def _bank_with_seen_in(root: Path, value: str) -> tuple[Path, str]:
    """Write the learning bank with `seen_in: value` on its first question; return it and the id.

    The first question is item 1 of the check-in; its check-out partner gets the same source,
    since the two forms are matched in source as well."""
    write_learning_bank(root)
    path = root / "questions.yaml"
    data = yaml.safe_load(path.read_text())
    first = data["questions"][0]
    partner = first["id"].removesuffix("-1") + "-2"
    for item in data["questions"]:
        if item["id"] in (first["id"], partner):
            item["seen_in"] = value
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return root, first["id"]


def test_check_bank_with_unknown_seen_in_names_the_field_and_the_choices(tmp_path: Path) -> None:
    root, qid = _bank_with_seen_in(tmp_path / "bank", "tiktok")
    bank, problems = check_bank(root)
    assert bank is None
    (problem,) = [p for p in problems if p.item_id == qid]
    assert problem.field == "seen_in"
    assert "forum-post" in problem.message and "study-summary" in problem.message


def test_show_question_with_seen_in_shows_the_source_card(tmp_path: Path) -> None:
    root, qid = _bank_with_seen_in(tmp_path / "bank", "clinic-leaflet")
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'quiz.db'}",
        htmx_source="local",
        data_dir=tmp_path,
        questions_dir=root,
    )
    app = create_app(settings)
    with TestClient(app, follow_redirects=False) as client:
        token = client.post("/sets/plain/attempts").headers["location"].removeprefix("/a/")
        first = client.get(f"/a/{token}").headers["location"]
        assert first.endswith("/q/1")
        ids = question_ids(app, client, token)
        assert ids[:2] == [qid, app.state.bank.sets["plain"].selection.ids[1]]
        page = client.get(first).text
        other = client.get(first.replace("/q/1", "/q/2")).text
    app.state.engine.dispose()
    assert (
        '<p class="seen-in"><span class="seen-in-label">Seen in:</span> A clinic leaflet</p>'
        in page
    )
    assert 'class="seen-in"' not in other
