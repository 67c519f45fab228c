"""A visitor in a real browser: Chinese home page, language switch, log-in to the admin."""

from __future__ import annotations

import pytest
from django.core.management import call_command

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_browser_visitor_reads_chinese_and_switches_to_english(live_server, page):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_role("heading", level=1).inner_text() == "技术转移撮合平台"

    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="切换").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Sign up").is_visible()


def test_browser_moderator_logs_in_to_the_wagtail_admin(live_server, page):
    call_command("load_demo", "--people-only", verbosity=0)
    page.goto(live_server.url + "/admin/")
    page.fill("input[name=username]", "moderator@techmatch.local")
    page.fill("input[name=password]", "techmatch-demo-2026")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(live_server.url + "/admin/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert (
        page.title() == "控制面板 - 技术转移撮合平台"
    )  # Wagtail's dashboard, our brand
    assert page.locator("input[name=password]").count() == 0


def test_browser_narrow_screen_keeps_navigation_reachable(live_server, page):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_server.url + "/")
    nav = page.get_by_role("navigation", name="主导航")
    # Folded behind the menu button, which the keyboard reaches and opens.
    assert not nav.is_visible()
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "site-menu-toggle":
            break
    assert page.evaluate("document.activeElement.id") == "site-menu-toggle"
    page.keyboard.press("Space")
    assert nav.is_visible()
    assert nav.get_by_role("link", name="登录").is_visible()
    # No horizontal scrolling on a phone-sized screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
