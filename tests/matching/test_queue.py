"""The agents' queue pages: who sees what, filters, bad parameters, the comparison,
the POST actions with their messages, and a bounded number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.services.roles import sync_role_groups
from market.models import Confidentiality, ListingStatus, Region, TechField
from matching.models import Introduction, Proposal, ProposalState
from tests.factories import DemandFactory, OutcomeFactory
from tests.factories.accounts import PASSWORD
from tests.matching.queue_cast import make_cast, make_proposal

pytestmark = pytest.mark.django_db

QUEUE = "/agents/proposals/"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def cast(db):
    sync_role_groups()
    return make_cast()


def login(client, user):
    assert client.login(username=user.email, password=PASSWORD)
    return client


def compare_url(proposal) -> str:
    return reverse("matching:compare", args=[proposal.pk])


def action_url(name: str, proposal) -> str:
    return reverse(f"matching:{name}", args=[proposal.pk])


def test_queue_is_mounted_before_the_agents_workspace():
    assert reverse("matching:queue") == QUEUE
    assert reverse("agents:workspace") == "/agents/"


def test_queue_asks_anonymous_visitors_to_log_in(client, cast):
    for url in (QUEUE, compare_url(cast["proposal"])):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]
    response = client.post(action_url("claim", cast["proposal"]))
    assert response.status_code == 302
    assert cast["proposal"].decisions.count() == 0


@pytest.mark.parametrize(
    ("who", "queue_status", "listed"),
    [
        ("agent", 200, True),
        ("moderator", 200, True),
        ("far_agent", 200, False),
        ("owner_agent", 200, False),
        ("member", 404, False),
        ("demand_owner", 404, False),
        ("outcome_owner", 404, False),
    ],
)
def test_queue_shows_each_role_only_what_it_may_review(
    client, cast, who, queue_status, listed
):
    login(client, cast[who])
    response = client.get(QUEUE)
    assert response.status_code == queue_status
    if queue_status == 200:
        assert (cast["outcome"].title in response.content.decode()) is listed
    compare = client.get(compare_url(cast["proposal"]))
    assert compare.status_code == (200 if listed else 404)
    claimed = client.post(action_url("claim", cast["proposal"]))
    assert claimed.status_code == (302 if listed else 404)
    expected = ProposalState.CLAIMED if listed else ProposalState.PROPOSED
    assert Proposal.objects.get(pk=cast["proposal"].pk).state == expected


def test_compare_shows_both_sides_with_the_shared_terms_marked(client, cast):
    page = login(client, cast["agent"]).get(compare_url(cast["proposal"]))
    html = page.content.decode()
    assert cast["demand"].title in html.replace("<mark>", "").replace("</mark>", "")
    assert "苏州精工有限公司" in html and "江南理工大学" in html
    # 铝合金 is in both summaries: marked on both sides.
    assert html.count("<mark>铝合金</mark>") >= 2
    assert html.count("<mark>电池托盘</mark>") >= 2
    assert "Shared key terms" in html
    assert "Same technology field" in html
    assert "Accept and introduce" in html


def test_actions_need_a_csrf_token_and_post(cast):
    client = Client(enforce_csrf_checks=True)
    login(client, cast["agent"])
    assert client.post(action_url("claim", cast["proposal"])).status_code == 403
    assert client.get(action_url("claim", cast["proposal"])).status_code == 405
    assert Proposal.objects.get(pk=cast["proposal"].pk).state == (
        ProposalState.PROPOSED
    )


def test_claim_then_release_redirect_back_with_a_message(client, cast):
    proposal = cast["proposal"]
    login(client, cast["agent"])
    response = client.post(
        action_url("claim", proposal), {"next": QUEUE + "?min_score=50"}, follow=True
    )
    assert response.redirect_chain[-1][0] == QUEUE + "?min_score=50"
    assert "You have claimed this proposal." in response.content.decode()
    again = client.post(action_url("claim", proposal), follow=True)
    assert "You have already claimed this proposal." in again.content.decode()
    released = client.post(action_url("release", proposal), follow=True)
    assert "back in the queue" in released.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).state == ProposalState.PROPOSED


def test_next_pointing_elsewhere_is_not_followed(client, cast):
    login(client, cast["agent"])
    response = client.post(
        action_url("claim", cast["proposal"]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == compare_url(cast["proposal"])


def test_reject_form_needs_a_reason_and_a_note_for_other(client, cast):
    proposal = cast["proposal"]
    login(client, cast["agent"])
    bad = client.post(action_url("reject", proposal), {"reason": "boring"}, follow=True)
    assert bad.status_code == 200
    other = client.post(
        action_url("reject", proposal), {"reason": "other", "note": ""}, follow=True
    )
    assert "Say why you reject this proposal." in other.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).state == ProposalState.PROPOSED
    done = client.post(
        action_url("reject", proposal), {"reason": "price_gap"}, follow=True
    )
    assert "The proposal has been rejected." in done.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).state == ProposalState.REJECTED
    assert proposal.decisions.get().reason == "price_gap"


def test_snooze_form_takes_a_future_date(client, cast):
    proposal = cast["proposal"]
    login(client, cast["agent"])
    client.post(action_url("snooze", proposal), {"until": "2020-01-01"})
    client.post(action_url("snooze", proposal), {"until": "not a date"})
    assert Proposal.objects.get(pk=proposal.pk).state == ProposalState.PROPOSED
    day = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    response = client.post(action_url("snooze", proposal), {"until": day}, follow=True)
    assert "The proposal has been snoozed." in response.content.decode()
    proposal = Proposal.objects.get(pk=proposal.pk)
    assert proposal.state == ProposalState.SNOOZED
    assert timezone.localtime(proposal.snoozed_until).date().isoformat() == day


def test_introduce_double_submit_introduces_once_and_says_so(client, cast):
    proposal = cast["proposal"]
    login(client, cast["agent"])
    first = client.post(action_url("introduce", proposal), follow=True)
    assert "Both parties have been introduced" in first.content.decode()
    second = client.post(action_url("introduce", proposal), follow=True)
    assert "already been accepted and introduced" in second.content.decode()
    assert Introduction.objects.count() == 1
    conversation = Introduction.objects.get().conversation
    assert "Open the conversation" in second.content.decode()
    # Both parties see the one conversation in their list and can open it.
    for who in ("demand_owner", "outcome_owner"):
        party = Client()
        login(party, cast[who])
        listing = party.get(reverse("engage:conversations")).content.decode()
        assert reverse("engage:conversation", args=[conversation.pk]) in listing
        thread = party.get(reverse("engage:conversation", args=[conversation.pk]))
        assert thread.status_code == 200
        assert "82 / 100" in thread.content.decode()
        assert "苏州精工有限公司" in thread.content.decode()


def test_introduce_after_an_unpublish_shows_a_clear_message(client, cast):
    proposal = cast["proposal"]
    type(cast["demand"]).objects.filter(pk=cast["demand"].pk).update(
        status=ListingStatus.ARCHIVED
    )
    login(client, cast["agent"])
    response = client.post(action_url("introduce", proposal), follow=True)
    assert "unpublished meanwhile" in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).state == ProposalState.RETIRED
    assert not Introduction.objects.exists()


def test_queue_filters_narrow_the_list(client, cast):
    demand, outcome = cast["demand"], cast["outcome"]
    weak = make_proposal(
        demand, OutcomeFactory(published=True, title="低分成果甲"), score=0.3
    )
    beijing = Region.objects.get(code="110000")
    far = DemandFactory(published=True, title="北京的需求乙", region=beijing)
    make_proposal(far, outcome, score=0.6)
    other_field = TechField.objects.exclude(code__startswith="04").first()
    odd = DemandFactory(published=True, title="另一领域需求丙", field=other_field)
    make_proposal(odd, outcome, score=0.5)
    Proposal.objects.filter(pk=weak.pk).update(
        created_at=timezone.now() - dt.timedelta(days=40)
    )
    login(client, cast["moderator"])

    def titles(query: str) -> set[str]:
        html = client.get(QUEUE + query).content.decode()
        return {
            t
            for t in ("低分成果甲", "北京的需求乙", "另一领域需求丙", demand.title)
            if t in html
        }

    assert titles("") == {"低分成果甲", "北京的需求乙", "另一领域需求丙", demand.title}
    assert "低分成果甲" not in titles("?min_score=50")
    assert titles("?region=110000") == {"北京的需求乙"}
    assert titles("?region=320000") == {
        "低分成果甲",
        "另一领域需求丙",
        demand.title,
    } | (
        {"北京的需求乙"}  # its outcome is in Jiangsu
    )
    assert "低分成果甲" not in titles("?age=30")
    assert titles("?state=rejected") == set()
    assert "另一领域需求丙" in titles(f"?field={other_field.code}")


@pytest.mark.parametrize(
    "query",
    [
        "?min_score=abc",
        "?min_score=-5",
        "?min_score=1e309",
        "?min_score=99999999999999999999999",
        "?field=zzz",
        "?field=%00",
        "?region=%3Cscript%3E",
        "?state=nope",
        "?state=%00",
        "?age=99999999999999999999",
        "?age=-1",
        "?mine=maybe",
        "?page=abc",
        "?page=999999",
        "?page=-1",
        "?page=1e3",
        "?field=0401&field=0402&page=1&page=2",
    ],
)
def test_queue_answers_bad_parameters_without_an_error(client, cast, query):
    response = login(client, cast["agent"]).get(QUEUE + query)
    assert response.status_code == 200


def test_compare_of_an_unknown_proposal_is_not_found(client, cast):
    login(client, cast["agent"])
    assert client.get("/agents/proposals/99999999/").status_code == 404
    assert client.get("/agents/proposals/abc/").status_code == 404


def test_agent_workspace_links_to_the_queue_with_the_pending_count(client, cast):
    html = login(client, cast["agent"]).get(reverse("agents:workspace")).content
    page = html.decode()
    assert QUEUE in page
    assert "1 proposal waits for a decision" in page


def test_queue_with_10k_proposals_renders_with_a_bounded_number_of_queries(
    client, cast, django_assert_max_num_queries
):
    demands = [DemandFactory(published=True) for _ in range(100)]
    outcomes = [OutcomeFactory(published=True) for _ in range(100)]
    now = timezone.now()
    Proposal.objects.bulk_create(
        Proposal(
            demand=demand,
            outcome=outcome,
            score=(i * 100 + j) / 10000,
            components={"lexical": 0.5, "semantic": 0.5, "compatibility": 0.5},
            reasons=[],
            shared_terms=[],
            engine_version="e1",
            computed_at=now,
        )
        for i, demand in enumerate(demands)
        for j, outcome in enumerate(outcomes)
    )
    assert Proposal.objects.count() == 10_001
    for who in ("agent", "moderator"):
        login(client, cast[who])
        client.get(QUEUE)  # the first page a user opens creates Wagtail's profile
        # Session, user, permissions, filter choices, memberships, coverage, count,
        # the page's ids, its rows, notifications badge: the same for 1 or 10,000.
        with django_assert_max_num_queries(16):
            response = client.get(QUEUE + "?min_score=10&page=3&field=0401")
        assert response.status_code == 200
        assert "Page 3 of" in response.content.decode()
        # The workspace: the same, plus the open challenges' solver links (one query).
        with django_assert_max_num_queries(16):
            assert client.get(reverse("agents:workspace")).status_code == 200


def test_introduction_of_an_anonymous_demand_keeps_its_organisation_hidden(
    client, cast
):
    demand = cast["demand"]
    type(demand).objects.filter(pk=demand.pk).update(
        confidentiality=Confidentiality.ANONYMOUS
    )
    login(client, cast["agent"]).post(action_url("introduce", cast["proposal"]))
    conversation = Introduction.objects.get().conversation
    url = reverse("engage:conversation", args=[conversation.pk])

    owner = login(Client(), cast["outcome_owner"])
    for page in (owner.get(url), owner.get(reverse("engage:conversations"))):
        assert "苏州精工有限公司" not in page.content.decode()
        assert "Anonymous owner" in page.content.decode()
    demand_side = login(Client(), cast["demand_owner"]).get(url)
    assert "苏州精工有限公司" in demand_side.content.decode()
    assert "苏州精工有限公司" in client.get(url).content.decode()  # the agent
