"""Choosing what an LMS link opens: the picker of a deep-linking request (a bundled set, made
into a new assignment, or one of the teacher's own), whose choice goes back to the LMS as a
signed LtiDeepLinkingResponse, and the same picker on a link's first instructor launch when it
was not deep-linked."""

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from quiz_app import lms_access, messages, store
from quiz_app.bank.catalog import Bank
from quiz_app.classroom import assignment_form, assignments
from quiz_app.deps import BankDep, FormDataDep, SessionDep, TemplatesDep
from quiz_app.links import tool_urls
from quiz_app.lms_access import CurrentLti
from quiz_app.lti import deep_linking
from quiz_app.lti import platforms as lti_platforms
from quiz_app.lti.tables import LtiSession
from quiz_app.models import Assignment, Teacher
from quiz_app.security import allow_form_target, allow_framing
from quiz_app.templating import path_for

router = APIRouter(prefix="/lti/s/{token}", dependencies=[Depends(allow_framing)])

RETURN_REFERRER_POLICY = "strict-origin-when-cross-origin"  # the deep-linking return page's


def _picker_context(
    session: Session, bank: Bank, teacher: Teacher, values: dict[str, Any], errors: list[str]
) -> dict[str, Any]:
    return {
        "sets": [(qset, len(bank.select(qset, seed=0))) for qset in bank.sets.values()],
        "own": [a for a, _n in store.assignments.list_assignments(session, teacher=teacher)],
        "feedback_modes": assignments.FEEDBACK_MODES,
        "values": {"feedback_mode": "immediate", "attempts_allowed": "1", "title": "", **values},
        "errors": errors,
    }


def _chosen(
    session: Session, bank: Bank, teacher: Teacher, form: FormDataDep
) -> tuple[Assignment | None, dict[str, Any], list[str]]:
    """Return the assignment the picker's form chose (making a new one from a set), the form's
    values, and the problems found."""

    def text(name: str) -> str:
        value = form.get(name, "")
        return value if isinstance(value, str) else ""

    values = {k: text(k) for k in ("title", "feedback_mode", "attempts_allowed")}
    kind, _, value = text("choice").partition(":")
    if kind == "assignment" and value.isdigit():
        found = store.assignments.get_assignment(session, teacher=teacher, assignment_id=int(value))
        if found is None:
            raise HTTPException(404, messages.NOT_YOUR_ASSIGNMENT)
        return found, values, []
    if kind != "set" or value not in bank.sets:
        return None, values, ["Choose one of the question sets or of your assignments."]
    parsed = assignment_form.parse_form(
        {
            "title": values["title"] or bank.sets[value].title,
            "source": "set",
            "set_id": value,
            "question_count": "",
            "shuffle": "on",
            "feedback_mode": values["feedback_mode"],
            "attempts_allowed": values["attempts_allowed"] or "1",
            "identity": "name",
            "timezone": teacher.timezone,
        },
        bank,
        {},
    )
    if parsed.problems:
        problems = [f"{field}: {'; '.join(p)}" for field, p in parsed.problems.items()]
        return None, values, problems
    fields = dict(parsed.fields)
    fields.pop("timezone")
    codes = assignments.join_code_candidates()
    created = store.assignments.create_assignment(session, teacher=teacher, codes=codes, **fields)
    return created, values, []


def _picker_page(
    request: Request,
    session: Session,
    bank: Bank,
    templates: TemplatesDep,
    lti: LtiSession,
    chosen: tuple[dict[str, Any], list[str]] = ({}, []),
    status: int = 200,
) -> Response:
    """Show the picker: on a link's first launch, or for a deep-linking request (its course
    named); `chosen` is the form's values and problems when it is shown again."""
    values, errors = chosen
    teacher = lms_access.lti_teacher(session, lti)
    context = _picker_context(session, bank, teacher, values, errors)
    if lti.kind == "deep_link":
        context.update(mode="deep_link", course=(lti.deep_link or {}).get("context_title", ""))
    else:
        context["mode"] = "link"
    return lms_access.render(request, templates, "lti/pick.html", context, status)


