"""The search index follows the live version of a listing, not its owner's pending
edit: both backends find the published title until the changes are approved."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from market.models import Outcome
from market.services.listings import publish_changes, save_listing
from search.backends import get_backend
from search.query import SearchRequest
from search.sync import drain_all
from tests.factories import OutcomeFactory, UserFactory

pytestmark = pytest.mark.django_db


def _found(backend, words: str) -> list[int]:
    return [
        hit.listing_id
        for hit in backend.search(SearchRequest.from_params({"q": words})).hits
    ]


def _drain() -> None:
    drain_all()
    get_backend().refresh()


def test_index_keeps_the_live_title_until_the_changes_are_approved(
    backend, index_now, django_capture_on_commit_callbacks
):
    outcome = OutcomeFactory(published=True, title="高镍三元锂离子电池正极材料")
    index_now(outcome)
    moderator = UserFactory(roles=[Role.MODERATOR])
    loaded = Outcome.objects.get(pk=outcome.pk)
    loaded.title = "工业机器人精密减速器"

    with django_capture_on_commit_callbacks(execute=True):
        save_listing(loaded, by_user_id=moderator.pk)
    _drain()

    assert _found(backend, "正极材料") == [outcome.pk]
    assert _found(backend, "精密减速器") == []

    with django_capture_on_commit_callbacks(execute=True):
        publish_changes(outcome.pk, by_user_id=moderator.pk)
    _drain()

    assert _found(backend, "精密减速器") == [outcome.pk]
    assert _found(backend, "正极材料") == []
