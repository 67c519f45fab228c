"""The portal's home page: Chinese by default, English on request, accessible landmarks."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_home_page_serves_in_chinese_by_default(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "技术转移撮合平台" in html  # the page title created by the migration
    assert "注册" in html  # "Sign up", translated
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html
    assert 'class="skip-link" href="#main"' in html


def test_home_page_switches_to_english_through_the_language_form(client):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/"}, follow=True
    )
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert ">Sign up<" in html
    assert "注册" not in html


def test_language_select_has_a_label_and_offers_both_languages(client):
    html = client.get("/").content.decode()
    assert '<label for="language-select">' in html
    options = re.findall(r'<option value="([^"]+)"', html)
    assert options == ["zh-hans", "en"]


def test_wagtail_admin_login_works_with_a_demo_moderator(client):
    call_command("load_demo", "--people-only", verbosity=0)
    response = client.post(
        "/admin/login/",
        {"username": "moderator@techmatch.local", "password": "techmatch-demo-2026"},
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/admin/"
    assert response.context["request"].user.email == "moderator@techmatch.local"
    # The admin speaks Chinese to a user without a language preference.
    assert 'lang="zh-hans"' in response.content.decode()


def test_wagtail_admin_refuses_a_researcher(client):
    call_command("load_demo", "--people-only", verbosity=0)
    client.login(username="researcher@techmatch.local", password="techmatch-demo-2026")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_home_link_is_named_by_the_text_it_shows(client, language):
    """A screen reader user hears what a sighted user reads (WCAG 2.5.3)."""
    html = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    link = re.search(r'<a class="brand"([^>]*)>(.*?)</a>', html, re.S)
    assert link is not None
    assert "aria-label" not in link.group(1)
    visible = re.search(r'class="brand-name">([^<]+)<', link.group(2)).group(1)
    assert visible.strip()
