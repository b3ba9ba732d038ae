"""Render the key catalogue (`privacydesk.policy.schema`): docs/policy.md and a JSON Schema.

`reference()` is the Markdown of docs/policy.md (`privacydesk policy reference`);
`json_schema()` is a JSON Schema (draft 2020-12) of the policy file for editors
(`privacydesk policy schema`). Both come from the same `SECTIONS` the loader validates with;
a test keeps docs/policy.md equal to `reference()`. Plain Python, no Django.
"""

from __future__ import annotations

import json
import tomllib
from typing import Any

from privacydesk.policy.model import LANGUAGES
from privacydesk.policy.schema import (
    PATTERNS,
    PERIOD_PARTS,
    SECTIONS,
    Key,
    Section,
    child_name,
    children,
)

DRAFT = "https://json-schema.org/draft/2020-12/schema"
# A text: not blank, no control characters (the loader's `check_text`).
_TEXT = r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"
_PATTERN_WORDS = {
    "ident": "a lowercase identifier",
    "promise": "a promise id such as C3 or Rt6",
    "country": "an ISO 3166 country code such as NL",
    "email": "an e-mail address",
    "website": "a web address such as www.example.nl",
    "https": "an https:// address",
    "rule_id": "a slug of a-z, 0-9, - and _",
    "host": "a host name or IP address",
}


def _anchored(name: str) -> str:
    return f"^(?:{PATTERNS[name]})$"


def example_value(k: Key) -> Any:
    """The key's example as the value TOML reads (ValueError if it is not valid TOML)."""
    try:
        return tomllib.loads(f"x = {k.example}")["x"]
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"the example of {k.name} is not a TOML value: {exc}") from None


def _key_schema(k: Key, promise: str) -> dict[str, Any]:
    s: dict[str, Any]
    if k.kind in ("text", "promise"):
        s = {"type": "string", "minLength": 1, "maxLength": k.max_len,
             "pattern": _anchored(k.pattern) if k.pattern else _TEXT}
        if k.allow_empty:   # "" means "none" here (a system's processor, dataset ...)
            s["minLength"] = 0
            s["pattern"] = f"^$|{s['pattern']}"
    elif k.kind == "integer":
        s = {"type": "integer", "minimum": k.low, "maximum": k.high}
    elif k.kind == "boolean":
        s = {"type": "boolean"}
    elif k.kind in ("label", "period"):
        s = {"$ref": f"#/$defs/{k.kind}"}
    elif k.kind == "choice":
        s = {"enum": list(k.choices)}
    elif k.kind == "refs":
        item: dict[str, Any] = ({"enum": list(k.choices)} if k.choices
                               else {"type": "string", "pattern": _anchored("ident")})
        s = {"type": "array", "items": item, "uniqueItems": True}
    elif k.kind == "texts":
        s = {"type": "array", "uniqueItems": True,
             "items": {"type": "string", "minLength": 1, "maxLength": k.max_len,
                       "pattern": _anchored(k.pattern) if k.pattern else _TEXT,
                       "not": {"pattern": "@"}}}
    else:
        raise ValueError(f"unknown kind {k.kind!r} of {k.name}")
    if k.kind in ("refs", "texts") and not k.allow_empty:
        s["minItems"] = 1
    s["description"] = _meaning(k) + (f" Promise: {promise}." if promise else "")
    if k.default is not None and k.kind != "label":
        s["default"] = k.default
    s["examples"] = [example_value(k)]
    return s


def _object_schema(sec: Section) -> dict[str, Any]:
    props = {k.name: _key_schema(k, k.promise or sec.promise) for k in sec.keys}
    required = [k.name for k in sec.keys if k.required]
    for child in children(sec.path.removesuffix("[]")):
        props[child_name(child)] = _section_schema(child)
        if child.required:
            required.append(child_name(child))
    return {"type": "object", "description": sec.doc, "properties": props,
            "required": required, "additionalProperties": False}


