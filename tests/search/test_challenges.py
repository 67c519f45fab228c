"""Challenges (榜单) as a third kind of the search index and the suggestions, on both
backends: what is found, what never is (drafts, withdrawn challenges, an anonymous
issuer's name), staying in sync with edits, and the board's text search through the
index (and without it)."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from market.models import (
    ChallengeStatus,
    Confidentiality,
    OrganisationKind,
    TechField,
)
from market.services.challenges import (
    close_challenge,
    fail_challenge,
    publish_challenge,
    withdraw_challenge,
)
from search.backends import get_backend
from search.documents import search_key
from search.models import IndexOutbox, ListingText
from search.query import SearchRequest
from search.reindex import check, reindex
from search.selectors import search_listings, suggestions
from search.sync import drain_all
from tests.factories import OrganisationFactory, UserFactory
from tests.factories.challenges import ChallengeFactory
from tests.factories.market import OutcomeFactory

pytestmark = pytest.mark.django_db

S = ChallengeStatus
API = reverse("search:api")
PAGE = reverse("search:page")
SUGGEST = reverse("search:suggest")
BOARD = reverse("challenges:board")


@pytest.fixture
def sync_index():
    """Send what waits in the outbox (the Celery drain's work) and make it searchable."""

    def sync_index() -> None:
        drain_all()
        engine = get_backend()
        engine.refresh()
        engine.forget_vocabulary()

    return sync_index


def found(**params) -> list[tuple[str, int]]:
    results = search_listings(SearchRequest.from_params(params))
    assert not results.degraded
    return [(hit.kind, hit.listing_id) for hit in results.hits]


def key(challenge) -> tuple[str, int]:
    return ("challenge", search_key("challenge", challenge.pk))


def board_titles(response) -> list[str]:
    assert response.status_code == 200
    html = response.content.decode()
    return re.findall(r'<h3 class="listing-title"><a href="[^"]+">([^<]+)</a>', html)


def test_public_challenge_is_found_by_title_body_and_field_never_a_draft(
    backend, sync_index
):
    battery = TechField.objects.get(code="0401")
    other_field = TechField.objects.exclude(code__startswith="04").filter(
        parent__isnull=False
    )[0]
    published = ChallengeFactory(
        title="钙钛矿叠层电池效率攻关",
        status=S.PUBLISHED,
        field=battery,
        deliverables="封装工艺包与湿热老化报告",
    )
    elsewhere = ChallengeFactory(
        title="钙钛矿薄膜喷涂设备", status=S.CLOSED, field=other_field
    )
    draft = ChallengeFactory(title="钙钛矿草稿榜单", status=S.DRAFT)
    submitted = ChallengeFactory(title="钙钛矿待审榜单", status=S.SUBMITTED)
    outcome = OutcomeFactory(published=True, title="钙钛矿光伏组件量产工艺")
    from search.sync import record_changes

    record_changes([outcome.pk])
    sync_index()

    everything = found(q="钙钛矿")
    assert key(published) in everything and key(elsewhere) in everything
    assert ("outcome", outcome.pk) in everything  # all kinds: listings too
    assert key(draft) not in everything and key(submitted) not in everything
    assert set(found(q="钙钛矿", kind="challenge")) == {key(published), key(elsewhere)}
    # A word of the body (the deliverables), not of the title.
    assert found(q="湿热老化", kind="challenge") == [key(published)]
    # The field filter, top level and sub-field alike.
    assert found(q="钙钛矿", kind="challenge", field="04") == [key(published)]
    assert found(kind="challenge", field="0401") == [key(published)]
    # The kind facet counts challenges beside outcomes.
    results = search_listings(SearchRequest.from_params({"q": "钙钛矿"}))
    kinds = {value.value: value.count for value in results.facets["kind"]}
    assert kinds["challenge"] == 2 and kinds["outcome"] == 1


def test_challenge_titles_are_suggested_with_their_kind(backend, sync_index, client):
    published = ChallengeFactory(title="氢燃料电池膜电极寿命", status=S.PUBLISHED)
    ChallengeFactory(title="氢燃料电池草稿", status=S.DRAFT)
    sync_index()

    offered = suggestions("氢燃料")
    assert [(s.text, s.listing_kind) for s in offered] == [
        ("氢燃料电池膜电极寿命", "challenge")
    ]
    assert [s.text for s in suggestions("电池膜", "challenge")] == [published.title]
    assert suggestions("氢燃料", "outcome") == []

    data = client.get(SUGGEST, {"q": "氢燃料", "kind": "challenge"}).json()
    assert data["suggestions"] == [
        {
            "text": "氢燃料电池膜电极寿命",
            "type": "title",
            "url": f"/challenges/{published.pk}/",
            "kind": "challenge",
            "kind_label": "榜单",
        }
    ]


def test_each_step_resends_a_challenge_and_withdrawal_removes_it(backend, sync_index):
    issuer_user = UserFactory()
    challenge = ChallengeFactory(title="海水淡化反渗透膜", status=S.SUBMITTED)
    sync_index()
    assert found(q="反渗透膜") == []

    publish_challenge(challenge.pk, by_user_id=issuer_user.pk)
    sync_index()
    assert found(q="反渗透膜") == [key(challenge)]
    assert [s.text for s in suggestions("海水淡化")] == ["海水淡化反渗透膜"]

    # Every step re-sends the document: its hit shows the new status.
    close_challenge(challenge.pk, now=challenge.application_deadline)
    sync_index()
    body = backend.stored_body("challenge", search_key("challenge", challenge.pk))
    assert body["status"] == "closed"
    fail_challenge(challenge.pk, by_user_id=issuer_user.pk, reason="无合适方案")
    sync_index()
    assert found(q="反渗透膜") == [key(challenge)]  # failed is still public

    other = ChallengeFactory(title="海水淡化能量回收", status=S.PUBLISHED)
    sync_index()
    assert found(q="能量回收") == [key(other)]
    withdraw_challenge(other.pk, by_user_id=issuer_user.pk, reason="预算取消")
    sync_index()
    assert found(q="能量回收") == []
    assert [s.text for s in suggestions("海水淡化")] == ["海水淡化反渗透膜"]
    assert not IndexOutbox.objects.exists()


def test_anonymous_issuer_is_neither_searchable_nor_shown(backend, sync_index, client):
    issuer = OrganisationFactory(name="隐名精工装备集团", short_name="隐名精工")
    challenge = ChallengeFactory(
        title="五轴联动数控系统国产化",
        status=S.PUBLISHED,
        issuer=issuer,
        confidentiality=Confidentiality.ANONYMOUS,
    )
    sync_index()

    assert found(q="隐名精工") == []
    assert found(q="五轴联动") == [key(challenge)]
    assert suggestions("隐名") == []
    body = backend.stored_body("challenge", search_key("challenge", challenge.pk))
    assert "隐名" not in json.dumps(body, ensure_ascii=False)
    text = ListingText.objects.get(pk=search_key("challenge", challenge.pk))
    assert "隐名" not in text.organisation_words
    data = client.get(API, {"q": "五轴联动"}).json()
    assert data["results"][0]["organisation"] is None
    assert "隐名" not in json.dumps(data, ensure_ascii=False)
    html = client.get(PAGE, {"q": "五轴联动"}).content.decode()
    assert "五轴联动" in html and "隐名" not in html


def test_public_issuer_is_searchable_and_follows_a_rename(backend, sync_index):
    issuer = OrganisationFactory(name="东岳重工股份有限公司")
    challenge = ChallengeFactory(
        title="大型铸件缺陷在线检测",
        status=S.PUBLISHED,
        issuer=issuer,
        field=TechField.objects.get(code="0401"),
    )
    sync_index()
    assert found(q="东岳重工", kind="challenge") == [key(challenge)]

    issuer.name = "泰山装备股份有限公司"
    issuer.save()
    sync_index()

    assert found(q="东岳重工", kind="challenge") == []
    assert found(q="泰山装备", kind="challenge") == [key(challenge)]


def test_a_corrected_title_is_reindexed(backend, sync_index):
    challenge = ChallengeFactory(title="高温合金叶片精密铸造", status=S.PUBLISHED)
    sync_index()
    assert found(q="叶片") == [key(challenge)]

    # A moderator corrects the content of the published challenge (the admin's
    # edit view saves the model).
    challenge.title = "单晶涡轮盘热等静压成形"
    challenge.save()
    sync_index()

    assert found(q="叶片") == []
    assert found(q="涡轮盘") == [key(challenge)]
    assert [s.text for s in suggestions("单晶涡轮")] == ["单晶涡轮盘热等静压成形"]


def test_deleted_challenge_leaves_the_index(backend, sync_index):
    challenge = ChallengeFactory(title="煤化工废水零排放", status=S.PUBLISHED)
    sync_index()
    assert found(q="零排放") == [key(challenge)]

    challenge.delete()
    sync_index()

    assert found(q="零排放") == []


def test_challenge_hit_shows_issuer_bounty_status_deadline_and_link(
    backend, sync_index, client
):
    issuer = OrganisationFactory(name="江南船舶集团", kind=OrganisationKind.ENTERPRISE)
    challenge = ChallengeFactory(
        title="船用低速柴油机排放后处理",
        status=S.PUBLISHED,
        issuer=issuer,
        field=TechField.objects.get(code="0401"),
    )
    sync_index()

    data = client.get(API, {"q": "排放后处理", "kind": "challenge"}).json()
    assert data["filters"]["kind"] == "challenge" and data["total"] == 1
    hit = data["results"][0]
    assert hit["id"] == challenge.pk and hit["kind"] == "challenge"
    assert hit["url"] == f"/challenges/{challenge.pk}/"
    assert hit["organisation"] == "江南船舶集团"
    assert hit["kind_label"] == "榜单"
    assert hit["status"] == "published" and hit["status_label"]
    assert hit["deadline_label"].endswith("(北京时间)")
    assert hit["price_label"] == "500 万元"
    assert hit["field"]["code"] == "0401"
    kinds = {v["value"]: v for v in data["facets"]["kind"]}
    assert kinds["challenge"]["count"] == 1 and kinds["challenge"]["selected"]

    html = client.get(PAGE, {"q": "排放后处理"}).content.decode()
    assert f'href="/challenges/{challenge.pk}/"' in html
    assert "江南船舶集团" in html and "500 万元" in html
    assert "(北京时间)" in html
    assert "kind=challenge" in html  # the tab of challenges


def test_board_search_finds_challenges_through_the_index(backend, sync_index, client):
    found_by_deliverables = ChallengeFactory(
        title="第一个榜单",
        status=S.PUBLISHED,
        deliverables="吨级中试线与工艺包",
    )
    ChallengeFactory(title="第二个榜单", status=S.PUBLISHED)
    ChallengeFactory(
        title="草稿榜单", status=S.DRAFT, deliverables="吨级中试线与工艺包"
    )
    sync_index()

    # The deliverables are no column the database search of the board reads: only
    # the index finds them.
    assert board_titles(client.get(BOARD, {"q": "吨级中试"})) == ["第一个榜单"]
    # The board's own filters still apply to what the index found.
    assert board_titles(client.get(BOARD, {"q": "吨级中试", "status": "review"})) == []
    assert found_by_deliverables.title in board_titles(client.get(BOARD))


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "challenge", "field": "04' OR 1=1"},
        {"kind": "challenges"},
        {"kind": ["challenge", "outcome"]},
        {"kind": "challenge\x00"},
        {"kind": "challenge", "price": "lots", "stage": "x", "trl": "99"},
        {"kind": "challenge", "sort": "-price", "page": "99999999999"},
        {"kind": "challenge", "q": "<script>" * 50},
    ],
)
def test_malformed_kind_and_filters_never_fail(backend, sync_index, client, params):
    ChallengeFactory(title="开放中的榜单", status=S.PUBLISHED)
    sync_index()

    assert client.get(API, params).status_code == 200
    assert client.get(PAGE, params).status_code == 200
    suggest = {"q": "开放", **{k: v for k, v in params.items() if k == "kind"}}
    assert client.get(SUGGEST, suggest).status_code == 200


