"""WSGI entry point for gunicorn.

The URL configuration with every view module, the search analyser (jieba's dictionary and the operators' words), the synonym groups and
the facet labels are loaded here, before the first request: with ``--preload`` (the Docker image) the master loads it once and
every worker, including those recycled by ``--max-requests``, starts with it in shared
memory instead of making its first searches wait about a second.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.embedded")

application = get_wsgi_application()


def _warm_up() -> None:
    from django.db import connections
    from django.urls import get_resolver

    from search.analysis import warm_up

    try:
        # The URL configuration imports every view module on first use (~0.7 s).
        get_resolver().resolve("/")
        warm_up()  # and the tables a search reads on every request
        from search import labels, synonyms

        labels.warm_up()
        synonyms.groups()
    finally:
        # Workers fork from here: none may inherit the master's database connection.
        connections.close_all()


_warm_up()
