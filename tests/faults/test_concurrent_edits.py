"""Ten editors save one listing at the same moment, against PostgreSQL: no edit is lost
without its editor being told, and every accepted edit leaves exactly one revision."""

from __future__ import annotations

import itertools
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from accounts.services.roles import sync_role_groups
from market.models import Outcome
from market.services.listings import EditConflict, save_listing
from tests.cms.test_workbench import edit_url, outcome_data
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EDITORS = 10


def _at_once(work, count: int = EDITORS) -> dict[int, Any]:
    """Run ``work(n)`` in ``count`` threads released together; results or errors."""
    barrier = threading.Barrier(count)
    results: dict[int, Any] = {}

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[n] = work(n)
        except BaseException as error:  # reported by the test, not lost in a thread
            results[n] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.fixture
def team():
    """An organisation with ten members and one draft outcome with one revision."""
    sync_role_groups()
    organisation = OrganisationFactory()
    editors = [UserFactory() for _ in range(EDITORS)]
    for editor in editors:
        MembershipFactory(user=editor, organisation=organisation)
    outcome = Outcome(
        title="共同编辑的成果", summary="十个人同时编辑。", organisation=organisation
    )
    save_listing(outcome, by_user_id=editors[0].pk)
    return editors, outcome


def test_ten_editors_saving_the_same_form_at_once_one_wins_the_others_are_told(
    team, report_figure
):
    editors, outcome = team
    clients = []
    for editor in editors:
        client = Client()
        client.cookies["django_language"] = "en"
        client.force_login(editor)
        loaded = client.get(edit_url(outcome)).context["form"]["loaded_revision_id"]
        clients.append((client, loaded.value()))

    def save(n: int):
        client, loaded = clients[n]
        return client.post(
            edit_url(outcome), outcome_data(title=f"编辑{n}", loaded_revision_id=loaded)
        )

    responses = _at_once(save)

    errors = [r for r in responses.values() if isinstance(r, BaseException)]
    assert errors == []
    saved = [n for n, r in responses.items() if r.status_code == 302]
    told = [
        n
        for n, r in responses.items()
        if r.status_code == 200
        and "Someone else changed this listing" in r.content.decode()
        # Their text is still in the form (the page, not response.context: the test
        # client's context capture is not thread-safe).
        and f'value="编辑{n}"' in r.content.decode()
    ]
    stored = Outcome.objects.get(pk=outcome.pk)
    assert len(saved) == 1
    assert sorted(saved + told) == list(range(EDITORS))
    assert stored.title == f"编辑{saved[0]}"
    assert stored.revisions.count() == 2  # the first save and the one accepted edit
    report_figure(
        f"{EDITORS} simultaneous workbench saves of one form: 1 accepted, "
        f"{len(told)} refused with 'someone else changed this listing', 0 lost silently"
    )


def test_ten_editors_retrying_after_a_conflict_lose_no_edit(team, report_figure):
    editors, outcome = team

    def add_keyword(n: int) -> int:
        conflicts = 0
        while True:
            loaded = Outcome.objects.get(pk=outcome.pk)
            loaded.keywords = [*loaded.keywords, f"关键词{n}"]
            try:
                save_listing(
                    loaded,
                    by_user_id=editors[n].pk,
                    loaded_revision_id=loaded.latest_revision_id or 0,
                )
            except EditConflict:
                conflicts += 1  # reload and apply the edit again, as the page says
            else:
                return conflicts

    results = _at_once(add_keyword)

    errors = [r for r in results.values() if isinstance(r, BaseException)]
    assert errors == []
    stored = Outcome.objects.get(pk=outcome.pk)
    assert sorted(stored.keywords) == sorted(f"关键词{n}" for n in range(EDITORS))
    revisions = list(stored.revisions.order_by("pk"))
    assert len(revisions) == 1 + EDITORS  # one per accepted edit
    kept = [set(revision.content["keywords"]) for revision in revisions]
    for before, after in itertools.pairwise(kept):
        assert before < after and len(after - before) == 1
    report_figure(
        f"{EDITORS} editors adding a keyword at once: all {EDITORS} edits kept, "
        f"{EDITORS} revisions, {sum(results.values())} stale saves refused and redone"
    )
