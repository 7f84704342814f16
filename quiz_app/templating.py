"""The Jinja2 environment: where templates are, and the filters and globals they use."""

import re
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from markupsafe import Markup, escape

from quiz_app.bank.glossary import Glossary
from quiz_app.bank.vocabulary import (
    CERTAINTY_LABELS,
    RATED_DOWN_LABELS,
    RUNG_LABELS,
    SECTIONS,
    SEEN_IN_LABELS,
    THEMES,
    VERDICT_LABELS,
)
from quiz_app.classroom.assignments import format_code, looks_disguised
from quiz_app.config import HTMX_CDN_URL, HTMX_SRI, HTMX_VERSION, Settings
from quiz_app.learning.percentages import whole_percent
from quiz_app.learning.scoring import (
    CONFIDENCE,
    CONFIDENCE_LEVELS,
    MIN_ANSWERS,
    MIN_PER_VERDICT_ANSWERED,
    kappa_words,
)
from quiz_app.paths import bundled
from quiz_app.security import is_embedded

# The three verdicts as the answer form offers them: value, label, and a short hint.
VERDICT_CHOICES = (
    ("research", "Research", "what supervised studies examined or found"),
    ("hypothesis", "Hypothesis", "an open question being studied"),
    ("unsupported", "Unsupported", "a story, a rumour or an overclaim"),
)


def signed(value: float, places: int = 2) -> str:
    """Return a number with its sign, and a real minus sign: "+0.25", "−1.00", "0.00"."""
    text = f"{abs(value):.{places}f}"
    if float(text) == 0:
        return text
    return ("+" if value > 0 else "\N{MINUS SIGN}") + text


def highlight_cue(claim: str, cue: str) -> Markup:
    """Return the claim, escaped, with the cue phrase wrapped in <mark>."""
    match = re.search(re.escape(cue), claim, re.IGNORECASE)
    if match is None:
        return escape(claim)
    start, end = match.span()
    return (
        escape(claim[:start])
        + Markup('<mark class="cue">')
        + escape(claim[start:end])
        + Markup("</mark>")
        + escape(claim[end:])
    )


NO_GLOSSARY = Glossary()


@pass_context
def _explain_terms(context: dict[str, Any], text: str | Markup) -> Markup:
    """Return the text, escaped, with the first occurrence of each term of the bank's glossary
    explained in place (quiz_app/bank/glossary.py); usable after highlight_cue."""
    request = context.get("request")
    bank = getattr(request.app.state, "bank", None) if request is not None else None
    glossary: Glossary = getattr(bank, "glossary", NO_GLOSSARY)
    return glossary.explain(text)


@pass_context
def _path_for(context: dict[str, Any], name: str, /, **params: Any) -> str:
    """Return the path (not the absolute URL) of a route, so pages work behind any proxy."""
    return path_for(context["request"], name, **params)


def path_for(request: Request, name: str, /, **params: Any) -> str:
    """Return the path of route `name`, as request.url_for(...).path would, from a template
    made once per route and parameter names: url_for walks the routes, about 0.1 ms a call, and
    a page has a dozen links. A value url_for would refuse or convert (an empty one, a slash, a
    type other than str or int) goes to url_for itself."""
    names = tuple(sorted(params))
    templates: dict[tuple[str, tuple[str, ...]], list[str] | None] = _path_templates(request)
    key = (name, names)
    if key not in templates:
        templates[key] = _template(request, name, names)
    template = templates[key]
    values = [params[n] for n in names]
    if template is None or not all(_plain(v) for v in values):
        return request.url_for(name, **params).path
    parts = [p if i % 2 == 0 else str(values[int(p)]) for i, p in enumerate(template)]
    scope = request.scope
    root: str = scope.get("app_root_path", scope.get("root_path", ""))
    return root.rstrip("/") + "".join(parts)


_PATH_TEMPLATES = "path_templates"  # app.state key: (route, parameter names) -> template
_MARKER = re.compile("\x00(\\d+)\x00")


def _path_templates(request: Request) -> dict[tuple[str, tuple[str, ...]], list[str] | None]:
    state = request.app.state
    if not hasattr(state, _PATH_TEMPLATES):
        setattr(state, _PATH_TEMPLATES, {})
    found: dict[tuple[str, tuple[str, ...]], list[str] | None] = getattr(state, _PATH_TEMPLATES)
    return found


