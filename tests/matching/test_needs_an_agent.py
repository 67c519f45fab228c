"""The needs-an-agent list: who sees it, filters, taking a demand in hand, malformed
parameters, and the owner told that an agent will follow up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.services.roles import sync_role_groups
from market.models import ListingStatus, Region, TechField
from matching.models import GapReason, MatchGap
from matching.services.decisions import release_stale_claims
from tests.factories import (
    DemandFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

LIST = "matching_lists:needs_an_agent"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _gap(demand, reason=GapReason.WEAK_CANDIDATES) -> MatchGap:
    return MatchGap.objects.create(
        demand=demand,
        reason=reason,
        best_similarity=0.12 if reason == GapReason.WEAK_CANDIDATES else None,
        key_terms=5,
        noted_at=timezone.now(),
    )


@pytest.fixture
def cast(db):
    """Two agents, a moderator, an owner whose demands need an agent, and others."""
    sync_role_groups()
    firm = OrganisationFactory(name="苏州精密铸造有限公司")
    owner = UserFactory(roles=[Role.ENTERPRISE])
    MembershipFactory(user=owner, organisation=firm)
    researcher = UserFactory(roles=[Role.RESEARCHER])
    MembershipFactory(user=researcher)
    metal = DemandFactory(
        published=True, organisation=firm, title="铝合金压铸件气孔缺陷控制"
    )  # 0401 金属材料, 苏州 吴中区
    battery = DemandFactory(
        published=True,
        title="储能电池热管理方案",
        field=TechField.objects.get(code="0603"),
        region=Region.objects.get(code="110105"),
    )
    vague = DemandFactory(published=True, organisation=firm, title="寻求先进技术合作")
    hidden = DemandFactory(status=ListingStatus.ARCHIVED, title="已下架的需求")
    gaps = {
        "metal": _gap(metal),
        "battery": _gap(battery, GapReason.NO_CANDIDATES),
        "vague": _gap(vague, GapReason.VAGUE_TEXT),
        "hidden": _gap(hidden),
    }
    return {
        "agent": UserFactory(roles=[Role.AGENT], display_name="王经纪"),
        "other_agent": UserFactory(roles=[Role.AGENT], display_name="赵经纪"),
        "moderator": UserFactory(roles=[Role.MODERATOR]),
        "owner": owner,
        "researcher": researcher,
        "gaps": gaps,
    }


def _login(client, user):
    assert client.login(username=user.email, password=PASSWORD)
    return client


def _listed(response) -> set[str]:
    page = response.content.decode()
    titles = [
        "铝合金压铸件气孔缺陷控制",
        "储能电池热管理方案",
        "寻求先进技术合作",
        "已下架的需求",
    ]
    return {title for title in titles if title in page}


@pytest.mark.parametrize(
    ("who", "status"),
    [("agent", 200), ("moderator", 200), ("owner", 403), ("researcher", 403)],
)
def test_needs_an_agent_is_for_agents_and_moderators(client, cast, who, status):
    response = _login(client, cast[who]).get(reverse(LIST))
    assert response.status_code == status
    take = reverse("matching_lists:take_gap", args=[cast["gaps"]["metal"].pk])
    assert client.post(take).status_code == (302 if status == 200 else 403)


def test_needs_an_agent_sends_anonymous_visitors_to_log_in(client, cast):
    response = client.get(reverse(LIST))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_needs_an_agent_lists_published_demands_with_their_reason(client, cast):
    response = _login(client, cast["agent"]).get(reverse(LIST))
    assert _listed(response) == {
        "铝合金压铸件气孔缺陷控制",
        "储能电池热管理方案",
        "寻求先进技术合作",
    }
    page = response.content.decode()
    assert "Too little text to match on" in page
    assert "No outcome found at all" in page
    assert "Only weak candidates" in page


def test_needs_an_agent_filters_by_field_and_region(client, cast):
    _login(client, cast["agent"])
    # A top-level field or region includes what lies below it.
    assert _listed(client.get(reverse(LIST), {"field": "06"})) == {"储能电池热管理方案"}
    assert _listed(client.get(reverse(LIST), {"region": "110000"})) == {
        "储能电池热管理方案"
    }
    assert _listed(
        client.get(reverse(LIST), {"field": "0401", "region": "320500"})
    ) == {
        "铝合金压铸件气孔缺陷控制",
        "寻求先进技术合作",
    }


def test_needs_an_agent_paginates(client, cast):
    from matching import list_views

    list_views.PER_PAGE, previous = 2, list_views.PER_PAGE
    try:
        _login(client, cast["agent"])
        first = client.get(reverse(LIST))
        second = client.get(reverse(LIST), {"page": "2"})
        beyond = client.get(reverse(LIST), {"page": "99999999999999999999"})
    finally:
        list_views.PER_PAGE = previous
    assert len(_listed(first)) == 2 and len(_listed(second)) == 1
    assert _listed(beyond) == _listed(second)  # the last page


def test_needs_an_agent_take_shows_as_theirs_and_not_for_another_agent(client, cast):
    gap = cast["gaps"]["metal"]
    take = reverse("matching_lists:take_gap", args=[gap.pk])
    _login(client, cast["agent"]).post(take)
    gap.refresh_from_db()
    assert gap.claimed_by == cast["agent"] and gap.claimed_at is not None

    mine = client.get(reverse(LIST), {"show": "mine"})
    assert _listed(mine) == {"铝合金压铸件气孔缺陷控制"}
    assert "Taken by you" in mine.content.decode()
    assert client.post(take).status_code == 302  # taking it again changes nothing

    _login(client, cast["other_agent"])
    response = client.post(take, follow=True)
    assert "Another transfer agent has already taken this demand." in (
        response.content.decode()
    )
    gap.refresh_from_db()
    assert gap.claimed_by == cast["agent"]
    assert "Taken by 王经纪" in client.get(reverse(LIST)).content.decode()
    unclaimed = client.get(reverse(LIST), {"show": "unclaimed"})
    assert _listed(unclaimed) == {"储能电池热管理方案", "寻求先进技术合作"}


def test_needs_an_agent_release_gives_the_demand_back_only_by_its_agent_or_a_moderator(
    client, cast
):
    gap = cast["gaps"]["metal"]
    take = reverse("matching_lists:take_gap", args=[gap.pk])
    release = reverse("matching_lists:release_gap", args=[gap.pk])
    _login(client, cast["agent"]).post(take)
    assert release in client.get(reverse(LIST)).content.decode()

    _login(client, cast["other_agent"])
    assert release not in client.get(reverse(LIST)).content.decode()
    response = client.post(release, follow=True)
    assert "only they or a moderator can give it back" in response.content.decode()
    gap.refresh_from_db()
    assert gap.claimed_by == cast["agent"]

    _login(client, cast["agent"])
    response = client.post(release, follow=True)
    assert "The demand is back on the list." in response.content.decode()
    gap.refresh_from_db()
    assert gap.claimed_by is None and gap.claimed_at is None
    unclaimed = client.get(reverse(LIST), {"show": "unclaimed"})
    assert "铝合金压铸件气孔缺陷控制" in _listed(unclaimed)

    _login(client, cast["other_agent"]).post(take)
    _login(client, cast["moderator"]).post(release)
    gap.refresh_from_db()
    assert gap.claimed_by is None
    assert client.get(release).status_code == 405
    _login(client, cast["researcher"])
    assert client.post(release).status_code == 403


def test_needs_an_agent_take_answers_get_and_unknown_ids_with_4xx(client, cast):
    _login(client, cast["agent"])
    take = reverse("matching_lists:take_gap", args=[cast["gaps"]["metal"].pk])
    assert client.get(take).status_code == 405
    missing = reverse("matching_lists:take_gap", args=[999_999])
    assert client.post(missing).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"field": "99"},
        {"field": "0401\x00"},
        {"region": "not-a-region"},
        {"region": "1" * 500},
        {"show": "everything"},
    ],
)
def test_needs_an_agent_answers_malformed_parameters_with_400(client, cast, params):
    response = _login(client, cast["agent"]).get(reverse(LIST), params)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


@pytest.mark.parametrize("page", ["abc", "-1", "0", "²"])
def test_needs_an_agent_reads_a_malformed_page_as_the_first(client, cast, page):
    response = _login(client, cast["agent"]).get(reverse(LIST), {"page": page})
    assert response.status_code == 200


def test_agent_workspace_links_to_the_lists(client, cast):
    page = _login(client, cast["agent"]).get(reverse("agents:workspace"))
    html = page.content.decode()
    assert reverse(LIST) in html
    assert reverse("matching_lists:decisions_export") in html


def test_workbench_tells_the_owner_an_agent_will_follow_up(client, cast):
    page = _login(client, cast["owner"]).get(reverse("workbench:home"))
    html = page.content.decode()
    assert "a transfer agent will follow up" in html
    assert f'data-match-gap="{cast["gaps"]["metal"].demand_id}"' in html
    assert f'data-match-gap="{cast["gaps"]["battery"].demand_id}"' not in html

    other = _login(client, cast["researcher"]).get(reverse("workbench:home"))
    assert "a transfer agent will follow up" not in other.content.decode()


def test_needs_an_agent_claim_nobody_acts_on_goes_back_to_the_list(client, cast):
    gap = cast["gaps"]["metal"]
    _login(client, cast["agent"]).post(
        reverse("matching_lists:take_gap", args=[gap.pk])
    )
    gap.refresh_from_db()

    kept = release_stale_claims(now=gap.claimed_at + dt.timedelta(days=13))
    gap.refresh_from_db()
    assert kept["demands"] == 0 and gap.claimed_by == cast["agent"]

    released = release_stale_claims(now=gap.claimed_at + dt.timedelta(days=15))
    gap.refresh_from_db()
    assert released["demands"] == 1 and gap.claimed_by is None

    _login(client, cast["other_agent"])
    unclaimed = client.get(reverse(LIST), {"show": "unclaimed"})
    assert "铝合金压铸件气孔缺陷控制" in _listed(unclaimed)
