"""Services of the disability plugin: tables + rules + audit, each change in one transaction."""
