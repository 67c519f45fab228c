"""The expert review pages: who sees what, blind review in every page and export,
scoring and deciding through the forms, bad input."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.roles import Role
from market.models import (
    ChallengeStatus,
    ExpertAssignment,
    ScoreSheet,
    ScoreSheetRevision,
)
from market.services.review import (
    assign_expert,
    check_application,
    close_panel,
    score_application,
)
from tests.factories import MembershipFactory, UserFactory
from tests.factories.review import review_scene

pytestmark = pytest.mark.django_db

S = ChallengeStatus


@pytest.fixture
def scene(role_groups):
    return review_scene()


def _page(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def _people(scene, unassigned, assigned):
    return {
        "issuer": scene.issuer_user,
        "applicant": scene.first_user,
        "consortium member": scene.member_user,
        "other applicant": scene.second_user,
        "assigned expert": assigned,
        "unassigned expert": unassigned,
        "moderator": scene.moderator,
        "anonymous": None,
    }


def test_application_page_visibility_for_every_role(client, scene):
    unassigned, assigned = scene.experts
    scene.check_all()
    scene.seat(assigned)
    url = reverse("review:application", args=[scene.challenge.pk, scene.first.pk])
    expected = {
        "issuer": 200,
        "applicant": 200,
        "consortium member": 200,
        "other applicant": 404,
        "assigned expert": 200,
        "unassigned expert": 404,
        "moderator": 200,
        "anonymous": 302,
    }
    got = {
        role: _page(client, user, url).status_code
        for role, user in _people(scene, unassigned, assigned).items()
    }
    assert got == expected
    response = _page(client, None, url)
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_incomplete_or_draft_application_is_not_shown_to_the_expert(client, scene):
    expert = scene.experts[0]
    check_application(scene.first.pk, by_user_id=scene.moderator.pk, complete=True)
    check_application(
        scene.second.pk, by_user_id=scene.moderator.pk, complete=False, reasons="缺页"
    )
    scene.seat(expert)
    client.force_login(expert)
    for application in (scene.second, scene.draft):
        url = reverse("review:application", args=[scene.challenge.pk, application.pk])
        assert client.get(url).status_code == 404
    panel = client.get(reverse("review:panel", args=[scene.challenge.pk]))
    assert scene.first.lead_organisation.name in panel.content.decode()
    assert scene.second.lead_organisation.name not in panel.content.decode()


def test_an_undeclared_expert_sees_the_declaration_and_no_application(client, scene):
    expert = scene.experts[0]
    scene.check_all()
    assign_expert(
        scene.challenge.pk, expert_id=expert.pk, by_user_id=scene.moderator.pk
    )
    client.force_login(expert)
    page = client.get(
        reverse("review:panel", args=[scene.challenge.pk])
    ).content.decode()
    assert "无利益冲突声明" in page
    assert scene.first.lead_organisation.name not in page
    url = reverse("review:application", args=[scene.challenge.pk, scene.first.pk])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("review:export", args=[scene.challenge.pk])).status_code
        == 404
    )


def test_ranking_page_visibility_for_every_role(client, scene):
    unassigned, assigned = scene.experts
    scene.check_all()
    scene.seat(assigned)
    url = reverse("review:ranking", args=[scene.challenge.pk])
    got = {
        role: _page(client, user, url).status_code
        for role, user in _people(scene, unassigned, assigned).items()
    }
    assert got == {
        "issuer": 200,
        "applicant": 404,
        "consortium member": 404,
        "other applicant": 404,
        "assigned expert": 404,
        "unassigned expert": 404,
        "moderator": 200,
        "anonymous": 302,
    }


def test_expert_pages_are_for_experts_on_the_panel_only(client, scene):
    unassigned, assigned = scene.experts
    scene.seat(assigned)
    panel = reverse("review:panel", args=[scene.challenge.pk])
    assert _page(client, assigned, panel).status_code == 200
    assert _page(client, unassigned, panel).status_code == 404
    assert _page(client, scene.issuer_user, panel).status_code == 404
    assert _page(client, scene.issuer_user, reverse("review:home")).status_code == 404
    home = _page(client, assigned, reverse("review:home")).content.decode()
    assert scene.challenge.title in home
    assert (
        scene.challenge.title
        not in _page(client, unassigned, reverse("review:home")).content.decode()
    )


@pytest.mark.parametrize(
    "path",
    [
        "/review/abc/",
        "/review/-1/",
        "/review/99999999999999999999999/",
        "/review/1/applications/x/",
        "/review/99999999999999999999999/applications/99999999999999999999/",
        "/review/99999999999999999999999/ranking/",
        "/review/99999999999999999999999/my-scores.csv",
    ],
)
def test_malformed_or_unknown_ids_answer_404(client, scene, path):
    client.force_login(scene.experts[0])
    assert client.get(path).status_code == 404
    client.force_login(scene.moderator)
    assert client.get(path).status_code == 404


# -- Blind review ---------------------------------------------------------------------


def _names(scene) -> list[str]:
    return [
        scene.first.lead_organisation.name,
        scene.first.members.get().organisation.name,
        scene.first.team_lead_name,
        scene.second.lead_organisation.name,
        scene.second.team_lead_name,
    ]


def test_blind_review_hides_applicants_from_experts_in_every_page_and_export(
    client, role_groups
):
    scene = review_scene(blind=True)
    expert = scene.experts[0]
    scene.check_all()
    scene.seat(expert)
    score_application(scene.first.pk, expert_id=expert.pk, scores=scene.scores(80, 70))
    client.force_login(expert)
    pages = {
        "home": client.get(reverse("review:home")),
        "panel": client.get(reverse("review:panel", args=[scene.challenge.pk])),
        "export": client.get(reverse("review:export", args=[scene.challenge.pk])),
        **{
            f"application {a.pk}": client.get(
                reverse("review:application", args=[scene.challenge.pk, a.pk])
            )
            for a in (scene.first, scene.second)
        },
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        text = response.content.decode("utf-8-sig")
        for secret in _names(scene):
            assert secret not in text, (name, secret)
    assert "A01" in pages["panel"].content.decode()
    assert "A01" in pages["export"].content.decode("utf-8-sig")
    assert (
        "已隐藏：本次为盲评。"
        in pages[f"application {scene.first.pk}"].content.decode()
    )
    # The issuer and the moderators see who applied (the issuer once the panel closed).
    close_panel(scene.challenge.pk, by_user_id=scene.moderator.pk)
    for user in (scene.issuer_user, scene.moderator):
        client.force_login(user)
        ranking = client.get(reverse("review:ranking", args=[scene.challenge.pk]))
        assert scene.first.lead_organisation.name in ranking.content.decode()
        page = client.get(
            reverse("review:application", args=[scene.challenge.pk, scene.first.pk])
        ).content.decode()
        assert scene.first.team_lead_name in page


def test_an_open_review_shows_applicants_to_experts(client, scene):
    expert = scene.experts[0]
    scene.check_all()
    scene.seat(expert)
    client.force_login(expert)
    page = client.get(
        reverse("review:application", args=[scene.challenge.pk, scene.first.pk])
    ).content.decode()
    assert scene.first.lead_organisation.name in page
    assert scene.first.team_lead_name in page


# -- Declaring and scoring through the pages ---------------------------------------


def test_expert_declares_then_scores_and_revises_through_the_form(client, scene):
    expert = scene.experts[0]
    scene.check_all()
    assign_expert(
        scene.challenge.pk, expert_id=expert.pk, by_user_id=scene.moderator.pk
    )
    client.force_login(expert)
    declare = reverse("review:declare", args=[scene.challenge.pk])
    assert client.post(declare, {}).status_code == 400  # box not ticked
    assert not ExpertAssignment.objects.get().has_declared
    assert client.post(declare, {"confirm": "on"}).status_code == 302
    assert ExpertAssignment.objects.get().has_declared
    tech, team = scene.criteria
    url = reverse("review:application", args=[scene.challenge.pk, scene.first.pk])
    response = client.post(
        url, {f"criterion_{tech.pk}": "80", f"criterion_{team.pk}": "50", "comment": ""}
    )
    assert response.status_code == 302
    response = client.post(
        url,
        {f"criterion_{tech.pk}": "90", f"criterion_{team.pk}": "60", "comment": "好"},
    )
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get()
    assert (sheet.total, sheet.revision) == (Decimal("78.00"), 2)
    assert ScoreSheetRevision.objects.count() == 2
    # The form shows the current scores.
    page = client.get(url).content.decode()
    assert 'value="90.00"' in page and "78.00" in page


@pytest.mark.parametrize("value", ["101", "-5", "abc", "1e3", ""])
def test_a_bad_score_is_refused_with_a_message_and_nothing_is_stored(
    client, scene, value
):
    expert = scene.experts[0]
    scene.check_all()
    scene.seat(expert)
    client.force_login(expert)
    tech, team = scene.criteria
    url = reverse("review:application", args=[scene.challenge.pk, scene.first.pk])
    response = client.post(
        url, {f"criterion_{tech.pk}": value, f"criterion_{team.pk}": "50"}
    )
    assert response.status_code == 400
    assert "请给出 0 到 100 之间的分数。" in response.content.decode()
    assert not ScoreSheet.objects.exists()


def test_the_conflicted_expert_is_told_and_cannot_score(client, scene):
    expert = scene.experts[0]
    MembershipFactory(user=expert, organisation=scene.second.lead_organisation)
    scene.check_all()
    assign_expert(
        scene.challenge.pk, expert_id=expert.pk, by_user_id=scene.moderator.pk
    )
    client.force_login(expert)
    response = client.post(
        reverse("review:declare", args=[scene.challenge.pk]), {"confirm": "on"}
    )
    assert response.status_code == 400
    assert "不能参加评审" in response.content.decode()
    assert not ExpertAssignment.objects.get().has_declared
    # As a member of the second applicant they see that one, but cannot score it.
    url = reverse("review:application", args=[scene.challenge.pk, scene.second.pk])
    tech, team = scene.criteria
    response = client.post(
        url, {f"criterion_{tech.pk}": "99", f"criterion_{team.pk}": "99"}
    )
    assert response.status_code == 404
    assert not ScoreSheet.objects.exists()


def test_a_closed_panel_shows_scores_without_the_form(client, scene):
    expert = scene.experts[0]
    scene.check_all()
    scene.seat(expert)
    score_application(scene.first.pk, expert_id=expert.pk, scores=scene.scores(70, 70))
    close_panel(scene.challenge.pk, by_user_id=scene.moderator.pk)
    client.force_login(expert)
    url = reverse("review:application", args=[scene.challenge.pk, scene.first.pk])
    page = client.get(url).content.decode()
    assert "保存评分" not in page and "评审已结束" in page
    tech, team = scene.criteria
    response = client.post(
        url, {f"criterion_{tech.pk}": "10", f"criterion_{team.pk}": "10"}
    )
    assert response.status_code == 400
    assert "专家评审已结束" in response.content.decode()
    assert ScoreSheet.objects.get().total == Decimal("70.00")


# -- Ranking and the decision ------------------------------------------------------


def _closed_panel(scene):
    for expert in scene.experts:
        scene.seat(expert)
    for expert, (a, b) in zip(scene.experts, [(95, 40), (60, 85)], strict=True):
        score_application(
            scene.first.pk, expert_id=expert.pk, scores=scene.scores(a, a)
        )
        score_application(
            scene.second.pk, expert_id=expert.pk, scores=scene.scores(b, b)
        )
    close_panel(scene.challenge.pk, by_user_id=scene.moderator.pk)


def test_ranking_shows_results_and_the_divergence_warning(client, scene):
    scene.check_all()
    _closed_panel(scene)
    client.force_login(scene.issuer_user)
    page = client.get(reverse("review:ranking", args=[scene.challenge.pk])).content
    text = page.decode()
    # first: 95, 60 → 77.50 (35 apart: divergent); second: 40, 85 → 62.50.
    assert text.index("77.50") < text.index("62.50")
    assert text.count("专家意见分歧较大") == 2
    assert "确定揭榜方" in text


def test_the_issuer_confirms_the_winner_and_the_objection_period_opens(client, scene):
    scene.check_all()
    _closed_panel(scene)
    client.force_login(scene.issuer_user)
    url = reverse("review:decide", args=[scene.challenge.pk])
    response = client.post(
        url,
        {"decision": "award", "application": scene.first.pk, "announcement": "公示"},
    )
    assert response.status_code == 302
    scene.challenge.refresh_from_db()
    assert scene.challenge.status == S.AWARDED
    assert scene.challenge.awarded_application == scene.first
    assert scene.challenge.objection_period_ends_at is not None
    page = client.get(reverse("review:ranking", args=[scene.challenge.pk])).content
    assert "异议期至" in page.decode()


def test_decision_refusals_change_nothing(client, scene):
    scene.check_all()
    _closed_panel(scene)
    url = reverse("review:decide", args=[scene.challenge.pk])
    # Not the issuer: a moderator or an applicant cannot decide.
    for user in (scene.moderator, scene.first_user):
        client.force_login(user)
        response = client.post(
            url, {"decision": "award", "application": scene.first.pk}
        )
        assert response.status_code == 404
    client.force_login(scene.issuer_user)
    for data in (
        {"decision": "award", "application": scene.draft.pk},
        {"decision": "award", "application": "abc"},
        {"decision": "award"},
        {"decision": "none", "reason": "  "},
    ):
        assert client.post(url, data).status_code == 400, data
    scene.challenge.refresh_from_db()
    assert scene.challenge.status == S.UNDER_REVIEW


def test_the_issuer_declares_none_suitable(client, scene):
    scene.check_all()
    _closed_panel(scene)
    client.force_login(scene.issuer_user)
    response = client.post(
        reverse("review:decide", args=[scene.challenge.pk]),
        {"decision": "none", "reason": "各方案均未达到循环寿命指标"},
    )
    assert response.status_code == 302
    scene.challenge.refresh_from_db()
    assert scene.challenge.status == S.FAILED
    assert scene.challenge.end_reason == "各方案均未达到循环寿命指标"


def test_the_issuer_cannot_decide_while_the_panel_is_open(client, scene):
    scene.check_all()
    expert = scene.experts[0]
    scene.seat(expert)
    score_application(scene.first.pk, expert_id=expert.pk, scores=scene.scores(90, 90))
    client.force_login(scene.issuer_user)
    page = client.get(reverse("review:ranking", args=[scene.challenge.pk])).content
    assert reverse("review:decide", args=[scene.challenge.pk]) not in page.decode()
    # No interim scores for the issuer; the moderators follow them.
    assert "90.00" not in page.decode()
    assert "排名将在此显示" in page.decode()
    client.force_login(scene.moderator)
    page = client.get(reverse("review:ranking", args=[scene.challenge.pk])).content
    assert "90.00" in page.decode()
    client.force_login(scene.issuer_user)
    response = client.post(
        reverse("review:decide", args=[scene.challenge.pk]),
        {"decision": "award", "application": scene.first.pk},
    )
    assert response.status_code == 400
    scene.challenge.refresh_from_db()
    assert scene.challenge.status == S.UNDER_REVIEW


def test_the_navigation_offers_reviews_to_experts_only(client, scene):
    client.force_login(scene.experts[0])
    assert "我的专家评审" in client.get(reverse("workbench:home")).content.decode()
    client.force_login(UserFactory(roles=[Role.ENTERPRISE]))
    assert "我的专家评审" not in client.get(reverse("workbench:home")).content.decode()


def test_the_expert_export_lists_own_sheets_and_guards_formulas(client, scene):
    expert, other = scene.experts
    scene.check_all()
    scene.seat(expert)
    scene.seat(other)
    score_application(
        scene.first.pk,
        expert_id=expert.pk,
        scores=scene.scores(80, 50),
        comment="=HYPERLINK(1)",
    )
    score_application(scene.second.pk, expert_id=other.pk, scores=scene.scores(10, 10))
    client.force_login(expert)
    response = client.get(reverse("review:export", args=[scene.challenge.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = [
        line.split(",") for line in response.content.decode("utf-8-sig").splitlines()
    ]
    assert len(rows) == 2  # the header and the expert's one sheet
    assert rows[1][:5] == [
        "A01",
        scene.first.lead_organisation.name,
        "80.00",
        "50.00",
        "68.00",
    ]
    assert rows[1][-1] == "'=HYPERLINK(1)"
