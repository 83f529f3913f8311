#!/usr/bin/env bash
# The pg_auto_failover monitor: a small PostgreSQL of its own, on a third machine (not on either
# database node — it decides which of them is the primary).
#   sudo ./setup-monitor.sh monitor.internal 5431
set -euo pipefail
HOSTNAME_=${1:?hostname by which the nodes reach the monitor}
PORT=${2:-5431}
PGDATA=${PGDATA:-/var/lib/postgresql/monitor}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

apt-get install -y postgresql-15 postgresql-15-auto-failover
systemctl disable --now postgresql   # the Debian cluster is not used; pg_autoctl runs its own

install -d -o postgres -g postgres -m 0700 "$PGDATA"
runuser -u postgres -- pg_autoctl create monitor \
    --pgdata "$PGDATA" --pgport "$PORT" --hostname "$HOSTNAME_" \
    --pgctl "$PG_BIN/pg_ctl" --auth scram-sha-256 --ssl-self-signed
# One systemd unit runs pg_autoctl (which runs PostgreSQL); never run it as root.
runuser -u postgres -- pg_autoctl -q show systemd --pgdata "$PGDATA" > /etc/systemd/system/pgautofailover.service
systemctl daemon-reload
systemctl enable --now pgautofailover
runuser -u postgres -- psql -p "$PORT" -d pg_auto_failover -f "$(dirname "$0")/monitor-settings.sql"
echo "monitor URI for the nodes:"
runuser -u postgres -- pg_autoctl show uri --pgdata "$PGDATA" --formation monitor
