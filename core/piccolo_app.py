import os

from piccolo.conf.apps import AppConfig

from core.tables import CORE_TABLES

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="core",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "migrations"),
    table_classes=CORE_TABLES,
    migration_dependencies=[],
    commands=[],
)
