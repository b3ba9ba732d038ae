#!/usr/bin/env bash
# The whole test suite, as CI runs it: install, lint, type-check, then pytest on SQLite and
# on PostgreSQL. Usage: bash scripts/test.sh [extra pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh --system
bash scripts/services.sh

echo "== ruff"
.venv/bin/ruff check privacydesk tests bench
echo "== mypy"
.venv/bin/mypy privacydesk

export PRIVACYDESK_DATA_DIR
PRIVACYDESK_DATA_DIR=$(mktemp -d)
trap 'rm -rf "$PRIVACYDESK_DATA_DIR"' EXIT

echo "== pytest on SQLite"
.venv/bin/pytest -q "$@"
echo "== pytest on PostgreSQL"
# Tests marked `live` start their own servers on their own SQLite database whatever
# DATABASE_URL says; running them again here would prove nothing new.
DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/pytest -q -m "not live" "$@"
