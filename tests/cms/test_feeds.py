"""Atom feeds of new listings and sitemap.xml with the listings' detail pages."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from market.models import Confidentiality
from market.services.listings import publish_listing
from tests.factories import DemandFactory, OrganisationFactory, OutcomeFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def entries(client, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "author": entry.findtext(f"{ATOM}author/{ATOM}name"),
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


def test_feed_lists_a_newly_published_listing_first(client, moderator):
    OutcomeFactory(title="上周的成果", published=True)
    waiting = OutcomeFactory(title="今天通过的成果", submitted=True)
    DemandFactory(title="草稿需求")

    publish_listing(waiting.pk, by_user_id=moderator.pk)

    items = entries(client, "/feeds/latest.atom")
    assert [item["title"] for item in items] == ["今天通过的成果", "上周的成果"]
    assert items[0]["link"] == f"http://testserver/outcomes/{waiting.pk}/"


def test_feed_per_kind_lists_only_that_kind(client):
    OutcomeFactory(title="一项成果", published=True)
    demand = DemandFactory(title="一项需求", published=True)

    assert [i["title"] for i in entries(client, "/feeds/outcomes.atom")] == ["一项成果"]
    demands = entries(client, "/feeds/demands.atom")
    assert [i["title"] for i in demands] == ["一项需求"]
    assert demands[0]["link"] == f"http://testserver/demands/{demand.pk}/"


def test_feed_names_the_organisation_unless_the_listing_is_anonymous(client):
    OutcomeFactory(
        title="公开成果",
        organisation=OrganisationFactory(name="华东新材料研究院"),
        published=True,
    )
    OutcomeFactory(
        title="匿名成果",
        organisation=OrganisationFactory(name="保密的研究所"),
        confidentiality=Confidentiality.ANONYMOUS,
        published=True,
    )

    authors = {i["title"]: i["author"] for i in entries(client, "/feeds/latest.atom")}
    assert authors == {"公开成果": "华东新材料研究院", "匿名成果": None}
    assert "保密的研究所" not in client.get("/feeds/latest.atom").content.decode()


def test_sitemap_lists_published_detail_pages_with_lastmod_but_not_drafts(client):
    published = OutcomeFactory(published=True)
    demand = DemandFactory(published=True)
    draft = OutcomeFactory()

    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    urls = {
        node.findtext(f"{SITEMAP}loc"): node.findtext(f"{SITEMAP}lastmod")
        for node in ET.fromstring(response.content).findall(f"{SITEMAP}url")
    }

    outcome_url = f"http://testserver/outcomes/{published.pk}/"
    assert urls[outcome_url] == timezone.localdate(published.updated_at).isoformat()
    assert f"http://testserver/demands/{demand.pk}/" in urls
    assert not any(url.endswith(f"/outcomes/{draft.pk}/") for url in urls)
    # Wagtail's own pages are still there: home and the two catalogues.
    assert any(url.endswith("/outcomes/") for url in urls)
    assert any(url.endswith("/demands/") for url in urls)
