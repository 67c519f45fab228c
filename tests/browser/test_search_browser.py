"""Search in a real browser: suggestions while typing, highlighted results, a facet."""

from __future__ import annotations

import pytest

from market.models import TechField
from search.backends import get_backend
from search.sync import drain_all, record_changes
from tests.factories.market import OutcomeFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def indexed(settings, eager_celery):
    """Two published outcomes in different fields, in a clean Elasticsearch index."""
    settings.SEARCH_BACKEND = "elasticsearch"
    engine = get_backend()
    engine.drop_all()
    engine.ensure_indices()
    robot = OutcomeFactory(
        published=True,
        title="工业机器人精密减速器",
        keywords=["减速器"],
        field=TechField.objects.get(code="0803"),
    )
    casting = OutcomeFactory(
        published=True,
        title="减速器壳体低压铸造工艺",
        keywords=["铸造"],
        field=TechField.objects.get(code="0401"),
    )
    record_changes([robot.pk, casting.pk])
    drain_all()
    engine.refresh()
    engine.forget_vocabulary()
    yield robot, casting
    engine.drop_all()
    engine.forget_vocabulary()


def test_browser_search_suggests_highlights_and_narrows_by_field(
    live_server, page, indexed
):
    robot, _casting = indexed
    page.goto(live_server.url + "/")

    box = page.locator("#site-search-q")
    box.press_sequentially("减速", delay=50)
    option = page.get_by_role("option").first
    option.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    assert "减速" in option.inner_text()

    box.press("Escape")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    results = page.locator(".search-hit")
    assert results.count() == 2
    assert "减速" in page.locator(".search-hit-title mark").first.inner_text()

    field = TechField.objects.get(code="0803")
    page.locator(".facet a[data-facet=field][data-value='08']").click()
    page.wait_for_load_state()
    assert page.locator(".search-hit").count() == 1
    assert page.locator(".search-hit-title").inner_text() == robot.title
    chosen = page.locator(".facet a[aria-current=true]").first
    assert field.parent.name in chosen.inner_text()
