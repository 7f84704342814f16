"""Dependency aliases the routes share."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from quiz_app import store
from quiz_app.bank import Bank
from quiz_app.db import sessions
from quiz_app.models import Attempt


def _session(request: Request) -> Iterator[Session]:
    yield from sessions(request.app.state.sessions)


def _bank(request: Request) -> Bank:
    bank: Bank = request.app.state.bank
    return bank


def _templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


def _is_htmx(
    hx_request: Annotated[str | None, Header()] = None,
    hx_history_restore_request: Annotated[str | None, Header()] = None,
) -> bool:
    # A history restore wants the whole page back, not a fragment.
    return hx_request == "true" and hx_history_restore_request != "true"


SessionDep = Annotated[Session, Depends(_session)]
BankDep = Annotated[Bank, Depends(_bank)]
TemplatesDep = Annotated[Jinja2Templates, Depends(_templates)]
IsHtmx = Annotated[bool, Depends(_is_htmx)]


def _attempt(token: str, session: SessionDep) -> Attempt:
    attempt = store.get_attempt(session, token=token)
    if attempt is None:
        raise HTTPException(
            404,
            "We could not find this quiz. Check that the link is complete, "
            "or start a new quiz from the home page.",
        )
    return attempt


CurrentAttempt = Annotated[Attempt, Depends(_attempt)]
