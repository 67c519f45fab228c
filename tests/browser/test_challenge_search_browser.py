"""A challenge (榜单) in a real browser: suggested with its kind while typing, chosen,
and found on the search page's 榜单 tab."""

from __future__ import annotations

import pytest

from market.models import ChallengeStatus
from search.backends import get_backend
from search.sync import drain_all
from tests.factories.challenges import ChallengeFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def challenge(settings, eager_celery):
    """A published challenge in a clean Elasticsearch index."""
    settings.SEARCH_BACKEND = "elasticsearch"
    engine = get_backend()
    engine.drop_all()
    engine.ensure_indices()
    made = ChallengeFactory(
        title="氢燃料电池膜电极寿命攻关", status=ChallengeStatus.PUBLISHED
    )
    drain_all()
    engine.refresh()
    engine.forget_vocabulary()
    yield made
    engine.drop_all()
    engine.forget_vocabulary()


def test_browser_suggests_a_challenge_with_its_kind_and_opens_it(
    live_server, page, challenge
):
    page.goto(live_server.url + "/search/?kind=challenge")
    tab = page.locator(".search-tabs a[aria-current=page]")
    assert "榜单" in tab.inner_text()
    assert page.locator(".search-hit-challenge").count() == 1

    box = page.locator("#search-q")
    box.press_sequentially("氢燃料", delay=50)
    option = page.locator(".suggest-option").first
    option.wait_for()
    assert "氢燃料电池膜电极寿命攻关" in option.inner_text()
    assert "榜单" in option.locator(".suggest-kind").inner_text()

    option.dispatch_event("mousedown")
    page.wait_for_url(f"**/challenges/{challenge.pk}/")
    assert "氢燃料电池膜电极寿命攻关" in page.locator("h1").inner_text()
