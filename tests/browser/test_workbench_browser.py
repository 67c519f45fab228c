"""The workbench's script in a real browser, under the strict CSP: files are checked
before upload, the completeness panel follows the form, the preview opens."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from market.models import Outcome
from tests.browser.conftest import CSP_LISTENER
from tests.browser.test_catalogue_walkthrough import log_in
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SUMMARY = (
    "卷对卷连续化制备高导热石墨烯膜，面内热导率 1500 W/(m·K)，"
    "适用于手机与服务器散热，已完成中试验证，良率 95 %。"
)


def test_workbench_checks_files_scores_as_you_type_and_previews(live_server, browser):
    organisation = OrganisationFactory(name="江南理工大学", is_verified=True)
    researcher = UserFactory(roles=[Role.RESEARCHER])
    MembershipFactory(user=researcher, organisation=organisation)
    outcome = OutcomeFactory(organisation=organisation, title="草稿成果", summary="")
    base = live_server.url

    context = browser.new_context(locale="zh-CN")
    context.add_init_script(CSP_LISTENER)
    violations: list[str] = []

    def watch(page) -> None:
        page.on(
            "console",
            lambda m: (
                violations.append(m.text)
                if "Content Security Policy" in m.text or "CSP violation" in m.text
                else None
            ),
        )

    context.on("page", watch)
    page = context.new_page()
    log_in(page, base, researcher.email)
    page.goto(f"{base}/workbench/outcomes/{outcome.pk}/edit/")

    # 1. A file of the wrong type, and one too large, are refused before upload.
    page.set_input_files(
        "input[name=cover_image]",
        {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hello"},
    )
    error = page.locator("input[name=cover_image] ~ .file-check-error")
    assert "notes.txt" in error.inner_text()
    assert page.eval_on_selector("input[name=cover_image]", "e => e.files.length") == 0
    page.set_input_files(
        "input[name=attachment_uploads]",
        {
            "name": "huge.pdf",
            "mimeType": "application/pdf",
            "buffer": b"%PDF-" + b"0" * (20 * 1024 * 1024),
        },
    )
    big = page.locator("input[name=attachment_uploads] ~ .file-check-error")
    assert "huge.pdf" in big.inner_text() and "20" in big.inner_text()

    # 2. The completeness panel follows what is typed, without saving.
    before = int(page.locator(".completeness-panel meter").get_attribute("value"))
    page.fill("main [name=summary]", SUMMARY)
    page.fill("main [name=keywords]", "石墨烯，导热膜，散热")
    page.wait_for_function(
        "before => Number(document.querySelector('.completeness-panel meter')"
        ".getAttribute('value')) > before",
        arg=before,
    )
    assert Outcome.objects.get(pk=outcome.pk).summary == ""

    # 3. The preview shows the unsaved data as the public page, marked as such.
    page.fill("main [name=title]", "预览里的标题")
    with context.expect_page() as opened:
        page.locator("[data-preview-button]").click()
    preview = opened.value
    preview.wait_for_load_state()
    assert preview.get_by_role("heading", level=1).inner_text() == "预览里的标题"
    assert preview.locator("[data-preview]").count() == 1
    assert Outcome.objects.get(pk=outcome.pk).title == "草稿成果"

    context.close()
    assert violations == [], "\n".join(violations)
