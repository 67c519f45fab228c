"""Market services: writes, each owning its transaction."""
