"""Accounts services: writes, each owning its transaction."""
