"""The catalogue's walk-through in a real browser: a researcher posts an outcome, a
moderator publishes it in the Wagtail admin, and an anonymous visitor finds it."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from market.models import CooperationMode, ListingStatus, Outcome, TechField
from tests.browser.conftest import watch_csp
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "石墨烯导热膜连续化制备技术"


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_walkthrough_researcher_posts_moderator_publishes_public_finds_it(
    live_server, browser
):
    organisation = OrganisationFactory(name="江南理工大学", is_verified=True)
    researcher = UserFactory(roles=[Role.RESEARCHER])
    MembershipFactory(user=researcher, organisation=organisation)
    moderator = UserFactory(roles=[Role.MODERATOR])
    base = live_server.url

    # 1. The researcher writes the outcome in the workbench and submits it.
    author = browser.new_context(locale="zh-CN").new_page()
    watched = [watch_csp(author)]
    log_in(author, base, researcher.email)
    author.goto(f"{base}/workbench/outcomes/new/")
    author.fill("main [name=title]", TITLE)
    author.fill(
        "[name=summary]",
        "卷对卷连续化制备高导热石墨烯膜，面内热导率 1500 W/(m·K)，适用于手机与服务器散热。",
    )
    author.select_option(
        "main [name=field]", str(TechField.objects.get(code="0403").pk)
    )
    author.select_option("main [name=region_0]", "320000")
    author.select_option("main [name=region_1]", "320500")
    author.select_option("main [name=region_2]", "320506")
    author.fill("main [name=keywords]", "石墨烯，导热膜，散热")
    author.check(
        f"[name=modes][value='{CooperationMode.objects.get(code='license').pk}']"
    )
    author.fill("main [name=contact_name]", "李建华")
    author.fill(
        "main [name=description]", "<p>采用卷对卷化学气相沉积，幅宽 300 mm。</p>"
    )
    author.select_option("main [name=maturity]", "6")
    author.fill("main [name=price_wan]", "200")
    author.locator("button[name=then_submit]").click()
    author.wait_for_load_state()

    outcome = Outcome.objects.get(title=TITLE)
    assert outcome.status == ListingStatus.SUBMITTED
    assert outcome.organisation == organisation

    # Until it is published the public sees nothing.
    visitor = browser.new_context(locale="zh-CN").new_page()
    watched.append(watch_csp(visitor))
    visitor.goto(f"{base}/outcomes/")
    assert TITLE not in visitor.content()
    assert visitor.goto(f"{base}/outcomes/{outcome.pk}/").status == 404

    # 2. The moderator publishes it from the review queue of the Wagtail admin.
    reviewer = browser.new_context(locale="zh-CN").new_page()
    watched.append(watch_csp(reviewer))
    reviewer.goto(f"{base}/admin/login/")
    reviewer.fill("input[name=username]", moderator.email)
    reviewer.fill("input[name=password]", PASSWORD)
    reviewer.locator("form button[type=submit]").first.click()
    reviewer.wait_for_url(f"{base}/admin/")
    reviewer.goto(f"{base}/admin/market/review/")
    assert TITLE in reviewer.content()
    reviewer.locator(
        f"button[data-w-action-url-value$='/publish/{outcome.pk}/']"
    ).click()
    reviewer.wait_for_load_state()
    outcome.refresh_from_db()
    assert outcome.status == ListingStatus.PUBLISHED

    # 3. The anonymous visitor finds it in the catalogue and opens it.
    visitor.goto(f"{base}/outcomes/")
    visitor.get_by_role("link", name=TITLE).first.click()
    visitor.wait_for_load_state()
    assert visitor.url.endswith(f"/outcomes/{outcome.pk}/")
    assert visitor.get_by_role("heading", level=1).inner_text() == TITLE
    assert "江南理工大学" in visitor.content()
    # Contact details stay hidden from anonymous visitors.
    assert "李建华" not in visitor.content()
    # No page of the walk-through, portal or admin, broke the Content-Security-Policy.
    violations = [line for lines in watched for line in lines]
    assert violations == [], "\n".join(violations)
