#!/usr/bin/env bash
# A database node. Run it on the first node (it becomes the primary), then on the second (it
# clones the primary with pg_basebackup and becomes its synchronous standby).
#   sudo ./setup-node.sh db1.internal 'postgres://autoctl_node@monitor.internal:5431/pg_auto_failover?sslmode=require'
set -euo pipefail
HOSTNAME_=${1:?hostname by which the other node and the monitor reach this one}
MONITOR=${2:?monitor URI (pg_autoctl show uri --formation monitor, on the monitor)}
PORT=${PORT:-5432}
PGDATA=${PGDATA:-/var/lib/postgresql/minzheng}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
APP_NETWORK=${APP_NETWORK:-10.0.1.0/24}   # the app hosts

apt-get install -y postgresql-15 postgresql-15-auto-failover
systemctl disable --now postgresql

install -d -o postgres -g postgres -m 0700 "$PGDATA"
runuser -u postgres -- pg_autoctl create postgres \
    --pgdata "$PGDATA" --pgport "$PORT" --hostname "$HOSTNAME_" --name "$HOSTNAME_" \
    --dbname minzheng --monitor "$MONITOR" \
    --pgctl "$PG_BIN/pg_ctl" --auth scram-sha-256 --ssl-self-signed \
    --candidate-priority 50 --replication-quorum true
runuser -u postgres -- pg_autoctl -q show systemd --pgdata "$PGDATA" > /etc/systemd/system/pgautofailover.service
systemctl daemon-reload
systemctl enable --now pgautofailover

# The application's role and its network (on both nodes: either may be the primary tomorrow).
grep -q "minzheng.*$APP_NETWORK" "$PGDATA/pg_hba.conf" ||
    echo "hostssl minzheng minzheng $APP_NETWORK scram-sha-256" >> "$PGDATA/pg_hba.conf"
runuser -u postgres -- psql -p "$PORT" -c "SELECT pg_reload_conf()"
cat <<'NOTE'
On the primary only, once: CREATE ROLE minzheng LOGIN PASSWORD '…'; ALTER DATABASE minzheng OWNER TO minzheng;
Synchronous replication: with two nodes pg_auto_failover sets
  synchronous_standby_names = 'ANY 1 (pgautofailover_standby_N)', synchronous_commit = on
so a commit is acknowledged only when the standby has it. Check with:
  pg_autoctl show state; psql -c 'SHOW synchronous_standby_names'
With three nodes, keep one acknowledging standby:  pg_autoctl set formation number-sync-standbys 1
NOTE
