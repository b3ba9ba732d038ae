"""`privacydesk systems scan|sync NAME`: the company's other systems (thin over systems.scan
and systems.sync).

One command with a subcommand per action (argparse subparsers, `sub_<name>`): `scan`
(#16.4) and `sync` (persons and roles from a system of record, #16.4).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from privacydesk.console.command import PrivacydeskCommand, float_min, int_range
from privacydesk.policy.systems import SystemDeclaration

#: The table's words in the back office's language (nl) and in English.
_WORDS = {
    "nl": {"place": "Plaats", "detector": "Gevonden", "count": "Aantal",
           "category": "Categorie", "allowed": "Toegestaan?", "yes": "ja", "no": "nee",
           "none": "(geen categorie van het beleid)", "nothing": "Geen persoonsgegevens "
           "gevonden in {sampled} waarden.", "summary": "{system}: {sampled} waarden "
           "bekeken, {findings} vondsten, {breaches} niet toegestaan.",
           "proposal": "Voorstel voor de declaratie van de dataset:"},
    "en": {"place": "Place", "detector": "Found", "count": "Count", "category": "Category",
           "allowed": "Allowed?", "yes": "yes", "no": "no",
           "none": "(no category of the policy)", "nothing": "No personal data found in "
           "{sampled} values.", "summary": "{system}: {sampled} values sampled, {findings} "
           "findings, {breaches} not allowed.",
           "proposal": "Proposed dataset declaration:"},
}

_DETECTOR_WORDS = {
    "nl": {"email": "e-mailadres", "phone": "telefoonnummer", "iban": "IBAN", "bsn": "BSN",
           "postcode": "postcode + huisnummer", "date_of_birth": "geboortedatum"},
    "en": {"email": "e-mail address", "phone": "phone number", "iban": "IBAN", "bsn": "BSN",
           "postcode": "postcode + house number", "date_of_birth": "date of birth"},
}


class Command(PrivacydeskCommand):
    help = "The company's other systems: scan one for personal data, sync one of record."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = self.subcommands(parser)
        scan = commands.add_parser(
            "scan", help="Sample a system and report where personal data are.",
            description="Sample up to --limit values per place (table.column, header, "
                        "attribute, field path) of the declared system NAME through its "
                        "connector, run the Dutch-aware detectors (e-mail, phone, IBAN, BSN, "
                        "postcode + house number, date of birth), store the counts (never a "
                        "value), print a table and a proposed dataset declaration. Exit "
                        "status 1 when a finding is of a category the policy does not allow "
                        "in that system (C2) or for the roles held there (C3-C5).")
        scan.add_argument("name", metavar="NAME", help="a [[systems]] id of the policy")
        scan.add_argument("--limit", type=int_range(1, 100_000), default=200,
                          help="values sampled per place (default 200)")
        scan.add_argument("--timeout", type=float_min(0.1), default=10.0,
                          help="seconds for every network call (default 10)")
        scan.add_argument("--language", choices=("nl", "en"), default="nl",
                          help="the table's language (default nl)")
        scan.add_argument("--no-progress", action="store_true",
                          help="no progress bar on standard error")
        sync = commands.add_parser(
            "sync", help="Bring persons and roles in from a system of record.",
            description="Read the [sync] table of the declared system NAME (its dataset "
                        "file names an import map, and where the people are: an SQL table, "
                        "an LDAP directory's bases) and import every person listed "
                        "through the register's rules, idempotent on the origin's id; only "
                        "changed people are written. A person an earlier sync brought in "
                        "who is no longer there gets the map's role ended today; one listed "
                        "as former (a disabled account) gets [sync] former_role instead. "
                        "One transaction. Exit status 1 when a row was refused (the others "
                        "are synced).")
        sync.add_argument("name", metavar="NAME", help="a [[systems]] id of the policy")
        sync.add_argument("--dry-run", action="store_true",
                          help="check and report everything, store nothing")
        sync.add_argument("--no-progress", action="store_true",
                          help="no progress bar on standard error")

    def _declaration(self, name: str) -> SystemDeclaration:
        from privacydesk.policy.active import get_policy

        try:
            return get_policy().system(name)
        except KeyError as exc:
            raise self.usage_error(f"NAME: {exc.args[0]}") from None

    def sub_scan(self, name: str, limit: int, timeout: float, language: str,
                 no_progress: bool, **_: Any) -> None:
        from privacydesk.systems import scan

        declaration = self._declaration(name)
        try:
            result = scan.scan_system(declaration, limit=limit, timeout=timeout,
                                      started_by="command line", progress=not no_progress)
        except scan.ScanError as exc:
            raise self.fail(exc) from None
        self._table(result, declaration.label.get(language), language)
        if result.breaches:
            raise self.fail(f"{name}: {result.breaches} findings of data the policy does not "
                            "allow there (C2-C5)")

    def sub_sync(self, name: str, dry_run: bool, no_progress: bool, **_: Any) -> None:
        from privacydesk.register.importing import ImportMapError
        from privacydesk.systems import sync
        from privacydesk.systems.declared import of_mapping

        declaration = self._declaration(name)
        try:
            report = sync.sync(of_mapping(declaration), dry_run=dry_run,
                               dataset_dir=sync.dataset_dir_of(declaration),
                               progress=not no_progress)
        except (sync.SyncError, ImportMapError) as exc:
            raise self.fail(exc) from None
        done = report.imported
        self.echo(f"{name}: {done.rows} {report.unit}: {done.created} new, {done.updated} "
                  f"changed, {done.unchanged} unchanged, {len(done.refused)} refused; "
                  f"{report.ended} roles ended" + (" (dry run: nothing stored)" if dry_run
                                                   else ""))
        if not report.changed:
            self.echo(f"{name}: nothing to write, the register already agrees with it")
        for refusal in done.refused:
            self.echo(f"{report.where(refusal)}: {refusal.column}: {refusal.message} "
                      f"({refusal.rule})")
        if done.refused:
            raise self.fail(f"{name}: {len(done.refused)} rows refused")

    def _table(self, result: Any, label: str, lang: str) -> None:
        from privacydesk.policy.active import get_policy
        from privacydesk.systems.scan import findings_of

        words, detectors = _WORDS[lang], _DETECTOR_WORDS[lang]
        categories = get_policy().categories
        findings = findings_of(result)
        if not findings:
            self.echo(words["nothing"].format(sampled=result.sampled))
            return
        rows = [(words["place"], words["detector"], words["count"], words["category"],
                 words["allowed"])]
        for f in findings:
            category = (categories[f.category].label(lang) if f.category
                        else words["none"])
            allowed = words["yes"] if f.allowed else f"{words['no']} ({f.rule})"
            rows.append((f.where, detectors[f.detector], f"{f.count}/{f.sampled}", category,
                         allowed))
        widths = [max(len(row[i]) for row in rows) for i in range(5)]
        for number, row in enumerate(rows):
            self.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
            if number == 0:
                self.echo("  ".join("-" * w for w in widths))
        self.echo("")
        self.echo(words["summary"].format(system=label, sampled=result.sampled,
                                          findings=len(findings), breaches=result.breaches))
        if result.proposal:
            self.echo("")
            self.echo(words["proposal"])
            self.echo(result.proposal, nl=False)
