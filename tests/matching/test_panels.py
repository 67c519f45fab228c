"""What visitors and owners see of the matcher: related items on public pages,
recommendations with scores and reasons on the owner's workbench."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from market.models import Confidentiality, TechField
from market.services.listings import archive_listing
from matching.services.proposals import refresh_item
from matching.services.training import train_model
from tests.factories import (
    DemandFactory,
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
)

pytestmark = pytest.mark.django_db


def field(code: str) -> TechField:
    return TechField.objects.get(code=code)


@pytest.fixture
def market(backend, index_now, owner, owner_org):
    """A battery demand of ``owner_org``; a fitting anonymous outcome, an off-topic
    one, and one of the demand's own organisation."""
    secret_lab = OrganisationFactory(name="保密储能实验室")
    need = DemandFactory(
        published=True,
        organisation=owner_org,
        title="动力锂电池热失控早期预警技术需求",
        summary="储能电站锂电池包需要热失控早期预警，提前发现电芯温升与产气。",
        keywords=["锂电池", "热失控", "预警", "储能"],
        problem="<p>现有电池管理系统无法提前预警热失控，电芯温升与产气检测滞后。</p>",
        field=field("0603"),
        expected_maturity=6,
        budget_min_wan=Decimal("50"),
        budget_max_wan=Decimal("150"),
    )
    battery = OutcomeFactory(
        published=True,
        organisation=secret_lab,
        confidentiality=Confidentiality.ANONYMOUS,
        protected_details="电芯配方保密参数XYZ",
        contact_name="李保密",
        title="锂电池热失控多参数早期预警系统",
        summary="融合电芯温升、产气与内阻的多参数模型，提前预警锂电池热失控。",
        keywords=["锂电池", "热失控", "早期预警", "储能"],
        description="<p>面向储能电站与动力电池包，提前十分钟预警热失控。</p>",
        field=field("0603"),
        maturity=7,
        price_wan=Decimal("80"),
    )
    herb = OutcomeFactory(
        published=True,
        title="铁皮石斛组培快繁技术",
        summary="铁皮石斛组织培养与快速繁殖，移栽成活率高。",
        keywords=["石斛", "组培", "快繁"],
        description="<p>药用植物石斛的组培快繁体系。</p>",
        field=field("0202"),
    )
    own = OutcomeFactory(
        published=True,
        organisation=owner_org,
        title="锂电池热失控抑制材料",
        summary="抑制锂电池热失控蔓延的阻燃材料，用于储能电池包。",
        keywords=["锂电池", "热失控", "储能"],
        description="<p>储能电池包热失控蔓延抑制。</p>",
        field=field("0603"),
    )
    index_now(need, battery, herb, own)
    train_model(dimensions=4)
    return {"need": need, "battery": battery, "herb": herb, "own": own}


def demand_url(demand) -> str:
    return f"/demands/{demand.pk}/"


def outcome_url(outcome) -> str:
    return f"/outcomes/{outcome.pk}/"


def related_section(html: str) -> str:
    start = html.find("data-related")
    return html[start : html.find("</section>", start)] if start >= 0 else ""


def test_related_panel_shows_a_demands_fitting_outcome_without_scores(client, market):
    refresh_item(market["need"].pk)

    html = client.get(demand_url(market["need"])).content.decode()
    related = related_section(html)

    assert "相关成果" in related
    assert market["battery"].title in related
    assert f'href="/outcomes/{market["battery"].pk}/"' in related
    assert market["own"].title not in related  # the demand's own organisation's
    assert market["herb"].title not in related  # nothing in common but the city
    assert "data-score" not in html and "匹配度" not in related


def test_related_panel_shows_an_outcomes_demands(client, market):
    refresh_item(market["battery"].pk)

    related = related_section(
        client.get(outcome_url(market["battery"])).content.decode()
    )

    assert "相关需求" in related
    assert market["need"].title in related


def test_related_panel_never_reveals_an_anonymous_owner_or_protected_details(
    client, stranger, market
):
    refresh_item(market["need"].pk)
    client.force_login(stranger)

    html = client.get(demand_url(market["need"])).content.decode()

    assert market["battery"].title in related_section(html)
    for secret in ("保密储能实验室", "电芯配方保密参数XYZ", "李保密"):
        assert secret not in html


def test_related_panel_drops_an_unpublished_item_even_from_the_cached_page(
    client, market, django_capture_on_commit_callbacks
):
    refresh_item(market["need"].pk)
    url = demand_url(market["need"])
    assert market["battery"].title in related_section(client.get(url).content.decode())
    assert client.get(url)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        archive_listing(market["battery"].pk, by_user_id=None)

    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert market["battery"].title not in related_section(response.content.decode())


def test_related_panel_of_an_unpublished_listing_is_empty_for_its_owner(
    client, owner, market, django_capture_on_commit_callbacks
):
    refresh_item(market["need"].pk)
    with django_capture_on_commit_callbacks(execute=True):
        archive_listing(market["need"].pk, by_user_id=None)
    client.force_login(owner)

    response = client.get(demand_url(market["need"]))

    assert response.status_code == 200
    assert related_section(response.content.decode()) == ""


