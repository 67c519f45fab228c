"""Redis unreachable: the portal answers every page uncached, nothing a visitor or an
editor does is lost, and the cache is true again once Redis is back."""

from __future__ import annotations

import pytest

from market.models import Listing
from market.services.listings import publish_listing
from tests.factories import DemandFactory, OutcomeFactory

pytestmark = pytest.mark.django_db

DEAD = "redis://127.0.0.1:9/0"  # nothing listens on the discard port


class Outage:
    """While entered, the configured cache backend points at a server that does not
    answer; on leaving, back at the real Redis with whatever it held before."""

    def __init__(self, settings) -> None:
        self.settings = settings
        self.live = dict(settings.CACHES["default"])

    def __enter__(self) -> None:
        self.settings.CACHES = {"default": {**self.live, "LOCATION": DEAD}}

    def __exit__(self, *exc: object) -> None:
        self.settings.CACHES = {"default": self.live}


@pytest.fixture
def redis_outage(settings) -> Outage:
    return Outage(settings)


def test_portal_answers_every_page_uncached_while_redis_is_unreachable(
    client, redis_outage, owner, owner_org
):
    outcome = OutcomeFactory(title="断缓存时的成果", published=True)
    demand = DemandFactory(title="断缓存时的需求", published=True)
    DemandFactory(title="草稿需求", organisation=owner_org)
    cacheable = ["/", "/outcomes/", f"/outcomes/{outcome.pk}/", "/demands/"]
    cacheable.append(f"/demands/{demand.pk}/")
    others = ["/search/?q=成果", "/api/search/?q=成果", "/feeds/latest.atom"]
    others += ["/sitemap.xml", "/accounts/login/"]

    with redis_outage:
        for url in cacheable:
            first, second = client.get(url), client.get(url)
            assert (first.status_code, second.status_code) == (200, 200), url
            assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "miss")
        for url in others:
            assert client.get(url).status_code == 200, url
        catalogue = client.get("/outcomes/").content.decode()
        client.force_login(owner)
        workbench = client.get("/workbench/").content.decode()

    assert "断缓存时的成果" in catalogue
    assert "草稿需求" in workbench


def test_views_counted_while_redis_is_unreachable_reach_the_database(
    client, redis_outage
):
    outcome = OutcomeFactory(published=True)

    with redis_outage:
        client.get(f"/outcomes/{outcome.pk}/")
        client.get(f"/outcomes/{outcome.pk}/")

    assert Listing.objects.get(pk=outcome.pk).view_count == 2


def test_publication_during_an_outage_retires_older_pages_once_redis_is_back(
    client, redis_outage, moderator, django_capture_on_commit_callbacks
):
    waiting = OutcomeFactory(title="停机时发布的成果", submitted=True)
    client.get("/outcomes/")
    assert client.get("/outcomes/")["X-Page-Cache"] == "hit"

    with redis_outage, django_capture_on_commit_callbacks(execute=True):
        publish_listing(waiting.pk, by_user_id=moderator.pk)
    # Redis is back with the page cached before the publication.
    response = client.get("/outcomes/")

    assert response["X-Page-Cache"] == "miss"
    assert "停机时发布的成果" in response.content.decode()
