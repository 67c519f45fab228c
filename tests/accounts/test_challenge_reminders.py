"""Reminders about challenges: draft applications before the deadline, experts with
scores missing; each sent once however often the periodic task runs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    ChallengeReminder,
    ChallengeReminderKind,
    Notification,
    NotificationKind,
)
from accounts.services.challenge_reminders import (
    send_application_deadline_reminders,
    send_scoring_reminders,
)
from accounts.tasks import (
    send_application_deadline_reminders as deadline_task,
)
from accounts.tasks import send_scoring_reminders as scoring_task
from market.models import ApplicationStatus, ChallengeStatus
from market.services.review import (
    assign_expert,
    close_panel,
    declare_no_conflict,
    score_application,
)
from tests.factories import (
    ChallengeApplicationFactory,
    ChallengeFactory,
    MembershipFactory,
)
from tests.factories.review import review_scene

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def _of(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


@pytest.fixture
def open_challenge():
    """A published challenge whose deadline is 60 hours away: a draft application
    (two members), a submitted one, and the issuer."""
    now = timezone.now()
    challenge = ChallengeFactory(
        status=ChallengeStatus.PUBLISHED,
        application_deadline=now + dt.timedelta(hours=60),
    )
    draft = ChallengeApplicationFactory(challenge=challenge)
    submitted = ChallengeApplicationFactory(
        challenge=challenge, status=ApplicationStatus.SUBMITTED, submitted_at=now
    )
    return {
        "now": now,
        "challenge": challenge,
        "draft": draft,
        "drafting": [
            MembershipFactory(organisation=draft.lead_organisation).user
            for _ in range(2)
        ],
        "submitted": MembershipFactory(organisation=submitted.lead_organisation).user,
        "issuer": MembershipFactory(organisation=challenge.issuer).user,
    }


# --- the application deadline ------------------------------------------------------


def test_draft_teams_are_reminded_3_days_and_1_day_before_once_each(open_challenge):
    now, challenge = open_challenge["now"], open_challenge["challenge"]
    drafting = open_challenge["drafting"]

    assert send_application_deadline_reminders(now) == 2
    assert send_application_deadline_reminders(now + dt.timedelta(hours=1)) == 0
    for user in drafting:
        (notification,) = _of(user)
        assert notification.kind == NotificationKind.APPLICATION_DEADLINE
        assert challenge.title in notification.subject
        assert "北京时间" in notification.body
        assert notification.url == reverse(
            "workbench:application_detail", args=[open_challenge["draft"].pk]
        )

    # Within the last day: the second reminder, once.
    later = now + dt.timedelta(hours=40)
    assert send_application_deadline_reminders(later) == 2
    assert send_application_deadline_reminders(later + dt.timedelta(hours=1)) == 0
    for user in drafting:
        assert len(_of(user)) == 2
    assert set(ChallengeReminder.objects.values_list("kind", flat=True)) == {
        ChallengeReminderKind.DEADLINE_3_DAYS,
        ChallengeReminderKind.DEADLINE_1_DAY,
    }

    # The submitted application's team, the issuer: nothing.
    assert _of(open_challenge["submitted"]) == []
    assert _of(open_challenge["issuer"]) == []
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == {
        u.pk for u in drafting
    }


def test_no_reminder_far_from_the_deadline_after_it_or_once_submitted(open_challenge):
    now = open_challenge["now"]
    # More than 3 days ahead.
    assert send_application_deadline_reminders(now - DAY) == 0
    # Past the deadline (the challenge is still "published" until the close task).
    assert send_application_deadline_reminders(now + dt.timedelta(hours=61)) == 0
    # Submitted in the meantime.
    draft = open_challenge["draft"]
    draft.status = ApplicationStatus.SUBMITTED
    draft.save()
    assert send_application_deadline_reminders(now) == 0
    assert Notification.objects.count() == 0


def test_a_first_run_within_the_last_day_sends_only_the_last_reminder(open_challenge):
    later = open_challenge["now"] + dt.timedelta(hours=48)
    assert send_application_deadline_reminders(later) == 2
    assert list(
        ChallengeReminder.objects.values_list("kind", flat=True).distinct()
    ) == [ChallengeReminderKind.DEADLINE_1_DAY]


def test_no_deadline_reminder_for_a_challenge_that_is_not_published(open_challenge):
    challenge = open_challenge["challenge"]
    challenge.status = ChallengeStatus.WITHDRAWN
    challenge.save()
    assert send_application_deadline_reminders(open_challenge["now"]) == 0


def test_the_deadline_task_emails_once_when_it_runs_twice(
    open_challenge, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert deadline_task.apply().get() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert deadline_task.apply().get() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email for u in open_challenge["drafting"]
    )


# --- experts' scores ---------------------------------------------------------------


@pytest.fixture
def panel(role_groups):
    """A challenge under review with both applications checked complete and three
    experts: one seated 4 days ago who scored one of two, one seated 4 days ago who
    has not declared yet, one seated today."""
    scene = review_scene(blind=True, experts=3)
    scene.check_all()
    now = timezone.now()
    scorer, undeclared, fresh = scene.experts
    for expert, seated in ((scorer, now - 4 * DAY), (undeclared, now - 4 * DAY)):
        assign_expert(
            scene.challenge.pk,
            expert_id=expert.pk,
            by_user_id=scene.moderator.pk,
            now=seated,
        )
    declare_no_conflict(scene.challenge.pk, expert_id=scorer.pk)
    scene.seat(fresh)
    score_application(
        scene.first.pk, expert_id=scorer.pk, scores=scene.scores("80", "70")
    )
    scene.now = now
    return scene


def test_experts_with_missing_scores_are_reminded_once_a_few_days_after_seating(panel):
    scorer, undeclared, fresh = panel.experts

    assert send_scoring_reminders(panel.now) == 2
    assert send_scoring_reminders(panel.now + dt.timedelta(hours=1)) == 0

    (reminder,) = _of(scorer)
    assert reminder.kind == NotificationKind.SCORING_REMINDER
    assert panel.challenge.title in reminder.subject
    assert " 1 " in reminder.body  # one of the two is still to score
    assert reminder.url == reverse("review:panel", args=[panel.challenge.pk])
    (to_declare,) = _of(undeclared)
    assert " 2 " in to_declare.body
    assert "利益冲突" in to_declare.body
    assert "利益冲突" not in reminder.body
    # Seated today: not yet.
    assert _of(fresh) == []
    # Blind review: no applicant and no other expert is named.
    for notification in Notification.objects.all():
        for secret in (
            panel.first.lead_organisation.name,
            panel.second.lead_organisation.name,
            panel.first.team_lead_name,
            scorer.display_name,
            undeclared.display_name,
            fresh.display_name,
        ):
            assert secret not in notification.subject + notification.body
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == {
        scorer.pk,
        undeclared.pk,
    }

    # Days later the fresh expert's turn comes; the others are not told again.
    assert send_scoring_reminders(panel.now + 4 * DAY) == 1
    assert len(_of(fresh)) == 1
    assert len(_of(scorer)) == 1


def test_no_scoring_reminder_when_everything_is_scored_or_the_panel_is_closed(panel):
    scorer = panel.experts[0]
    score_application(
        panel.second.pk, expert_id=scorer.pk, scores=panel.scores("60", "50")
    )
    close_panel(panel.challenge.pk, by_user_id=panel.moderator.pk)
    assert send_scoring_reminders(panel.now + 10 * DAY) == 0
    assert Notification.objects.count() == 0


def test_an_expert_who_scored_everything_is_not_reminded(panel):
    scorer, undeclared, _fresh = panel.experts
    score_application(
        panel.second.pk, expert_id=scorer.pk, scores=panel.scores("60", "50")
    )
    assert send_scoring_reminders(panel.now) == 1
    assert _of(scorer) == []
    assert len(_of(undeclared)) == 1


def test_a_conflicted_expert_is_not_reminded(panel):
    undeclared = panel.experts[1]
    MembershipFactory(user=undeclared, organisation=panel.second.lead_organisation)
    assert send_scoring_reminders(panel.now) == 1
    assert _of(undeclared) == []


def test_the_scoring_task_emails_once_when_it_runs_twice(
    role_groups, eager_celery, django_capture_on_commit_callbacks
):
    scene = review_scene()
    scene.check_all()
    expert = scene.experts[0]
    assign_expert(
        scene.challenge.pk,
        expert_id=expert.pk,
        by_user_id=scene.moderator.pk,
        now=timezone.now() - 5 * DAY,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert scoring_task.apply().get() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert scoring_task.apply().get() == 0
    assert [m.to for m in mail.outbox] == [[expert.email]]


# --- the schedule ------------------------------------------------------------------


def test_beat_runs_the_reminder_tasks_and_they_expire():
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    entries = {entry["task"]: entry for entry in schedule.values()}
    for task in (deadline_task, scoring_task):
        entry = entries[task.name]
        assert entry["options"]["expires"] > 0
