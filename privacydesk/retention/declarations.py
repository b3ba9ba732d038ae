"""Every model declares its retention (R1): a test fails for any model left undeclared.

Kinds:
- DATUM: register data; `delete_after` from the policy per category (swept).
- PERSON: rows that exist only for one person and go with them (foreign key to Person,
  CASCADE): deleted by the sweep when nothing of the person is left, and by erasure.
- SYSTEM: records outside the register with their own policy rule (category None,
  `purpose`/`basis`) and a prune hook (prune.py or the owning app).
- NONE: no personal data (the reason says why), or only the pseudonymous ref.
- OWNER: personal data whose period is applied by the owning app (the reason names how).
`prune` names the function (dotted path) that applies a SYSTEM or OWNER period on its own;
tests/retention/test_personal_fields.py requires one for every model with a field that can
hold personal data, unless its deletion is a staff action it lists.
A new model anywhere makes tests/retention/test_declarations.py fail until it is added here.
"""

from __future__ import annotations

from dataclasses import dataclass

DATUM, PERSON, SYSTEM, NONE, OWNER = "datum", "person", "system", "none", "owner"


@dataclass(frozen=True)
class Declaration:
    kind: str
    reason: str
    purpose: str = ""   # SYSTEM: the policy purpose and basis of the rule
    basis: str = ""
    prune: str = ""     # SYSTEM, OWNER: "module.function" that applies the period


_d = Declaration   # short, for the table below

_DATUM = _d(DATUM, "policy rule per category, purpose and basis (R1-R3), swept by date")
_PERSON = _d(PERSON, "belongs to one person; deleted with the person (CASCADE) or by erasure")

