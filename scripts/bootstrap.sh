#!/usr/bin/env bash
# Install what privacydesk needs into ./.venv from the lock file (idempotent, quick when done).
# With --system (and root), also the Debian packages the test suite drives for real.
# Then the translations are compiled (#15); without GNU gettext the committed .mo files stay.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.lock-installed
if [ ! -f "$stamp" ] || ! cmp -s requirements.lock "$stamp"; then
  echo "== installing Python packages from requirements.lock"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements.lock
  .venv/bin/python -m pip install -q --no-deps -e .
  cp requirements.lock "$stamp"
fi
if [ "${1:-}" = "--system" ]; then
  # Real components for the tests: browser, IMAP server, sshd, attack tools, load tools.
  # gettext: makemessages/compilemessages, and the test that the nl catalogue is complete.
  debs=(chromium dovecot-imapd openssh-server openssh-client wrk hydra sqlmap testssl.sh
        fail2ban poppler-utils swaks gettext fonts-dejavu-core
        # #16: the servers the connectors' tests start on their own ports and data
        mariadb-server slapd ldap-utils redmine redmine-sqlite puma dovecot-fts-xapian)
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
      # slapd's package starts a directory on port 389; the tests start their own.
      (service slapd stop || true) >/dev/null 2>&1
    else
      echo "!! not root: cannot install ${missing[*]}; tests that drive them will fail" >&2
    fi
  fi
fi
# The back office reads Dutch from the compiled catalogue (#15): compile what is committed.
if command -v msgfmt >/dev/null 2>&1; then
  (cd privacydesk && env -u DJANGO_SETTINGS_MODULE ../.venv/bin/django-admin compilemessages \
    >/dev/null)
else
  echo "!! GNU gettext (msgfmt) is missing: using the committed .mo files" >&2
fi
