#!/usr/bin/env bash
# Install what is missing on a fresh Debian-like machine: Debian packages (as root),
# the Python virtualenv with pinned requirements, and the PWA's npm packages + build.
# Safe to re-run: every step checks first.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(nginx libnginx-mod-http-js chromium postgresql redis-server wrk openssl iproute2)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    if [ "$(id -u)" = 0 ]; then
        echo "setup: installing Debian packages: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "setup: please install (as root): apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv"
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha
want=$(cat requirements/*.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "setup: installing Python requirements"
    .venv/bin/pip install -q --upgrade pip
    .venv/bin/pip install -q -r requirements/dev.txt
    echo "$want" > "$stamp"
fi

if [ -f pwa/package-lock.json ]; then
    lockstamp=pwa/node_modules/.lock.sha
    wantlock=$(sha256sum pwa/package-lock.json | cut -d' ' -f1)
    if [ "$(cat "$lockstamp" 2>/dev/null)" != "$wantlock" ]; then
        echo "setup: installing PWA packages (npm ci)"
        (cd pwa && npm ci --no-audit --no-fund --loglevel=error)
        echo "$wantlock" > "$lockstamp"
    fi
    echo "setup: building the PWA"
    (cd pwa && npm run --silent build >/dev/null)
fi
