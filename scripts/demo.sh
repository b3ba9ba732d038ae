#!/usr/bin/env bash
# Install privacydesk into ./.venv and run the demo: SQLite, synthetic data, served site.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/privacydesk demo "$@"
