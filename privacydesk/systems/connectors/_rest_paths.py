"""Field paths in JSON documents: "issue.description", "journals[].notes".

A declared path has "[]" after a name holding a list; resolving it yields every value with
its concrete path ("journals[2].notes", which names one element again) and the object that
holds the value (a writer's placeholders are filled from it: the journal's own id).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_STEP = re.compile(r"^([^\[\]]+)(?:\[(\d*)\])?$")


@dataclass(frozen=True)
class Found:
    """One value at a path: `concrete` names it alone, `holder` is the object it sits in."""

    concrete: str
    value: Any
    holder: Mapping[str, Any]


def resolve(document: Any, path: str) -> Iterator[Found]:
    """Yield every value at the declared or concrete `path`; missing steps yield nothing."""

    def walk(node: Any, steps: list[str], done: str) -> Iterator[Found]:
        step = _STEP.match(steps[0])
        if step is None or not isinstance(node, Mapping) or step.group(1) not in node:
            return
        name, index = step.groups()
        value = node[name]
        here = f"{done}.{name}" if done else name
        if index is None:
            values = [(here, value)]
        elif isinstance(value, list):
            values = [(f"{here}[{i}]", v) for i, v in enumerate(value)
                      if index == "" or i == int(index)]
        else:
            return
        for concrete, found in values:
            if len(steps) > 1:
                yield from walk(found, steps[1:], concrete)
            else:
                yield Found(concrete, found, node)

    if not path:
        return iter(())
    return walk(document, path.split("."), "")


def first(document: Any, path: str) -> Any:
    """Return the first value at `path`, or None."""
    for found in resolve(document, path):
        return found.value
    return None


def text_of(value: Any) -> str:
    """A scalar as text ("" for None, lists and objects: they are not a field's value)."""
    if value is None or isinstance(value, (Mapping, list)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def fill(template: str, document: Any) -> str | None:
    """Fill "{firstname} {lastname}" from `document`; a bare path is its value; None when a
    named field is missing or empty."""
    names = _PLACEHOLDER.findall(template)
    if not names:
        return text_of(first(document, template)) or None
    out = template
    for name in names:
        value = text_of(first(document, name))
        if not value:
            return None
        out = out.replace("{" + name + "}", value)
    return out


def nest(path: str, value: Any) -> dict[str, Any]:
    """Return {"a": {"b": value}} for "a.b" (the body of a write)."""
    out: Any = value
    for name in reversed(path.split(".")):
        out = {name: out}
    return dict(out)
