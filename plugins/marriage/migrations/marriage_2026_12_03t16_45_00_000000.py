"""``marriage_places`` notifications: whatever frees or adds a place of a slot (a cancellation,
a capacity raised, a schedule republished, an operator's SQL) notifies that channel with its
COMMIT, so that no application process answers from a memo that the slot is full
(plugins/marriage/services/full_slots.py). PostgreSQL only: SQLite has no notifications, and
its processes read their slots every time.

Taking a place (an appointment code set where there was none) notifies nothing: it is what a
booking does, and it never frees a place."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T16:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "marriage_places notifications"

NOTIFY = (
    """
CREATE OR REPLACE FUNCTION marriage_places_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM pg_notify('marriage_places', '');
    RETURN NULL;
END
$fn$
""",
    """
CREATE TRIGGER marriage_place_freed AFTER UPDATE OF appointment_code ON marriage_slot_place
    FOR EACH ROW WHEN (OLD.appointment_code IS NOT NULL AND NEW.appointment_code IS NULL)
    EXECUTE FUNCTION marriage_places_changed()
""",
    """
CREATE TRIGGER marriage_places_added_or_removed
    AFTER INSERT OR DELETE OR TRUNCATE ON marriage_slot_place
    FOR EACH STATEMENT EXECUTE FUNCTION marriage_places_changed()
""",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="marriage", description=DESCRIPTION)

    async def create():
        engine = engine_finder()
        if engine.engine_type == "postgres":
            for statement in NOTIFY:
                await engine.run_ddl(statement)

    manager.add_raw(create)
    return manager
