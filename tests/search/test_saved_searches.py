"""Saved searches: saved from the search page, listed in the profile, and told exactly
once about each newly published listing they find — by the real search backend."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Notification, NotificationKind
from accounts.roles import Role
from market.services.listings import archive_listing, publish_listing, submit_listing
from search import saved
from search.models import SavedSearch, SavedSearchMatch
from search.query import SearchRequest
from search.sync import drain_all, record_changes
from search.tasks import match_saved_searches
from tests.factories import MembershipFactory, OutcomeFactory, UserFactory
from tests.factories.accounts import PASSWORD
from tests.factories.market import DemandFactory

pytestmark = pytest.mark.django_db

TITLE = "高镍三元锂离子电池正极材料"


def _save(user, name="正极材料", **params) -> SavedSearch:
    params = {"q": "正极材料", **params}
    return saved.save_search(
        user.pk, name=name, request=SearchRequest.from_params(params)
    )


def _told(user) -> list[Notification]:
    return list(
        Notification.objects.filter(
            recipient=user, kind=NotificationKind.SAVED_SEARCH_MATCH
        )
    )


@pytest.fixture
def moderator(role_groups):
    return UserFactory(roles=[Role.MODERATOR])


@pytest.fixture
def publish(
    backend, moderator, eager_celery, django_capture_on_commit_callbacks, index_now
):
    """Publish a submitted listing the way a moderator does; once the transaction
    commits, index it, then run what was scheduled after the commit (the saved-search
    check among it) in this process."""

    def publish(listing) -> None:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            publish_listing(listing.pk, by_user_id=moderator.pk)
        index_now(listing)
        for callback in callbacks:
            callback()

    return publish


@pytest.fixture
def role_groups(db):
    from accounts.services.roles import sync_role_groups

    sync_role_groups()


def test_saved_search_fires_once_for_a_new_matching_listing(publish, backend):
    reader = UserFactory()
    search = _save(reader, kind="outcome")
    outcome = OutcomeFactory(submitted=True, title=TITLE)
    publish(outcome)

    (notification,) = _told(reader)
    assert TITLE in notification.subject
    assert search.name in notification.subject
    assert notification.url.endswith(f"/{outcome.pk}/")
    assert SavedSearchMatch.objects.filter(
        saved_search=search, kind="outcome", item_id=outcome.pk
    ).exists()
    search.refresh_from_db()
    assert search.last_notified_at is not None

    # An edit reindexes it; the check again finds its row: still once.
    outcome.refresh_from_db()
    outcome.summary = "正极材料的新工艺"
    outcome.save()
    record_changes([outcome.pk])
    drain_all()
    backend.refresh()
    assert match_saved_searches("outcome", outcome.pk) == 0
    # Unpublished, then published again: still once.
    archive_listing(outcome.pk, by_user_id=None)
    submit_listing(outcome.pk, by_user_id=UserFactory().pk)
    publish(outcome)
    assert len(_told(reader)) == 1
    assert SavedSearchMatch.objects.count() == 1


def test_saved_search_is_not_told_about_what_it_does_not_find(publish):
    reader = UserFactory()
    _save(reader, kind="outcome")
    _save(reader, name="需求", kind="demand")
    _save(reader, name="北京", region="110000")
    _save(reader, name="江苏", region="320000")
    publish(OutcomeFactory(submitted=True, title="工业机器人精密减速器"))
    publish(OutcomeFactory(submitted=True, title=TITLE))  # in 苏州
    # The outcome search and Jiangsu find it; the demand search and Beijing do not.
    names = sorted(n.subject.split("：")[0] for n in _told(reader))
    assert len(names) == 2
    assert sorted(
        SavedSearchMatch.objects.values_list("saved_search__name", flat=True)
    ) == ["正极材料", "江苏"]


def test_saved_search_matches_a_demand_by_the_same_path(publish):
    reader = UserFactory()
    _save(reader, q="污水处理", kind="demand")
    demand = DemandFactory(submitted=True, title="印染污水处理技术需求")
    publish(demand)
    (notification,) = _told(reader)
    assert "印染污水处理技术需求" in notification.subject


def test_saved_search_skips_own_organisation_paused_and_inactive_users(publish):
    outcome = OutcomeFactory(submitted=True, title=TITLE)
    colleague = UserFactory()
    MembershipFactory(user=colleague, organisation=outcome.organisation)
    _save(colleague)
    paused = UserFactory()
    saved.set_paused(paused.pk, _save(paused).pk, paused=True)
    gone = UserFactory()
    _save(gone)
    gone.is_active = False
    gone.save()
    publish(outcome)
    assert (
        Notification.objects.filter(kind=NotificationKind.SAVED_SEARCH_MATCH).count()
        == 0
    )


def test_saved_search_never_tells_about_invisible_items(backend, index_now):
    reader = UserFactory()
    _save(reader)
    draft = OutcomeFactory(title=TITLE)  # never published
    index_now(draft)
    assert match_saved_searches("outcome", draft.pk) == 0
    # Published in the database but not in the public index yet: the check waits.
    listed = OutcomeFactory(published=True, title=TITLE)
    with pytest.raises(saved.ItemNotSearchable):
        saved.matching_searches("outcome", listed.pk)
    assert _told(reader) == []


def test_saved_search_notification_follows_the_preferences(publish):
    """The new kind defaults to the daily digest: in the site at once, no mail yet."""
    reader = UserFactory()
    _save(reader)
    publish(OutcomeFactory(submitted=True, title=TITLE))
    assert len(_told(reader)) == 1
    assert [m for m in mail.outbox if m.to == [reader.email]] == []
    from accounts.notifications import send_digests

    send_digests()
    (digest,) = [m for m in mail.outbox if m.to == [reader.email]]
    assert TITLE in digest.body


# --- pages ---------------------------------------------------------------------------


def test_search_page_offers_saving_and_the_profile_lists_searches(client, backend):
    user = UserFactory()
    client.login(username=user.email, password=PASSWORD)
    page = client.get(reverse("search:page"), {"q": "正极材料", "kind": "outcome"})
    assert reverse("search:saved_search_create") in page.content.decode()
    response = client.post(
        reverse("search:saved_search_create"),
        {"name": "电池材料", "q": "正极材料", "kind": "outcome", "region": "320000"},
    )
    assert response.status_code == 302
    search = SavedSearch.objects.get(user=user)
    assert search.params == {"q": "正极材料", "kind": "outcome", "region": "320000"}

    profile = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("search:saved_searches") in profile
    listing = client.get(reverse("search:saved_searches")).content.decode()
    assert "电池材料" in listing
    assert "正极材料" in listing
    assert "kind=outcome" in listing

    pause = reverse("search:saved_search_pause", args=[search.pk])
    assert client.post(pause, {"paused": "1"}).status_code == 302
    search.refresh_from_db()
    assert search.paused
    assert client.post(pause, {"paused": "maybe"}).status_code == 400
    assert (
        client.post(reverse("search:saved_search_delete", args=[search.pk])).status_code
        == 302
    )
    assert not SavedSearch.objects.exists()


def test_anonymous_visitors_see_no_save_form(client, backend):
    page = client.get(reverse("search:page"), {"q": "正极材料"}).content.decode()
    assert reverse("search:saved_search_create") not in page
    response = client.post(
        reverse("search:saved_search_create"), {"name": "x", "q": "y"}
    )
    assert response.status_code == 302  # to the log-in
    assert not SavedSearch.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "q": "正极材料"},
        {"name": "x" * 61, "q": "正极材料"},
        {"name": "空的"},
        {"name": "坏地区", "q": "正极材料", "region": "苏州"},
        {"name": "坏类型", "q": "正极材料", "kind": "rocket"},
        {"name": "坏价格", "price": "free"},
    ],
)
def test_saving_a_bad_search_shows_errors_and_saves_nothing(client, data):
    user = UserFactory()
    client.login(username=user.email, password=PASSWORD)
    response = client.post(reverse("search:saved_search_create"), data)
    assert response.status_code == 400
    assert "errorlist" in response.content.decode() or "message-error" in (
        response.content.decode()
    )
    assert not SavedSearch.objects.exists()


def test_saved_searches_are_limited_per_user(client, settings):
    settings.SAVED_SEARCHES_PER_USER = 2
    user = UserFactory()
    client.login(username=user.email, password=PASSWORD)
    url = reverse("search:saved_search_create")
    for n in range(2):
        assert client.post(url, {"name": f"第{n}个", "q": "电池"}).status_code == 302
    response = client.post(url, {"name": "第三个", "q": "电池"})
    assert response.status_code == 400
    assert SavedSearch.objects.count() == 2


def test_other_users_saved_searches_are_out_of_reach(client):
    owner, other = UserFactory(), UserFactory()
    search = _save(owner)
    client.login(username=other.email, password=PASSWORD)
    assert (
        client.post(reverse("search:saved_search_delete", args=[search.pk])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("search:saved_search_pause", args=[search.pk]), {"paused": "1"}
        ).status_code
        == 404
    )
    assert (
        "正极材料" not in client.get(reverse("search:saved_searches")).content.decode()
    )
    search.refresh_from_db()
    assert not search.paused
    assert client.get(reverse("search:saved_search_create")).status_code == 405


def test_bulk_publication_checks_every_published_listing(
    backend, moderator, eager_celery, django_capture_on_commit_callbacks, index_now
):
    from market.services.listings import publish_listings

    reader = UserFactory()
    _save(reader)
    first = OutcomeFactory(submitted=True, title=TITLE)
    second = DemandFactory(submitted=True, title="寻求正极材料包覆工艺")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publish_listings([first.pk, second.pk], by_user_id=moderator.pk)
    index_now(first, second)
    for callback in callbacks:
        callback()
    assert sorted(SavedSearchMatch.objects.values_list("kind", "item_id")) == sorted(
        [("outcome", first.pk), ("demand", second.pk)]
    )
    assert len(_told(reader)) == 2


def test_saved_search_of_challenges_is_told_once_when_one_is_published(
    backend, moderator, eager_celery, django_capture_on_commit_callbacks
):
    from market.models import ChallengeStatus
    from market.services.challenges import publish_challenge
    from search.documents import search_key
    from tests.factories.challenges import ChallengeFactory

    reader = UserFactory()
    issuer_member = UserFactory()
    search = _save(reader, q="反渗透膜", kind="challenge")
    _save(issuer_member, q="反渗透膜", kind="challenge")
    _save(reader, name="成果", q="反渗透膜", kind="outcome")
    challenge = ChallengeFactory(
        title="海水淡化反渗透膜", status=ChallengeStatus.SUBMITTED
    )
    MembershipFactory(user=issuer_member, organisation=challenge.issuer)
    unrelated = ChallengeFactory(
        title="工业机器人减速器", status=ChallengeStatus.SUBMITTED
    )

    for item in (challenge, unrelated):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            publish_challenge(item.pk, by_user_id=moderator.pk)
        drain_all()
        backend.refresh()
        for callback in callbacks:
            callback()

    (notification,) = _told(reader)
    assert "海水淡化反渗透膜" in notification.subject
    assert notification.url == reverse("challenges:detail", args=[challenge.pk])
    assert list(SavedSearchMatch.objects.values_list("saved_search", "item_id")) == [
        (search.pk, challenge.pk)
    ]
    assert _told(issuer_member) == []  # the issuer's own challenge
    # Checked again (a later step re-sends it): still once.
    assert match_saved_searches("challenge", challenge.pk) == 0
    assert search_key("challenge", challenge.pk) < 0  # what the index holds
