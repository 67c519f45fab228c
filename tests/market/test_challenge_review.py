"""Expert review of applications: formal check, panel, declarations, scoring,
aggregation and the award decision (market.services.review, market.scoring)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.roles import Role
from market.models import (
    ChallengeStatus,
    ChallengeTransition,
    CriterionScore,
    ExpertAssignment,
    FormalCheck,
    FormalCheckOutcome,
    ScoreSheet,
    ScoreSheetRevision,
)
from market.permissions import can_view_application, visible_applications
from market.scoring import aggregate, weighted_total
from market.selectors import review_ranking
from market.services.challenges import (
    close_challenge,
    raise_objection,
    start_review,
)
from market.services.review import (
    ReviewError,
    assign_expert,
    check_application,
    close_panel,
    confirm_winner,
    declare_no_conflict,
    declare_no_winner,
    remove_expert,
    score_application,
)
from tests.factories import MembershipFactory, UserFactory
from tests.factories.review import review_scene

pytestmark = pytest.mark.django_db

S = ChallengeStatus
D = Decimal


@pytest.fixture
def scene(role_groups):
    return review_scene()


# -- market.scoring ---------------------------------------------------------------


def test_weighted_total_weighs_each_score_by_its_criterion():
    assert weighted_total({1: D("80"), 2: D("50")}, {1: 60, 2: 40}) == D("68.00")
    assert weighted_total({1: D("100"), 2: D("100")}, {1: 60, 2: 40}) == D("100.00")
    assert weighted_total({1: D("33.33"), 2: D("0")}, {1: 70, 2: 30}) == D("23.33")


def test_aggregate_is_the_plain_mean_below_five_sheets():
    result = aggregate([D("70"), D("80"), D("90"), D("60")])
    assert result.result == D("75.00")
    assert not result.trimmed
    assert result.count == 4


def test_aggregate_drops_the_highest_and_lowest_from_five_sheets():
    result = aggregate([D("70"), D("72"), D("74"), D("76"), D("99")])
    # 70 and 99 dropped: (72 + 74 + 76) / 3
    assert result.result == D("74.00")
    assert result.trimmed


def test_aggregate_of_no_sheets_has_no_result():
    result = aggregate([])
    assert result.result is None
    assert not result.divergent


@pytest.mark.parametrize(
    ("totals", "divergent"),
    [
        ([D("70"), D("80"), D("85")], False),  # range 15, stdev 6.24
        ([D("60"), D("90")], True),  # range 30: the limit counts
        ([D("60"), D("84")], False),  # range 24, stdev 12.00: not above 12
        ([D("60"), D("84.02")], True),  # stdev 12.01
        ([D("70"), D("71"), D("72"), D("99"), D("100")], True),  # range 30
        ([D("50"), D("50"), D("50"), D("50"), D("79")], False),  # 29, stdev 11.6
        ([D("60"), D("60"), D("85"), D("85")], True),  # range 25, a split panel
    ],
)
def test_aggregate_warns_when_experts_diverge(totals, divergent):
    assert aggregate(totals).divergent is divergent


# -- Formal check -------------------------------------------------------------------


def test_formal_check_records_outcome_reasons_who_and_when(scene):
    now = timezone.now()
    check = check_application(
        scene.second.pk,
        by_user_id=scene.moderator.pk,
        complete=False,
        reasons="缺少第三方检测报告",
        now=now,
    )
    assert check.outcome == FormalCheckOutcome.INCOMPLETE
    assert (check.reasons, check.checked_by, check.checked_at) == (
        "缺少第三方检测报告",
        scene.moderator,
        now,
    )
    # Corrected while the panel is open: complete now, reasons cleared.
    check_application(scene.second.pk, by_user_id=scene.moderator.pk, complete=True)
    check.refresh_from_db()
    assert check.is_complete and check.reasons == ""


def test_incomplete_without_reasons_is_refused_and_changes_nothing(scene):
    with pytest.raises(ReviewError) as error:
        check_application(
            scene.first.pk, by_user_id=scene.moderator.pk, complete=False, reasons=" "
        )
    assert error.value.code == "reasons_required"
    assert not FormalCheck.objects.exists()


def test_drafts_and_open_challenges_are_not_checked(role_groups):
    scene = review_scene(status=S.PUBLISHED)
    with pytest.raises(ReviewError) as error:
        check_application(scene.first.pk, by_user_id=scene.moderator.pk, complete=True)
    assert error.value.code == "not_in_review"
    scene = review_scene(status=S.CLOSED)
    with pytest.raises(ReviewError) as error:
        check_application(scene.draft.pk, by_user_id=scene.moderator.pk, complete=True)
    assert error.value.code == "not_submitted"
    assert not FormalCheck.objects.exists()


# -- The panel and declarations ------------------------------------------------------


def test_only_users_with_the_expert_role_can_be_assigned_once(scene):
    plain = UserFactory()
    with pytest.raises(ReviewError) as error:
        assign_expert(
            scene.challenge.pk, expert_id=plain.pk, by_user_id=scene.moderator.pk
        )
    assert error.value.code == "not_an_expert"
    expert = scene.experts[0]
    assign_expert(
        scene.challenge.pk, expert_id=expert.pk, by_user_id=scene.moderator.pk
    )
    with pytest.raises(ReviewError) as error:
        assign_expert(
            scene.challenge.pk, expert_id=expert.pk, by_user_id=scene.moderator.pk
        )
    assert error.value.code == "already_assigned"
    assert ExpertAssignment.objects.count() == 1


@pytest.mark.parametrize("org", ["issuer", "lead", "consortium"])
def test_declaration_is_refused_for_members_of_the_issuer_or_an_applicant(scene, org):
    expert = scene.experts[0]
    organisation = {
        "issuer": scene.challenge.issuer,
        "lead": scene.second.lead_organisation,
        "consortium": scene.first.members.get().organisation,
    }[org]
    MembershipFactory(user=expert, organisation=organisation)
    scene.check_all()
    assign_expert(
        scene.challenge.pk, expert_id=expert.pk, by_user_id=scene.moderator.pk
    )
    with pytest.raises(ReviewError) as error:
        declare_no_conflict(scene.challenge.pk, expert_id=expert.pk)
    assert error.value.code == "conflict_of_interest"
    assert "不能参加评审" in str(error.value.message)
    assert ExpertAssignment.objects.get().declared_at is None
    with pytest.raises(ReviewError) as error:
        score_application(
            scene.second.pk, expert_id=expert.pk, scores=scene.scores(80, 80)
        )
    assert error.value.code == "not_declared"
    assert not ScoreSheet.objects.exists()


def test_an_unassigned_expert_cannot_declare(scene):
    with pytest.raises(ReviewError) as error:
        declare_no_conflict(scene.challenge.pk, expert_id=scene.experts[0].pk)
    assert error.value.code == "not_assigned"


# -- Visibility -------------------------------------------------------------------


def test_assigned_declared_experts_see_the_complete_applications_of_their_challenge(
    scene,
):
    expert, other_expert = scene.experts
    check_application(scene.first.pk, by_user_id=scene.moderator.pk, complete=True)
    check_application(
        scene.second.pk, by_user_id=scene.moderator.pk, complete=False, reasons="缺页"
    )
    assign_expert(
        scene.challenge.pk, expert_id=expert.pk, by_user_id=scene.moderator.pk
    )
    # Assigned but not declared: nothing yet.
    assert not can_view_application(expert, scene.first)
    declare_no_conflict(scene.challenge.pk, expert_id=expert.pk)
    assert can_view_application(expert, scene.first)
    assert not can_view_application(expert, scene.second)  # incomplete
    assert not can_view_application(expert, scene.draft)
    assert not can_view_application(other_expert, scene.first)  # not assigned
    # Another challenge's applications stay hidden from this panel's expert.
    elsewhere = review_scene()
    elsewhere.check_all()
    assert not can_view_application(expert, elsewhere.first)
    from market.models import ChallengeApplication

    everything = ChallengeApplication.objects.all()
    assert list(visible_applications(everything, expert)) == [scene.first]
    assert not visible_applications(everything, other_expert).exists()


def test_an_expert_who_loses_the_role_sees_nothing(scene):
    expert = scene.experts[0]
    scene.check_all()
    scene.seat(expert)
    expert.groups.clear()
    expert = type(expert).objects.get(pk=expert.pk)  # permission cache
    assert not can_view_application(expert, scene.first)


# -- Scoring ----------------------------------------------------------------------


def test_scoring_stores_scores_and_weighted_total_and_keeps_every_revision(scene):
    expert = scene.experts[0]
    scene.check_all()
    scene.seat(expert)
    sheet = score_application(
        scene.first.pk, expert_id=expert.pk, scores=scene.scores("80", "50")
    )
    assert sheet.total == D("68.00") and sheet.revision == 1
    sheet = score_application(
        scene.first.pk,
        expert_id=expert.pk,
        scores=scene.scores("90", "75.5"),
        comment="方案可行",
    )
    assert ScoreSheet.objects.count() == 1
    assert (sheet.total, sheet.revision, sheet.comment) == (D("84.20"), 2, "方案可行")
    assert sorted(CriterionScore.objects.values_list("score", flat=True)) == [
        D("75.50"),
        D("90.00"),
    ]
    revisions = list(ScoreSheetRevision.objects.filter(sheet=sheet))
    assert [(r.revision, r.total) for r in revisions] == [
        (1, D("68.00")),
        (2, D("84.20")),
    ]
    tech, _team = scene.criteria
    assert revisions[0].scores[str(tech.pk)] == "80"


@pytest.mark.parametrize(
    "values",
    [
        ("101", "50"),
        ("-1", "50"),
        ("abc", "50"),
        ("NaN", "50"),
        ("80.123", "50"),
        ("", "50"),
        (None, "50"),
    ],
)
def test_bad_scores_are_refused_and_nothing_is_stored(scene, values):
    expert = scene.experts[0]
    scene.check_all()
    scene.seat(expert)
    with pytest.raises(ReviewError) as error:
        score_application(
            scene.first.pk, expert_id=expert.pk, scores=scene.scores(*values)
        )
    assert error.value.code == "invalid_scores"
    assert "0 到 100" in str(error.value.message)
    assert not ScoreSheet.objects.exists()


def test_a_missing_criterion_or_a_foreign_one_is_refused(scene):
    expert = scene.experts[0]
    scene.check_all()
    scene.seat(expert)
    tech, _team = scene.criteria
    with pytest.raises(ReviewError):
        score_application(scene.first.pk, expert_id=expert.pk, scores={tech.pk: 80})
    with pytest.raises(ReviewError):
        score_application(
            scene.first.pk,
            expert_id=expert.pk,
            scores={**scene.scores(80, 80), 999999: 50},
        )
    assert not ScoreSheet.objects.exists()


def test_unassigned_undeclared_conflicted_or_incomplete_cannot_be_scored(scene):
    unassigned, expert = scene.experts
    check_application(scene.first.pk, by_user_id=scene.moderator.pk, complete=True)
    check_application(
        scene.second.pk, by_user_id=scene.moderator.pk, complete=False, reasons="缺页"
    )

    def refused(application, user) -> str:
        with pytest.raises(ReviewError) as error:
            score_application(
                application.pk, expert_id=user.pk, scores=scene.scores(80, 80)
            )
        return error.value.code

    assert refused(scene.first, unassigned) == "not_assigned"
    assign_expert(
        scene.challenge.pk, expert_id=expert.pk, by_user_id=scene.moderator.pk
    )
    assert refused(scene.first, expert) == "not_declared"
    declare_no_conflict(scene.challenge.pk, expert_id=expert.pk)
    assert refused(scene.second, expert) == "not_complete"
    assert refused(scene.draft, expert) == "not_complete"
    # Joins an applicant after declaring: conflicted from then on.
    MembershipFactory(user=expert, organisation=scene.second.lead_organisation)
    assert refused(scene.first, expert) == "conflict_of_interest"
    assert not ScoreSheet.objects.exists()


def test_scoring_is_refused_once_the_panel_is_closed(scene):
    expert = scene.experts[0]
    scene.check_all()
    scene.seat(expert)
    score_application(scene.first.pk, expert_id=expert.pk, scores=scene.scores(80, 80))
    close_panel(scene.challenge.pk, by_user_id=scene.moderator.pk)
    with pytest.raises(ReviewError) as error:
        score_application(
            scene.first.pk, expert_id=expert.pk, scores=scene.scores(10, 10)
        )
    assert error.value.code == "panel_closed"
    assert ScoreSheet.objects.get().total == D("80.00")
    assert ScoreSheetRevision.objects.count() == 1


def test_the_panel_does_not_close_without_scores_or_twice(scene):
    with pytest.raises(ReviewError) as error:
        close_panel(scene.challenge.pk, by_user_id=scene.moderator.pk)
    assert error.value.code == "no_scores"
    expert = scene.experts[0]
    scene.check_all()
    scene.seat(expert)
    score_application(scene.first.pk, expert_id=expert.pk, scores=scene.scores(80, 80))
    close_panel(scene.challenge.pk, by_user_id=scene.moderator.pk)
    with pytest.raises(ReviewError) as error:
        close_panel(scene.challenge.pk, by_user_id=scene.moderator.pk)
    assert error.value.code == "panel_closed"


# -- Ranking ----------------------------------------------------------------------


def test_ranking_orders_by_trimmed_mean_and_flags_divergence(role_groups):
    scene = review_scene(experts=5)
    scene.check_all()
    for expert in scene.experts:
        scene.seat(expert)
    # first: 5 sheets, trimmed; second: 2 sheets 40 apart → divergent.
    for expert, value in zip(scene.experts, [60, 70, 72, 74, 100], strict=True):
        score_application(
            scene.first.pk, expert_id=expert.pk, scores=scene.scores(value, value)
        )
    for expert, value in zip(scene.experts[:2], [50, 90], strict=True):
        score_application(
            scene.second.pk, expert_id=expert.pk, scores=scene.scores(value, value)
        )
    first, second = review_ranking(scene.challenge.pk)
    assert (first.application, first.rank) == (scene.first, 1)
    assert first.aggregate.result == D("72.00") and first.aggregate.trimmed
    assert first.aggregate.divergent  # 60 … 100
    assert (second.application, second.rank) == (scene.second, 2)
    assert second.aggregate.result == D("70.00") and second.aggregate.divergent
    assert (first.code, second.code) == ("A01", "A02")


def test_unscored_complete_applications_come_last_unranked(scene):
    expert = scene.experts[0]
    scene.check_all()
    scene.seat(expert)
    score_application(scene.second.pk, expert_id=expert.pk, scores=scene.scores(50, 50))
    ranking = review_ranking(scene.challenge.pk)
    assert [(r.application, r.rank) for r in ranking] == [
        (scene.second, 1),
        (scene.first, None),
    ]


# -- The decision -----------------------------------------------------------------


def _scored_and_closed(scene):
    expert = scene.experts[0]
    scene.check_all()
    scene.seat(expert)
    score_application(scene.first.pk, expert_id=expert.pk, scores=scene.scores(90, 90))
    close_panel(scene.challenge.pk, by_user_id=scene.moderator.pk)


def test_the_issuer_decides_only_after_the_panel_closes(scene):
    expert = scene.experts[0]
    scene.check_all()
    scene.seat(expert)
    score_application(scene.first.pk, expert_id=expert.pk, scores=scene.scores(90, 90))
    with pytest.raises(ReviewError) as error:
        confirm_winner(
            scene.challenge.pk,
            application_id=scene.first.pk,
            by_user_id=scene.issuer_user.pk,
        )
    assert error.value.code == "panel_open"
    with pytest.raises(ReviewError):
        declare_no_winner(
            scene.challenge.pk, by_user_id=scene.issuer_user.pk, reason="均不合适"
        )
    scene.challenge.refresh_from_db()
    assert scene.challenge.status == S.UNDER_REVIEW


def test_the_winner_must_come_from_the_ranking(scene):
    _scored_and_closed(scene)
    for application in (scene.second, scene.draft):  # unscored; a draft
        with pytest.raises(ReviewError) as error:
            confirm_winner(
                scene.challenge.pk,
                application_id=application.pk,
                by_user_id=scene.issuer_user.pk,
            )
        assert error.value.code == "not_ranked"
    scene.challenge.refresh_from_db()
    assert scene.challenge.status == S.UNDER_REVIEW


def test_declaring_no_winner_needs_a_reason_and_fails_the_challenge(scene):
    _scored_and_closed(scene)
    with pytest.raises(ReviewError) as error:
        declare_no_winner(
            scene.challenge.pk, by_user_id=scene.issuer_user.pk, reason=""
        )
    assert error.value.code == "reason_required"
    declare_no_winner(
        scene.challenge.pk, by_user_id=scene.issuer_user.pk, reason="指标均未达到"
    )
    scene.challenge.refresh_from_db()
    assert scene.challenge.status == S.FAILED
    assert scene.challenge.end_reason == "指标均未达到"


def test_the_whole_path_from_a_closed_challenge_to_awarded(role_groups):
    deadline = timezone.now() - dt.timedelta(hours=1)
    scene = review_scene(status=S.PUBLISHED)
    scene.challenge.application_deadline = deadline
    scene.challenge.save()
    close_challenge(scene.challenge.pk, now=timezone.now())
    scene.check_all()
    start_review(scene.challenge.pk, by_user_id=scene.moderator.pk)
    for expert in scene.experts:
        scene.seat(expert)
    for expert, (a, b) in zip(scene.experts, [(90, 80), (70, 60)], strict=True):
        score_application(
            scene.first.pk, expert_id=expert.pk, scores=scene.scores(a, b)
        )
        score_application(
            scene.second.pk, expert_id=expert.pk, scores=scene.scores(b, a)
        )
    close_panel(scene.challenge.pk, by_user_id=scene.moderator.pk)
    winner = review_ranking(scene.challenge.pk)[0].application
    assert winner == scene.first  # 86/66 → 76 against 84/64 → 74
    now = timezone.now()
    challenge = confirm_winner(
        scene.challenge.pk,
        application_id=winner.pk,
        by_user_id=scene.issuer_user.pk,
        announcement="经专家评审，拟由江南理工大学挂帅。",
        now=now,
    )
    assert challenge.status == S.AWARDED
    assert challenge.awarded_application == scene.first
    assert challenge.objection_period_ends_at == now + dt.timedelta(
        days=challenge.objection_days
    )
    assert list(
        ChallengeTransition.objects.filter(challenge=challenge).values_list(
            "action", flat=True
        )
    ) == ["close", "start_review", "award"]
    # The 公示 is open: objections are taken.
    raise_objection(
        challenge.pk, by_user_id=scene.second_user.pk, text="评分有误", now=now
    )


def test_an_expert_with_the_role_granted_directly_counts(scene):
    from django.contrib.auth.models import Permission

    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="serve_on_panel"))
    assign_expert(scene.challenge.pk, expert_id=user.pk, by_user_id=scene.moderator.pk)
    assert ExpertAssignment.objects.filter(expert=user).exists()


def test_the_expert_role_carries_the_panel_permission(role_groups):
    expert = UserFactory(roles=[Role.EXPERT])
    assert expert.has_perm("market.serve_on_panel")
    assert not UserFactory(roles=[Role.AGENT]).has_perm("market.serve_on_panel")


def test_a_moderator_takes_an_expert_off_the_panel_until_they_have_scored(scene):
    scene.check_all()
    idle, busy = scene.experts
    scene.seat(idle)
    scene.seat(busy)
    score_application(scene.first.pk, expert_id=busy.pk, scores=scene.scores(80, 70))

    remove_expert(scene.challenge.pk, expert_id=idle.pk, by_user_id=scene.moderator.pk)
    assert list(ExpertAssignment.objects.values_list("expert_id", flat=True)) == [
        busy.pk
    ]
    # The removed expert can no longer score.
    with pytest.raises(ReviewError):
        score_application(
            scene.first.pk, expert_id=idle.pk, scores=scene.scores(90, 90)
        )

    with pytest.raises(ReviewError) as error:
        remove_expert(
            scene.challenge.pk, expert_id=busy.pk, by_user_id=scene.moderator.pk
        )
    assert error.value.code == "has_scored"
    with pytest.raises(ReviewError) as error:
        remove_expert(
            scene.challenge.pk, expert_id=idle.pk, by_user_id=scene.moderator.pk
        )
    assert error.value.code == "not_assigned"
    close_panel(scene.challenge.pk, by_user_id=scene.moderator.pk)
    assert ExpertAssignment.objects.filter(expert=busy).exists()
