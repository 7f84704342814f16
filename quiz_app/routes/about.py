"""The pages about the app itself, for a school deciding whether to use it: privacy (what is
stored, for how long, which other site a page talks to on this server) and the accessibility
conformance report. Their text is docs/privacy.md and docs/accessibility.md."""

from typing import Any, NamedTuple

from fastapi import APIRouter, Request
from fastapi.responses import Response

from quiz_app.config import HTMX_CDN_URL, Settings
from quiz_app.deps import TemplatesDep
from quiz_app.documents import document

router = APIRouter()


class Period(NamedTuple):
    what: str
    setting: str  # the Settings field; docs/retention.md lists them all
    default: int  # the documented default, shown when this server has no such setting
    unit: str


PERIODS = (
    Period("A public attempt (a bundled set) and its answers", "keep_public_days", 30, "days"),
    Period(
        "An assignment's student data, after it closes or its last activity",
        "keep_assignment_days",
        365,
        "days",
    ),
    Period("A browser's memory of a student's attempt (join cookie)", "resume_hours", 8, "hours"),
    Period("A teacher's login", "session_hours", 12, "hours"),
)


def retention(settings: Settings) -> list[tuple[str, int, str, bool]]:
    """Return what is kept for how long on this server, and whether this version applies it:
    its setting where it has one, else the documented default."""
    return [
        (p.what, getattr(settings, p.setting, p.default), p.unit, hasattr(settings, p.setting))
        for p in PERIODS
    ]


def _render(request: Request, templates: TemplatesDep, name: str, **extra: Any) -> Response:
    context = {"document": document(name), "page": name, **extra}
    return templates.TemplateResponse(request, "about/page.html", context)


@router.get("/privacy")
def show_privacy(request: Request, templates: TemplatesDep) -> Response:
    settings: Settings = request.app.state.settings
    cdn_host = HTMX_CDN_URL.split("/")[2]
    return _render(
        request,
        templates,
        "privacy",
        htmx_source=settings.htmx_source,
        cdn_host=cdn_host,
        retention=retention(settings),
    )


@router.get("/accessibility")
def show_accessibility(request: Request, templates: TemplatesDep) -> Response:
    return _render(request, templates, "accessibility")
