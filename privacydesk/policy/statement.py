"""Render the privacy statement FROM the policy, in Dutch or English, as Markdown or HTML.

Contract: `render_statement(policy, lang, fmt)` returns the complete statement. Every
company-specific fact (controller name, address and contact details, website, categories
and their footnotes built from `allowed_roles`, purposes, retention periods, the request
deadline) comes from the policy, so another company's policy yields its own statement.
Every paragraph, list item and footnote is tagged with the promise ids it states: in HTML a
`data-promise="C1 C2"` attribute, in Markdown a trailing `<!-- C1 C2 -->` comment. HTML is
a semantic fragment (article/h1/h2/p/ul/ol/address) with every text escaped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from privacydesk.policy.model import LANGUAGES, Period, RetentionRule
from privacydesk.policy.policy import Policy
from privacydesk.policy.statement_text import (
    ANCHOR_TEXT,
    JOIN,
    NUMBER_WORDS,
    TEXT,
    UNITS,
    WHEN,
)

FORMATS = ("md", "html")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class Item:
    text: str
    promises: tuple[str, ...]
    note: int | None = None          # footnote number shown after the text


@dataclass(frozen=True)
class Block:
    kind: str                        # "h1" | "h2" | "p" | "ul" | "notes" | "address"
    text: str = ""
    promises: tuple[str, ...] = ()
    items: tuple[Item, ...] = ()


def render_statement(policy: Policy, lang: str = "nl", fmt: str = "md") -> str:
    """The statement of `policy` in `lang` ("nl"/"en") as `fmt` ("md"/"html")."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; use one of {', '.join(LANGUAGES)}")
    if fmt not in FORMATS:
        raise ValueError(f"unsupported format {fmt!r}; use one of {', '.join(FORMATS)}")
    blocks = build_statement(policy, lang)
    return render_html(blocks, lang) if fmt == "html" else render_markdown(blocks)


# -- phrases -------------------------------------------------------------------------------------
def count_phrase(n: int, unit: str, lang: str, words: bool = False) -> str:
    """"7 jaar", "6 months"; with words=True small numbers are spelled ("een week")."""
    one, many = UNITS[lang][unit]
    number = NUMBER_WORDS[lang][n] if words and 0 < n < len(NUMBER_WORDS[lang]) else str(n)
    return f"{number} {one if n == 1 else many}"


def deadline_phrase(days: int, lang: str) -> str:
    """7 -> "een week" / "one week"; 14 -> "twee weken"; 10 -> "tien dagen"."""
    if days % 7 == 0:
        return count_phrase(days // 7, "weeks", lang, words=True)
    return count_phrase(days, "days", lang, words=True)


def period_phrase(period: Period, lang: str) -> str:
    parts = [count_phrase(n, unit, lang) for unit, n in
             (("years", period.years), ("months", period.months), ("days", period.days)) if n]
    return JOIN[lang]["and"].join(parts) if parts else count_phrase(0, "days", lang)


def join_words(words: list[str], lang: str, how: str) -> str:
    """"a, b en/of c" (how="and_or") or "a en b" (how="and")."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + JOIN[lang][how] + words[-1]


def rule_when(rule: RetentionRule, lang: str) -> str:
    event, clause = ANCHOR_TEXT[lang][rule.anchor]
    when = WHEN[lang]
    if rule.from_year_end:
        key = "until_year_end" if rule.period.is_zero else "year_end"
    else:
        key = "until" if rule.period.is_zero else "after"
    return when[key].format(period=period_phrase(rule.period, lang), event=event, clause=clause)


# -- the document ---------------------------------------------------------------------------------
def build_statement(policy: Policy, lang: str) -> list[Block]:
    """The statement as a list of tagged blocks, independent of the output format."""
    t = TEXT[lang]
    c = policy.controller
    values = {"controller": c.name, "email": c.email, "website": c.website,
              "deadline": deadline_phrase(policy.requests.deadline_days, lang)}

    def say(*keys: str) -> str:
        return " ".join(t[k].format(**values) for k in keys)

    def para(*keys: str, promises: tuple[str, ...] | None = None) -> Block:
        return Block("p", say(*keys), promises or keys)

    blocks = [Block("h1", policy.statement.title.get(lang)), para("S1"),
              Block("h2", say("h_data")), para("C1", "C2")]
    blocks += _categories(policy, lang)
    blocks.append(Block("h2", say("h_why")))
    blocks += _purposes(policy, lang, values)
    blocks += [Block("h2", say("h_retention")), para("R1", "R2", "R3"),
               _retention(policy, lang, say("retention_detail")),
               Block("h2", say("h_sharing")), para("D1", "D2", "D3"),
               Block("h2", say("h_web")), para("W1", "W2"), para("W3"),
               Block("h2", say("h_rights")),
               para("Rt1", "Rt4", "Rt5", "Rt6",
                    promises=("Rt1", "Rt2", "Rt3", "Rt4", "Rt5", "Rt6")),
               Block("h2", say("h_security")), para("Sec1", "Sec2"), para("Sec3", "Sec4"),
               para("Sec5"), Block("h2", say("h_access")), para("A1", "A2"),
               Block("h2", say("h_contact")),
               Block("address", c.name, ("Id1",), (
                   Item(f"{t['address']}: {c.address_line}", ("Id1",)),
                   Item(f"{t['phone']}: {c.phone}", ("Id1",)),
                   Item(f"{t['email']}: {c.email}", ("Id1", "Rt5")),
                   Item(f"{t['website']}: {c.website}", ("Id1", "W3"))))]
    return blocks


def _categories(policy: Policy, lang: str) -> list[Block]:
    """The C2 list; a category limited to some roles gets a footnote built from them."""
    items: list[Item] = []
    notes: list[Item] = []
    for cat in policy.categories.values():
        if cat.footnote is None:
            items.append(Item(cat.label(lang), ("C2",)))
            continue
        roles = [r.plural(lang) for k, r in policy.roles.items() if k in cat.allowed_roles]
        text = cat.footnote.get(lang).format(
            roles=join_words(roles, lang, "and_or"), roles_and=join_words(roles, lang, "and"),
            controller=policy.controller.name)
        number = len(notes) + 1
        items.append(Item(cat.label(lang), (cat.promise,), number))
        notes.append(Item(text, (cat.promise,), number))
    out = [Block("ul", promises=("C2",), items=tuple(items))]
    if notes:
        out.append(Block("notes", items=tuple(notes)))
    return out


def _purposes(policy: Policy, lang: str, values: dict[str, str]) -> list[Block]:
    """P1/P2 (contact purposes) and P3 (agreement purposes), from the purposes' phrases."""
    out = []
    for key, needs_agreement in (("why_contact", False), ("why_agreement", True)):
        chosen = [p for p in policy.purposes.values()
                  if p.statement is not None and p.requires_agreement == needs_agreement]
        if chosen:
            phrases = TEXT[lang]["or"].join(p.statement.get(lang) for p in chosen if p.statement)
            text = TEXT[lang][key].format(**{**values, "phrases": phrases})
            out.append(Block("p", text, tuple(dict.fromkeys(p.promise for p in chosen))))
    return out


def _retention(policy: Policy, lang: str, intro: str) -> Block:
    """R1 made concrete: the contact period and every retention rule with its law."""
    ret = policy.retention
    when = TEXT[lang]["contact_when"].format(period=period_phrase(ret.contact_period, lang))
    items = [Item(f"{TEXT[lang]['contact_label']}: {when} ({ret.contact_law.get(lang)})",
                  ("R2",))]
    items += [Item(f"{r.label(lang)}: {rule_when(r, lang)} ({r.law.get(lang)})", (r.promise,))
              for r in ret.rules]
    return Block("ul", intro, ("R1",), tuple(items))


# -- output formats ----------------------------------------------------------------------
def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)


