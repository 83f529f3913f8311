-- Failover timing on the monitor (psql -d pg_auto_failover, as postgres, on the monitor host).
-- pg_auto_failover's defaults are sound for a province: a primary is declared unhealthy after
-- ~20 s without contact, and the standby is promoted only after primary_demote_timeout (30 s),
-- longer than the keepers' network_partition_timeout (20 s) so that a primary cut off from the
-- monitor and its standby has stopped accepting writes before another node does. Writes are
-- unavailable (503 DATABASE_UNAVAILABLE, clients retry with their Idempotency-Key) for roughly
-- 30–40 s on the loss of a primary. Shorter values trade that safety margin for availability;
-- the failover drill (bench/failover.py) uses 1–2 s on one machine, where no partition exists.
ALTER SYSTEM SET pgautofailover.health_check_period TO 5000;
ALTER SYSTEM SET pgautofailover.health_check_timeout TO 5000;
ALTER SYSTEM SET pgautofailover.health_check_max_retries TO 2;
ALTER SYSTEM SET pgautofailover.node_considered_unhealthy_timeout TO 20000;
ALTER SYSTEM SET pgautofailover.primary_demote_timeout TO 30000;
SELECT pg_reload_conf();
