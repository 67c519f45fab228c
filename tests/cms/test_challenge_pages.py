"""The public side of challenges: board, detail, campaign, announcement, honour list,
Atom feed."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.urls import path
from django.utils import timezone

from market.models import (
    CampaignStatus,
    ChallengeObjection,
    ChallengeStatus,
    Confidentiality,
    IndicatorResponse,
    Region,
    TechField,
)
from market.services.challenges import award_challenge, close_due_challenges
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories.challenges import (
    CampaignFactory,
    ChallengeApplicationFactory,
    ChallengeFactory,
)

pytestmark = pytest.mark.django_db

S = ChallengeStatus
ATOM = "{http://www.w3.org/2005/Atom}"
BOARD = "/challenges/"


def titles(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'<h3 class="listing-title"><a href="[^"]+">([^<]+)</a>', html)


def _awarded(issuer_user, *, now=None, **kwargs):
    """A challenge awarded to 华东新材料研究院 with 王博士 as team lead."""
    challenge = ChallengeFactory(status=S.UNDER_REVIEW, **kwargs)
    application = ChallengeApplicationFactory(
        challenge=challenge,
        lead_organisation=OrganisationFactory(name="华东新材料研究院"),
        status="submitted",
        submitted_at=timezone.now(),
    )
    for indicator in challenge.indicators.all():
        IndicatorResponse.objects.create(
            application=application,
            indicator=indicator,
            promised_value=Decimal("92.5"),
        )
    award_challenge(
        challenge.pk,
        application_id=application.pk,
        by_user_id=issuer_user.pk,
        announcement="拟由华东新材料研究院王博士团队挂帅。",
        now=now or timezone.now(),
    )
    challenge.refresh_from_db()
    return challenge


# --- Board ---------------------------------------------------------------------------


def test_board_lists_published_and_later_challenges_never_drafts(client):
    for status in (S.DRAFT, S.SUBMITTED, S.REJECTED, S.WITHDRAWN):
        ChallengeFactory(title=f"私有{status}", status=status)
    ChallengeFactory(title="开放中的榜单", status=S.PUBLISHED)
    ChallengeFactory(title="评审中的榜单", status=S.UNDER_REVIEW)
    ChallengeFactory(title="已失败的榜单", status=S.FAILED)

    response = client.get(BOARD)

    assert response.status_code == 200
    assert sorted(titles(response)) == sorted(
        ["开放中的榜单", "评审中的榜单", "已失败的榜单"]
    )


def test_board_filters_by_status_group_bounty_field_region_and_campaign(client):
    other_field = TechField.objects.exclude(code__startswith="04").filter(
        parent__isnull=False
    )[0]
    other_region = Region.objects.exclude(code__startswith="32")[0]
    campaign = CampaignFactory(title="苏州挑战赛")
    ChallengeFactory(title="小额", status=S.PUBLISHED, bounty_wan=Decimal("49.99"))
    ChallengeFactory(title="中额", status=S.CLOSED, bounty_wan=Decimal("50"))
    ChallengeFactory(
        title="大额", status=S.PUBLISHED, bounty_wan=Decimal("1000"), campaign=campaign
    )
    ChallengeFactory(title="别的领域", status=S.PAID_OUT, field=other_field)
    ChallengeFactory(title="别的地区", status=S.PUBLISHED, region=other_region)

    def board(**params):
        return sorted(titles(client.get(BOARD, params)))

    assert board(bounty="lt50") == ["小额"]
    assert board(bounty="50-200") == ["中额"]
    assert board(bounty="gte1000") == ["大额"]
    assert board(status="review") == ["中额"]
    assert board(status="completed") == ["别的领域"]
    assert board(field=other_field.parent.code) == ["别的领域"]
    assert "别的领域" not in board(field="04")
    assert board(region=other_region.code) == ["别的地区"]
    assert "别的地区" not in board(region="320000")
    assert board(campaign=str(campaign.pk)) == ["大额"]


@pytest.fixture
def search_index(settings):
    """An empty search index of this worker (the board's words are looked up there)."""
    from tests.search.conftest import _clean_backend

    yield from _clean_backend(settings, "elasticsearch")


def test_board_searches_title_background_and_objectives(client, search_index):
    from search.sync import drain_all

    ChallengeFactory(title="固态电池界面", status=S.PUBLISHED)
    ChallengeFactory(
        title="另一个", status=S.PUBLISHED, background="<p>需要耐高温陶瓷涂层</p>"
    )
    ChallengeFactory(title="第三个", status=S.PUBLISHED, objectives="陶瓷 寿命翻倍")
    ChallengeFactory(title="草稿陶瓷", status=S.DRAFT)
    drain_all()
    search_index.refresh()

    assert titles(client.get(BOARD, {"q": "固态电池"})) == ["固态电池界面"]
    assert sorted(titles(client.get(BOARD, {"q": "陶瓷"}))) == ["另一个", "第三个"]
    assert titles(client.get(BOARD, {"q": "没有这个词"})) == []


@pytest.mark.parametrize(
    "params",
    [
        {"page": "99999999999999999999999"},
        {"page": "-1"},
        {"page": "²"},
        {"campaign": "abc"},
        {"campaign": "99999999999999999999"},
        {"bounty": "lots"},
        {"status": "<script>"},
        {"field": "04' OR 1=1"},
        {"region": "x" * 5000},
        {"q": "陶瓷\x00"},
        {"q": "x" * 5000},
        {"q": ["a", "b"]},
    ],
)
def test_board_answers_malformed_parameters_without_a_server_error(client, params):
    ChallengeFactory(title="开放中的榜单", status=S.PUBLISHED)

    response = client.get(BOARD, params)

    assert response.status_code == 200


def test_board_paginates_twenty_to_a_page(client):
    for n in range(21):
        ChallengeFactory(title=f"榜单{n}", status=S.PUBLISHED)

    first = client.get(BOARD)
    second = client.get(BOARD, {"page": "2"})

    assert len(titles(first)) == 20
    assert len(titles(second)) == 1
    assert 'rel="next"' in first.content.decode()


def test_board_hides_an_anonymous_issuer(client):
    ChallengeFactory(
        title="匿名榜单",
        status=S.PUBLISHED,
        issuer=OrganisationFactory(name="保密企业"),
        confidentiality=Confidentiality.ANONYMOUS,
    )

    html = client.get(BOARD).content.decode()

    assert "匿名榜单" in html
    assert "保密企业" not in html


def test_site_header_links_to_the_board(client):
    html = client.get(BOARD).content.decode()

    assert '<a href="/challenges/">' in html


# --- Detail --------------------------------------------------------------------------


def test_detail_shows_indicators_terms_and_deadline_in_beijing_time(client):
    deadline = dt.datetime(2030, 3, 1, 10, 0, tzinfo=dt.UTC)  # 18:00 in Beijing
    challenge = ChallengeFactory(
        title="高镍正极",
        status=S.PUBLISHED,
        application_deadline=deadline,
        payment_terms_note="签约付 30 %",
        indicators=[("容量保持率", "%", "90"), ("能量密度", "Wh/kg", "300")],
    )

    response = client.get(f"/challenges/{challenge.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "容量保持率" in html and "能量密度" in html and "300 Wh/kg" in html
    assert "2030-03-01 18:00" in html
    assert "签约付 30 %" in html
    assert "data-countdown" in html
    # The remaining time is rendered on the server: it reads without JavaScript.
    assert re.search(r"data-countdown-text>还剩 \d+ 天", html)


def test_detail_countdown_counts_down_to_the_deadline(client, settings):
    settings.LANGUAGE_CODE = "en"
    challenge = ChallengeFactory(
        status=S.PUBLISHED,
        application_deadline=timezone.now() + dt.timedelta(days=2, hours=3, minutes=30),
    )

    html = client.get(f"/challenges/{challenge.pk}/", HTTP_ACCEPT_LANGUAGE="en").content
    text = re.search(rb"data-countdown-text>([^<]+)<", html).group(1).decode()

    assert re.fullmatch(r"2 d 3 h (29|30) min left", text)


def test_detail_of_a_draft_is_not_found_for_the_public(client):
    challenge = ChallengeFactory(status=S.DRAFT)

    assert client.get(f"/challenges/{challenge.pk}/").status_code == 404
    assert client.get("/challenges/999999/").status_code == 404


def test_detail_shows_the_draft_to_its_issuer_with_a_banner(client):
    challenge = ChallengeFactory(status=S.SUBMITTED)
    user = UserFactory()
    MembershipFactory(user=user, organisation=challenge.issuer)
    client.force_login(user)

    response = client.get(f"/challenges/{challenge.pk}/")

    assert response.status_code == 200
    assert "status-banner" in response.content.decode()


def test_detail_hides_anonymous_issuer_and_contact_details(client, stranger):
    challenge = ChallengeFactory(
        status=S.PUBLISHED,
        issuer=OrganisationFactory(name="保密企业"),
        confidentiality=Confidentiality.ANONYMOUS,
        contact_phone="0512-11112222",
    )

    anonymous = client.get(f"/challenges/{challenge.pk}/").content.decode()
    client.force_login(stranger)
    logged_in = client.get(f"/challenges/{challenge.pk}/").content.decode()

    for html in (anonymous, logged_in):
        assert "保密企业" not in html
        assert "0512-11112222" not in html


def test_detail_shows_contact_details_to_logged_in_visitors_only(client, stranger):
    challenge = ChallengeFactory(status=S.PUBLISHED, contact_phone="0512-33334444")

    assert (
        "0512-33334444"
        not in client.get(f"/challenges/{challenge.pk}/").content.decode()
    )
    client.force_login(stranger)
    assert (
        "0512-33334444" in client.get(f"/challenges/{challenge.pk}/").content.decode()
    )


def test_detail_timeline_starts_at_publication(client, moderator):
    from market.services.challenges import publish_challenge, submit_challenge

    challenge = ChallengeFactory(status=S.DRAFT, published_at=None)
    issuer_user = UserFactory()
    MembershipFactory(user=issuer_user, organisation=challenge.issuer)
    submit_challenge(challenge.pk, by_user_id=issuer_user.pk)
    publish_challenge(challenge.pk, by_user_id=moderator.pk)

    html = client.get(f"/challenges/{challenge.pk}/").content.decode()
    timeline = html.split('class="timeline"')[1].split("</ol>")[0]

    assert timeline.count("<li>") == 1


def test_detail_shows_the_apply_button_only_while_applications_are_taken(client):
    from urllib.parse import quote

    from django.urls import reverse

    open_one = ChallengeFactory(status=S.PUBLISHED)
    closed = ChallengeFactory(status=S.CLOSED)
    form = reverse("workbench:application_create", args=[open_one.pk])

    shown = client.get(f"/challenges/{open_one.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    hidden = client.get(f"/challenges/{closed.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    # Anonymous visitors log in first and land on the form.
    assert "Apply for this challenge" in shown.content.decode()
    assert quote(form, safe="") in shown.content.decode()
    assert "Apply for this challenge" not in hidden.content.decode()


def test_detail_apply_link_resolves_a_real_url_name(settings):
    """With a URL of that name installed, the button links to it with the id."""
    from django.urls import clear_url_caches, include

    from cms import challenges as views

    challenge = ChallengeFactory(status=S.PUBLISHED)
    module = type("urls", (), {})()
    module.urlpatterns = [
        path(
            "w/",
            include(
                (
                    [
                        path(
                            "c/<int:pk>/apply/",
                            lambda r, pk: None,
                            name="application_create",
                        )
                    ],
                    "workbench",
                ),
            ),
        )
    ]
    settings.ROOT_URLCONF = module
    clear_url_caches()
    try:
        assert views.apply_url(challenge) == f"/w/c/{challenge.pk}/apply/"
    finally:
        clear_url_caches()


# --- Announcement and objections -----------------------------------------------------


def test_announcement_names_the_winner_and_the_objection_end_in_beijing_time(
    client, moderator
):
    now = dt.datetime(2030, 5, 1, 4, 0, tzinfo=dt.UTC)
    challenge = _awarded(moderator, now=now)

    html = client.get(f"/challenges/{challenge.pk}/announcement/").content.decode()

    assert "华东新材料研究院" in html
    assert "王博士" in html
    assert "2030-05-08 12:00" in html  # seven days later, 04:00 UTC = 12:00 Beijing


def test_announcement_of_a_challenge_not_awarded_is_not_found(client):
    challenge = ChallengeFactory(status=S.PUBLISHED)

    assert client.get(f"/challenges/{challenge.pk}/announcement/").status_code == 404


def test_logged_in_user_raises_an_objection_during_the_period(
    client, moderator, stranger
):
    challenge = _awarded(moderator)
    client.force_login(stranger)

    response = client.post(
        f"/challenges/{challenge.pk}/announcement/",
        {"text": "获奖团队的指标承诺不实。"},
    )

    assert response.status_code == 302
    objection = ChallengeObjection.objects.get(challenge=challenge)
    assert objection.raised_by == stranger
    assert objection.text == "获奖团队的指标承诺不实。"


def test_objection_after_the_period_is_refused_with_a_message(
    client, moderator, stranger
):
    challenge = _awarded(moderator, now=timezone.now() - dt.timedelta(days=30))
    client.force_login(stranger)

    response = client.post(
        f"/challenges/{challenge.pk}/announcement/",
        {"text": "太晚了"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert "objection period" in response.content.decode()
    assert not ChallengeObjection.objects.exists()


def test_empty_objection_is_refused_and_nothing_recorded(client, moderator, stranger):
    challenge = _awarded(moderator)
    client.force_login(stranger)

    response = client.post(f"/challenges/{challenge.pk}/announcement/", {"text": "  "})

    assert response.status_code == 400
    assert not ChallengeObjection.objects.exists()


def test_anonymous_objection_is_sent_to_log_in(client, moderator):
    challenge = _awarded(moderator)

    response = client.post(
        f"/challenges/{challenge.pk}/announcement/", {"text": "匿名异议"}
    )

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not ChallengeObjection.objects.exists()


# --- Campaign ------------------------------------------------------------------------


def test_campaign_page_shows_schedule_challenges_and_results(client):
    campaign = CampaignFactory(
        title="中国创新挑战赛（苏州）",
        status=CampaignStatus.RESULTS,
        event_on=timezone.localdate() + dt.timedelta(days=10),
        results="签约意向 12 项，金额 3,000 万元。",
    )
    ChallengeFactory(title="赛题一", status=S.PUBLISHED, campaign=campaign)
    ChallengeFactory(title="赛题草稿", status=S.DRAFT, campaign=campaign)

    response = client.get(f"/challenges/campaigns/{campaign.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert titles(response) == ["赛题一"]
    assert "签约意向 12 项" in html
    assert "campaign-schedule" in html


def test_campaign_in_preparation_is_not_public(client):
    campaign = CampaignFactory(status=CampaignStatus.DRAFT)

    assert client.get(f"/challenges/campaigns/{campaign.pk}/").status_code == 404


# --- Honour list ---------------------------------------------------------------------


def test_honour_list_shows_completed_challenges_with_promised_and_achieved_values(
    client, moderator
):
    from market.services.challenges import (
        accept_challenge,
        pay_out_challenge,
        start_delivery,
    )
    from market.services.delivery import MeasurementData, record_payout

    challenge = _awarded(
        moderator, now=timezone.now() - dt.timedelta(days=30), title="光荣榜单"
    )
    start_delivery(challenge.pk, by_user_id=moderator.pk)
    accept_challenge(
        challenge.pk,
        by_user_id=moderator.pk,
        measurements=[
            MeasurementData(i.pk, "93.4") for i in challenge.indicators.all()
        ],
    )
    record_payout(
        challenge.pk,
        by_user_id=moderator.pk,
        amount_wan=challenge.bounty_wan,
        paid_on=timezone.localdate() - dt.timedelta(days=1),
    )
    pay_out_challenge(challenge.pk, by_user_id=moderator.pk)
    ChallengeFactory(title="仍在进行", status=S.IN_PROGRESS)

    html = client.get(
        "/challenges/honours/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "光荣榜单" in html
    assert "仍在进行" not in html
    assert "华东新材料研究院" in html
    assert "92.5 %" in html  # promised
    assert "93.4 %" in html  # achieved, against a target of at least 90 %
    assert "not recorded" not in html


# --- Feed ----------------------------------------------------------------------------


def test_feed_lists_new_challenges_and_campaign_results_as_valid_atom(client):
    ChallengeFactory(title="新发榜单", status=S.PUBLISHED)
    ChallengeFactory(title="草稿榜单", status=S.DRAFT)
    ChallengeFactory(
        title="匿名发榜",
        status=S.PUBLISHED,
        issuer=OrganisationFactory(name="保密企业"),
        confidentiality=Confidentiality.ANONYMOUS,
    )
    CampaignFactory(title="挑战赛", status=CampaignStatus.RESULTS, results="签约 5 项")

    response = client.get("/feeds/challenges.atom")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    entry_titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert "新发榜单" in entry_titles and "匿名发榜" in entry_titles
    assert "草稿榜单" not in entry_titles
    assert any("挑战赛" in t for t in entry_titles)
    assert all(e.findtext(f"{ATOM}id") for e in entries)
    assert b"\xe4\xbf\x9d\xe5\xaf\x86\xe4\xbc\x81\xe4\xb8\x9a" not in response.content
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert all(link.startswith("http://testserver/challenges/") for link in links)


# --- Cache -----------------------------------------------------------------------------


def test_cached_board_changes_when_a_challenge_closes(
    client, django_capture_on_commit_callbacks
):
    challenge = ChallengeFactory(
        title="即将截止",
        status=S.PUBLISHED,
        application_deadline=timezone.now() + dt.timedelta(minutes=5),
    )
    assert titles(client.get(BOARD, {"status": "open"})) == ["即将截止"]
    assert titles(client.get(BOARD, {"status": "open"})) == ["即将截止"]

    with django_capture_on_commit_callbacks(execute=True):
        close_due_challenges(now=challenge.application_deadline)

    assert titles(client.get(BOARD, {"status": "open"})) == []


def test_pages_speak_chinese_by_default_and_english_on_request(client):
    challenge = ChallengeFactory(status=S.PUBLISHED)

    chinese = client.get(f"/challenges/{challenge.pk}/").content.decode()
    english = client.get(
        f"/challenges/{challenge.pk}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "榜单大厅" in chinese and "还剩" in chinese
    assert "Challenge board" in english and "min left" in english
