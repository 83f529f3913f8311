"""The funeral plugin's services: tables, pure rules and the audit log in one transaction each."""
