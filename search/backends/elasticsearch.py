"""The Elasticsearch 8 backend, through the official client and its DSL."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from elasticsearch import Elasticsearch


@cache
def _client(url: str) -> Elasticsearch:
    return Elasticsearch(url, request_timeout=5, retry_on_timeout=False, max_retries=1)


def get_client() -> Elasticsearch:
    """The shared client for settings.ELASTICSEARCH_URL."""
    return _client(settings.ELASTICSEARCH_URL)


def index_name(base: str) -> str:
    """An index or alias name under this deployment's (and test worker's) prefix."""
    return f"{settings.SEARCH_INDEX_PREFIX}-{base}".lower()


class ElasticsearchBackend:
    """Searches an Elasticsearch 8 cluster."""

    name = "elasticsearch"

    def health(self) -> str:
        health = get_client().options(request_timeout=3).cluster.health()
        status = health["status"]
        if status == "red":
            raise RuntimeError("Elasticsearch cluster status is red")
        return f"elasticsearch {status}"
