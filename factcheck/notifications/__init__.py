"""Notifications: what happened that concerns me, derived in one place from the audit log."""
