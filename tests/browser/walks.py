"""What the back-office walks of issue #15 share: a fresh demo (the synthetic population and
the demo's privacy officer, as `privacydesk demo` makes them), the real sign-in with the
demo's password and TOTP (accepting the staff protocol on first sign-in, as the demo shows
it), the check that a page rendered for Dutch staff is Dutch, and axe-core.

"Dutch" is checked against the catalogue: no msgid of the `nl` catalogue that has a Dutch
translation may appear in the page's visible text — a string that is translated but shown in
English is a template or view that forgot to translate it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pyotp
from playwright.sync_api import Browser, Page, expect

from privacydesk.demo import population, staff_login

DEMO_PEOPLE = 40
CATALOGUE = Path(__file__).resolve().parents[2] / "privacydesk/locale/nl/LC_MESSAGES/django.po"


def fresh_demo() -> staff_login.DemoLogin:
    """The demo's register (DEMO_PEOPLE people) and its staff login, in an empty database."""
    population.generate(DEMO_PEOPLE, progress=False)
    login = staff_login.create_demo_staff()
    assert login is not None
    return login


def sign_in_demo(page: Page, base: str, login: staff_login.DemoLogin) -> None:
    """Sign in as the demo's privacy officer: password, TOTP, then accept the protocol."""
    page.goto(f"{base}/staff/login/")
    page.fill("input[name=username]", login.username)
    page.fill("input[name=password]", login.password)
    page.click("button[type=submit]")
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", pyotp.TOTP(login.totp_secret).now())
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    # The demo's officer has not accepted the staff protocol yet: no personal data until then.
    page.goto(f"{base}/staff/protocol/")
    page.check("input[name=accept]")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


@cache
def translated_msgids() -> frozenset[str]:
    """English msgids of the nl catalogue that have a different, non-empty Dutch msgstr and
    are long enough (three words or more) not to be mistaken for data or a Dutch word."""
    found: set[str] = set()
    entry: dict[str, str] = {}
    field = ""

    def flush() -> None:
        msgid, msgstr = entry.get("msgid", ""), entry.get("msgstr", "")
        fuzzy = "fuzzy" in entry.get("flags", "")
        if msgid and msgstr and msgstr != msgid and not fuzzy and "%" not in msgid \
                and len(msgid.split()) >= 3:
            found.add(msgid)
        entry.clear()

    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flush()
            entry["flags"] = line
            continue
        match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[0\])?)\s+"(.*)"$', line)
        if match:
            key = "msgstr" if match.group(1).startswith("msgstr") else match.group(1)
            if key in ("msgctxt", "msgid") and "msgstr" in entry:
                flush()
            field = key
            entry[field] = entry.get(field, "") + _unquote(match.group(2))
        elif line.startswith('"') and field:
            entry[field] = entry.get(field, "") + _unquote(line[1:-1])
    flush()
    return frozenset(found)


def assert_dutch(page: Page) -> None:
    """The page is marked Dutch and shows no translated msgid in English. A timeline's
    notes are left out: they are stored once, in English, as the audit detail, and a note
    with a value in it is shown as written (requests.templatetags.request_notes)."""
    assert page.locator("html").get_attribute("lang") == "nl"
    text = page.evaluate("""() => { const body = document.body.cloneNode(true);
        body.querySelectorAll('ol.timeline').forEach(e => e.remove());
        return body.textContent; }""")
    text = " ".join(text.split())
    english = sorted(m for m in translated_msgids() if " ".join(m.split()) in text)
    assert english == [], f"{page.url} shows English: {english}"


def assert_accessible(page: Page, axe_source: Path) -> None:
    """axe-core finds no serious or critical violation on the page (context bypasses CSP)."""
    page.add_script_tag(path=str(axe_source))
    result: Any = page.evaluate("async () => await axe.run(document, "
                                "{resultTypes: ['violations']})")
    bad = [f"{v['id']} ({v['impact']}): {v['help']}" for v in result["violations"]
           if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{page.url}: {bad}"


def ask_and_confirm(browser: Browser, base: str, smtp_server: Any, kind: str, name: str,
                    email: str) -> None:
    """A person asks on the public site in Dutch (`kind` is the label of the choice) and
    confirms through the link in the e-mail the SMTP server received."""
    visitor = browser.new_context(locale="nl-NL")
    public = visitor.new_page()
    public.set_default_timeout(30000)
    public.goto(f"{base}/nl/request/")
    public.get_by_label(kind).check()
    public.get_by_label("Uw naam", exact=True).fill(name)
    public.get_by_label("E-mailadres", exact=True).fill(email)
    public.get_by_role("button", name="Verzoek versturen").click()
    expect(public.locator(".confirmation")).to_be_visible()
    link = re.search(r"https?://\S+/requests/confirm/\S+/", mail_text(smtp_server, email))
    assert link, mail_text(smtp_server, email)
    public.goto(link.group(0))
    public.get_by_role("button", name="Ja, dit verzoek is van mij").click()
    expect(public.locator(".confirmation")).to_contain_text("bevestigd")
    visitor.close()


def mail_text(smtp_server: Any, email: str) -> str:
    """The plain text of the last mail the SMTP server received for `email`."""
    mails = [m for m in smtp_server.messages if email in str(m["To"])]
    assert mails, f"no mail to {email}"
    return str(mails[-1].get_body(preferencelist=("plain",)).get_content())
