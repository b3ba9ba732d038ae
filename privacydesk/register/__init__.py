"""Register: persons, organisations, roles, personal data, agreements."""
