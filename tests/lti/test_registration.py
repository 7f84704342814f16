"""Point 1: the course admin registers the LMS in the app (`quiz-app lti add-platform`) and
registers Claim Check in the LMS with the URLs the app shows (`show-config`, /teacher/lti,
the Canvas JSON)."""

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from quiz_app.cli import main
from quiz_app.lti import tool
from quiz_app.lti.tables import LtiDeployment, LtiPlatform
from tests.support.teacher_factories import teacher_client

CANVAS = [
    "--issuer",
    "https://canvas.instructure.com",
    "--client-id",
    "10000000000042",
    "--deployment-id",
    "1:a1b2c3",
    "--deployment-id",
    "2:d4e5f6",
    "--auth-url",
    "https://sso.canvaslms.com/api/lti/authorize_redirect",
    "--token-url",
    "https://sso.canvaslms.com/login/oauth2/token",
    "--jwks-url",
    "https://sso.canvaslms.com/api/lti/security/jwks",
    "--name",
    "School Canvas",
]


@pytest.fixture
def cli_env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZ_DATABASE_URL", database_url)
    monkeypatch.setenv("QUIZ_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("QUIZ_PUBLIC_URL", raising=False)


def _stored(app: FastAPI) -> list[tuple[str, str, list[str], str]]:
    with app.state.sessions() as session:
        return [
            (p.issuer, p.client_id, [d.deployment_id for d in p.deployments], p.token_url)
            for p in session.scalars(select(LtiPlatform))
        ]


@pytest.mark.usefixtures("cli_env")
def test_add_platform_registers_the_lms_with_every_deployment_id(
    app: FastAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lti", "add-platform", *CANVAS]) == 0
    out = capsys.readouterr().out
    assert "Registered the LMS School Canvas." in out
    assert "deployment ids: 1:a1b2c3, 2:d4e5f6" in out
    assert _stored(app) == [
        (
            "https://canvas.instructure.com",
            "10000000000042",
            ["1:a1b2c3", "2:d4e5f6"],
            "https://sso.canvaslms.com/login/oauth2/token",
        )
    ]


@pytest.mark.usefixtures("cli_env")
def test_add_platform_again_adds_a_deployment_and_updates_urls_without_a_duplicate(
    app: FastAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lti", "add-platform", *CANVAS]) == 0
    again = [*CANVAS[:4], "--deployment-id", "3:new", *CANVAS[8:]]
    again[again.index("--token-url") + 1] = "https://canvas.school.example/login/oauth2/token"
    assert main(["lti", "add-platform", *again]) == 0
    assert "Updated the LMS School Canvas." in capsys.readouterr().out
    assert _stored(app) == [
        (
            "https://canvas.instructure.com",
            "10000000000042",
            ["1:a1b2c3", "2:d4e5f6", "3:new"],
            "https://canvas.school.example/login/oauth2/token",
        )
    ]


@pytest.mark.usefixtures("cli_env")
def test_add_platform_with_bad_values_lists_every_problem_and_stores_nothing(
    app: FastAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = [
        "--issuer",
        " ",
        "--client-id",
        "has spaces",
        "--deployment-id",
        "1:a",
        "--auth-url",
        "http://lms.school.example/auth",
        "--token-url",
        "lms.school.example/token",
        "--jwks-url",
        "https://lms.school.example/jwks",
    ]
    assert main(["lti", "add-platform", *bad]) == 2
    err = capsys.readouterr().err
    assert "--issuer: must not be empty" in err
    assert "--client-id: at most 255 characters, without spaces" in err
    assert "--auth-url: use https (plain http is only allowed for this machine" in err
    assert "--token-url: give the full address" in err
    assert "--jwks-url" not in err
    assert _stored(app) == []


@pytest.mark.usefixtures("cli_env")
def test_add_platform_without_a_deployment_id_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    without = [a for a in CANVAS if a not in ("--deployment-id", "1:a1b2c3", "2:d4e5f6")]
    with pytest.raises(SystemExit) as exc:
        main(["lti", "add-platform", *without])
    assert exc.value.code == 2
    assert "--deployment-id" in capsys.readouterr().err


@pytest.mark.usefixtures("cli_env")
def test_list_platforms_shows_each_lms_and_its_deployments(
    app: FastAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lti", "list-platforms"]) == 0
    assert "No LMS is registered yet" in capsys.readouterr().out
    main(["lti", "add-platform", *CANVAS])
    capsys.readouterr()
    assert main(["lti", "list-platforms"]) == 0
    out = capsys.readouterr().out
    assert "School Canvas" in out
    assert "client id:      10000000000042" in out
    assert "deployment ids: 1:a1b2c3, 2:d4e5f6" in out
    assert "JWKS URL:       https://sso.canvaslms.com/api/lti/security/jwks" in out


@pytest.mark.usefixtures("cli_env")
def test_show_config_prints_the_urls_the_lms_admin_types_in(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["lti", "show-config", "--base-url", "https://quiz.school.example/"]) == 0
    out = capsys.readouterr().out
    for line in (
        "Login initiation URL (OIDC login):         https://quiz.school.example/lti/login",
        "Launch / redirect URL (target link URI):   https://quiz.school.example/lti/launch",
        "Deep-linking (content selection) URL:      https://quiz.school.example/lti/launch",
        "Public keyset (JWKS) URL:                  https://quiz.school.example/lti/jwks.json",
        "Scope for grades (AGS):                    "
        "https://purl.imsglobal.org/spec/lti-ags/scope/score",
        "Tool domain:                               quiz.school.example",
    ):
        assert line in out


@pytest.mark.usefixtures("cli_env")
def test_show_config_reads_the_public_url_setting_and_needs_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lti", "show-config"]) == 2
    assert "--base-url https://quiz.school.example" in capsys.readouterr().err
    monkeypatch.setenv("QUIZ_PUBLIC_URL", "https://cc.example.org")
    assert main(["lti", "show-config"]) == 0
    assert "https://cc.example.org/lti/login" in capsys.readouterr().out


def test_the_urls_shown_are_the_apps_routes(app: FastAPI, client: TestClient) -> None:
    for name, route in (
        ("login", "start_login"),
        ("launch", "launch_tool"),
        ("jwks", "show_jwks"),
        ("canvas", "show_canvas_config"),
    ):
        assert tool.PATHS[name] == app.url_path_for(route)
    assert client.get(tool.PATHS["jwks"]).status_code == 200
    assert client.post(tool.PATHS["launch"], data={}).status_code == 400


def test_teacher_settings_page_shows_the_tool_urls_and_registered_lms(app: FastAPI) -> None:
    with app.state.sessions() as session:
        session.add(
            LtiPlatform(
                issuer="https://moodle.school.example",
                client_id="ccAbc123",
                name="School Moodle",
                auth_url="https://moodle.school.example/mod/lti/auth.php",
                token_url="https://moodle.school.example/mod/lti/token.php",
                jwks_url="https://moodle.school.example/mod/lti/certs.php",
                deployments=[LtiDeployment(deployment_id="7")],
            )
        )
        session.commit()
    teacher, _csrf, _ = teacher_client(app)
    response = teacher.get("/teacher/lti")
    assert response.status_code == 200
    page = response.text
    assert "<code>http://testserver/lti/login</code>" in page
    assert "<code>http://testserver/lti/launch</code>" in page
    assert "<code>http://testserver/lti/jwks.json</code>" in page
    assert "<code>https://moodle.school.example</code>" in page and "<code>7</code>" in page
    assert response.headers["x-frame-options"] == "DENY"  # teacher pages are never framed


def test_teachers_find_the_lms_page_from_their_home_page(app: FastAPI) -> None:
    teacher, _csrf, _ = teacher_client(app)
    assert 'href="/teacher/lti">Add Claim Check to your LMS</a>' in teacher.get("/teacher").text


def test_canvas_json_configuration_names_the_tool_urls_and_deep_linking(
    client: TestClient,
) -> None:
    config = client.get("/lti/canvas.json").json()
    assert config["oidc_initiation_url"] == "http://testserver/lti/login"
    assert config["target_link_uri"] == "http://testserver/lti/launch"
    assert config["public_jwk_url"] == "http://testserver/lti/jwks.json"
    assert config["scopes"] == [
        "https://purl.imsglobal.org/spec/lti-ags/scope/score",
        "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    ]
    placements = config["extensions"][0]["settings"]["placements"]
    assert {p["placement"] for p in placements} == {"link_selection", "assignment_selection"}
    assert {p["message_type"] for p in placements} == {"LtiDeepLinkingRequest"}