def _template(request: Request, name: str, names: tuple[str, ...]) -> list[str] | None:
    """Return the route's path split into literal parts and parameter places (the index of
    each parameter, as text, at the odd places), or None when it cannot be made that way."""
    markers = {n: f"\x00{i}\x00" for i, n in enumerate(names)}
    try:
        path = str(request.app.url_path_for(name, **markers))
    except Exception:  # not a plain route (a mount, a converting parameter): url_for answers
        return None
    return _MARKER.split(path)


def _plain(value: object) -> bool:
    """Whether url_for would put the value into a path as str(value) does."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return False
    text = str(value)
    return bool(text) and "/" not in text and "\x00" not in text


# A number no row's id reaches, put where the varying parameter goes (path_maker).
_PATH_MARKER = 9_007_199_254_740_991


def path_maker(request: Request, name: str, /, varying: str, **params: Any) -> Callable[[int], str]:
    """Return a function of one integer path parameter (`varying`) that gives the path of
    route `name`: url_for walks every route, about 0.1 ms a call, so a table of 300 rows
    asks it once and formats the rest."""
    path = path_for(request, name, **params, **{varying: _PATH_MARKER})
    head, _marker, tail = path.rpartition(str(_PATH_MARKER))
    return lambda value: f"{head}{int(value)}{tail}"


def page_or_fragment(
    templates: Jinja2Templates,
    request: Request,
    htmx: bool,
    names: tuple[str, str],
    context: dict[str, Any],
) -> Response:
    """Render names[1], the fragment, for htmx and names[0], the whole page, otherwise.

    Vary: HX-Request, so that no cache hands the fragment to a browser that asked for the page.
    """
    page, fragment = names
    response = templates.TemplateResponse(request, fragment if htmx else page, context)
    response.headers["Vary"] = "HX-Request"
    return response


def make_templates(settings: Settings) -> Jinja2Templates:
    # auto_reload off: Jinja would otherwise check every template file's modification time on
    # every render (templates change only with a new release, which restarts the server).
    env = Environment(
        loader=FileSystemLoader(bundled("templates")),
        autoescape=select_autoescape(),
        auto_reload=False,
    )
    templates = Jinja2Templates(
        env=env, context_processors=[lambda request: {"embedded": is_embedded(request)}]
    )
    env.globals["url_for"] = _path_for
    env.filters["highlight_cue"] = highlight_cue
    env.filters["explain_terms"] = _explain_terms
    env.filters["verdict_label"] = lambda v: VERDICT_LABELS.get(v, v)
    env.globals.update(
        {
            "THEMES": THEMES,
            "SECTIONS": SECTIONS,
            "VERDICT_LABELS": VERDICT_LABELS,
            "VERDICT_CHOICES": VERDICT_CHOICES,
            "CONFIDENCE": CONFIDENCE,
            "CONFIDENCE_LEVELS": CONFIDENCE_LEVELS,
            "RUNGS": [(k, v) for k, v in RUNG_LABELS.items() if k != "none"],
            "RUNG_LABELS": RUNG_LABELS,
            "SEEN_IN_LABELS": SEEN_IN_LABELS,
            "CERTAINTY_LABELS": CERTAINTY_LABELS,
            "RATED_DOWN_LABELS": RATED_DOWN_LABELS,
            "MIN_PER_VERDICT_ANSWERED": MIN_PER_VERDICT_ANSWERED,
            "MIN_ANSWERS": MIN_ANSWERS,
        }
    )
    env.filters["signed"] = signed
    env.filters["code"] = format_code  # a join or resume code as people read it: ABC-DEF
    env.filters["percent"] = whole_percent
    env.filters["kappa_words"] = kappa_words
    env.filters["disguised"] = looks_disguised
    env.globals["htmx"] = {
        "cdn_url": HTMX_CDN_URL if settings.htmx_source == "cdn" else None,
        "sri": HTMX_SRI,
        "local": f"htmx-{HTMX_VERSION}.min.js",
    }
    return templates