RETENTION: dict[str, Declaration] = {
    # register (S1, C2)
    **{f"register.{m}": _DATUM for m in ("name", "address", "phone", "email", "financial",
                                         "account", "identity")},
    "register.person": _d(PERSON, "pseudonymous ref; deleted when no datum is left (R1)"),
    "register.role": _PERSON,
    "register.agreementparty": _PERSON,
    "register.externalid": _d(PERSON, "an import's link to the person (blind index of the "
                              "origin's id); deleted with the person (CASCADE) or by erasure"),
    "register.organisation": _d(NONE, "business data of a company, not of a person"),
    "register.agreement": _d(NONE, "reference, title and dates of an assignment; the "
                             "parties are AgreementParty rows"),
    "register.agreementrecipient": _d(NONE, "names a receiving company and categories"),
    # systems (#16.4): a scan stores counts per place and detector, never a sampled value
    "systems.systemscan": _d(NONE, "counts per place and detector, the places' names and a "
                             "proposed declaration; never a sampled value (C2)"),
    "systems.systemtask": _d(OWNER, "what a request asked of a system: pseudonymous ref, "
                             "counts, kinds; the sealed subject is cleared when the task "
                             "settles or, at the latest, by systems.tasks.prune_subjects",
                             prune="privacydesk.systems.tasks.prune_subjects"),
    # vault (Sec1)
    "vault.auditentry": _d(SYSTEM, "pseudonymous (person_ref only); pruned with a signed "
                           "checkpoint, prune.prune_audit", "legal_obligation",
                           "legal_obligation", "privacydesk.retention.prune.prune_audit"),
    "vault.audithead": _d(NONE, "the chain's head: a sequence number and MACs"),
    "vault.auditcheckpoint": _d(NONE, "a pruning checkpoint: sequence number and MACs"),
    "vault.datakey": _d(NONE, "wrapped encryption keys; kept while any value they sealed "
                        "may be read (backups included)"),
    # guard (W2)
    "guard.offender": _d(SYSTEM, "break-in registrations; guard.services.prune_expired",
                         "security", "legitimate_interests",
                         "privacydesk.guard.services.prune_expired"),
    "guard.counter": _d(SYSTEM, "keyed hashes of addresses with an expiry; pruned by "
                        "guard.services.prune_expired", "security", "legitimate_interests",
                        "privacydesk.guard.services.prune_expired"),
    # public (5.12): a keyed hash of an address a form mailed, for the daily mail limit
    "public.confirmationsent": _d(OWNER, "keyed hash of a confirmation's address, kept two "
                                  "days for the per-address limit",
                                  prune="privacydesk.public.mail.prune_confirmations"),
    "guard.apirate": _d(NONE, "call counts of one API token, keyed by a digest prefix of "
                        "the token: no address, no person (Sec3)"),
    "guard.salt": _d(NONE, "rotating random salts, no addresses"),
    "guard.allowlistentry": _d(NONE, "networks staff chose to allow, not visitors"),
    # staff (Sec1): staff accounts are the company's own staff administration
    "staff.staffuser": _d(OWNER, "staff account: kept while employed, removed by the "
                          "privacy officer on leaving (staff.views.users)"),
    "staff.totpsecret": _d(OWNER, "deleted with the staff account (CASCADE)"),
    "staff.apitoken": _d(OWNER, "expires (expires_at) and goes with the staff account"),
    # callbacks (P1, P2)
    "callbacks.callbackrequest": _PERSON,
    "callbacks.callattempt": _d(PERSON, "belongs to a callback request (CASCADE)"),
    "callbacks.writtencontact": _d(PERSON, "belongs to a callback request (CASCADE)"),
    # incidents (Sec5)
    "incidents.incident": _d(OWNER, "breach documentation (Art. 33(5)), description and "
                             "reporter sealed; the policy's [incidents] periods from closing: "
                             "reporter details cleared, then the record deleted, by "
                             "incidents.retention.prune_expired (daily prune)",
                             prune="privacydesk.incidents.retention.prune_expired"),
    # data-subject requests (Rt1-Rt6)
    "requests.datasubjectrequest": _d(OWNER, "requester details sealed; cleared by "
                                      "requests.clock.tick after the contact period (R2) "
                                      "from closing; the answer record stays, pseudonymous",
                                      prune="privacydesk.requests.clock.tick"),
    "requests.requestevent": _d(NONE, "timeline of a request: actions, staff names, no "
                                "data of the requester"),
    "requests.delivery": _d(OWNER, "sealed export files deleted on download or at "
                            "expires_at (requests.delivery.expire, run by the clock tick)",
                            prune="privacydesk.requests.delivery.expire"),
    "requests.filedmail": _d(NONE, "sha256 of a Message-ID and the day it was filed"),
    # server access (A1, A2): security records under the policy's rule for purpose
    # "security" / legitimate interests ("break-in-registrations": 30 days), counted from the
    # end of the grant; pruned by access.grants.prune_expired
    **{f"access.{m}": _d(SYSTEM, "server-access security record; access.grants."
                         "prune_expired", "security", "legitimate_interests",
                         "privacydesk.access.grants.prune_expired")
       for m in ("accessrequest", "grant", "grantuse")},
    "access.clientserver": _d(NONE, "a client company's server: host name and host key"),
    "access.staffkey": _d(OWNER, "a staff member's SSH public key; replaced on upload, "
                          "deleted with the staff account (CASCADE)"),
    # disclosures (D1-D3): evidence of lawful sharing, pruned by
    # disclosure.retention.prune_expired
    "disclosure.disclosure": _d(SYSTEM, "evidence of lawful sharing: kept while the person "
                                "is, then pseudonymous (ref only) for the accountability "
                                "period; disclosure.retention.prune_expired",
                                "legal_obligation", "legal_obligation",
                                "privacydesk.disclosure.retention.prune_expired"),
    "disclosure.consentrequest": _d(SYSTEM, "proof of consent (Art. 7(1)): kept while "
                                    "pending or in force, then for the accountability "
                                    "period and as long as a disclosure rests on it; "
                                    "disclosure.retention.prune_expired",
                                    "legal_obligation", "legal_obligation",
                                    "privacydesk.disclosure.retention.prune_expired"),
    # retention itself
    "retention.legalhold": _PERSON,
    "retention.contactmark": _PERSON,
    "retention.deletionreceipt": _d(NONE, "proof without personal data; the replay ref is "
                                    "cleared once no older backup exists "
                                    "(prune.forget_replay_data)"),
    "retention.erasureledger": _d(SYSTEM, "pseudonymous refs of erased people, deleted once "
                                  "no older backup exists (prune.forget_replay_data)",
                                  "security", "legal_obligation",
                                  "privacydesk.retention.prune.forget_replay_data"),
    "retention.backuprecord": _d(NONE, "file name and dates; the files expire by the "
                                 "'backups' rule (prune.expire_backups)"),
    # background jobs (privacydesk/jobs)
    "jobs.periodicrun": _d(NONE, "a job's name, time slot, outcome and an exception's "
                           "class name; deleted after 30 days (jobs.prune.prune_results)"),
    "django_tasks_database.dbtaskresult": _d(
        OWNER, "queued tasks: arguments are slots and try numbers, but a failure's traceback "
        "may quote data; finished rows deleted after 30 days by the daily sweep",
        prune="privacydesk.jobs.prune.prune_results"),
    # Django's own tables
    "auth.group": _d(NONE, "names of permission groups"),
    "auth.permission": _d(NONE, "permission names"),
    "contenttypes.contenttype": _d(NONE, "model names"),
    "sessions.session": _d(OWNER, "staff sign-in sessions; expire after SESSION_COOKIE_AGE "
                           "(8 h) and Django's clearsessions"),
}
