"""A phone-sized visitor (390×844): the first result, a listing's key facts and its
我有意向 button are in the first screen; the menu and the filters open on a tap; the
visitor finds an outcome, logs in and sends an "I'm interested" request."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from accounts.roles import Role
from market.models import InterestRequest
from search.backends import get_backend
from search.sync import drain_all, record_changes
from tests.browser.conftest import watch_csp
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories.accounts import PASSWORD
from tests.factories.market import OutcomeFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
# A description as long as real ones: the old page put the facts below all of it.
LONG_DESCRIPTION = "".join(
    f"<p>第{n}部分：采用稀土微合金化与热处理协同调控，屈服强度达到 320 MPa，"
    "延伸率提高到 12%，适用于一体化压铸的大型薄壁结构件，已在两家整车厂完成台架验证。</p>"
    for n in range(1, 13)
)


@pytest.fixture
def phone(browser):
    """A Chinese tab the size of a phone; the test fails if a page broke the CSP."""
    context = browser.new_context(locale="zh-CN", viewport=PHONE, has_touch=True)
    tab = context.new_page()
    violations = watch_csp(tab)
    yield tab
    context.close()
    assert violations == [], "\n".join(violations)


@pytest.fixture
def market(settings, eager_celery):
    """Published outcomes with long descriptions, indexed in a clean Elasticsearch."""
    settings.SEARCH_BACKEND = "elasticsearch"
    engine = get_backend()
    engine.drop_all()
    engine.ensure_indices()
    organisation = OrganisationFactory(name="江南理工大学", is_verified=True)
    outcomes = [
        OutcomeFactory(
            published=True,
            organisation=organisation,
            description=LONG_DESCRIPTION,
            summary="面向新能源汽车车身的高强韧铝合金及其一体化压铸工艺，"
            "减重30%以上，疲劳寿命提高一倍，已完成中试并具备批量供货能力。",
        )
        for _ in range(5)
    ]
    record_changes([o.pk for o in outcomes])
    drain_all()
    engine.refresh()
    engine.forget_vocabulary()
    yield outcomes
    engine.drop_all()
    engine.forget_vocabulary()


def in_first_screen(locator) -> bool:
    """Whether the element is shown and wholly within the first 844 pixels of the page."""
    box = locator.bounding_box(timeout=5000)
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= PHONE["height"]
    )


def test_phone_catalogue_first_result_in_first_screen_menu_and_filters_on_tap(
    live_server, phone, market
):
    phone.goto(live_server.url + "/outcomes/")
    first = phone.locator(".listing-card").first
    assert in_first_screen(first.locator(".listing-title"))
    assert first.bounding_box()["y"] < PHONE["height"] / 2
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The navigation waits behind the menu button.
    nav = phone.get_by_role("navigation", name="主导航")
    assert not nav.is_visible()
    phone.get_by_text("菜单", exact=True).tap()
    assert nav.is_visible()
    assert nav.get_by_role("link", name="技术需求").is_visible()

    # The filters wait in a drawer; opened, they narrow the catalogue as before.
    region = phone.get_by_label("地区")
    assert not region.is_visible()
    phone.locator(".drawer-button").first.tap()
    assert region.is_visible()
    assert phone.get_by_role("button", name="确定").is_visible()


def test_phone_detail_shows_price_owner_and_interest_right_under_the_title(
    live_server, phone, market
):
    outcome = market[0]
    phone.goto(f"{live_server.url}/outcomes/{outcome.pk}/")
    keyfacts = phone.locator(".listing-keyfacts")
    assert in_first_screen(keyfacts.locator(".listing-price"))
    assert keyfacts.locator(".listing-price").inner_text() == "300 万元"
    assert in_first_screen(keyfacts.locator(".listing-owner"))
    assert "江南理工大学" in keyfacts.locator(".listing-owner").inner_text()
    interest = phone.get_by_role("link", name="我有意向", exact=True).first
    assert in_first_screen(interest)


def test_phone_walkthrough_visitor_finds_an_outcome_logs_in_and_contacts_its_owner(
    live_server, phone, market
):
    buyer = UserFactory(roles=[Role.ENTERPRISE])
    MembershipFactory(user=buyer)
    target = market[2]

    # 1. The visitor searches from the header of the home page.
    phone.goto(live_server.url + "/")
    box = phone.locator("#site-search-q")
    assert in_first_screen(box)
    box.fill(target.title)
    box.press("Enter")
    phone.wait_for_url("**/search/?q=*")

    # 2. The outcome is the first hit, in the first screen; the visitor opens it.
    hit = phone.locator(".search-hit").first.get_by_role("link", name=target.title)
    assert in_first_screen(hit)
    hit.tap()
    phone.wait_for_url(f"**/outcomes/{target.pk}/")

    # 3. 我有意向 is in the first screen; a tap asks the visitor to log in...
    interest = phone.get_by_role("link", name="我有意向", exact=True).first
    assert in_first_screen(interest)
    interest.tap()
    phone.wait_for_url("**/accounts/login/?next=**")
    phone.fill("input[name=username]", buyer.email)
    phone.fill("input[name=password]", PASSWORD)
    phone.locator("main form button[type=submit]").tap()

    # 4. ...and brings them straight to the request, which they send.
    phone.wait_for_url(f"**/engage/listings/{target.pk}/interest/?kind=interest**")
    assert phone.get_by_label("我有意向").is_checked()
    phone.get_by_label("其他补充").fill("我们想了解中试线的产能。")
    phone.get_by_role("button", name="发送").tap()
    phone.wait_for_url(lambda url: urlsplit(url).path == f"/outcomes/{target.pk}/")
    assert phone.get_by_role("status").filter(has_text="已发送").is_visible()

    sent = InterestRequest.objects.get()
    assert (sent.listing_id, sent.sender_id) == (target.pk, buyer.pk)
    assert sent.message == "我们想了解中试线的产能。"
