"""Vault: field encryption, blind indexes, the audit chain."""
