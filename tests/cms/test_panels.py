"""The portal's panel seam: apps add panels to portal pages without cms importing them."""

from __future__ import annotations

import logging

import pytest
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from cms.panels import register_panel, render_panels, unregister_panel
from tests.factories import MembershipFactory, OutcomeFactory, UserFactory


def _listing_panel(request, *, listing):
    return format_html(
        '<section class="test-panel">Similar to {}</section>', listing.title
    )


def _broken_panel(request, **context):
    raise RuntimeError("matcher down")


def _text_panel(request, **context):
    return "<b>not html</b>"


@pytest.fixture
def panels():
    registered = []

    def add(slot, fn, **kwargs):
        register_panel(slot, fn, **kwargs)
        registered.append((slot, fn))

    yield add
    for slot, fn in registered:
        unregister_panel(slot, fn)


def test_register_panel_refuses_an_unknown_slot():
    with pytest.raises(ValueError, match="no_such_slot"):
        register_panel("no_such_slot", _text_panel)


def test_render_panels_escapes_text_and_keeps_order(panels):
    panels("workbench_home", _text_panel, order=5)
    panels("workbench_home", lambda request, **c: mark_safe("<i>first</i>"), order=1)
    html = render_panels("workbench_home", None)
    assert html == "<i>first</i>&lt;b&gt;not html&lt;/b&gt;"


@pytest.mark.django_db
def test_detail_page_shows_a_registered_panel_and_survives_a_failing_one(
    client, panels, caplog
):
    outcome = OutcomeFactory(title="高强韧铝合金一体化压铸技术", published=True)
    panels("listing_detail_aside", _broken_panel)
    panels("listing_detail_aside", _listing_panel)
    with caplog.at_level(logging.ERROR, logger="cms.panels"):
        response = client.get(f"/outcomes/{outcome.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Similar to 高强韧铝合金一体化压铸技术" in body
    assert "matcher down" in caplog.text


@pytest.mark.django_db
def test_workbench_home_shows_a_registered_panel(client, panels):
    member = UserFactory()
    MembershipFactory(user=member)
    panels(
        "workbench_home",
        lambda request, *, bench: format_html(
            "<p class='agent-tip'>{} organisations</p>", len(bench.organisations)
        ),
    )
    client.force_login(member)
    response = client.get("/workbench/")
    assert response.status_code == 200
    assert "1 organisations" in response.content.decode()
