"""The anonymous page cache middleware: no database on a hit, never for a logged-in
user, fresh after a publication, per language, never for personal responses."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import path

from cms.cache import flush_view_counts, mark_cacheable
from config.urls import urlpatterns as project_urlpatterns
from market.models import Listing, ListingKind
from market.services.listings import publish_changes, publish_listing, save_listing
from tests.factories import DemandFactory, OutcomeFactory

pytestmark = pytest.mark.django_db


# Views that opt in to the page cache but make their answer personal.


def _sets_a_cookie(request: HttpRequest) -> HttpResponse:
    mark_cacheable(request, kinds=[ListingKind.OUTCOME])
    response = HttpResponse("mit Keks")
    response.set_cookie("flavour", "chocolate")
    return response


def _has_a_csrf_token(request: HttpRequest) -> HttpResponse:
    mark_cacheable(request, kinds=[ListingKind.OUTCOME])
    return HttpResponse(
        f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">'
    )


urlpatterns = [
    path("cookie/", _sets_a_cookie),
    path("csrf/", _has_a_csrf_token),
    *project_urlpatterns,
]


def test_page_cache_answers_the_second_anonymous_catalogue_get_without_the_database(
    client, django_assert_num_queries
):
    OutcomeFactory(title="缓存里的成果", published=True)
    first = client.get("/outcomes/")

    with django_assert_num_queries(0):
        second = client.get("/outcomes/")

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert "缓存里的成果" in second.content.decode()


def test_page_cache_answers_detail_and_home_pages_without_the_database(
    client, django_assert_num_queries
):
    outcome = OutcomeFactory(published=True)
    for url in (f"/outcomes/{outcome.pk}/", "/"):
        client.get(url)

        with django_assert_num_queries(0):
            assert client.get(url)["X-Page-Cache"] == "hit"


def test_page_cache_never_serves_a_logged_in_user(client, stranger):
    OutcomeFactory(published=True)
    client.get("/outcomes/")
    assert client.get("/outcomes/")["X-Page-Cache"] == "hit"
    client.force_login(stranger)

    response = client.get("/outcomes/")

    assert "X-Page-Cache" not in response
    assert "accounts/logout" in response.content.decode()
    # Their pages stay out of shared caches and their browser's history cache.
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_page_cache_lets_shared_caches_keep_anonymous_pages_but_ask_each_time(client):
    OutcomeFactory(published=True)
    first = client.get("/outcomes/")

    again = client.get("/outcomes/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert first["Cache-Control"] == "public, no-cache"
    assert {"Accept-Language", "Cookie"} <= {
        v.strip() for v in first["Vary"].split(",")
    }
    assert again.status_code == 304


def test_page_cache_shows_a_newly_published_listing_on_the_next_request(
    client, moderator, django_capture_on_commit_callbacks
):
    waiting = OutcomeFactory(title="刚刚发布的成果", submitted=True)
    client.get("/outcomes/")
    client.get("/")
    assert "刚刚发布的成果" not in client.get("/outcomes/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        publish_listing(waiting.pk, by_user_id=moderator.pk)

    for url in ("/outcomes/", "/"):
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss"
        assert "刚刚发布的成果" in response.content.decode()


def test_page_cache_shows_an_edit_of_a_published_listing_once_approved(
    client, owner, owner_org, moderator, django_capture_on_commit_callbacks
):
    demand = DemandFactory(title="旧的需求标题", organisation=owner_org, published=True)
    client.get(f"/demands/{demand.pk}/")
    demand.title = "新的需求标题"

    with django_capture_on_commit_callbacks(execute=True):
        save_listing(demand, by_user_id=owner.pk)

    # The edit waits for review: the public keeps seeing the published version.
    page = client.get(f"/demands/{demand.pk}/").content.decode()
    assert "旧的需求标题" in page and "新的需求标题" not in page

    with django_capture_on_commit_callbacks(execute=True):
        publish_changes(demand.pk, by_user_id=moderator.pk)

    page = client.get(f"/demands/{demand.pk}/").content.decode()
    assert "新的需求标题" in page and "旧的需求标题" not in page


def test_language_switch_works_for_anonymous_visitors_without_a_csrf_token():
    OutcomeFactory(published=True)
    visitor = Client(enforce_csrf_checks=True)
    chinese = visitor.get("/outcomes/")
    assert 'name="csrfmiddlewaretoken"' not in chinese.content.decode()

    switched = visitor.get("/i18n/setlang/", {"language": "en", "next": "/outcomes/"})

    assert switched.status_code == 302
    assert switched["Location"] == "/outcomes/"
    assert switched.cookies["django_language"].value == "en"
    assert '<html lang="en">' in visitor.get("/outcomes/").content.decode()


def test_language_switch_refuses_to_send_visitors_to_another_site(client):
    switched = client.get(
        "/i18n/setlang/", {"language": "en", "next": "https://evil.example/"}
    )

    assert switched["Location"] == "/"


def test_page_cache_keeps_one_page_per_language(client):
    OutcomeFactory(published=True)
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.get("/outcomes/")
    english.get("/outcomes/")

    chinese_again = client.get("/outcomes/")
    english_again = english.get("/outcomes/")

    assert chinese_again["X-Page-Cache"] == english_again["X-Page-Cache"] == "hit"
    assert '<html lang="zh-hans">' in chinese_again.content.decode()
    assert '<html lang="en">' in english_again.content.decode()
    assert chinese_again["Content-Language"] == "zh-hans"
    assert english_again["Content-Language"] == "en"


@pytest.mark.urls("tests.cms.test_page_cache_middleware")
@pytest.mark.parametrize("url", ["/cookie/", "/csrf/"])
def test_page_cache_never_keeps_a_response_that_sets_a_cookie(client, url):
    first = Client().get(url)
    second = Client().get(url)

    assert first.cookies and second.cookies
    assert second["X-Page-Cache"] == "miss"


def test_page_cache_keeps_no_page_for_made_up_query_parameters(client):
    OutcomeFactory(published=True)
    client.get("/outcomes/?utm_source=feed")

    assert client.get("/outcomes/?utm_source=feed")["X-Page-Cache"] == "miss"
    client.get("/outcomes/?page=1&sort=price")
    # The order of the parameters does not matter.
    assert client.get("/outcomes/?sort=price&page=1")["X-Page-Cache"] == "hit"


def test_page_cache_counts_each_cached_view_once_the_counts_are_flushed(client):
    outcome = OutcomeFactory(published=True)
    url = f"/outcomes/{outcome.pk}/"
    client.get(url)  # rendered: counted too

    for _ in range(5):
        assert client.get(url)["X-Page-Cache"] == "hit"
    assert Listing.objects.get(pk=outcome.pk).view_count == 0

    assert flush_view_counts() == 1
    assert Listing.objects.get(pk=outcome.pk).view_count == 6
    # A second flush finds nothing left to add.
    assert flush_view_counts() == 0
    assert Listing.objects.get(pk=outcome.pk).view_count == 6
