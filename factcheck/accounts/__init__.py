"""Accounts: users, roles, sign-in sessions and the admin pages that manage them."""
