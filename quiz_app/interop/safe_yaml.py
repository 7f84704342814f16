"""YAML from an upload, read so that a small file cannot make a large amount of work.

YAML's aliases let 400 bytes stand for hundreds of megabytes (each alias repeats a node, and
nested ones multiply), and deep nesting exhausts the recursion of the composer. The event stream
is walked first, counting every value as it would be once the aliases are written out, and the
file is refused before any object is built when that count or the nesting is too large. An
anchor used for a few repeated values, as some tools write, stays fine.
"""

from dataclasses import dataclass
from typing import Any

import yaml

from quiz_app.bank.catalog import YAML_LOADER

MAX_DEPTH = 12  # nesting levels a question file may use: it needs four
MAX_NODES = 200_000  # values in one file with its aliases written out: 500 questions need ~20,000


class UnsafeYaml(ValueError):
    """The file uses YAML in a way an upload may not: the message says how and where."""


@dataclass
class _Open:
    anchor: str | None
    nodes: int  # the count when this list or mapping began
    depth: int  # its nesting level
    deepest: int  # the deepest level inside it so far


def _where(event: yaml.Event) -> str:
    mark = event.start_mark
    return f"line {mark.line + 1}" if mark is not None else "the file"


def load(text: str) -> Any:
    """Return the YAML document in `text`, refusing deep nesting and more than MAX_NODES values
    (aliases counted as what they repeat) with UnsafeYaml, and bad YAML with yaml.YAMLError."""
    try:
        _check(text)
    except yaml.MarkedYAMLError as exc:
        # PyYAML 6.0.4 and later refuse deep flow nesting ([[[[…) while scanning ahead, before
        # the parser's events reach MAX_DEPTH here: the same refusal, in the same words.
        if "maximum nesting depth" not in str(exc.problem or ""):
            raise
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}" if mark is not None else "the file"
        raise UnsafeYaml(f"nests lists or mappings more than {MAX_DEPTH} deep at {where}") from exc
    return yaml.load(text, Loader=YAML_LOADER)


def _check(text: str) -> None:
    """Refuse (UnsafeYaml) deep nesting and more than MAX_NODES values, from the parser's
    events, before anything is built."""
    nodes = 0
    sizes: dict[str, tuple[int, int]] = {}  # anchor -> (values, levels below it)
    stack: list[_Open] = []
    for event in yaml.parse(text, Loader=YAML_LOADER):
        depth = len(stack)
        if isinstance(event, yaml.AliasEvent):
            count, below = sizes.get(event.anchor or "", (1, 0))
            nodes += count
            _reach(stack, depth + below, event)
        elif isinstance(event, yaml.CollectionStartEvent):
            nodes += 1
            stack.append(_Open(event.anchor, nodes - 1, depth + 1, depth + 1))
            _reach(stack, depth + 1, event)
        elif isinstance(event, yaml.CollectionEndEvent):
            done = stack.pop()
            if done.anchor is not None:
                sizes[done.anchor] = (nodes - done.nodes, done.deepest - done.depth + 1)
        elif isinstance(event, yaml.ScalarEvent):
            nodes += 1
            if event.anchor is not None:
                sizes[event.anchor] = (1, 0)
        if nodes > MAX_NODES:
            raise UnsafeYaml(
                f"holds more than {MAX_NODES:,} values, counting what its aliases repeat "
                f"(at {_where(event)}); split it into parts or write the values out"
            )


def _reach(stack: list[_Open], level: int, event: yaml.Event) -> None:
    """Note that the document reaches `level`; refuse it past MAX_DEPTH."""
    if level > MAX_DEPTH:
        raise UnsafeYaml(f"nests lists or mappings more than {MAX_DEPTH} deep at {_where(event)}")
    for open_ in stack:
        open_.deepest = max(open_.deepest, level)
