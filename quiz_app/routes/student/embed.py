"""Embedding a question set in a course page: the set page with its snippet, the framed start
page, and the oEmbed provider endpoint (for sets and for teachers' assignments, whose framed
join page lives in routes/join.py)."""

from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from quiz_app import messages, rate_limits, store
from quiz_app.bank.catalog import QuestionSet
from quiz_app.classroom import assignments
from quiz_app.deps import BankDep, SessionDep, TemplatesDep
from quiz_app.inputs import url_parts
from quiz_app.links import EMBED_HEIGHT, EMBED_WIDTH, embed_snippet, oembed_link, public_base
from quiz_app.models import utcnow
from quiz_app.security import framing_allowed
from quiz_app.templating import path_for

router = APIRouter(dependencies=[Depends(framing_allowed)])

OEMBED_MAX_URL = 2000  # characters: longer is not a link to this app


def _set(bank: BankDep, set_id: str) -> QuestionSet:
    qset = bank.sets.get(set_id)
    if qset is None:
        raise HTTPException(404, messages.NO_SUCH_SET)
    return qset


def _set_context(request: Request, bank: BankDep, qset: QuestionSet) -> dict[str, Any]:
    base = public_base(request)
    embed_path = path_for(request, "embed_set", set_id=qset.id)
    return {
        "qset": qset,
        "count": len(bank.select(qset, seed=0)),
        "snippet": embed_snippet(base, embed_path, qset.title),
        "oembed_url": oembed_link(request, path_for(request, "show_set", set_id=qset.id)),
    }


@router.get("/sets/{set_id}")
def show_set(request: Request, set_id: str, bank: BankDep, templates: TemplatesDep) -> Response:
    qset = _set(bank, set_id)
    return templates.TemplateResponse(request, "embed/set.html", _set_context(request, bank, qset))


@router.get("/embed/sets/{set_id}")
def embed_set(request: Request, set_id: str, bank: BankDep, templates: TemplatesDep) -> Response:
    """The page a course page frames: the set's start button, with minimal chrome."""
    qset = _set(bank, set_id)
    request.state.embedded = True
    context = {"qset": qset, "count": len(bank.select(qset, seed=0))}
    return templates.TemplateResponse(request, "embed/start.html", context)


def _embedded_set(request: Request, bank: BankDep, set_id: str) -> tuple[str, str]:
    """Return the title and the framed page's path of a set named in an oEmbed URL."""
    qset = bank.sets.get(set_id)
    if qset is None:
        raise HTTPException(404, "That address is not a question set that can be embedded.")
    return qset.title, path_for(request, "embed_set", set_id=qset.id)


def _embedded_assignment(request: Request, session: SessionDep, code: str) -> tuple[str, str]:
    """Return the title and the framed join page's path of an assignment's join code.

    Security: a lookup here is a guess like one on /join, limited by the same counter, so the
    title is told only for a known code, at no more than /join's pace."""
    rate_limits.check(request, session, rate_limits.WRONG_CODE)
    found = store.assignments.get_assignment_by_code(
        session, code=assignments.normalize_code(code[:40])
    )
    if found is None:
        rate_limits.note(request, session, rate_limits.WRONG_CODE)
        raise HTTPException(
            404, "No assignment has that join code: check the link with the assignment's teacher."
        )
    if assignments.status(found, utcnow()) in ("closed", "ended"):
        raise HTTPException(
            404,
            "This assignment is closed, so it cannot be embedded. Its teacher can reopen it, "
            "or set a later closing time.",
        )
    return found.title, path_for(request, "embed_join", code=found.join_code)


@router.get("/oembed")
def show_oembed(
    request: Request,
    bank: BankDep,
    session: SessionDep,
    url: Annotated[str, Query(max_length=OEMBED_MAX_URL)],
    format: Annotated[str, Query()] = "json",
    maxwidth: Annotated[int | None, Query(ge=1)] = None,
    maxheight: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """Answer an oEmbed request (https://oembed.com/) for a set's or an assignment's URL."""
    if format != "json":
        raise HTTPException(501, "Only format=json is available.")
    base = public_base(request)
    parts = url_parts(url)
    if parts is None or (
        f"{parts.scheme}://{parts.netloc}" != base and parts.netloc != urlsplit(base).netloc
    ):
        raise HTTPException(404, "That address is not a Claim Check page on this server.")
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) == 3 and segments[0] == "embed" and segments[1] in ("sets", "j"):
        segments = segments[1:]
    if len(segments) == 2 and segments[0] == "sets":
        title, embed_path = _embedded_set(request, bank, segments[1])
    elif len(segments) == 2 and segments[0] == "j":
        title, embed_path = _embedded_assignment(request, session, segments[1])
    else:
        raise HTTPException(
            404, "That address is not a question set or an assignment that can be embedded."
        )
    width = min(EMBED_WIDTH, maxwidth or EMBED_WIDTH)
    height = min(EMBED_HEIGHT, maxheight or EMBED_HEIGHT)
    snippet = embed_snippet(base, embed_path, title)
    snippet = snippet.replace(f'width="{EMBED_WIDTH}"', f'width="{width}"').replace(
        f'height="{EMBED_HEIGHT}"', f'height="{height}"'
    )
    return JSONResponse(
        {
            "version": "1.0",
            "type": "rich",
            "provider_name": "Claim Check",
            "provider_url": base + "/",
            "title": title,
            "html": snippet,
            "width": width,
            "height": height,
        }
    )
