"""WSGI entry point for gunicorn.

The search analyser (jieba's dictionary and the operators' words) is loaded here, before
the first request: with ``--preload`` (the Docker image) the master loads it once and
every worker, including those recycled by ``--max-requests``, starts with it in shared
memory instead of making its first searches wait about a second.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.embedded")

application = get_wsgi_application()


def _warm_up() -> None:
    from django.db import connections

    from search.analysis import warm_up

    try:
        warm_up()
    finally:
        # Workers fork from here: none may inherit the master's database connection.
        connections.close_all()


_warm_up()
