#!/usr/bin/env bash
# Installs what Intake needs on a fresh Debian machine, and nothing twice:
#   scripts/setup.sh        npm dependencies (npm ci when node_modules is missing or stale)
#   scripts/setup.sh test   also the Debian packages the test suite runs for real: Chromium
#                           (browser tests), redis-server (the BullMQ driver), dovecot-imapd
#                           (the IMAP source) and bogofilter (the spam benchmark's reference)
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=node_modules/.intake-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing npm dependencies (npm ci)…" >&2
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

if [ "${1:-}" = "test" ]; then
  missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  [ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)
  command -v bogofilter >/dev/null 2>&1 || missing+=(bogofilter)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "setup: the tests need Debian packages: ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}" >&2
      exit 1
    fi
    echo "setup: installing Debian packages: ${missing[*]}…" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi
