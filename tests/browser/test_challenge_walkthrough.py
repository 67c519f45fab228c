"""揭榜挂帅 in a real browser, from 发榜 to the published award: the issuer drafts and
submits a challenge in the workbench, the moderator publishes it in the Wagtail admin,
a university finds it on the public board and applies (揭榜), the issuer starts the
review once the deadline has passed, the moderator checks the application and seats an
expert, the expert declares no conflict and scores, the moderator closes the panel, the
issuer confirms the winner (挂帅) and the public announcement (公示) names it.

Only the clock is moved by hand: the deadline is set in the past and the beat's own
service closes the challenge, as the periodic task does at the deadline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.roles import Role
from market.models import (
    ApplicationStatus,
    Challenge,
    ChallengeApplication,
    ChallengeStatus,
    TechField,
)
from market.services.challenges import BEIJING, close_due_challenges
from tests.browser.conftest import watch_csp
from tests.browser.test_catalogue_walkthrough import log_in
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "高镍正极材料高温循环寿命提升"
S = ChallengeStatus


def _tab(browser, watched):
    page = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}
    ).new_page()
    watched.append(watch_csp(page))
    return page


def _admin_log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(f"{base}/admin/")


def _submit(page, selector: str) -> None:
    page.locator(selector).click()
    page.wait_for_load_state()


def test_walkthrough_challenge_from_draft_to_announced_winner(live_server, browser):
    from accounts.services.roles import sync_role_groups

    sync_role_groups()
    issuer_org = OrganisationFactory(
        name="苏州锂能新材料股份有限公司", is_verified=True
    )
    issuer = UserFactory(roles=[Role.ENTERPRISE], display_name="李工")
    MembershipFactory(user=issuer, organisation=issuer_org)
    university = OrganisationFactory(name="江南理工大学", is_verified=True)
    researcher = UserFactory(roles=[Role.RESEARCHER], display_name="王教授")
    MembershipFactory(user=researcher, organisation=university)
    moderator = UserFactory(roles=[Role.MODERATOR])
    expert = UserFactory(roles=[Role.EXPERT], display_name="陈专家")
    base = live_server.url
    watched: list[list[str]] = []

    # 1. The issuer drafts the challenge with an indicator and two criteria, and
    #    submits it for review.
    firm = _tab(browser, watched)
    log_in(firm, base, issuer.email)
    firm.goto(f"{base}/workbench/challenges/new/")
    firm.fill("main [name=title]", TITLE)
    firm.fill(
        "main [name=background]", "<p>45 ℃ 下循环衰减过快，影响储能电池寿命。</p>"
    )
    firm.fill("main [name=objectives]", "45 ℃、1C 循环 1000 次容量保持率不低于 90 %。")
    firm.fill("main [name=deliverables]", "工艺包一套，中试样品 50 kg。")
    firm.select_option("main [name=field]", str(TechField.objects.get(code="0401").pk))
    firm.select_option("main [name=region_0]", "320000")
    firm.select_option("main [name=region_1]", "320500")
    firm.select_option("main [name=region_2]", "320506")
    firm.fill("main [name=bounty_wan]", "500")
    firm.select_option("main [name=payment_terms]", "milestones")
    firm.fill("main [name=duration_months]", "18")
    deadline = (timezone.now() + dt.timedelta(days=30)).astimezone(BEIJING)
    firm.fill("main [name=application_deadline]", deadline.strftime("%Y-%m-%dT%H:%M"))
    firm.fill("main [name=contact_name]", "李工")
    firm.fill("main [name=contact_phone]", "0512-87654321")
    firm.check("main [name=confidentiality][value=public]")
    firm.fill("main [name=ind-0-name]", "容量保持率")
    firm.fill("main [name=ind-0-target_value]", "90")
    firm.fill("main [name=ind-0-unit]", "%")
    firm.fill("main [name=ind-0-measurement]", "GB/T 31484，第三方检测")
    firm.fill("main [name=crit-0-name]", "技术方案")
    firm.fill("main [name=crit-0-weight]", "60")
    firm.fill("main [name=crit-1-name]", "团队能力")
    firm.fill("main [name=crit-1-weight]", "40")
    _submit(firm, "main button[name=then_submit]")
    challenge = Challenge.objects.get(title=TITLE)
    assert challenge.status == S.SUBMITTED, firm.locator("main").inner_text()
    assert challenge.issuer == issuer_org

    # Until it is published the public board does not list it.
    visitor = _tab(browser, watched)
    visitor.goto(f"{base}/challenges/")
    assert TITLE not in visitor.content()

    # 2. The moderator publishes it from the challenges' review queue (发榜).
    admin = _tab(browser, watched)
    _admin_log_in(admin, base, moderator.email)
    admin.goto(f"{base}/admin/market/review/challenges/")
    assert TITLE in admin.content()
    _submit(
        admin,
        f"button[data-w-action-url-value$='/challenges/publish/{challenge.pk}/']",
    )
    challenge.refresh_from_db()
    assert challenge.status == S.PUBLISHED

    # 3. The researcher finds it on the public board and applies (揭榜) for the
    #    university, promising a value for the indicator.
    lab = _tab(browser, watched)
    log_in(lab, base, researcher.email)
    lab.goto(f"{base}/challenges/")
    lab.get_by_role("link", name=TITLE).first.click()
    lab.wait_for_load_state()
    assert "500" in lab.locator("main").inner_text()
    _submit(lab, f"main a[href$='/challenges/{challenge.pk}/apply/']")
    if lab.locator("main select[name=lead_organisation]").count():
        lab.select_option("main select[name=lead_organisation]", str(university.pk))
    lab.fill("main [name=team_lead_name]", "王明远")
    lab.fill("main [name=proposal]", "<p>单晶化与表面包覆协同，抑制高温相变。</p>")
    lab.fill("main [name=resp-0-promised_value]", "92")
    lab.fill("main [name=resp-0-approach]", "包覆层厚度优化")
    lab.fill("main [name=ms-0-title]", "小试验证")
    lab.fill("main [name=ms-0-month]", "6")
    lab.fill("main [name=ms-0-deliverable]", "小试样品与检测报告")
    lab.fill("main [name=ms-0-budget_wan]", "150")
    lab.check("main [name=declarations_confirmed]")
    _submit(lab, "main button[name=then_submit]")
    application = ChallengeApplication.objects.get(challenge=challenge)
    assert application.status == ApplicationStatus.SUBMITTED, lab.locator(
        "main"
    ).inner_text()
    assert application.lead_organisation == university
    # The applicant's own list shows it as submitted.
    lab.goto(f"{base}/workbench/applications/")
    assert TITLE in lab.locator("main").inner_text()

    # 4. The deadline passes; the periodic task closes the challenge, and the issuer
    #    starts the review from the workbench.
    Challenge.objects.filter(pk=challenge.pk).update(
        application_deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    assert close_due_challenges() == 1
    firm.goto(f"{base}/workbench/challenges/{challenge.pk}/")
    _submit(
        firm, f"main form[action$='/challenges/{challenge.pk}/start-review/'] button"
    )
    challenge.refresh_from_db()
    assert challenge.status == S.UNDER_REVIEW

    # 5. The moderator records the formal check and seats the expert.
    admin.goto(f"{base}/admin/market/review/challenges/{challenge.pk}/expert-review/")
    check = admin.locator(
        f"form:has(input[name=application][value='{application.pk}'])"
    )
    check.locator("input[name=outcome][value=complete]").check()
    check.locator("button[type=submit]").click()
    admin.wait_for_load_state()
    admin.select_option("select[name=expert]", str(expert.pk))
    _submit(admin, "form:has(input[name=action][value=assign]) button[type=submit]")

    # 6. The expert declares no conflict of interest, then scores the application.
    reviewer = _tab(browser, watched)
    log_in(reviewer, base, expert.email)
    reviewer.goto(f"{base}/review/{challenge.pk}/")
    reviewer.check("main [name=confirm]")
    _submit(reviewer, f"main form[action$='/review/{challenge.pk}/declare/'] button")
    _submit(
        reviewer,
        f"main a[href$='/review/{challenge.pk}/applications/{application.pk}/']",
    )
    technical, team = challenge.review_criteria.order_by("pk")
    reviewer.fill(f"main [name=criterion_{technical.pk}]", "88")
    reviewer.fill(f"main [name=criterion_{team.pk}]", "80")
    reviewer.fill("main [name=comment]", "方案可行，团队有中试经验。")
    _submit(reviewer, "main form button[type=submit]")
    assert application.score_sheets.count() == 1

    # 7. The moderator closes the panel; the issuer confirms the winner (挂帅).
    admin.goto(f"{base}/admin/market/review/challenges/{challenge.pk}/expert-review/")
    _submit(
        admin, "form:has(input[name=action][value=close_panel]) button[type=submit]"
    )
    firm.goto(f"{base}/review/{challenge.pk}/ranking/")
    ranking = firm.locator("main").inner_text()
    assert "江南理工大学" in ranking
    # 60 % × 88 + 40 % × 80 = 84.8
    assert "84.8" in ranking
    award = firm.locator("form:has(input[name=decision][value=award])")
    award.locator(f"input[name=application][value='{application.pk}']").check()
    award.locator("textarea[name=announcement]").fill(
        "经专家评审，拟由江南理工大学挂帅。"
    )
    award.locator("button[type=submit]").click()
    firm.wait_for_load_state()
    challenge.refresh_from_db()
    assert challenge.status == S.AWARDED
    assert challenge.awarded_application == application

    # 8. The public announcement (公示) names the winner and the objection period.
    visitor.goto(f"{base}/challenges/{challenge.pk}/announcement/")
    announcement = visitor.locator("main").inner_text()
    assert "江南理工大学" in announcement
    assert "经专家评审，拟由江南理工大学挂帅。" in announcement
    # The expert's identity and scores stay off the public page.
    assert "陈专家" not in announcement
    assert "84.8" not in announcement

    for tab in (firm, visitor, admin, lab, reviewer):
        tab.context.close()
    violations = [line for lines in watched for line in lines]
    assert violations == [], "\n".join(violations)