def test_related_panel_cache_follows_a_refresh(
    client, market, django_capture_on_commit_callbacks
):
    url = demand_url(market["need"])
    before = client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert related_section(before.content.decode()) == ""

    with django_capture_on_commit_callbacks(execute=True):
        refresh_item(market["need"].pk)

    after = client.get(url)
    assert after["X-Page-Cache"] == "miss"
    assert market["battery"].title in related_section(after.content.decode())
    # Nothing changed in a second refresh: the page stays cached.
    with django_capture_on_commit_callbacks(execute=True):
        refresh_item(market["need"].pk)
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_related_panel_costs_the_same_queries_for_one_or_many_related(
    client, stranger, market, index_now
):
    client.force_login(stranger)
    url = demand_url(market["need"])
    refresh_item(market["need"].pk)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    more = [
        OutcomeFactory(
            published=True,
            title=f"锂电池热失控预警方法{n}",
            summary="锂电池热失控预警，储能电站电芯温升监测。",
            keywords=["锂电池", "热失控", "预警"],
            field=field("0603"),
        )
        for n in range(4)
    ]
    index_now(*more)
    refresh_item(market["need"].pk)
    html = client.get(url).content.decode()
    assert sum(o.title in related_section(html) for o in more) >= 3
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_workbench_recommends_with_scores_reasons_and_shared_terms(
    client, owner, market
):
    refresh_item(market["need"].pk)
    client.force_login(owner)

    html = client.get("/workbench/").content.decode()

    assert "为您推荐" in html
    start = html.index("data-recommendations")
    panel = html[start:]
    # The shared terms are marked in the outcome's title: <mark>锂电池</mark>…
    assert "<mark>锂电池</mark><mark>热失控</mark>多参数" in panel
    assert "data-score" in panel and 'data-component="semantic"' in panel
    assert "同一技术领域" in panel and "价格在预算内" in panel
    assert "保密储能实验室" not in panel  # the anonymous owner, here too
    assert market["own"].title not in panel


def test_workbench_recommendations_are_only_for_the_owners_organisation(
    client, stranger, market
):
    refresh_item(market["need"].pk)
    client.force_login(stranger)

    html = client.get("/workbench/").content.decode()

    assert "data-recommendations" not in html
    assert market["battery"].title not in html


def test_workbench_of_a_member_of_both_sides_proposes_nothing_between_them(
    client, owner, market
):
    refresh_item(market["need"].pk)
    MembershipFactory(user=owner, organisation=market["battery"].organisation)
    client.force_login(owner)

    html = client.get("/workbench/").content.decode()
    panel = html[html.find("data-recommendations") :]

    assert "多参数早期预警系统" not in panel


def test_workbench_tells_the_owner_an_agent_follows_up_a_vague_demand(
    client, owner, owner_org, market, index_now
):
    vague = DemandFactory(
        published=True,
        organisation=owner_org,
        title="寻求合作",
        summary="",
        keywords=[],
        problem="",
        objectives=[],
    )
    index_now(vague)
    refresh_item(vague.pk)
    client.force_login(owner)

    html = client.get("/workbench/").content.decode()

    assert f'data-match-gap="{vague.pk}"' in html
    assert "暂无合适匹配，技术经理人将跟进" in html
    assert "文本过少，无法匹配" in html


def test_workbench_shows_no_weak_candidates_for_a_demand_waiting_for_an_agent(
    client, owner, market
):
    from matching.models import GapReason, MatchGap

    refresh_item(market["need"].pk)
    # As a refresh notes it when the best candidates are weak.
    MatchGap.objects.create(
        demand=market["need"],
        reason=GapReason.WEAK_CANDIDATES,
        noted_at=market["need"].published_at,
    )
    # The public still sees similar outcomes beside the demand.
    html = client.get(demand_url(market["need"])).content.decode()
    assert market["battery"].title in related_section(html)
    client.force_login(owner)

    bench = client.get("/workbench/").content.decode()

    assert "暂无合适匹配，技术经理人将跟进" in bench
    assert "只有弱相关的候选" in bench
    assert f'data-recommended-for="{market["need"].pk}"' not in bench


def test_workbench_recommendations_cost_the_same_queries_for_more_listings(
    client, owner, owner_org, market, index_now
):
    refresh_item(market["need"].pk)
    client.force_login(owner)
    client.get("/workbench/")
    with CaptureQueriesContext(connection) as few:
        client.get("/workbench/")
    more = [
        DemandFactory(
            published=True,
            organisation=owner_org,
            field=field("0603"),
            title=f"储能锂电池热失控预警需求{n}",
            summary="储能电站锂电池热失控预警，电芯温升与产气监测。",
            keywords=["锂电池", "热失控", "预警", "储能"],
        )
        for n in range(3)
    ]
    index_now(*more)
    for demand in more:
        refresh_item(demand.pk)

    with CaptureQueriesContext(connection) as many:
        html = client.get("/workbench/").content.decode()

    assert html.count("data-recommended-for=") >= 3
    assert len(many) == len(few)
