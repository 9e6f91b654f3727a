#!/usr/bin/env bash
# Regenerate the hashed lock files from requirements/*.in (run after changing a pin there):
#   base.txt - runtime packages, direct and transitive, with hashes (the production image)
#   dev.txt  - base.txt's exact versions plus development and CI tools (what setup.sh installs)
# Both target Python 3.11 on any platform, so the same lock installs on a developer's machine,
# CI and the image; setup.sh installs them with `pip install --require-hashes`.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.8
tools=.run/lock-tools
if [ "$("$tools/bin/uv" --version 2>/dev/null)" != "uv $UV_VERSION" ]; then
    python3 -m venv "$tools"
    "$tools/bin/pip" install -q "uv==$UV_VERSION"
fi
compile() {
    "$tools/bin/uv" pip compile --quiet --generate-hashes --universal --python-version 3.11 \
        --no-header --custom-compile-command scripts/lock.sh "$@"
}
compile requirements/base.in -o requirements/base.txt
compile requirements/dev.in -c requirements/base.txt -o requirements/dev.txt
echo "lock: requirements/base.txt and requirements/dev.txt written"
