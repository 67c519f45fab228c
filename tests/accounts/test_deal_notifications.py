"""Who hears of a deal: stage changes, offers and payments reach both parties' members
and the agent, never the one who acted; an agent's follow-up is reminded once when it
falls due, in the site and by email."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, NotificationKind
from accounts.roles import Role
from accounts.services.deal_reminders import send_deal_follow_up_reminders
from market.models import DealFollowUp, DealStage
from market.services import deals
from market.services.deals import OfferData, StageData
from tests.factories import MembershipFactory, UserFactory
from tests.factories.deals import deal_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(role_groups):
    agent = UserFactory(roles=[Role.AGENT])
    deal = deal_at(DealStage.NEGOTIATION, agent=agent)
    supplier = MembershipFactory(organisation=deal.supplier).user
    buyer = MembershipFactory(organisation=deal.buyer).user
    outsider = MembershipFactory().user
    Notification.objects.all().delete()
    return agent, deal, supplier, buyer, outsider


def told(kind: str) -> set[int]:
    return set(
        Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True)
    )


def test_a_stage_change_tells_both_parties_but_not_the_agent_who_moved_it(
    scene, eager_celery, django_capture_on_commit_callbacks
):
    agent, deal, supplier, buyer, _outsider = scene
    with django_capture_on_commit_callbacks(execute=True):
        deals.move(
            deal.pk,
            "sign",
            by_user_id=agent.pk,
            data=StageData(signed_on=timezone.localdate(), contract_amount_wan="100"),
        )
    assert told(NotificationKind.DEAL_STAGE) == {supplier.pk, buyer.pk}
    note = Notification.objects.filter(recipient=supplier).get()
    assert note.url == reverse("deals:detail", args=[deal.pk])
    assert deal.title in note.subject
    assert sorted(m.to[0] for m in mail.outbox) == sorted([supplier.email, buyer.email])


def test_an_offer_tells_the_other_party_and_the_agent_not_the_one_who_made_it(scene):
    agent, deal, supplier, buyer, _outsider = scene
    offer = deals.make_offer(
        deal.pk,
        OfferData(structure="lump_sum", total_wan="80"),
        side="supplier",
        by_user_id=supplier.pk,
    )
    assert told(NotificationKind.DEAL_OFFER) == {buyer.pk, agent.pk}
    Notification.objects.all().delete()
    deals.accept_offer(offer.pk, side="buyer", by_user_id=buyer.pk)
    assert told(NotificationKind.DEAL_OFFER) == {supplier.pk, agent.pk}


def test_a_payment_tells_the_parties(scene):
    agent, _deal, _supplier, _buyer, _outsider = scene
    signed = deal_at(DealStage.SIGNED, agent=agent)
    member = MembershipFactory(organisation=signed.buyer).user
    Notification.objects.all().delete()
    deals.record_payment(
        signed.pk, amount_wan="30", paid_on=timezone.localdate(), by_user_id=agent.pk
    )
    assert told(NotificationKind.DEAL_PAYMENT) == {member.pk}


def test_a_note_or_a_document_tells_nobody(scene):
    agent, deal, _supplier, _buyer, _outsider = scene
    deals.add_note(deal.pk, body="私下备注", by_user_id=agent.pk)
    assert not Notification.objects.exists()


def test_a_follow_up_is_reminded_once_when_it_falls_due(
    scene, eager_celery, django_capture_on_commit_callbacks
):
    agent, deal, _supplier, _buyer, _outsider = scene
    soon = timezone.now() + dt.timedelta(hours=1)
    follow_up = deals.set_follow_up(
        deal.pk, agent_id=agent.pk, due_at=soon, what="电话确认报价"
    )
    done = deals.set_follow_up(deal.pk, agent_id=agent.pk, due_at=soon, what="已完成")
    deals.finish_follow_up(done.pk, agent_id=agent.pk)
    later = deals.set_follow_up(
        deal.pk,
        agent_id=agent.pk,
        due_at=timezone.now() + dt.timedelta(days=3),
        what="下周",
    )
    assert send_deal_follow_up_reminders() == 0  # nothing due yet
    with django_capture_on_commit_callbacks(execute=True):
        assert send_deal_follow_up_reminders(now=soon + dt.timedelta(minutes=1)) == 1
    assert send_deal_follow_up_reminders(now=soon + dt.timedelta(minutes=6)) == 0
    reminders = Notification.objects.filter(kind=NotificationKind.DEAL_FOLLOW_UP)
    assert [(n.recipient_id, n.url) for n in reminders] == [
        (agent.pk, reverse("deals:detail", args=[deal.pk]))
    ]
    assert "电话确认报价" in reminders[0].body
    assert [m.to for m in mail.outbox] == [[agent.email]]
    follow_up.refresh_from_db()
    assert follow_up.reminded_at is not None
    assert DealFollowUp.objects.get(pk=later.pk).reminded_at is None
    assert DealFollowUp.objects.get(pk=done.pk).reminded_at is None


def test_the_reminder_task_runs_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-deal-follow-ups"]
    assert entry["task"] == "accounts.tasks.send_deal_follow_up_reminders"
    from accounts.tasks import send_deal_follow_up_reminders as task

    assert task.name == entry["task"]


def test_a_deal_opened_by_an_agent_tells_both_parties(role_groups):
    from market.services.deals import create_deal
    from tests.factories.market import DemandFactory, OutcomeFactory

    agent = UserFactory(roles=[Role.AGENT])
    outcome, demand = OutcomeFactory(), DemandFactory()
    supplier = MembershipFactory(organisation=outcome.organisation).user
    buyer = MembershipFactory(organisation=demand.organisation).user
    Notification.objects.all().delete()
    deal = create_deal(
        by_user_id=agent.pk,
        agent_id=agent.pk,
        supplier_id=outcome.organisation_id,
        buyer_id=demand.organisation_id,
        mode="transfer",
        outcome_id=outcome.pk,
        demand_id=demand.pk,
    )
    assert told(NotificationKind.DEAL_STAGE) == {supplier.pk, buyer.pk}
    body = Notification.objects.filter(recipient=buyer).get().body
    assert outcome.organisation.name in body and deal.title in body
