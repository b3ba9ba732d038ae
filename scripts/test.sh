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
echo "== import contracts (the layers in pyproject.toml)"
.venv/bin/lint-imports

export PRIVACYDESK_DATA_DIR
PRIVACYDESK_DATA_DIR=$(mktemp -d)
trap 'rm -rf "$PRIVACYDESK_DATA_DIR"' EXIT

echo "== pytest on SQLite"
.venv/bin/pytest -q "$@"
# One notion of today (#13.1): the date-sensitive tests again, each starting at a moment where
# the UTC date and the policy's date (Europe/Amsterdam) differ, or a DST change is near.
# About two minutes a clock.
for clock in 2026-12-06T22:30:00+00:00 \
             2026-12-06T23:30:00+00:00 \
             2027-03-27T23:30:00+00:00 \
             2026-10-24T23:30:00+00:00; do
    # 22:30 / 23:30 UTC on a winter Sunday: 23:30 / 00:30 in Amsterdam (another day than UTC);
    # 27 March 2027 23:30 UTC: 00:30 CET on the Sunday clocks go forward (02:00 -> 03:00);
    # 24 October 2026 23:30 UTC: 01:30 CEST on Sunday the 25th (another day than UTC), half an
    # hour before 03:00 CEST becomes 02:00 CET.
    echo "== pytest -m dates on SQLite, clock at $clock (PRIVACYDESK_TEST_CLOCK)"
    PRIVACYDESK_TEST_CLOCK=$clock .venv/bin/pytest -q -m dates "$@"
done
echo "== pytest on PostgreSQL"
# Tests marked `live` start their own servers on their own SQLite database whatever
# DATABASE_URL says; running them again here would prove nothing new.
DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/pytest -q -m "not live" "$@"
