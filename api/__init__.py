"""The public REST API under /api/v1/: an edge adapter over market, search, matching.

Nothing imports this app except ``config/urls.py``. See docs/api.md.
"""
