"""The register's JSON API: one router module per resource (#14.4).

    persons.router        /persons                          list, find by e-mail, read, register
    roles.router          /persons/{ref}/roles              a person's roles (S1)
    data.router           /persons/{ref}/data/{category}    one datum of a category
    organisations.router  /organisations
    agreements.router     /agreements                       P3, D2

The routers only translate: every rule is asked of `register.services`. They use the API's
plumbing (`privacydesk.api`: token auth, errors, paging, the error schemas); the project
mounts them (privacydesk/project/api.py), so nothing here imports the project.
"""
