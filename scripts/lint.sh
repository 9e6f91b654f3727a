#!/usr/bin/env bash
# `make lint`: every guard tool CI runs (pre-commit runs the same ones on changed files).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh tools
export PATH="$PWD/.venv/node/bin:$PATH"  # the Node.js setup.sh installed (see there)
.venv/bin/ruff check .
.venv/bin/ruff format --check .
PYTHONPATH=services .venv/bin/lint-imports --no-cache --no-logo
.venv/bin/codespell
if grep -q '"lint":' pwa/package.json; then (cd pwa && npm run --silent lint); fi
echo "lint: all passed"