def test_reindex_and_check_include_challenges(backend, sync_index):
    public = ChallengeFactory(title="深海耐压壳体材料", status=S.AWARDED)
    ChallengeFactory(title="深海草稿", status=S.DRAFT)
    # Not sent yet: the check sees it missing, the reindex puts it in.
    assert check("challenge", backend=backend).missing == [
        search_key("challenge", public.pk)
    ]

    result = reindex("challenge", backend=backend)
    backend.refresh()

    assert result["documents"] == 1
    assert found(q="耐压壳体") == [key(public)]
    report = check("challenge", backend=backend)
    assert report.problems == 0 and report.expected == 1
    call_command("search_check", "--kind", "challenge")


# -- the search engine down ----------------------------------------------------------


@pytest.fixture
def engine_down(settings):
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there


def test_board_search_falls_back_to_the_database_when_the_engine_is_down(
    engine_down, client
):
    ChallengeFactory(title="固态电池界面", status=S.PUBLISHED)
    ChallengeFactory(title="另一个", status=S.PUBLISHED, deliverables="固态电池样品")

    response = client.get(BOARD, {"q": "固态电池"})

    # Titles, backgrounds and objectives, as before the index: not the deliverables.
    assert board_titles(response) == ["固态电池界面"]
    assert 'id="board-search-degraded"' in response.content.decode()
    assert board_titles(client.get(BOARD)) == ["另一个", "固态电池界面"]


def test_search_of_challenges_falls_back_to_the_database(engine_down, client):
    challenge = ChallengeFactory(title="盐湖提锂吸附剂", status=S.PUBLISHED)
    ChallengeFactory(title="盐湖提锂草稿", status=S.DRAFT)

    data = client.get(API, {"q": "提锂", "kind": "challenge"}).json()

    assert data["degraded"] is True
    assert [(r["id"], r["kind"]) for r in data["results"]] == [
        (challenge.pk, "challenge")
    ]
    assert data["results"][0]["url"] == f"/challenges/{challenge.pk}/"
    assert client.get(SUGGEST, {"q": "盐湖", "kind": "challenge"}).json() == {
        "suggestions": []
    }
