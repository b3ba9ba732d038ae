"""Access to client servers (A1, A2): requests, approvals and short-lived SSH certificates.

A staff member asks for access to one client server for one described action, on the basis of
a running agreement that covers the server or an urgent repair the client asked for (A1).
Another staff member with the policy's `grant_access` permission approves; privacydesk then
signs a short-lived OpenSSH user certificate with its own CA (A2). Every request, decision,
grant, revocation and reported use is kept in this app's tables and in the audit chain.
See docs/access.md.
"""
