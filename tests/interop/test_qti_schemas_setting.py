"""QUIZ_TEST_QTI_SCHEMAS: without it the schema tests skip and say how to turn them on; naming a
folder without the schemas fails them, so CI cannot pass with validation silently off."""

from pathlib import Path

import pytest

from tests.support import qti_check


def test_qti_schemas_without_the_setting_skip_saying_how_to_turn_them_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(qti_check.SCHEMAS_SETTING, raising=False)
    with pytest.raises(pytest.skip.Exception, match="QUIZ_TEST_QTI_SCHEMAS=../shared/standards"):
        qti_check.qti_schemas()


def test_qti_schemas_naming_a_folder_without_them_fail(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(qti_check.SCHEMAS_SETTING, str(tmp_path))
    with pytest.raises(pytest.fail.Exception, match="lacks qtiv2p1/imsqti_v2p1.xsd"):
        qti_check.qti_schemas()


def test_qti_schemas_setting_relative_path_is_read_from_the_repository_root(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(qti_check.SCHEMAS_SETTING, "../shared/standards/qti-xsd")
    expected = Path(__file__).resolve().parents[2] / "../shared/standards/qti-xsd"
    assert qti_check.schemas_folder() == expected
