"""Portal page types: where they may be created, the admin forms, what they render."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.rich_text import RichText
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from cms.blocks import CallToActionBlock
from cms.models import (
    DemandIndexPage,
    EventIndexPage,
    EventOutcome,
    EventPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    OutcomeIndexPage,
    PolicyAttachment,
    PolicyPage,
    StandardPage,
)
from market.models import Confidentiality, ListingStatus
from tests.factories import (
    DemandFactory,
    OrganisationFactory,
    OutcomeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return HomePage.objects.get()


def add(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def html_of(client, page) -> str:
    response = client.get(page.url)
    assert response.status_code == 200, page.url
    return response.content.decode()


def pdf(title: str) -> Document:
    return Document.objects.create(
        title=title, file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="policy.pdf")
    )


def test_pages_may_be_created_only_where_they_belong(home):
    news = add(home, NewsIndexPage(title="新闻动态"))
    events = add(home, EventIndexPage(title="成果直通车"))
    standard = add(home, StandardPage(title="关于我们"))

    assert StandardPage.can_create_at(home) and StandardPage.can_create_at(standard)
    assert PolicyPage.can_create_at(home) and PolicyPage.can_create_at(standard)
    assert not PolicyPage.can_create_at(news)
    assert NewsPage.can_create_at(news) and not NewsPage.can_create_at(home)
    assert EventPage.can_create_at(events) and not EventPage.can_create_at(home)
    # One catalogue of each kind, created by the migration.
    assert not OutcomeIndexPage.can_create_at(home)
    assert not DemandIndexPage.can_create_at(home)
    assert not StandardPage.can_create_at(OutcomeIndexPage.objects.get())


@pytest.mark.parametrize(
    "model",
    [StandardPage, NewsIndexPage, EventIndexPage, PolicyPage],
)
def test_pages_admin_add_form_opens_under_the_home_page(client, home, model):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    name = model._meta.model_name

    response = client.get(f"/admin/pages/add/cms/{name}/{home.pk}/")

    assert response.status_code == 200


def test_pages_editor_creates_an_event_with_presented_outcomes_in_the_admin(
    client, home
):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    events = add(home, EventIndexPage(title="成果直通车"))
    outcome = OutcomeFactory(title="路演成果", published=True)

    response = client.post(
        f"/admin/pages/add/cms/eventpage/{events.pk}/",
        nested_form_data(
            {
                "title": "新材料专场路演",
                "slug": "materials-roadshow",
                "starts_at": "2030-05-20 14:00",
                "venue": "星海高新区科技大市场",
                "organiser": "星海高新区科技创新局",
                "body": streamfield([("heading", {"text": "议程", "level": "h2"})]),
                "featured_outcomes": inline_formset([{"outcome": outcome.pk}]),
                "action-publish": "action-publish",
            }
        ),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    event = EventPage.objects.get(slug="materials-roadshow")
    assert event.live
    html = html_of(client, event)
    assert "<h2>议程</h2>" in html
    assert f'href="/outcomes/{outcome.pk}/"' in html


def test_pages_standard_page_renders_every_body_block(client, home):
    featured = OutcomeFactory(title="推荐成果", is_featured=True, published=True)
    OutcomeFactory(title="未推荐成果", published=True)
    picture = Image.objects.create(title="园区全景", file=get_test_image_file())
    about = add(home, StandardPage(title="服务指南"))
    page = add(
        home,
        StandardPage(
            title="关于科技大市场",
            intro="线上线下结合的技术交易服务平台。",
            body=[
                ("heading", {"text": "服务内容", "level": "h2"}),
                ("paragraph", RichText("<p>提供<b>成果评价</b>与技术经纪服务。</p>")),
                (
                    "image",
                    {"image": picture, "alt_text": "园区", "caption": "星海高新区"},
                ),
                ("quote", {"quote": "让成果走出实验室。", "attribution": "中心主任"}),
                (
                    "call_to_action",
                    {
                        "title": "发布需求",
                        "text": "",
                        "button_text": "立即发布",
                        "page": about,
                        "url": "",
                    },
                ),
                (
                    "table",
                    {
                        "data": [["服务", "收费"], ["技术合同登记", "免费"]],
                        "first_row_is_table_header": True,
                        "first_col_is_header": False,
                        "table_caption": "收费标准",
                    },
                ),
                ("documents", {"title": "下载", "documents": [pdf("服务手册")]}),
                ("featured_listings", {"title": "推荐", "kind": "outcome", "count": 3}),
            ],
        ),
    )

    html = html_of(client, page)

    assert "<h2>服务内容</h2>" in html
    assert "<b>成果评价</b>" in html
    assert re.search(r'<img [^>]*alt="园区"', html) and "星海高新区" in html
    assert "让成果走出实验室。" in html
    assert f'<a class="button" href="{about.url}">立即发布</a>' in html
    assert "<caption>收费标准</caption>" in html
    assert '<th scope="col">服务</th>' in html and "<td>免费</td>" in html
    assert ">服务手册</a>" in html
    assert f'href="/outcomes/{featured.pk}/"' in html
    assert "未推荐成果" not in html


def test_pages_call_to_action_needs_exactly_one_target():
    block = CallToActionBlock()
    value = {
        "title": "报名",
        "text": "",
        "button_text": "报名",
        "page": None,
        "url": "",
    }

    with pytest.raises(ValidationError):
        block.clean(value)
    assert block.clean({**value, "url": "https://example.cn/apply"})


def test_pages_news_index_lists_its_news_newest_first(client, home):
    news = add(home, NewsIndexPage(title="新闻动态"))
    add(news, NewsPage(title="旧闻", date=dt.date(2025, 1, 5), summary="去年的消息"))
    latest = add(
        news,
        NewsPage(
            title="新闻",
            date=dt.date(2026, 3, 1),
            summary="今年的消息",
            image=Image.objects.create(title="配图", file=get_test_image_file()),
        ),
    )

    html = html_of(client, news)
    assert html.index("新闻</a>") < html.index("旧闻</a>")
    article = html_of(client, latest)
    assert "今年的消息" in article
    assert re.search(
        r'<meta property="og:image" content="http://testserver/media/', article
    )


def test_pages_policy_page_shows_its_issuer_number_and_attachments(client, home):
    policy = PolicyPage(
        title="关于促进科技成果转化的若干措施",
        issuing_authority="星海高新区管委会",
        document_number="星高管规〔2026〕3号",
        effective_date=dt.date(2026, 4, 1),
        summary="十条措施支持成果转化。",
    )
    policy.attachments = [PolicyAttachment(document=pdf("政策原文"))]
    add(home, policy)

    html = html_of(client, policy)

    assert "星海高新区管委会" in html
    assert "星高管规〔2026〕3号" in html
    assert 'datetime="2026-04-01"' in html
    assert ">政策原文</a>" in html


def test_pages_event_page_lists_only_outcomes_still_published(client, home):
    events = add(home, EventIndexPage(title="成果直通车"))
    shown = OutcomeFactory(title="在册成果", published=True)
    gone = OutcomeFactory(title="已下架成果", published=True)
    event = EventPage(
        title="生物医药专场",
        starts_at=timezone.now() + dt.timedelta(days=10),
        venue="科技大市场路演厅",
        registration_url="https://example.cn/register",
    )
    event.featured_outcomes = [EventOutcome(outcome=shown), EventOutcome(outcome=gone)]
    add(events, event)
    gone.status = ListingStatus.ARCHIVED
    gone.save()

    html = html_of(client, event)

    assert f'href="/outcomes/{shown.pk}/"' in html
    assert "已下架成果" not in html
    assert 'href="https://example.cn/register"' in html


def test_pages_event_cannot_end_before_it_starts():
    now = timezone.now()
    event = EventPage(
        title="路演",
        slug="roadshow",
        starts_at=now,
        ends_at=now - dt.timedelta(hours=1),
    )

    with pytest.raises(ValidationError):
        event.clean()


def test_pages_event_index_separates_upcoming_from_past_events(client, home):
    events = add(home, EventIndexPage(title="成果直通车"))
    now = timezone.now()
    add(events, EventPage(title="下月路演", starts_at=now + dt.timedelta(days=30)))
    add(events, EventPage(title="上月路演", starts_at=now - dt.timedelta(days=30)))

    html = html_of(client, events)

    upcoming, past = html.split('id="past-title"')
    assert "下月路演" in upcoming and "上月路演" in past


def test_home_page_shows_counts_featured_latest_and_catalogue_links(client, home):
    OrganisationFactory(is_verified=True)
    OrganisationFactory(is_verified=False)
    OutcomeFactory(title="推荐成果", is_featured=True, published=True)
    OutcomeFactory(title="最新成果", published=True)
    OutcomeFactory(title="草稿成果")
    DemandFactory(title="最新需求", published=True)

    html = html_of(client, home)

    assert '<span class="stat-number" data-count="outcomes">2</span>' in html
    assert '<span class="stat-number" data-count="demands">1</span>' in html
    # The factories' organisations are unverified: only the first one counts.
    assert '<span class="stat-number" data-count="organisations">1</span>' in html
    featured = html.split('id="featured-title"')[1].split("</section>")[0]
    assert "推荐成果" in featured and "最新成果" not in featured
    assert "最新成果" in html and "最新需求" in html and "草稿成果" not in html
    assert 'href="/outcomes/"' in html and 'href="/demands/"' in html


def test_home_page_hides_the_organisation_of_anonymous_listings(client, home):
    OutcomeFactory(
        organisation=OrganisationFactory(name="保密研究所"),
        confidentiality=Confidentiality.ANONYMOUS,
        published=True,
    )

    assert "保密研究所" not in html_of(client, home)
