"""The anonymous page cache of the catalogue: hits, who never gets one, invalidation."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cms.cache import flush_view_counts
from cms.models import OutcomeIndexPage
from market.models import Listing
from market.services.listings import (
    archive_listing,
    expire_listing,
    publish_changes,
    publish_listing,
    renew_listing,
    save_listing,
)
from tests.factories import DemandFactory, OutcomeFactory

pytestmark = pytest.mark.django_db

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def market_queries(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if '"market_' in q["sql"]]


def test_cache_serves_the_second_anonymous_catalogue_request_without_reading_listings(
    client,
):
    OutcomeFactory(title="缓存中的成果", published=True)
    first = client.get("/outcomes/?field=04")

    with CaptureQueriesContext(connection) as queries:
        second = client.get("/outcomes/?field=04")

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert market_queries(queries) == []
    assert second.content == first.content
    assert "缓存中的成果" in second.content.decode()


def test_cache_parts_spare_logged_in_users_the_listing_queries(client, stranger):
    for n in range(3):
        OutcomeFactory(title=f"成果{n}", published=True)
    anonymous = client.get("/outcomes/").content.decode()
    client.force_login(stranger)

    with CaptureQueriesContext(connection) as queries:
        logged_in = client.get("/outcomes/").content.decode()

    # Totals, facet counts, the page's listings and their cards come from the cache.
    assert market_queries(queries) == []
    for n in range(3):
        assert f"成果{n}" in logged_in and f"成果{n}" in anonymous


def test_cache_keeps_serving_the_stored_page_until_something_is_announced(client):
    outcome = OutcomeFactory(title="原标题", published=True)
    client.get("/outcomes/")
    # A change no service announced (a raw update) is not seen until the page expires.
    Listing.objects.filter(pk=outcome.pk).update(title="悄悄改的标题")

    assert "原标题" in client.get("/outcomes/").content.decode()


def test_cache_serves_the_detail_page_and_still_counts_the_view(client):
    outcome = OutcomeFactory(published=True)
    url = f"/outcomes/{outcome.pk}/"
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response["X-Page-Cache"] == "hit"
    assert market_queries(queries) == []
    flush_view_counts()  # what beat runs every few minutes
    assert Listing.objects.get(pk=outcome.pk).view_count == 2


def test_cache_is_keyed_by_language(client):
    OutcomeFactory(published=True)
    chinese = client.get("/outcomes/").content.decode()
    english = client.get("/outcomes/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="zh-hans">' in chinese
    assert '<html lang="en">' in english


def test_cache_never_serves_logged_in_users_nor_stores_their_pages(client, stranger):
    OutcomeFactory(published=True)
    client.get("/outcomes/")  # stored for anonymous visitors
    client.force_login(stranger)

    logged_in = client.get("/outcomes/")
    assert "X-Page-Cache" not in logged_in
    assert "accounts/logout" in logged_in.content.decode()

    client.get("/outcomes/?sort=price")  # not stored: a logged-in request
    client.logout()
    assert client.get("/outcomes/?sort=price")["X-Page-Cache"] == "miss"


def test_cache_pages_hold_no_csrf_token_and_the_language_switch_needs_none(client):
    OutcomeFactory(published=True)
    first = Client(enforce_csrf_checks=True)
    second = Client(enforce_csrf_checks=True)
    first.get("/outcomes/")

    response = second.get("/outcomes/")

    assert response["X-Page-Cache"] == "hit"
    assert not CSRF_INPUT.findall(response.content.decode())
    # The language form of the cached page works for the second visitor.
    switched = second.get("/i18n/setlang/", {"language": "en", "next": "/outcomes/"})
    assert switched.status_code == 302
    assert switched["Location"] == "/outcomes/"
    assert '<html lang="en">' in second.get("/outcomes/").content.decode()


def test_cache_shows_a_newly_published_listing_after_publish(
    client, moderator, django_capture_on_commit_callbacks
):
    OutcomeFactory(title="早先的成果", published=True)
    waiting = OutcomeFactory(title="刚通过审核的成果", submitted=True)
    client.get("/outcomes/")

    with django_capture_on_commit_callbacks(execute=True):
        publish_listing(waiting.pk, by_user_id=moderator.pk)

    response = client.get("/outcomes/")
    assert response["X-Page-Cache"] == "miss"
    assert "刚通过审核的成果" in response.content.decode()


def test_cache_drops_an_archived_listing_from_list_and_detail(
    client, moderator, django_capture_on_commit_callbacks
):
    outcome = OutcomeFactory(title="将被下架的成果", published=True)
    client.get("/outcomes/")
    client.get(f"/outcomes/{outcome.pk}/")

    with django_capture_on_commit_callbacks(execute=True):
        archive_listing(outcome.pk, by_user_id=moderator.pk)

    assert "将被下架的成果" not in client.get("/outcomes/").content.decode()
    assert client.get(f"/outcomes/{outcome.pk}/").status_code == 404


def test_cache_drops_an_expired_demand(client, django_capture_on_commit_callbacks):
    demand = DemandFactory(title="到期的需求", published=True)
    client.get("/demands/")

    with django_capture_on_commit_callbacks(execute=True):
        expire_listing(demand.pk)

    assert "到期的需求" not in client.get("/demands/").content.decode()


def test_cache_keeps_the_live_version_of_an_edit_until_it_is_approved(
    client, owner, owner_org, moderator, django_capture_on_commit_callbacks
):
    outcome = OutcomeFactory(title="修改前", organisation=owner_org, published=True)
    client.get("/outcomes/")
    outcome.title = "修改后"

    with django_capture_on_commit_callbacks(execute=True):
        save_listing(outcome, by_user_id=owner.pk)

    # The edit waits for review: the public keeps seeing the published version.
    html = client.get("/outcomes/").content.decode()
    assert "修改前" in html and "修改后" not in html

    with django_capture_on_commit_callbacks(execute=True):
        publish_changes(outcome.pk, by_user_id=moderator.pk)

    html = client.get("/outcomes/").content.decode()
    assert "修改后" in html and "修改前" not in html


def test_cache_refreshes_when_a_published_listing_is_renewed(
    client, owner, owner_org, django_capture_on_commit_callbacks
):
    outcome = OutcomeFactory(organisation=owner_org, published=True)
    client.get(f"/outcomes/{outcome.pk}/")
    Listing.objects.filter(pk=outcome.pk).update(title="续期后的标题")

    with django_capture_on_commit_callbacks(execute=True):
        renew_listing(outcome.pk, by_user_id=owner.pk)

    assert "续期后的标题" in client.get(f"/outcomes/{outcome.pk}/").content.decode()


def test_cache_leaves_the_other_kind_cached(
    client, moderator, django_capture_on_commit_callbacks
):
    DemandFactory(published=True)
    waiting = OutcomeFactory(submitted=True)
    client.get("/demands/")

    with django_capture_on_commit_callbacks(execute=True):
        publish_listing(waiting.pk, by_user_id=moderator.pk)

    assert client.get("/demands/")["X-Page-Cache"] == "hit"


def test_cache_refreshes_when_an_editor_publishes_the_catalogue_page(
    client, django_capture_on_commit_callbacks
):
    client.get("/outcomes/")
    page = OutcomeIndexPage.objects.get()
    page.title = "成果超市"

    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()

    assert "<h1>成果超市</h1>" in client.get("/outcomes/").content.decode()
