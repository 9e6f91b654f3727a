#!/usr/bin/env bash
# `make fresh-check`: prove the README's two commands on a truly fresh Debian 12 machine.
# Builds a clean bookworm root with debootstrap, clones this repo (its committed HEAD) into
# /root there (a folder only its owner can read), runs scripts/setup.sh with the network, then
# .ci/run (`make lint`, then `make test`, as CI does) with no network at all: its own loopback
# only, so its PostgreSQL, Redis and Nginx never meet this machine's. Reports time and result.
# Slow (12-25 min on 2 cores); needs root.
#   FRESH_CHECK_ROOT    where the root is built (default /var/tmp/tomtin-fresh-check; wiped first)
#   FRESH_CHECK_MIRROR  Debian mirror (default: the first Debian one in this machine's apt sources)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
ROOTFS=${FRESH_CHECK_ROOT:-/var/tmp/tomtin-fresh-check}
REPORT=$REPO/.run/fresh-check
CLONE=/root/tomtin

if [ "$(id -u)" != 0 ]; then
    echo "fresh-check: run as root (debootstrap, chroot and namespaces need it)" >&2
    exit 1
fi
# Every mount below lives in a private mount namespace, so nothing is left mounted afterwards.
if [ -z "${FRESH_CHECK_IN_NS:-}" ]; then
    mkdir -p "$REPORT"
    FRESH_CHECK_IN_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi

mirror() {
    local uri
    uri=$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
        grep -oE 'https?://[^ ]+/debian/?' | head -n1 || true)
    echo "${FRESH_CHECK_MIRROR:-${uri:-http://deb.debian.org/debian}}"
}

in_root() {
    # A login-like environment: only the CA settings this machine's network needs pass through.
    local pass=()
    for var in SSL_CERT_FILE PIP_CERT NODE_EXTRA_CA_CERTS REQUESTS_CA_BUNDLE GIT_SSL_CAINFO CURL_CA_BUNDLE; do
        [ -n "${!var:-}" ] && pass+=("$var=${!var}")
    done
    chroot "$ROOTFS" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb CI=true \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "${pass[@]}" "$@"
}

stop_root_processes() {
    # Only processes whose root is our chroot: the check's own PostgreSQL, Redis, Nginx, ...
    local pid
    for pid in /proc/[0-9]*; do
        [ "$(readlink "$pid/root" 2>/dev/null)" = "$ROOTFS" ] && kill -9 "${pid#/proc/}" 2>/dev/null || true
    done
}

step() { printf '\nfresh-check: %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }

command -v debootstrap >/dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
}
started=$(date +%s)
commit=$(git rev-parse --short HEAD)
step "building a clean Debian 12 root in $ROOTFS from $(mirror)"
rm -rf "$ROOTFS"
debootstrap --include=git,make,ca-certificates bookworm "$ROOTFS" "$(mirror)" >"$REPORT/debootstrap.log" 2>&1 ||
    { tail -n 20 "$REPORT/debootstrap.log"; exit 1; }
# The same apt sources as this machine (bookworm + updates + security), and its extra CAs and
# apt settings: the check's machine sits on this machine's network, nothing more.
if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
    rm -f "$ROOTFS/etc/apt/sources.list"
    cp /etc/apt/sources.list.d/*.sources "$ROOTFS/etc/apt/sources.list.d/"
fi
grep -lE '^Acquire::Check-Valid-Until' /etc/apt/apt.conf.d/* 2>/dev/null |
    xargs -r cp -t "$ROOTFS/etc/apt/apt.conf.d/"
cp /usr/local/share/ca-certificates/*.crt "$ROOTFS/usr/local/share/ca-certificates/" 2>/dev/null || true
cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
# As in any chroot, package installs must not start services (the host's ports are taken);
# the project's own scripts start what they need, as on a machine where they are stopped.
printf '#!/bin/sh\nexit 101\n' >"$ROOTFS/usr/sbin/policy-rc.d"
chmod +x "$ROOTFS/usr/sbin/policy-rc.d"
git clone -q --no-hardlinks "$REPO" "$ROOTFS$CLONE"
mount -t proc proc "$ROOTFS/proc"
mount -t sysfs sysfs "$ROOTFS/sys"
mount --rbind /dev "$ROOTFS/dev"
mount -t tmpfs -o size=1g tmpfs "$ROOTFS/dev/shm"
trap stop_root_processes EXIT
in_root update-ca-certificates >/dev/null 2>&1
booted=$(date +%s)

step "scripts/setup.sh in the clone (network on)"
set +e
in_root bash -c "cd $CLONE && scripts/setup.sh" 2>&1 | tee "$REPORT/setup.log"
setup_rc=${PIPESTATUS[0]}
set -e
set_up=$(date +%s)
# Installing PostgreSQL created its cluster while the network was this machine's, where 5432 is
# taken, so it chose the next port; on a machine of its own it gets 5432, as the tests will have.
in_root sh -c 'for conf in /etc/postgresql/*/main/postgresql.conf; do
    sed -i "s/^port = .*/port = 5432/" "$conf"; done'
test_rc=skipped
if [ "$setup_rc" = 0 ]; then
    step ".ci/run (make lint, make test) in the clone (no network: its own loopback only)"
    set +e
    export -f in_root
    export ROOTFS
    unshare --net bash -c "ip link set lo up && in_root bash -c 'cd $CLONE && .ci/run'" 2>&1 |
        tee "$REPORT/test.log"
    test_rc=${PIPESTATUS[0]}
    set -e
fi
finished=$(date +%s)
stop_root_processes

summary=$(grep -E '^=+ .*(passed|failed|error).* =+$' "$REPORT/test.log" 2>/dev/null | tail -n1 || true)
outcome=$([ "$setup_rc" = 0 ] && [ "$test_rc" = 0 ] && echo PASSED || echo FAILED)
{
    echo "fresh-check $(date -u +%Y-%m-%d) on commit $commit: $outcome"
    echo "  debootstrap $((booted - started)) s, setup $((set_up - booted)) s, lint + test $((finished - set_up)) s, total $((finished - started)) s"
    echo "  setup exit $setup_rc, .ci/run exit $test_rc; pytest: ${summary:-no summary}"
} | tee "$REPORT/result.txt"
[ "$outcome" = PASSED ]