def _section_schema(sec: Section) -> dict[str, Any]:
    entry = _object_schema(sec)
    if sec.form == "entries":
        return {"type": "object", "description": sec.doc, "minProperties": 1,
                "propertyNames": {"pattern": _anchored("ident")}, "additionalProperties": entry}
    if sec.form == "array":
        return {"type": "array", "description": sec.doc, "items": entry}
    return entry


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a policy file. It checks every key, type, bound and
    pattern; rules across keys and references between sections (a role id that must be
    declared) are the loader's alone: run `privacydesk policy check` as well."""
    top = children("")
    return {
        "$schema": DRAFT,
        "title": "privacydesk policy",
        "description": "A company's privacy policy as data (docs/policy.md).",
        "type": "object",
        "properties": {child_name(s): _section_schema(s) for s in top},
        "required": [child_name(s) for s in top if s.required],
        "additionalProperties": False,
        "$defs": {
            "label": {"type": "object", "description": "A text in every statement language.",
                      "properties": {lang: {"type": "string", "minLength": 1,
                                            "maxLength": 2000, "pattern": _TEXT}
                                     for lang in LANGUAGES},
                      "required": list(LANGUAGES), "additionalProperties": False},
            "period": {"type": "object", "description": "A length of time: one or more of "
                       "years, months and days.", "minProperties": 1,
                       "properties": {part: {"type": "integer", "minimum": 0, "maximum": high}
                                      for part, high in PERIOD_PARTS.items()},
                       "additionalProperties": False},
        },
    }


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


# --- the Markdown reference -----------------------------------------------------------------

def _kind_words(k: Key) -> str:
    if k.kind == "text":
        words = f"text, at most {k.max_len} characters"
        if k.allow_empty:
            words = f"text or \"\", at most {k.max_len} characters"
        return f"{words}: {_PATTERN_WORDS[k.pattern]}" if k.pattern else words
    if k.kind == "integer":
        return f"integer {k.low}..{k.high_from or k.high}"
    if k.kind == "boolean":
        return "true or false"
    if k.kind == "promise":
        return "promise id"
    if k.kind == "choice":
        return "one of " + ", ".join(f"`{c}`" for c in k.choices)
    if k.kind == "refs":
        what = (f"names of `[{k.refs}.<id>]`" if k.refs
                else "each one of " + ", ".join(f"`{c}`" for c in k.choices))
        size = "may be empty" if k.allow_empty else "at least one"
        return f"array: {what}; {size}, none twice"
    if k.kind == "texts":
        words = f"array of texts (at most {k.max_len} characters each)"
        if k.pattern:
            words += f": each {_PATTERN_WORDS[k.pattern]}"
        return words + ("; may be empty" if k.allow_empty else "")
    return k.kind


def _meaning(k: Key) -> str:
    return f"{k.doc} Rule: {k.rule}." if k.rule else k.doc


def _default_words(k: Key) -> str:
    if k.required:
        return "required"
    if k.default is None:
        return "optional"
    if k.kind == "label":
        return str(k.default)
    return f'`"{k.default}"`' if isinstance(k.default, str) else f"`{k.default}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _example(sec: Section) -> str:
    name = sec.toml_name.replace("<id>", sec.example_id)
    header = f"[[{name}]]" if sec.form == "array" else f"[{name}]"
    return "\n".join([header] + [f"{k.name} = {k.example}" for k in sec.keys])


