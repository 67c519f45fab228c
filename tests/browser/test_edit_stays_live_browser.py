"""Edits that stay live, in a real browser: an owner edits a published outcome in the
workbench, the public keeps seeing the published version until a moderator approves
the changes in the Wagtail admin, then sees the new one."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from market.models import ListingStatus, Outcome
from tests.browser.conftest import watch_csp
from tests.browser.test_catalogue_walkthrough import log_in
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
    UserFactory,
)
from tests.factories.accounts import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OLD = "石墨烯导热膜连续化制备技术"
NEW = "石墨烯导热膜卷对卷量产技术"


def test_walkthrough_owner_edits_a_published_outcome_public_sees_old_until_approval(
    live_server, browser
):
    organisation = OrganisationFactory(name="江南理工大学", is_verified=True)
    researcher = UserFactory(roles=[Role.RESEARCHER])
    MembershipFactory(user=researcher, organisation=organisation)
    moderator = UserFactory(roles=[Role.MODERATOR])
    outcome = OutcomeFactory(organisation=organisation, published=True, title=OLD)
    base = live_server.url
    detail = f"{base}/outcomes/{outcome.pk}/"

    visitor = browser.new_context(locale="zh-CN").new_page()
    watched = [watch_csp(visitor)]
    visitor.goto(detail)  # the page is cached now
    assert visitor.get_by_role("heading", level=1).inner_text() == OLD

    # 1. The owner changes the title in the workbench and saves.
    author = browser.new_context(locale="zh-CN").new_page()
    watched.append(watch_csp(author))
    log_in(author, base, researcher.email)
    author.goto(f"{base}/workbench/outcomes/{outcome.pk}/edit/")
    author.fill("main [name=title]", NEW)
    author.locator("button[name=save]").click()
    author.wait_for_load_state()
    # The owner sees both versions: the form holds the change, the notice the old one.
    assert author.locator("main [name=title]").input_value() == NEW
    notice = author.locator("[data-pending-changes]").first
    assert OLD in notice.inner_text() and NEW in notice.inner_text()

    # 2. The public still sees the published version, on the page and in the list.
    visitor.goto(detail)
    assert visitor.get_by_role("heading", level=1).inner_text() == OLD
    visitor.goto(f"{base}/outcomes/")
    assert OLD in visitor.content() and NEW not in visitor.content()
    stored = Outcome.objects.get(pk=outcome.pk)
    assert stored.status == ListingStatus.PUBLISHED and stored.title == OLD

    # 3. The moderator reviews the diff in the admin and approves it.
    reviewer = browser.new_context(locale="zh-CN").new_page()
    watched.append(watch_csp(reviewer))
    reviewer.goto(f"{base}/admin/login/")
    reviewer.fill("input[name=username]", moderator.email)
    reviewer.fill("input[name=password]", PASSWORD)
    reviewer.locator("form button[type=submit]").first.click()
    reviewer.wait_for_url(f"{base}/admin/")
    reviewer.goto(f"{base}/admin/market/review/changes/")
    reviewer.get_by_role("link", name=OLD).first.click()
    reviewer.wait_for_load_state()
    change = reviewer.locator("[data-change=title]")
    assert OLD in change.locator("[data-live]").inner_text()
    assert NEW in change.locator("[data-proposed]").inner_text()
    reviewer.locator("button[name=decision][value=approve]").click()
    reviewer.wait_for_load_state()

    # 4. Now the public sees the new version.
    visitor.goto(detail)
    assert visitor.get_by_role("heading", level=1).inner_text() == NEW
    visitor.goto(f"{base}/outcomes/")
    assert NEW in visitor.content() and OLD not in visitor.content()
    violations = [line for lines in watched for line in lines]
    assert violations == [], "\n".join(violations)
