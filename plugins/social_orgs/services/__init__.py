"""Services of the social_orgs plugin: tables, rules and the audit log in one transaction."""
