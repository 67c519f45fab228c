"""axe-core in a real browser: the portal's main pages have no serious or critical
accessibility violation, on a desktop and on a phone, for visitors and members."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from search.backends import get_backend
from search.sync import drain_all, record_changes
from tests.browser.conftest import axe_violations
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories.accounts import PASSWORD
from tests.factories.market import DemandFactory, OutcomeFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def market(settings, eager_celery):
    """A few published outcomes and a demand, indexed in a clean Elasticsearch."""
    settings.SEARCH_BACKEND = "elasticsearch"
    engine = get_backend()
    engine.drop_all()
    engine.ensure_indices()
    organisation = OrganisationFactory(name="江南理工大学", is_verified=True)
    outcomes = [
        OutcomeFactory(published=True, organisation=organisation) for _ in range(4)
    ]
    demand = DemandFactory(published=True)
    record_changes([*(o.pk for o in outcomes), demand.pk])
    drain_all()
    engine.refresh()
    engine.forget_vocabulary()
    yield outcomes[0], demand
    engine.drop_all()
    engine.forget_vocabulary()


def pages(outcome, demand) -> list[str]:
    return [
        "/",
        "/outcomes/",
        "/demands/",
        f"/outcomes/{outcome.pk}/",
        f"/demands/{demand.pk}/",
        "/search/?q=铝合金",
        "/search/?q=没有这种技术",
        "/accounts/login/",
        "/accounts/signup/",
        "/contact/",
    ]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_finds_no_serious_violation_on_the_main_pages(
    live_server, browser, market, axe_source, viewport
):
    outcome, demand = market
    context = browser.new_context(locale="zh-CN", viewport=viewport)
    tab = context.new_page()
    found = []
    for path in pages(outcome, demand):
        response = tab.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        found += axe_violations(tab, axe_source)
    context.close()
    assert found == [], "\n".join(found)


def test_axe_finds_no_serious_violation_for_a_member_on_a_phone(
    live_server, browser, market, axe_source
):
    """A logged-in buyer sees the navigation and listing actions of members."""
    outcome, demand = market
    buyer = UserFactory(roles=[Role.ENTERPRISE])
    MembershipFactory(user=buyer)
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    tab = context.new_page()
    tab.goto(live_server.url + "/accounts/login/")
    tab.fill("input[name=username]", buyer.email)
    tab.fill("input[name=password]", PASSWORD)
    tab.locator("main form button[type=submit]").click()
    tab.wait_for_load_state()
    # On a phone, with the menu and the filter drawer open (axe skips what is hidden).
    tab.goto(live_server.url + "/outcomes/")
    tab.locator(".menu-button").click()
    tab.locator(".drawer-button").click()
    assert tab.get_by_label("地区").is_visible()
    found = axe_violations(tab, axe_source)
    for path in (
        "/",
        f"/outcomes/{outcome.pk}/",
        f"/demands/{demand.pk}/",
        f"/engage/listings/{outcome.pk}/interest/?kind=interest",
    ):
        response = tab.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        found += axe_violations(tab, axe_source)
    context.close()
    assert found == [], "\n".join(found)


def test_axe_check_reports_what_a_page_gets_wrong(live_server, browser, axe_source):
    """The check can fail: a picture without a text alternative is critical to axe."""
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    tab = context.new_page()
    tab.goto(live_server.url + "/accounts/login/")
    assert axe_violations(tab, axe_source) == []
    tab.evaluate(
        """() => document.querySelector("main").insertAdjacentHTML(
            "beforeend", '<img src="/static/cms/missing.png">')"""
    )
    found = axe_violations(tab, axe_source)
    context.close()
    assert len(found) == 1 and "[critical] image-alt" in found[0], found
