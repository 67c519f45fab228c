"""Ways on from a catalogue or a listing: the keyword box of each catalogue, the offers
under a weak result (post a demand, contact a transfer agent), the contact page, and the
key facts and "I'm interested" button right under a listing's title."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from market.models import Confidentiality
from tests.factories import DemandFactory, OrganisationFactory, OutcomeFactory

pytestmark = pytest.mark.django_db

DEMAND_CREATE = reverse("workbench:demand_create")
CONTACT = reverse("contact")


def html_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def catalogue_search_form(html: str) -> str:
    match = re.search(r'<form class="catalogue-search".*?</form>', html, re.S)
    assert match, "the catalogue has no keyword box"
    return match.group(0)


@pytest.mark.parametrize("kind", ["outcome", "demand"])
def test_catalogue_keyword_box_searches_within_its_kind(client, kind):
    form = catalogue_search_form(html_of(client.get(f"/{kind}s/")))
    assert f'action="{reverse("search:page")}"' in form
    assert 'method="get"' in form
    assert f'<input type="hidden" name="kind" value="{kind}">' in form
    assert 'name="q"' in form
    assert '<label for="catalogue-q"' in form


def offers(html: str) -> list[str]:
    """The two links a weak result offers, in order (empty when not offered)."""
    block = re.search(r'<div class="weak-result-offers">.*?</div>', html, re.S)
    return (
        re.findall(r'<a class="[^"]*" href="([^"]+)"', block.group(0)) if block else []
    )


def test_catalogue_with_fewer_than_three_results_offers_a_demand_and_an_agent(client):
    OutcomeFactory.create_batch(2, published=True)
    assert offers(html_of(client.get("/outcomes/"))) == [DEMAND_CREATE, CONTACT]
    assert offers(html_of(client.get("/demands/"))) == [DEMAND_CREATE, CONTACT]


def test_catalogue_with_three_results_offers_nothing(client):
    OutcomeFactory.create_batch(3, published=True)
    assert offers(html_of(client.get("/outcomes/"))) == []


def test_offered_demand_form_asks_a_visitor_to_log_in_then_opens(client, stranger):
    response = client.get(DEMAND_CREATE)
    assert response.status_code == 302
    assert parse_qs(urlsplit(response.url).query)["next"] == [DEMAND_CREATE]
    client.force_login(stranger)
    assert client.get(DEMAND_CREATE).status_code == 200


def test_contact_page_names_the_service_desk_from_the_settings(client, settings):
    settings.SERVICE_DESK_EMAIL = "desk@market.example.cn"
    html = html_of(client.get(CONTACT))
    assert '<a class="service-desk-email" href="mailto:desk@market.example.cn">' in html
    assert DEMAND_CREATE in html
    # Reachable from every page's footer.
    assert f'href="{CONTACT}"' in html_of(client.get("/"))


def test_contact_page_without_a_service_desk_shows_no_address(client, settings):
    settings.SERVICE_DESK_EMAIL = ""
    html = html_of(client.get(CONTACT))
    assert "mailto:" not in html
    assert client.post(CONTACT).status_code == 405


def keyfacts(html: str) -> str:
    """What the page shows between the title and the summary."""
    match = re.search(r"</h1>(.*?)<p class=\"lead\">", html, re.S)
    assert match
    return match.group(1)


def interest_button(html: str) -> str | None:
    match = re.search(
        r'<p class="listing-cta">\s*.*?href="([^"]+)"', keyfacts(html), re.S
    )
    return unescape(match.group(1)) if match else None


def test_detail_shows_price_and_owner_right_under_the_title(client):
    organisation = OrganisationFactory(name="江南理工大学", is_verified=True)
    outcome = OutcomeFactory(published=True, organisation=organisation)
    facts = keyfacts(html_of(client.get(f"/outcomes/{outcome.pk}/")))
    assert '<dd class="listing-price">300 万元</dd>' in facts
    assert "江南理工大学" in facts
    demand = DemandFactory(published=True, organisation=organisation)
    facts = keyfacts(html_of(client.get(f"/demands/{demand.pk}/")))
    assert '<dd class="listing-price">50–200 万元</dd>' in facts


def test_detail_keeps_an_anonymous_owner_anonymous_under_the_title(client):
    organisation = OrganisationFactory(name="隐名研究院")
    outcome = OutcomeFactory(
        published=True,
        organisation=organisation,
        confidentiality=Confidentiality.ANONYMOUS,
    )
    html = html_of(client.get(f"/outcomes/{outcome.pk}/"))
    assert "隐名研究院" not in html
    assert "listing-owner" in keyfacts(html)


def test_detail_interest_button_logs_a_visitor_in_then_opens_the_request(client):
    outcome = OutcomeFactory(published=True)
    page = f"/outcomes/{outcome.pk}/"
    href = interest_button(html_of(client.get(page)))
    assert href is not None
    login = urlsplit(href)
    assert login.path == reverse("accounts:login")
    target = parse_qs(login.query)["next"][0]
    interest = urlsplit(target)
    assert interest.path == reverse("engage:interest", args=[outcome.pk])
    assert parse_qs(interest.query) == {"kind": ["interest"], "next": [page]}


def test_detail_interest_button_of_a_member_opens_the_request(client, stranger):
    outcome = OutcomeFactory(published=True)
    client.force_login(stranger)
    page = f"/outcomes/{outcome.pk}/"
    href = interest_button(html_of(client.get(page)))
    target = urlsplit(href)
    assert target.path == reverse("engage:interest", args=[outcome.pk])
    assert parse_qs(target.query) == {"kind": ["interest"], "next": [page]}
    assert client.get(href).status_code == 200


def test_detail_has_no_interest_button_for_its_owner(client, owner, owner_org):
    outcome = OutcomeFactory(published=True, organisation=owner_org)
    client.force_login(owner)
    assert interest_button(html_of(client.get(f"/outcomes/{outcome.pk}/"))) is None
