"""The quiz-app command."""

from pathlib import Path

import pytest

from quiz_app.cli import main


def test_check_bundled_bank_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    assert "all valid" in capsys.readouterr().out


def test_check_broken_bank_lists_problems_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.yaml").write_text(
        "questions:\n  - id: bad-01\n    kind: classify\n    theme: nope\n"
    )
    assert main(["check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "bad.yaml: bad-01: theme: " in out
    assert "bad.yaml: bad-01: claim: Field required" in out


def test_serve_with_broken_bank_refuses_to_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.yaml").write_text("questions:\n  - id: bad-01\n    kind: classify\n")
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(tmp_path))
    monkeypatch.setenv("QUIZ_DATA_DIR", str(tmp_path / "data"))
    assert main(["serve", "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert "bad.yaml: bad-01: theme: Field required" in err


def test_unknown_command_exits_with_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["fly"])
    assert exc.value.code == 2
    assert "usage: quiz-app" in capsys.readouterr().err
