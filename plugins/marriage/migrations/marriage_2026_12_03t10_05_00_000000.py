"""Every slot's places as rows, and ``marriage_slot.booked`` dropped: a place is taken by each
appointment that held one under the counter (booked, checked in, completed or no-show: only a
cancellation gave a place back), in booking order from place 1; an open slot then gets free
places up to its capacity, a closed one none (nobody may book it)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T10:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "slot places filled, booked counter dropped"

TAKEN = (
    "INSERT INTO marriage_slot_place (slot_id, place, appointment_code) "
    "SELECT a.slot_id, ROW_NUMBER() OVER (PARTITION BY a.slot_id ORDER BY a.id), a.code "
    "FROM marriage_appointment a JOIN marriage_slot s ON s.id = a.slot_id "
    "WHERE a.status IN ('booked', 'checked_in', 'completed', 'no_show')"
)
FREE = (
    "WITH RECURSIVE n(place) AS (SELECT 1 UNION ALL SELECT place + 1 FROM n "
    "WHERE place < (SELECT MAX(capacity) FROM marriage_slot)) "
    "INSERT INTO marriage_slot_place (slot_id, place) "
    "SELECT s.id, n.place FROM marriage_slot s JOIN n ON n.place <= s.capacity "
    "WHERE s.open AND n.place > "
    "(SELECT COUNT(*) FROM marriage_slot_place p WHERE p.slot_id = s.id)"
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="marriage", description=DESCRIPTION)

    async def fill():
        engine = engine_finder()
        await engine.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS marriage_slot_place_slot_place "
            "ON marriage_slot_place (slot_id, place)"
        )
        # What a booking scans for the lowest free place, and every count of places left.
        await engine.run_ddl(
            "CREATE INDEX IF NOT EXISTS marriage_slot_place_free "
            "ON marriage_slot_place (slot_id, place) WHERE appointment_code IS NULL"
        )
        await engine.run_ddl(TAKEN)
        await engine.run_ddl(FREE)

    manager.add_raw(fill)
    manager.drop_column(
        table_class_name="Slot",
        tablename="marriage_slot",
        column_name="booked",
        db_column_name="booked",
        schema=None,
    )
    return manager
