#!/usr/bin/env bash
# Install what privacydesk needs into ./.venv from the lock file (idempotent, quick when done).
# With --system (and root), also the Debian packages the test suite drives for real.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.lock-installed
# The editable install also compiles the guard's C counting loop (issue #4; optional: without a
# compiler the install goes on and the Python loop counts). Install again when the C source or
# pyproject.toml changed since, or the built module is missing or older than its source.
ext_stamp=.venv/.ext-built
ext_src=privacydesk/guard/stores/_counting.c
ext_hash=$(cat pyproject.toml privacydesk/guard/stores/_*.c | sha256sum | cut -d" " -f1)
if [ ! -f "$stamp" ] || ! cmp -s requirements.lock "$stamp"; then
  echo "== installing Python packages from requirements.lock"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements.lock
  .venv/bin/python -m pip install -q --no-deps -e .
  cp requirements.lock "$stamp"
  echo "$ext_hash" > "$ext_stamp"
fi
ext_so=${ext_src%.c}$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
if [ "$(cat "$ext_stamp" 2>/dev/null)" != "$ext_hash" ] || [ ! -f "$ext_so" ] \
    || [ "$ext_src" -nt "$ext_so" ]; then
  echo "== building the guard's C counting loop (pip install -e .)"
  .venv/bin/python -m pip install -q --no-deps -e .
  echo "$ext_hash" > "$ext_stamp"
fi
if [ ! -f "$ext_so" ]; then
  echo "!! $ext_so was not built: the guard counts in Python (slower)" >&2
fi

if [ "${1:-}" = "--system" ]; then
  # Real components for the tests: browser, IMAP server, sshd, attack tools, load tools.
  debs=(chromium dovecot-imapd openssh-server openssh-client wrk hydra sqlmap testssl.sh
        fail2ban poppler-utils swaks)
  missing=()
  for d in "${debs[@]}"; do
    dpkg -s "$d" >/dev/null 2>&1 || missing+=("$d")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "== installing Debian packages: ${missing[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
      # fail2ban's package starts a daemon we do not want; the bench only runs fail2ban-regex.
      (service fail2ban stop || true) >/dev/null 2>&1
    else
      echo "!! not root: cannot install ${missing[*]}; tests that drive them will fail" >&2
    fi
  fi
fi