def render_markdown(blocks: list[Block]) -> str:
    """Markdown; tags as trailing `<!-- ids -->` comments; footnotes as ¹ ² ³."""
    out: list[str] = []

    def tag(promises: tuple[str, ...]) -> str:
        return f" <!-- {' '.join(promises)} -->" if promises else ""

    for b in blocks:
        if b.kind in ("h1", "h2"):
            out.append(("# " if b.kind == "h1" else "## ") + _md_escape(b.text))
        elif b.kind == "p":
            out.append(_md_escape(b.text) + tag(b.promises))
        elif b.kind == "ul":
            if b.text:
                out.append(_md_escape(b.text) + tag(b.promises))
            out.append("\n".join(f"- {_md_escape(i.text)}{_note_mark(i.note)}{tag(i.promises)}"
                                 for i in b.items))
        elif b.kind == "notes":
            out += [f"{_note_mark(i.note)} {_md_escape(i.text)}{tag(i.promises)}"
                    for i in b.items]
        elif b.kind == "address":
            lines = [f"**{_md_escape(b.text)}**"] + [_md_escape(i.text) for i in b.items]
            out.append("\\\n".join(lines) + tag(b.promises))
    return "\n\n".join(out) + "\n"


def _note_mark(note: int | None) -> str:
    return str(note).translate(_SUPERSCRIPT) if note else ""


def render_html(blocks: list[Block], lang: str) -> str:
    """An HTML fragment; tags as `data-promise`; every text escaped with html.escape."""
    e = html.escape

    def attr(promises: tuple[str, ...]) -> str:
        return f' data-promise="{e(" ".join(promises))}"' if promises else ""

    def sup(note: int | None) -> str:
        return (f'<sup><a href="#pd-fn-{note}" id="pd-fnref-{note}">{note}</a></sup>'
                if note else "")

    out = [f'<article class="privacy-statement" lang="{e(lang)}">']
    for b in blocks:
        if b.kind in ("h1", "h2", "p"):
            out.append(f"<{b.kind}{attr(b.promises)}>{e(b.text)}</{b.kind}>")
        elif b.kind == "ul":
            if b.text:
                out.append(f"<p{attr(b.promises)}>{e(b.text)}</p>")
            out.append(f"<ul{attr(b.promises)}>")
            out += [f"<li{attr(i.promises)}>{e(i.text)}{sup(i.note)}</li>" for i in b.items]
            out.append("</ul>")
        elif b.kind == "notes":
            out.append('<ol class="footnotes">')
            out += [f'<li id="pd-fn-{i.note}"{attr(i.promises)}>{e(i.text)} '
                    f'<a href="#pd-fnref-{i.note}">↩</a></li>' for i in b.items]
            out.append("</ol>")
        elif b.kind == "address":
            lines = [f"<strong>{e(b.text)}</strong>"] + [e(i.text) for i in b.items]
            out.append(f"<address{attr(b.promises)}>" + "<br>\n".join(lines) + "</address>")
    out.append("</article>")
    return "\n".join(out) + "\n"
