"""Catalogue pages served from the per-process route table: same pages, fewer queries."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.utils.html import escape
from wagtail import views as wagtail_views
from wagtail.models import PageViewRestriction, Site

from cms.catalogue import _page_hrefs
from cms.models import HomePage, OutcomeIndexPage, StandardPage
from tests.factories import OutcomeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    return OutcomeIndexPage.objects.get()


def publish(page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()


def test_routing_renders_an_uncached_catalogue_page_without_a_query(
    client, django_assert_num_queries
):
    OutcomeFactory(title="路由表里的成果", published=True)
    client.get("/outcomes/")  # builds the route table and the page's parts

    # A parameter the page cache does not know: the view and template really run.
    with django_assert_num_queries(0):
        response = client.get("/outcomes/?utm_source=newsletter")

    assert response.status_code == 200
    assert response["X-Page-Cache"] == "miss"
    assert "路由表里的成果" in response.content.decode()


def test_routing_serves_detail_pages_reading_only_the_listing(
    client, django_assert_num_queries
):
    outcome = OutcomeFactory(title="详情页成果", published=True)
    client.get("/outcomes/")

    # The listing with its related rows, then its modes, IP rights, images and
    # attachments, and the matcher's related listings (one query); no site lookup,
    # page or view-restriction query.
    with django_assert_num_queries(6):
        response = client.get(f"/outcomes/{outcome.pk}/?utm_source=newsletter")

    assert response.status_code == 200
    assert "详情页成果" in response.content.decode()


def test_routing_renders_the_same_page_as_wagtails_own_routing(client):
    for n in range(3):
        OutcomeFactory(title=f"同样的成果{n}", published=True)
    routed = client.get("/outcomes/?sort=price&field=").content

    request = RequestFactory().get("/outcomes/?sort=price&field=")
    request.user = AnonymousUser()
    by_wagtail = wagtail_views.serve(request, "outcomes/")
    by_wagtail.render()

    assert by_wagtail.content == routed


def test_routing_follows_a_catalogue_its_editor_renamed(
    client, catalogue, django_capture_on_commit_callbacks
):
    client.get("/outcomes/")
    catalogue.slug = "chengguo"
    catalogue.title = "科技成果库"
    publish(catalogue, django_capture_on_commit_callbacks)

    # Wagtail's redirects app sends the old address on; the table serves the new.
    old = client.get("/outcomes/")
    assert (old.status_code, old["Location"]) == (301, "/chengguo/")
    moved = client.get("/chengguo/?utm_source=x")
    assert moved.status_code == 200
    assert "<h1>科技成果库</h1>" in moved.content.decode()


def test_routing_drops_an_unpublished_catalogue(
    client, catalogue, django_capture_on_commit_callbacks
):
    client.get("/outcomes/")
    with django_capture_on_commit_callbacks(execute=True):
        catalogue.unpublish()

    assert client.get("/outcomes/?utm_source=x").status_code == 404


def test_routing_drops_a_deleted_catalogue(
    client, catalogue, django_capture_on_commit_callbacks
):
    client.get("/outcomes/")
    with django_capture_on_commit_callbacks(execute=True):
        catalogue.delete()

    assert client.get("/outcomes/?utm_source=x").status_code == 404


def test_routing_honours_a_view_restriction_added_later(
    client, catalogue, stranger, django_capture_on_commit_callbacks
):
    client.get("/outcomes/")
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=catalogue, restriction_type=PageViewRestriction.LOGIN
        )

    refused = client.get("/outcomes/?utm_source=x")
    assert refused.status_code == 302
    assert "login" in refused["Location"]
    client.force_login(stranger)
    assert client.get("/outcomes/").status_code == 200


def test_routing_follows_a_site_moved_to_another_root(
    client, django_capture_on_commit_callbacks
):
    client.get("/outcomes/")
    home = HomePage.objects.get()
    other = home.add_sibling(instance=StandardPage(title="另一个站点", slug="other"))
    other.save_revision().publish()
    site = Site.objects.get(is_default_site=True)
    site.root_page = other
    with django_capture_on_commit_callbacks(execute=True):
        site.save()

    # The catalogues live under the old root: this site no longer has them.
    assert client.get("/outcomes/?utm_source=x").status_code == 404


def test_routing_leaves_other_pages_and_wagtails_helpers_to_wagtail(client):
    home = HomePage.objects.get()
    about = StandardPage(title="关于我们", slug="about")
    home.add_child(instance=about)
    about.save_revision().publish()

    assert client.get("/about/").status_code == 200
    assert client.get("/_util/login/").status_code == 200
    assert client.get("/no-such-page/").status_code == 404


def test_routing_shows_signed_in_visitors_their_own_header(client, stranger):
    anonymous = client.get("/outcomes/?utm_source=x").content.decode()
    client.force_login(stranger)
    signed_in = client.get("/outcomes/?utm_source=x").content.decode()
    client.logout()
    again = client.get("/outcomes/?utm_source=y").content.decode()

    assert "accounts/logout" in signed_in and "accounts/login" not in signed_in
    assert "accounts/login" in anonymous and "accounts/logout" not in anonymous
    assert "accounts/login" in again


def test_routing_renders_the_page_frame_in_the_visitors_language(client):
    chinese = client.get("/outcomes/?utm_source=x").content.decode()
    english = client.get(
        "/outcomes/?utm_source=y", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "注册" in chinese and "Sign up" not in chinese
    assert "Sign up" in english and "注册" not in english
    # The language switch returns each visitor to the address they came from.
    assert 'name="next" type="hidden" value="/outcomes/?utm_source=y"' in english


@pytest.mark.parametrize(
    "query", ["", "sort=price", "a=1&page=3&b=x%20y&a=2&c=%E6%88%90", "page=&x=1"]
)
def test_routing_pagination_links_match_the_querystring_tag(query):
    request = RequestFactory().get(f"/outcomes/?{query}")
    tag = Template("{% querystring page=number %}")

    href = _page_hrefs(request)

    for number in (1, 2, 17):
        expected = tag.render(RequestContext(request, {"number": number}))
        # Both are HTML-escaped on output ({{ link.href }} and the tag alike).
        assert escape(href(number)) == expected
