"""Elasticsearch dies under the challenge board (榜单大厅): its text search answers from
the database, a challenge corrected meanwhile waits in the outbox, and once the node is
back the board finds the correction through the index again."""

from __future__ import annotations

import re
import signal

import pytest
from django.core.management import call_command
from django.test import Client

from market.models import Challenge, ChallengeStatus
from search.backends import get_backend
from search.documents import search_key
from search.models import IndexOutbox
from search.sync import drain_all
from tests.factories import UserFactory
from tests.factories.challenges import ChallengeFactory

pytestmark = [pytest.mark.faults, pytest.mark.django_db]

BOARD = "/challenges/"


def board(client: Client, q: str) -> tuple[list[str], bool]:
    response = client.get(BOARD, {"q": q})
    assert response.status_code == 200
    html = response.content.decode()
    titles = re.findall(r'<h3 class="listing-title"><a href="[^"]+">([^<]+)</a>', html)
    return titles, 'id="board-search-degraded"' in html


def test_board_search_survives_elasticsearch_killed(elasticsearch_node, report_figure):
    engine = get_backend()
    challenge = ChallengeFactory(
        title="停机前的榜单",
        status=ChallengeStatus.PUBLISHED,
        deliverables="千吨级示范线",
    )
    drain_all()
    engine.refresh()
    visitor = Client()
    # Logged in: every answer is rendered afresh, never the anonymous page cache's.
    visitor.force_login(UserFactory())
    assert board(visitor, "千吨级示范") == (["停机前的榜单"], False)

    elasticsearch_node.kill(signal.SIGKILL)

    # A moderator corrects the title while the engine is dead.
    loaded = Challenge.objects.get(pk=challenge.pk)
    loaded.title = "停机时更正的榜单"
    loaded.save()
    key = search_key("challenge", challenge.pk)
    assert IndexOutbox.objects.filter(listing_id=key).exists()
    assert drain_all()["failed"] == 1  # refused, kept for later

    # The board answers from the database (title, background, objectives) and says so.
    assert board(visitor, "停机时更正") == (["停机时更正的榜单"], True)
    assert board(visitor, "千吨级示范") == ([], True)
    found = visitor.get("/api/search/", {"q": "更正", "kind": "challenge"}).json()
    assert (found["degraded"], found["total"]) == (True, 1)

    restarted = elasticsearch_node.wait_ready()
    drain_all()
    engine.refresh()

    assert not IndexOutbox.objects.filter(listing_id=key).exists()
    assert board(visitor, "千吨级示范") == (["停机时更正的榜单"], False)
    assert board(visitor, "停机时更正") == (["停机时更正的榜单"], False)
    call_command("search_check", "--kind", "challenge")
    report_figure(
        f"Elasticsearch killed under the challenge board: database answers meanwhile; "
        f"restart {restarted:.1f} s, then the corrected challenge was found again"
    )
