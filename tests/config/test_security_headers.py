"""The Content-Security-Policy header: strict on the portal, looser in the admin only."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

CSP = "Content-Security-Policy"


def directives(response) -> dict[str, str]:
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in response.headers[CSP].split(";")
    }


def test_portal_pages_forbid_inline_scripts_styles_and_framing(client):
    policy = directives(client.get("/"))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    assert policy["img-src"] == "'self' data:"


def test_cached_pages_carry_the_policy_too(client):
    first = client.get("/outcomes/")
    second = client.get("/outcomes/")  # answered by the page cache
    assert first.headers[CSP] == second.headers[CSP]
    assert "script-src 'self'" in second.headers[CSP]


def test_other_answers_carry_it_as_well(client):
    for path in ("/accounts/login/", "/sitemap.xml", "/no-such-page/"):
        assert "script-src 'self'" in client.get(path).headers[CSP], path


def test_admin_alone_gets_the_looser_policy(client):
    policy = directives(client.get("/admin/login/"))
    assert policy["script-src"] == "'self' 'unsafe-inline'"
    assert policy["frame-ancestors"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert "'unsafe-inline'" not in client.get("/administration/").headers[CSP]


def test_debug_error_pages_keep_their_inline_styles(client, settings):
    settings.DEBUG = True
    assert CSP not in client.get("/no-such-page/").headers
    assert CSP in client.get("/accounts/login/").headers
