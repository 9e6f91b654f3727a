#!/usr/bin/env bash
# Start PostgreSQL and Redis if they are installed but not answering (Debian layout).
set -euo pipefail
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    echo "services-up: starting PostgreSQL"
    if command -v pg_ctlcluster >/dev/null; then
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | tail -n1)" main start
    else
        service postgresql start
    fi
    for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    pg_isready -q -h 127.0.0.1 -p 5432 || {
        echo "services-up: PostgreSQL does not answer on 127.0.0.1:5432 (is its cluster on another port?)" >&2
        exit 1
    }
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    echo "services-up: starting Redis"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
        --dir /var/lib/redis --logfile /var/log/redis/tomtin.log
    for _ in $(seq 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.5; done
    redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || {
        echo "services-up: Redis does not answer on 127.0.0.1:6379 (log: /var/log/redis/tomtin.log)" >&2
        exit 1
    }
fi
