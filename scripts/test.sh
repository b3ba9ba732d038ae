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

# Five pytest passes in two chains side by side, one per core, so CI stays under 20 minutes:
# (A) SQLite (with every test that starts real servers), then two frozen clocks; (B)
# PostgreSQL, then the other two (the passes measured 11, 11 and 2.3 minutes a clock). Each pass has
# its own data folder; Redis keys carry per-test prefixes and the PostgreSQL pass has its own
# database (test_test), so the chains share nothing. B's output is shown when it ends.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One notion of today (#13.1): the date-sensitive tests again, each starting at a moment where
# the UTC date and the policy's date (Europe/Amsterdam) differ, or a DST change is near:
# 22:30 / 23:30 UTC on a winter Sunday: 23:30 / 00:30 in Amsterdam (another day than UTC);
# 27 March 2027 23:30 UTC: 00:30 CET on the Sunday clocks go forward (02:00 -> 03:00);
# 24 October 2026 23:30 UTC: 01:30 CEST on Sunday the 25th (another day than UTC), half an
# hour before 03:00 CEST becomes 02:00 CET. About two minutes a clock.
# Every pass runs even when an earlier one failed; the chain fails when any pass did.
clocks_pass() {
    local failed=0
    for clock in "$@"; do
        echo "== pytest -m dates on SQLite, clock at $clock (PRIVACYDESK_TEST_CLOCK)"
        PRIVACYDESK_DATA_DIR=$(mktemp -d -p "$work") PRIVACYDESK_TEST_CLOCK=$clock \
            .venv/bin/pytest -q -p no:cacheprovider -m dates "${pytest_args[@]}" || failed=1
    done
    return $failed
}
pytest_args=("$@")

chain_b() {
    local failed=0
    echo "== pytest on PostgreSQL"
    # Tests marked `live` start their own servers on their own SQLite database whatever
    # DATABASE_URL says; running them again here would prove nothing new.
    PRIVACYDESK_DATA_DIR=$(mktemp -d -p "$work") \
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
        .venv/bin/pytest -q -p no:cacheprovider -m "not live" "${pytest_args[@]}" || failed=1
    clocks_pass 2027-03-27T23:30:00+00:00 2026-10-24T23:30:00+00:00 || failed=1
    return $failed
}
echo "== chain B (PostgreSQL, two clocks) runs beside chain A; its output follows A's"
chain_b >"$work/chain-b.log" 2>&1 &
chain_b_pid=$!

status_a=0
echo "== pytest on SQLite"
PRIVACYDESK_DATA_DIR=$(mktemp -d -p "$work") .venv/bin/pytest -q "${pytest_args[@]}" || status_a=1
clocks_pass 2026-12-06T22:30:00+00:00 2026-12-06T23:30:00+00:00 || status_a=1
status_b=0
wait "$chain_b_pid" || status_b=$?
echo "== chain B's output"
cat "$work/chain-b.log"
echo "== chain A: exit $status_a; chain B: exit $status_b"
[ "$status_a" = 0 ] && [ "$status_b" = 0 ]
