"""The agents' introduction and the parties' answers together: what ``introduce()``
opens is what both organisations' members find and answer in their conversation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.services.roles import sync_role_groups
from matching.models import Introduction, IntroductionResponse, ProposalState
from matching.services.decisions import introduce
from tests.factories import MembershipFactory, UserFactory
from tests.matching.queue_cast import make_cast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def introduced(db):
    sync_role_groups()
    cast = make_cast()
    # A second member of the demand's organisation: not the one notified first,
    # still a party of the introduction.
    colleague = UserFactory()
    MembershipFactory(user=colleague, organisation=cast["demand"].organisation)
    cast["colleague"] = colleague
    cast["introduction"] = introduce(cast["proposal"].pk, cast["agent"].pk)
    return cast


def _thread(client, user, introduction: Introduction):
    client.force_login(user)
    return client.get(
        reverse("engage:conversation", args=[introduction.conversation_id])
    )


@pytest.mark.parametrize("who", ["demand_owner", "colleague", "outcome_owner"])
def test_introduction_thread_offers_each_party_member_the_answer_form(
    client, introduced, who
):
    introduction = introduced["introduction"]
    page = _thread(client, introduced[who], introduction)
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("matching_answers:answer", args=[introduction.pk]) in html
    assert introduced["outcome"].title in html


def test_introduction_thread_shows_the_agent_no_answer_form_and_strangers_nothing(
    client, introduced
):
    introduction = introduced["introduction"]
    answer_url = reverse("matching_answers:answer", args=[introduction.pk])
    agent_page = _thread(client, introduced["agent"], introduction)
    assert agent_page.status_code == 200
    assert answer_url not in agent_page.content.decode()
    assert _thread(client, introduced["member"], introduction).status_code == 404


def test_introduction_answered_by_both_parties_is_confirmed(client, introduced):
    introduction = introduced["introduction"]
    answer_url = reverse("matching_answers:answer", args=[introduction.pk])
    for who in ("colleague", "outcome_owner"):
        client.force_login(introduced[who])
        response = client.post(answer_url, {"response": "accepted"})
        assert response.status_code == 302
    introduction.refresh_from_db()
    assert introduction.demand_response == IntroductionResponse.ACCEPTED
    assert introduction.outcome_response == IntroductionResponse.ACCEPTED
    assert introduction.confirmed_at is not None
    assert introduction.proposal.state == ProposalState.ACCEPTED
    thread = _thread(client, introduced["agent"], introduction).content.decode()
    assert 'data-answer="demand"' in thread


def test_introduction_declined_by_one_party_keeps_the_reason(client, introduced):
    introduction = introduced["introduction"]
    client.force_login(introduced["outcome_owner"])
    client.post(
        reverse("matching_answers:answer", args=[introduction.pk]),
        {"response": "declined", "reason": "terms"},
    )
    introduction.refresh_from_db()
    assert introduction.outcome_response == IntroductionResponse.DECLINED
    assert introduction.outcome_reason == "terms"
    assert introduction.confirmed_at is None
