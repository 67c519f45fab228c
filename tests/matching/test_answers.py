"""Each party's answer to an introduction: who may answer, once per side, both
accepted, decline reasons, notifications, and the panel on the conversation page."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import Notification, NotificationKind
from accounts.roles import Role
from accounts.services.roles import sync_role_groups
from market.models import ListingStatus, Side
from matching.models import (
    DeclineReason,
    IntroductionResponse,
    ProposalState,
)
from matching.services.answers import AnswerError, answer_introduction
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories.accounts import PASSWORD
from tests.factories.introductions import ProposalFactory, introduce

pytestmark = pytest.mark.django_db

ACCEPTED = IntroductionResponse.ACCEPTED
DECLINED = IntroductionResponse.DECLINED


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def cast(db):
    """Both parties (two members each), the agent who introduced them, and others."""
    sync_role_groups()
    firm = OrganisationFactory(name="苏州储能科技有限公司")
    lab = OrganisationFactory(name="江南大学储能实验室")
    people = {}
    for name, org, role in [
        ("buyer", firm, Role.ENTERPRISE),
        ("buyer_colleague", firm, Role.ENTERPRISE),
        ("seller", lab, Role.RESEARCHER),
        ("seller_colleague", lab, Role.RESEARCHER),
        ("outsider", OrganisationFactory(), Role.ENTERPRISE),
    ]:
        people[name] = UserFactory(roles=[role], email=f"{name}@example.cn")
        MembershipFactory(user=people[name], organisation=org)
    people["agent"] = UserFactory(roles=[Role.AGENT], email="agent@example.cn")
    people["moderator"] = UserFactory(roles=[Role.MODERATOR])
    proposal = ProposalFactory(
        demand__organisation=firm,
        demand__title="储能电站锂电池热失控预警需求",
        outcome__organisation=lab,
        outcome__title="锂电池热失控多参数早期预警系统",
    )
    people["introduction"] = introduce(
        proposal, agent=people["agent"], requester=people["buyer"]
    )
    Notification.objects.all().delete()
    return people


def _kinds(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).values_list("kind", flat=True)
    )


def _answer(cast, who, response, **extra):
    return answer_introduction(
        cast["introduction"].pk, user_id=cast[who].pk, response=response, **extra
    )


def test_answer_introduction_records_the_answer_and_tells_the_others(
    cast, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        introduction = _answer(cast, "buyer", ACCEPTED, note="下周可以面谈")

    assert introduction.demand_response == ACCEPTED
    assert introduction.demand_note == "下周可以面谈"
    assert introduction.outcome_response == IntroductionResponse.PENDING
    assert introduction.confirmed_at is None
    last = introduction.conversation.messages.order_by("pk").last()
    assert last.side == Side.SYSTEM
    assert "The demand owner accepted the introduction." in last.body
    assert "下周可以面谈" in last.body
    message = NotificationKind.CONVERSATION_MESSAGE
    assert _kinds(cast["seller"]) == [message]
    assert _kinds(cast["seller_colleague"]) == [message]
    assert _kinds(cast["agent"]) == [message]
    assert _kinds(cast["buyer"]) == []  # the author
    assert _kinds(cast["outsider"]) == []
    mailed = {tuple(m.to) for m in mail.outbox}
    assert ("seller@example.cn",) in mailed and ("agent@example.cn",) in mailed
    assert ("buyer@example.cn",) not in mailed


def test_answer_introduction_both_accepted_confirms_it_and_tells_the_agent(cast):
    _answer(cast, "seller", ACCEPTED)
    Notification.objects.all().delete()
    introduction = _answer(cast, "buyer_colleague", ACCEPTED)

    assert introduction.confirmed_at is not None
    introduction.proposal.refresh_from_db()
    assert introduction.proposal.state == ProposalState.ACCEPTED
    [told] = Notification.objects.filter(recipient=cast["agent"])
    assert "Both parties accepted" in told.body
    assert _kinds(cast["buyer_colleague"]) == []


def test_answer_introduction_decline_tells_the_agent_the_reason_code(cast):
    introduction = _answer(
        cast, "seller", DECLINED, reason=DeclineReason.NOT_NOW, note="明年再谈"
    )

    assert introduction.outcome_response == DECLINED
    assert introduction.outcome_reason == DeclineReason.NOT_NOW
    assert introduction.confirmed_at is None
    [told] = Notification.objects.filter(recipient=cast["agent"])
    assert "declined the introduction" in told.body
    assert "(not_now)" in told.body and "明年再谈" in told.body
    assert _kinds(cast["buyer"]) == [NotificationKind.CONVERSATION_MESSAGE]


@pytest.mark.parametrize(
    ("reason", "note", "code"),
    [
        ("", "", "reason_required"),
        ("no_such_reason", "", "reason_required"),
        (DeclineReason.OTHER, "", "note_required"),
        (DeclineReason.OTHER, " \x00 ", "note_required"),
    ],
)
def test_answer_introduction_decline_needs_a_reason(cast, reason, note, code):
    with pytest.raises(AnswerError) as refused:
        _answer(cast, "buyer", DECLINED, reason=reason, note=note)
    assert refused.value.code == code
    cast["introduction"].refresh_from_db()
    assert cast["introduction"].demand_response == IntroductionResponse.PENDING
    assert Notification.objects.count() == 0


def test_answer_introduction_other_with_text_is_accepted(cast):
    introduction = _answer(
        cast, "buyer", DECLINED, reason=DeclineReason.OTHER, note="已自行研发"
    )
    assert introduction.demand_reason == DeclineReason.OTHER
    assert introduction.demand_note == "已自行研发"


def test_answer_introduction_refuses_an_unknown_response(cast):
    with pytest.raises(AnswerError):
        _answer(cast, "buyer", "maybe")


def test_answer_introduction_once_per_side(cast):
    _answer(cast, "buyer", ACCEPTED)
    for who in ("buyer", "buyer_colleague"):
        with pytest.raises(AnswerError) as refused:
            _answer(cast, who, DECLINED, reason=DeclineReason.NOT_NOW)
        assert refused.value.code == "already_answered"
    cast["introduction"].refresh_from_db()
    assert cast["introduction"].demand_response == ACCEPTED
    # The other side still answers.
    assert _answer(cast, "seller", ACCEPTED).confirmed_at is not None


@pytest.mark.parametrize("who", ["agent", "moderator", "outsider"])
def test_answer_introduction_only_a_member_of_either_party(cast, who):
    with pytest.raises(PermissionDenied):
        _answer(cast, who, ACCEPTED)
    assert cast["introduction"].conversation.messages.count() == 1


def test_answer_introduction_cannot_accept_once_a_listing_is_unpublished(cast):
    outcome = cast["introduction"].proposal.outcome
    outcome.status = ListingStatus.ARCHIVED
    outcome.save(update_fields=["status"])

    with pytest.raises(AnswerError) as refused:
        _answer(cast, "buyer", ACCEPTED)
    assert refused.value.code == "unpublished"
    declined = _answer(cast, "buyer", DECLINED, reason=DeclineReason.NOT_RELEVANT)
    assert declined.demand_response == DECLINED


# -- the conversation page and the POST endpoint --------------------------------------


def _login(client, user):
    assert client.login(username=user.email, password=PASSWORD)
    return client


def _thread(cast) -> str:
    return reverse("engage:conversation", args=[cast["introduction"].conversation_id])


def _answer_url(cast) -> str:
    return reverse("matching_answers:answer", args=[cast["introduction"].pk])


def test_conversation_page_shows_the_pairing_and_the_form_to_a_pending_party(
    client, cast
):
    page = _login(client, cast["buyer"]).get(_thread(cast)).content.decode()
    assert "储能电站锂电池热失控预警需求" in page
    assert "锂电池热失控多参数早期预警系统" in page
    assert "Accept the introduction" in page
    assert _answer_url(cast) in page

    _answer(cast, "buyer", ACCEPTED)
    page = client.get(_thread(cast)).content.decode()
    assert "Accept the introduction" not in page
    assert "Accepted" in page


def test_conversation_page_shows_the_agent_the_answers_without_a_form(client, cast):
    _answer(cast, "seller", DECLINED, reason=DeclineReason.TERMS)
    page = _login(client, cast["agent"]).get(_thread(cast)).content.decode()
    assert "Introduction by a transfer agent" in page
    assert "Price or terms do not fit" in page
    assert "Accept the introduction" not in page


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("buyer", 302),
        ("seller", 302),
        ("agent", 403),
        ("moderator", 403),
        ("outsider", 403),
    ],
)
def test_answer_view_lets_only_the_parties_answer(client, cast, who, status):
    response = _login(client, cast[who]).post(
        _answer_url(cast), {"response": "accepted"}
    )
    assert response.status_code == status
    cast["introduction"].refresh_from_db()
    answered = {
        cast["introduction"].demand_response,
        cast["introduction"].outcome_response,
    }
    assert (ACCEPTED in answered) == (status == 302)


def test_answer_view_sends_anonymous_visitors_to_log_in(client, cast):
    response = client.post(_answer_url(cast), {"response": "accepted"})
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_answer_view_refuses_get_unknown_ids_and_missing_csrf(client, cast):
    _login(client, cast["buyer"])
    assert client.get(_answer_url(cast)).status_code == 405
    missing = reverse("matching_answers:answer", args=[999_999])
    assert client.post(missing, {"response": "accepted"}).status_code == 404
    strict = client.__class__(enforce_csrf_checks=True)
    _login(strict, cast["buyer"])
    assert strict.post(_answer_url(cast), {"response": "accepted"}).status_code == 403
    cast["introduction"].refresh_from_db()
    assert cast["introduction"].demand_response == IntroductionResponse.PENDING


def test_answer_view_shows_why_a_decline_was_refused(client, cast):
    response = _login(client, cast["buyer"]).post(
        _answer_url(cast), {"response": "declined", "reason": "other"}, follow=True
    )
    page = response.content.decode()
    assert "Say why you decline." in page
    assert "Accept the introduction" in page  # still pending, the form is back


def test_answer_view_declines_with_a_reason(client, cast):
    response = _login(client, cast["seller"]).post(
        _answer_url(cast),
        {"response": "declined", "reason": "already_in_contact", "note": ""},
        follow=True,
    )
    assert "You declined the introduction." in response.content.decode()
    cast["introduction"].refresh_from_db()
    assert cast["introduction"].outcome_reason == DeclineReason.ALREADY_IN_CONTACT


def test_answer_introduction_writes_the_thread_in_chinese(cast):
    from django.utils import translation

    with translation.override("zh-hans"):
        introduction = _answer(cast, "seller", DECLINED, reason=DeclineReason.NOT_NOW)
    last = introduction.conversation.messages.order_by("pk").last()
    assert last.body == "成果方已拒绝此次引荐：时机不合适（not_now）。"


def test_answer_introduction_twice_the_same_is_written_once(cast):
    """A double click on "send" neither fails nor tells anyone twice."""
    _answer(cast, "buyer", ACCEPTED)
    _answer(cast, "buyer", ACCEPTED)
    _answer(cast, "buyer_colleague", ACCEPTED)
    conversation = cast["introduction"].conversation
    assert conversation.messages.count() == 2  # the agent's, then the answer
    assert Notification.objects.filter(recipient=cast["agent"]).count() == 1
