"""Staff: accounts, roles, MFA, API tokens, deny by default."""
