"""The moderators' expert-review page in the admin: start the review, formal check,
seat experts, see declarations and conflicts, the ranking, close the panel."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.roles import Role
from market.models import (
    ChallengeStatus,
    ExpertAssignment,
    FormalCheck,
    FormalCheckOutcome,
    ReviewPanel,
)
from market.services.review import assign_expert, score_application
from tests.factories import MembershipFactory, UserFactory
from tests.factories.review import review_scene

pytestmark = pytest.mark.django_db

S = ChallengeStatus


def messages_of(response) -> list[str]:
    return [str(m.message).strip() for m in get_messages(response.wsgi_request)]


@pytest.fixture
def scene(role_groups):
    return review_scene(status=S.CLOSED)


def _url(scene) -> str:
    return reverse("market_review:challenge_expert_review", args=[scene.challenge.pk])


def test_only_moderators_open_the_expert_review(client, scene):
    for user in (scene.issuer_user, scene.experts[0], UserFactory(roles=[Role.AGENT])):
        client.force_login(user)
        assert client.get(_url(scene)).status_code in (302, 403)
        client.post(_url(scene), {"action": "start_review"})
    scene.challenge.refresh_from_db()
    assert scene.challenge.status == S.CLOSED
    client.force_login(scene.moderator)
    page = client.get(_url(scene)).content.decode()
    assert scene.first.lead_organisation.name in page
    assert scene.draft.lead_organisation.name not in page  # never submitted
    inspect = client.get(
        reverse("market_challenges:inspect", args=[scene.challenge.pk])
    ).content.decode()
    assert _url(scene) in inspect


def test_the_moderator_runs_the_review_from_the_page(client, scene):
    client.force_login(scene.moderator)
    url = _url(scene)
    expert = scene.experts[0]
    response = client.post(url, {"action": "start_review"})
    assert response.status_code == 302
    scene.challenge.refresh_from_db()
    assert scene.challenge.status == S.UNDER_REVIEW
    client.post(
        url, {"action": "check", "application": scene.first.pk, "outcome": "complete"}
    )
    response = client.post(
        url,
        {
            "action": "check",
            "application": scene.second.pk,
            "outcome": "incomplete",
            "reasons": "缺少预算表",
        },
    )
    assert messages_of(response)[-1] == "形式审查结论已记录。"
    checks = dict(FormalCheck.objects.values_list("application_id", "outcome"))
    assert checks == {
        scene.first.pk: FormalCheckOutcome.COMPLETE,
        scene.second.pk: FormalCheckOutcome.INCOMPLETE,
    }
    assert FormalCheck.objects.get(application=scene.second).checked_by == (
        scene.moderator
    )
    client.post(url, {"action": "assign", "expert": expert.pk})
    assert ExpertAssignment.objects.filter(expert=expert).exists()
    page = client.get(url).content.decode()
    assert "缺少预算表" in page and "尚未声明" in page
    from market.services.review import declare_no_conflict

    declare_no_conflict(scene.challenge.pk, expert_id=expert.pk)
    score_application(scene.first.pk, expert_id=expert.pk, scores=scene.scores(80, 90))
    page = client.get(url).content.decode()
    assert "84.00" in page  # 80×0.6 + 90×0.4
    response = client.post(url, {"action": "close_panel"})
    assert "专家评审已结束" in messages_of(response)[0]
    assert ReviewPanel.objects.get().is_closed


@pytest.mark.parametrize(
    "data",
    [
        {"action": "check", "application": "abc", "outcome": "complete"},
        {"action": "check", "application": "99999999999999999999999", "outcome": "x"},
        {"action": "check", "outcome": "incomplete", "reasons": ""},
        {"action": "assign", "expert": "-3"},
        {"action": "assign"},
        {"action": "dance"},
        {"action": "close_panel"},  # not under review, no scores
    ],
)
def test_bad_posts_are_refused_with_a_message_and_change_nothing(client, scene, data):
    client.force_login(scene.moderator)
    response = client.post(_url(scene), data)
    assert response.status_code == 302
    assert messages_of(response)  # an error message
    assert not FormalCheck.objects.exists()
    assert not ExpertAssignment.objects.exists()
    assert not ReviewPanel.objects.filter(closed_at__isnull=False).exists()


def test_incomplete_without_reasons_is_refused_with_the_message(client, scene):
    client.force_login(scene.moderator)
    response = client.post(
        _url(scene),
        {"action": "check", "application": scene.first.pk, "outcome": "incomplete"},
    )
    assert messages_of(response) == ["请说明申报材料缺少或有误的内容。"]
    assert not FormalCheck.objects.exists()


def test_a_non_expert_is_not_offered_or_accepted(client, scene):
    plain = UserFactory(display_name="普通用户甲")
    client.force_login(scene.moderator)
    page = client.get(_url(scene)).content.decode()
    assert str(scene.experts[0]) in page and str(plain) not in page
    response = client.post(_url(scene), {"action": "assign", "expert": plain.pk})
    assert messages_of(response) == ["只有具有专家角色的用户才能加入评审组。"]
    assert not ExpertAssignment.objects.exists()


def test_the_panel_page_shows_a_conflicted_expert(client, scene):
    expert = scene.experts[0]
    MembershipFactory(user=expert, organisation=scene.first.lead_organisation)
    assign_expert(
        scene.challenge.pk, expert_id=expert.pk, by_user_id=scene.moderator.pk
    )
    client.force_login(scene.moderator)
    assert "存在利益冲突" in client.get(_url(scene)).content.decode()


def test_malformed_ids_in_the_admin_url_answer_404(client, scene):
    client.force_login(scene.moderator)
    assert (
        client.get("/admin/market/review/challenges/abc/expert-review/").status_code
        == 404
    )
    assert (
        client.get(
            "/admin/market/review/challenges/99999999999999999999999/expert-review/"
        ).status_code
        == 404
    )


def test_the_moderator_takes_an_expert_off_the_panel_from_the_page(client, scene):
    expert = scene.experts[0]
    assign_expert(
        scene.challenge.pk, expert_id=expert.pk, by_user_id=scene.moderator.pk
    )
    client.force_login(scene.moderator)
    page = client.get(_url(scene)).content.decode()
    assert 'name="action" value="remove"' in page

    response = client.post(_url(scene), {"action": "remove", "expert": expert.pk})

    assert response.status_code == 302
    assert not ExpertAssignment.objects.exists()
    # A malformed or unknown id changes nothing and says why.
    assign_expert(
        scene.challenge.pk, expert_id=expert.pk, by_user_id=scene.moderator.pk
    )
    for bad in ("abc", "", "99999999999999999999999", str(scene.moderator.pk)):
        response = client.post(_url(scene), {"action": "remove", "expert": bad})
        assert response.status_code == 302
        assert messages_of(response)
    assert ExpertAssignment.objects.count() == 1
