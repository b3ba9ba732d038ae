"""The break-in signals the guard recognises in a request (W2, plain Python, no Django).

Each rule has a short stable name (stored in an offender's evidence) and a bit (the compact
in-memory counter records which rules fired in one byte). `inspect_request` looks only at the
path and at parameter *values* in memory; nothing it sees is kept except, for an offender, the
path and the parameter names (never the values: they may hold passwords).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import chain
from urllib.parse import unquote

LOGIN_FAILED = "login_failed"      # a refused staff password
MFA_FAILED = "mfa_failed"          # a refused one-time code
CSRF_FAILED = "csrf_failed"        # a post without a valid CSRF token
ATTACK_PATH = "attack_path"        # /wp-login.php, /.env, /phpmyadmin, ...
TRAVERSAL = "path_traversal"       # ../ or its encodings in path or parameters
SQL_INJECTION = "sql_injection"    # ' or 1=1, union select, sleep(, ...
SCRIPT_INJECTION = "script_injection"  # <script, javascript:, onerror=, ...
FORM_FLOOD = "form_flood"          # many form posts from one client in a short time

RULES: tuple[str, ...] = (
    LOGIN_FAILED, MFA_FAILED, CSRF_FAILED, ATTACK_PATH, TRAVERSAL, SQL_INJECTION,
    SCRIPT_INJECTION, FORM_FLOOD,
)
RULE_BIT = {name: 1 << i for i, name in enumerate(RULES)}

# Paths no visitor of this site asks for: other software's admin pages and secrets.
_ATTACK_PREFIXES = (
    "/wp-login.php", "/wp-admin", "/wp-content", "/wp-includes", "/xmlrpc.php", "/.env",
    "/.git", "/.svn", "/.hg", "/.aws", "/.ssh", "/.htaccess", "/.htpasswd", "/.ds_store",
    "/phpmyadmin", "/pma", "/myadmin", "/mysqladmin", "/adminer", "/phpinfo", "/server-status",
    "/cgi-bin", "/vendor/phpunit", "/boaform", "/actuator", "/config.json", "/console",
    "/solr", "/manager/html", "/owa", "/autodiscover", "/hnap1", "/shell", "/etc/passwd",
)
_ATTACK_SUFFIXES = (".php", ".asp", ".aspx", ".jsp", ".cgi", ".bak", ".sql", ".old", ".swp")

_TRAVERSAL = re.compile(r"(?:^|[/\\])\.\.(?:[/\\]|$)|%2e%2e|%252e|\.\.%2f|%c0%ae|/etc/passwd",
                        re.IGNORECASE)
_SQLI = re.compile(
    r"""(?:['"`]\s*(?:or|and|\|\||&&)\s*['"\w(]"""          # ' or '1'='1 / " and 1=1
    r"""|\bunion\b[\s(/*]+(?:all\s+)?select\b"""               # union select
    r"""|\b(?:sleep|benchmark|pg_sleep|waitfor\s+delay|extractvalue|updatexml)\s*\("""
    r"""|\binformation_schema\b|\bsys(?:objects|columns)\b"""
    r"""|;\s*(?:drop|insert|update|delete|select|shutdown)\b"""
    r"""|['")]\s*--|/\*!?\d*|\bor\b\s+\d+\s*=\s*\d+|\band\b\s+\d+\s*=\s*\d+"""
    r"""|\bcast\s*\(.+\bas\b|\bchar\s*\(\d+|0x[0-9a-f]{8,})""",
    re.IGNORECASE,
)
_XSS = re.compile(
    r"<\s*/?\s*(?:script|iframe|svg|img|object|embed|body|math|details)\b|javascript\s*:"
    r"|\bon(?:error|load|mouseover|focus|click|toggle|begin)\s*=|<[^>]*\bsrcdoc\b"
    r"|\balert\s*\(|\bdocument\.(?:cookie|domain)",
    re.IGNORECASE,
)
# Characters without which none of the patterns above can match: most values skip the regex.
_SUSPECT_CHARS = frozenset("'\"`<>();%\\/=-*:.x")
_KEYWORDS = re.compile(r"select|sleep|union|drop|delete", re.IGNORECASE)


# Search pages: their query parameters named here are free text a person typed (a name,
# an e-mail address such as d'andrea@example.nl), never evidence of an attack (#13.5.4).
# Every other query parameter of this site is an id, a page number or a choice.
SEARCH_PARAMETERS: dict[str, frozenset[str]] = {
    "/staff/persons/": frozenset({"q"}),
    "/staff/disclosures/": frozenset({"recipient"}),
    "/api/v1/persons": frozenset({"email"}),
    "/api/v1/disclosures": frozenset({"recipient"}),
}
_NO_FREE_TEXT: frozenset[str] = frozenset()
# A path (its ids) of this site never holds these; a path with one is inspected as a value.
_PATH_SUSPECT = frozenset("'\"<>;(`")


def free_text_parameters(path: str) -> frozenset[str]:
    """The query parameters of `path` that are free text (a search page), else none."""
    return SEARCH_PARAMETERS.get(path, _NO_FREE_TEXT)


def attack_path(path: str) -> bool:
    """True when `path` is one of the well-known targets of scanners."""
    low = path.lower()
    return low.startswith(_ATTACK_PREFIXES) or low.endswith(_ATTACK_SUFFIXES)


def inspect_value(value: str) -> list[str]:
    """Return the injection rules that `value` (one parameter value) triggers."""
    if not value or (_SUSPECT_CHARS.isdisjoint(value) and not _KEYWORDS.search(value)):
        return []
    fired = []
    decoded = unquote(value) if "%" in value else value
    if _TRAVERSAL.search(value) or _TRAVERSAL.search(decoded):
        fired.append(TRAVERSAL)
    if _SQLI.search(decoded):
        fired.append(SQL_INJECTION)
    if _XSS.search(decoded):
        fired.append(SCRIPT_INJECTION)
    return fired


def inspect_request(path: str, raw_path: str, values: Iterable[str]) -> list[str]:
    """Return the rules a request fires, each at most once; [] for an ordinary request.

    `path` is the decoded path, `raw_path` the path as sent (before percent-decoding), and
    `values` the values that are never free text (query parameters of a page that is not a
    search page, the User-Agent): never a form's fields.
    """
    fired: list[str] = []
    if attack_path(path):
        fired.append(ATTACK_PATH)
    if ".." in path or "%" in raw_path or "\\" in path:
        if _TRAVERSAL.search(raw_path) or _TRAVERSAL.search(path):
            fired.append(TRAVERSAL)
    # An id in the path carrying a quote or a tag is a value too: /staff/persons/1' or 1=1/
    path_value = () if _PATH_SUSPECT.isdisjoint(path) else (path,)
    for value in chain(path_value, values):
        for rule in inspect_value(value):
            if rule not in fired:
                fired.append(rule)
    return fired


def evidence_path(path: str, parameter_names: Iterable[str] = ()) -> str:
    """The path as kept in an offender's evidence: no query values, bounded length."""
    names = sorted({n[:40] for n in parameter_names})[:10]
    shown = path[:200]
    if names:
        shown += "?" + "&".join(f"{n}=" for n in names)
    return shown
