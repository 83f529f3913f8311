"""``marriage_take_place``: a booking takes its place in one function call (PostgreSQL), so the
call can travel with the rest of the booking's transaction in one message
(plugins/marriage/services/places.py says how it takes a place). SQLite needs none: it has one
writer at a time, and a booking there takes its place with a plain UPDATE."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T14:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "marriage_take_place function"

# The inner block is a subtransaction: raising MZ001 in it rolls it back, which drops the locks
# SKIP LOCKED left on places it re-checked and found taken, before waiting for the others.
TAKE_PLACE = """
CREATE OR REPLACE FUNCTION marriage_take_place(
    p_slot integer, p_code varchar, p_refuse boolean DEFAULT false
) RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
    taken integer;
BEGIN
    BEGIN
        UPDATE marriage_slot_place SET appointment_code = p_code
        WHERE id = (SELECT id FROM marriage_slot_place
                    WHERE slot_id = p_slot AND appointment_code IS NULL
                    ORDER BY place LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING place INTO taken;
        IF taken IS NULL THEN
            RAISE EXCEPTION 'no place free without waiting' USING ERRCODE = 'MZ001';
        END IF;
    EXCEPTION WHEN SQLSTATE 'MZ001' THEN
        UPDATE marriage_slot_place SET appointment_code = p_code
        WHERE id = (SELECT id FROM marriage_slot_place
                    WHERE slot_id = p_slot AND appointment_code IS NULL
                    ORDER BY place LIMIT 1 FOR UPDATE)
        RETURNING place INTO taken;
    END;
    IF taken IS NULL AND p_refuse THEN
        RAISE EXCEPTION 'SLOT_FULL: slot % has no free place', p_slot USING ERRCODE = 'MZ002';
    END IF;
    RETURN taken;
END
$fn$
"""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="marriage", description=DESCRIPTION)

    async def create():
        engine = engine_finder()
        if engine.engine_type == "postgres":
            await engine.run_ddl(TAKE_PLACE)

    manager.add_raw(create)
    return manager
