"""The Content-Security-Policy in a real browser: the portal's main pages and the admin
pages a moderator uses run without a single violation, and the policy does block an
injected inline script."""

from __future__ import annotations

import pytest
from wagtail.models import Page

from accounts.roles import Role
from cms.models import HomePage
from tests.browser.conftest import watch_csp
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories.accounts import PASSWORD
from tests.factories.market import DemandFactory, OutcomeFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def open_tab(browser):
    page = browser.new_context(locale="zh-CN").new_page()
    return page, watch_csp(page)


def visit(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.wait_for_load_state("networkidle")


def log_in(page, base: str, email: str, path: str = "/accounts/login/") -> None:
    page.goto(base + path)
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


@pytest.fixture
def search_indices(settings):
    """Empty search indices of this run (the search page needs them)."""
    from search.backends import get_backend

    settings.SEARCH_BACKEND = "elasticsearch"
    engine = get_backend()
    engine.drop_all()
    engine.ensure_indices()
    yield
    engine.drop_all()
    engine.forget_vocabulary()


def test_browser_portal_pages_run_without_csp_violations(
    live_server, browser, search_indices
):
    organisation = OrganisationFactory(name="江南理工大学", is_verified=True)
    outcome = OutcomeFactory(published=True, organisation=organisation)
    demand = DemandFactory(published=True)
    researcher = UserFactory(roles=[Role.RESEARCHER])
    MembershipFactory(user=researcher, organisation=organisation)
    buyer = UserFactory(roles=[Role.ENTERPRISE])
    MembershipFactory(user=buyer)
    base = live_server.url

    visitor, violations = open_tab(browser)
    for path in (
        "/",
        "/outcomes/",
        "/demands/",
        f"/outcomes/{outcome.pk}/",
        f"/demands/{demand.pk}/",
        "/search/?q=铝合金",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ):
        visit(visitor, base + path)
    # The detail page's JSON-LD block is data: present, and no violation.
    visit(visitor, f"{base}/outcomes/{outcome.pk}/")
    assert visitor.locator("script[type='application/ld+json']").count() == 1
    # Cached copies are served with the policy too.
    assert (
        "script-src 'self'"
        in visitor.goto(f"{base}/outcomes/").headers["content-security-policy"]
    )

    # A researcher's workbench form runs its script (the city list follows the province).
    author, author_violations = open_tab(browser)
    log_in(author, base, researcher.email)
    visit(author, base + "/workbench/")
    visit(author, base + "/workbench/outcomes/new/")
    author.select_option("main [name=region_0]", "320000")
    cities = author.locator("main [name=region_1] option").all_inner_texts()
    assert "苏州市" in cities and "杭州市" not in cities

    # A buyer's engagement pages.
    asker, asker_violations = open_tab(browser)
    log_in(asker, base, buyer.email)
    for path in (
        f"/engage/listings/{outcome.pk}/interest/?kind=interest",
        f"/engage/listings/{outcome.pk}/details/",
        "/engage/sent/",
        "/accounts/profile/",
        "/accounts/notifications/",
    ):
        visit(asker, base + path)

    assert violations + author_violations + asker_violations == []


def test_browser_admin_pages_run_without_csp_violations(live_server, browser):
    moderator = UserFactory(roles=[Role.MODERATOR])
    outcome = OutcomeFactory(published=True)
    home = HomePage.objects.first() or Page.objects.get(depth=2)
    base = live_server.url

    page, violations = open_tab(browser)
    log_in(page, base, moderator.email, path="/admin/login/")
    page.wait_for_url(base + "/admin/")
    for path in (
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{home.pk}/edit/",
        "/admin/market/review/",
        "/admin/market/outcomes/",
        f"/admin/market/outcomes/edit/{outcome.pk}/",
        "/admin/images/",
    ):
        visit(page, base + path)
    assert (
        "'unsafe-inline'"
        in page.goto(base + "/admin/").headers["content-security-policy"]
    )
    # The portal with Wagtail's user bar, as an editor sees it.
    visit(page, base + "/")
    assert page.locator("wagtail-userbar").count() == 1

    assert violations == [], "\n".join(violations)


def test_browser_csp_blocks_an_injected_inline_script_and_style(live_server, browser):
    """The policy is enforced, and the watcher the other tests rely on notices it."""
    tab, violations = open_tab(browser)
    visit(tab, live_server.url + "/")

    def blocked(directive: str):
        return tab.expect_console_message(
            lambda message: "CSP violation: " + directive in message.text
        )

    with blocked("script-src"):
        tab.evaluate(
            """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true;";
            document.body.appendChild(script);
          }"""
        )
    with blocked("style-src"):
        tab.evaluate(
            """() => {
            const styled = document.createElement("p");
            styled.setAttribute("style", "color: red");
            document.body.appendChild(styled);
          }"""
        )

    assert tab.evaluate("() => window.injected === undefined")
    assert any("script-src" in v for v in violations), violations
    assert any("style-src" in v for v in violations), violations
