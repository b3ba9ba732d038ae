"""The record of processing activities (Art. 30 GDPR, #16.5): `privacydesk ropa` and
/staff/ropa/, generated from the policy and its declared systems so it can never disagree
with what privacydesk enforces. `record.build(policy, lang)` makes it; `render` writes it as
text, CSV and PDF."""
