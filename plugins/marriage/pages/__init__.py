"""Pages of the marriage service: the citizen's booking flow, the clerk's workbench, the
admin's offices. Forms post back here with the session's ``_csrf`` and redirect (303) with a
one-time message, so a refresh never repeats an action."""