def _section_md(sec: Section) -> list[str]:
    status = "Required." if sec.required else f"Optional: without it, {sec.default}."
    promise = f" Promise: {sec.promise}." if sec.promise else ""
    lines = [f"### `{sec.header}`", "", f"{sec.doc}{promise} {status}", ""]
    if sec.form == "entries":
        lines += ["One table per id (a lowercase identifier); at least one.", ""]
    if sec.form == "array" and "." in sec.toml_name:
        lines += [f"Any number of these tables, in order (none: `{child_name(sec)} = []` in "
                  f"`[{sec.toml_name.rpartition('.')[0]}]`).", ""]
    elif sec.form == "array":
        lines += ["Any number of these tables, in order.", ""]
    # A key serves its section's promise unless it names a more specific one.
    lines += ["| Key | Type and rule | Default | Promise | Meaning |",
              "|---|---|---|---|---|"]
    for k in sec.keys:
        kind = _kind_words(k) + (f"; {k.rule}" if k.rule else "")
        lines.append(f"| `{k.name}` | {_cell(kind)} | {_cell(_default_words(k))} | "
                     f"{k.promise or sec.promise} | {_cell(k.doc)} |")
    lines += ["", "```toml", _example(sec), "```", ""]
    return lines


_INTRO = """\
<!-- Generated from privacydesk/policy/schema.py by `privacydesk policy reference`;
     do not edit by hand: change the catalogue and regenerate. -->
# The policy file

privacydesk reads the company's privacy policy from one TOML file: who the controller is,
which people and categories of data the statement covers, the purposes, the legal bases, how
long data stay and the numbers behind every promise. The application enforces the file and
renders the privacy statement from it. The embedded policy is InFactor's
(`privacydesk/policy/default/infactor.toml`); a smaller one is
`tests/policy/fixtures/voorbeeld.toml`. Point `PRIVACYDESK_POLICY` at your own file.

## Writing your own

1. Copy `privacydesk/policy/default/infactor.toml` and change it section by section, using
   the reference below.
2. Check it: `privacydesk policy check my-policy.toml` prints the first defect as
   *file, dotted key, rule* (for example `categories.financial.allowed_roles[2]: must name a
   declared role; 'supplier' is not one`), or that the policy is valid. A policy with any
   defect is refused whole: nothing of it is used.
3. Read the statement it gives: `privacydesk statement --policy my-policy.toml`.

Every key is required unless the reference says otherwise; an unknown key is refused (a typo
is never ignored). Identifiers (the `<id>` of roles, categories, purposes, ...) are lowercase:
`[a-z][a-z0-9_]*`, at most 64 characters. The promise ids (S1, C1..C5, P1..P3, R1..R3,
D1..D3, W1..W3, Rt1..Rt6, Sec1..Sec5, A2, Id1) are those of the statement.

## Kinds of value

| Kind | Written as |
|---|---|
| text | a non-empty string without control characters (tabs, newlines) |
| label | a text in every statement language: `{ nl = "...", en = "..." }` |
| period | one or more of `years`, `months`, `days` (integers from 0): `{ years = 7 }` |
| promise id | a statement promise such as `"C3"` or `"Rt6"` |
| names of `[x.<id>]` | an array of ids declared in section `x`, none twice |

## Checking in your editor

`privacydesk policy schema > policy.schema.json` writes a JSON Schema (draft 2020-12) of the
file. Editors that validate TOML against JSON Schema then mark a wrong key, type, bound or
pattern while you type and show each key's meaning on hover:

* Taplo (CLI, and VS Code's "Even Better TOML", which uses it): put
  `#:schema ./policy.schema.json` on the first line of the policy file, or associate the
  schema in `.taplo.toml`:

  ```toml
  [[rule]]
  include = ["my-policy.toml"]
  schema = { path = "./policy.schema.json" }
  ```

  and run `taplo check my-policy.toml`.
* VS Code without a `#:schema` line: in the settings, associate a file-name pattern with
  the schema's URL: `"evenBetterToml.schema.associations": {"my-policy\\\\.toml$":
  "file:///path/to/policy.schema.json"}`.

The schema cannot see rules across keys (`ban_seconds` at most `max_ban_seconds`) or
references between sections (an `allowed_roles` entry that must be a declared role):
`privacydesk policy check` remains the final word.

## Reference
"""


def reference() -> str:
    """docs/policy.md: an introduction, then every section and key of the catalogue."""
    lines = [_INTRO]
    for sec in SECTIONS:
        lines += _section_md(sec)
    return "\n".join(lines).rstrip("\n") + "\n"