def _to_dashboard(request: Request) -> Response:
    url = path_for(request, "show_lti_dashboard", token=lms_access.lti_token(request))
    return RedirectResponse(url, 303)


@router.get("/link")
def show_lti_link_picker(
    request: Request, lti: CurrentLti, session: SessionDep, bank: BankDep, templates: TemplatesDep
) -> Response:
    """Choose what a link opens, on its first instructor launch (when not deep-linked)."""
    if lms_access.linked_assignment(lti) is not None:
        return _to_dashboard(request)
    return _picker_page(request, session, bank, templates, lti)


@router.post("/link")
def link_lti_assignment(
    request: Request,
    lti: CurrentLti,
    session: SessionDep,
    bank: BankDep,
    templates: TemplatesDep,
    form: FormDataDep,
) -> Response:
    if lms_access.linked_assignment(lti) is not None:
        return _to_dashboard(request)
    chosen, values, errors = _chosen(session, bank, lms_access.lti_teacher(session, lti), form)
    if chosen is None:
        return _picker_page(request, session, bank, templates, lti, (values, errors), 422)
    assert lti.resource_link is not None
    store.lti.link_assignment(session, link=lti.resource_link, assignment=chosen)
    return _to_dashboard(request)


@router.get("/pick")
def show_lti_picker(
    request: Request, lti: CurrentLti, session: SessionDep, bank: BankDep, templates: TemplatesDep
) -> Response:
    """The deep-linking picker: a bundled set (a new assignment) or one of the teacher's own."""
    lms_access.need_kind(lti, "deep_link")
    return _picker_page(request, session, bank, templates, lti)


def _return_page(
    request: Request,
    session: Session,
    templates: TemplatesDep,
    lti: LtiSession,
    items: list[dict[str, Any]],
    message: str,
) -> Response:
    """Answer with the form that takes the signed response back to the LMS."""
    settings = dict(lti.deep_link or {})
    return_url = str(settings["return_url"])
    request_settings = {"data": settings["data"]} if settings.get("has_data") else {}
    jwt = deep_linking.response_jwt(
        session,
        platform=lti.platform,
        deployment_id=str(settings["deployment_id"]),
        settings=request_settings,
        items=items,
        message=message,
    )
    if lti_platforms.url_problem("url", return_url) or not allow_form_target(request, return_url):
        raise HTTPException(400, "The LMS's return address cannot be used; add the activity again.")
    context = {"return_url": return_url, "jwt": jwt, "items": items}
    response = lms_access.render(request, templates, "lti/deep_link_return.html", context)
    # Under same-origin, the browser posts this form to the LMS with `Origin: null`, which an
    # LMS that checks Origin refuses. Another site is told only our origin (no path, so never
    # this page's token).
    response.headers["Referrer-Policy"] = RETURN_REFERRER_POLICY
    return response


@router.post("/pick")
def pick_lti_content(
    request: Request,
    lti: CurrentLti,
    session: SessionDep,
    bank: BankDep,
    templates: TemplatesDep,
    form: FormDataDep,
) -> Response:
    lms_access.need_kind(lti, "deep_link")
    chosen, values, errors = _chosen(session, bank, lms_access.lti_teacher(session, lti), form)
    if chosen is None:
        return _picker_page(request, session, bank, templates, lti, (values, errors), 422)
    grant = store.lti.create_grant(session, platform=lti.platform, assignment=chosen)
    item = deep_linking.content_item(
        chosen,
        launch_url=tool_urls(request)["launch"],
        grant=grant,
        summary=f"{chosen.question_count} claims: "
        + assignments.summary_of_source(chosen.source, bank),
    )
    return _return_page(request, session, templates, lti, [item], f"Added “{chosen.title}”.")


@router.post("/pick/cancel")
def cancel_lti_pick(
    request: Request, lti: CurrentLti, session: SessionDep, templates: TemplatesDep
) -> Response:
    """Go back to the LMS without adding anything."""
    lms_access.need_kind(lti, "deep_link")
    return _return_page(request, session, templates, lti, [], "")
