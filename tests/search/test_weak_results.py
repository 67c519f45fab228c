"""The search page after a catalogue's keyword box, and what it offers when it finds
little: fewer than three results offer posting a demand and contacting an agent."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories.market import DemandFactory, OutcomeFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("search:page")
OFFERS = [reverse("workbench:demand_create"), reverse("contact")]


def search(client, **params):
    response = client.get(PAGE, params)
    assert response.status_code == 200
    return response


def offers(response) -> list[str]:
    html = response.content.decode()
    block = re.search(r'<div class="weak-result-offers">.*?</div>', html, re.S)
    return (
        re.findall(r'<a class="[^"]*" href="([^"]+)"', block.group(0)) if block else []
    )


@pytest.fixture
def batteries(backend, index_now):
    """Three battery outcomes and one battery demand."""
    made = [
        OutcomeFactory(published=True, title=f"固态锂电池电解质{n}", keywords=["电池"])
        for n in range(3)
    ]
    made.append(DemandFactory(published=True, title="寻求电池热失控预警技术"))
    index_now(*made)
    return made


def test_catalogue_keyword_box_finds_only_its_kind(client, batteries):
    kinds = {
        hit["kind"]
        for hit in search(client, q="电池", kind="demand").context["search"]["results"]
    }
    assert kinds == {"demand"}
    outcomes = search(client, q="电池", kind="outcome").context["search"]["results"]
    assert {hit["kind"] for hit in outcomes} == {"outcome"}
    assert len(outcomes) == 3


def test_search_without_results_offers_a_demand_and_an_agent(client, batteries):
    assert offers(search(client, q="量子通信")) == OFFERS


def test_search_with_fewer_than_three_results_offers_them_too(client, batteries):
    assert search(client, q="电池", kind="demand").context["search"]["total"] == 1
    assert offers(search(client, q="电池", kind="demand")) == OFFERS


def test_search_with_three_results_offers_nothing(client, batteries):
    assert offers(search(client, q="电池", kind="outcome")) == []


def test_search_past_the_last_page_offers_nothing_but_the_first_page(client, batteries):
    response = search(client, q="电池", kind="demand", page="9")
    assert response.context["first_page_url"]
    assert "weak-result-offers" not in response.content.decode()
