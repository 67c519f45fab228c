"""A listing's detail page: public fields, who sees what, head metadata, views counted."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from cms.cache import flush_view_counts
from market.models import (
    Confidentiality,
    IPRight,
    IPRightKind,
    Listing,
    ListingStatus,
    OutcomeAttachment,
    OutcomeImage,
)
from tests.factories import DemandFactory, OrganisationFactory, OutcomeFactory

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def html_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def json_ld(html: str) -> dict:
    scripts = JSON_LD.findall(html)
    assert len(scripts) == 1
    return json.loads(scripts[0])


def meta(html: str, prop: str) -> str | None:
    match = re.search(rf'<meta property="{re.escape(prop)}" content="([^"]*)">', html)
    return match.group(1) if match else None


def image(title: str = "样机照片") -> Image:
    return Image.objects.create(title=title, file=get_test_image_file())


def document(title: str = "第三方检测报告") -> Document:
    return Document.objects.create(
        title=title, file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="report.pdf")
    )


def dress(outcome, count: int) -> None:
    """Give ``outcome`` ``count`` IP rights, gallery pictures and attachments."""
    for n in range(count):
        IPRight.objects.create(
            outcome=outcome,
            kind=IPRightKind.INVENTION,
            number=f"ZL20231012345{n}.7",
            title=f"一种铝合金的制备方法{n}",
        )
        OutcomeImage.objects.create(outcome=outcome, image=image(), caption=f"图{n}")
        OutcomeAttachment.objects.create(outcome=outcome, document=document(f"报告{n}"))


@pytest.fixture
def outcome(owner_org):
    return OutcomeFactory(
        title="高强韧铝合金一体化压铸技术",
        organisation=owner_org,
        price_wan=Decimal("300"),
        modes=["license", "transfer"],
        published=True,
    )


def test_detail_shows_the_public_fields_of_an_outcome(client, outcome):
    dress(outcome, 1)

    html = html_of(client.get(f"/outcomes/{outcome.pk}/"))

    assert "<h1>高强韧铝合金一体化压铸技术</h1>" in html
    assert "屈服强度达到 320 MPa" in html  # description
    assert "强度提高25%" in html  # advantages
    assert "新材料 › 金属材料" in html
    assert "江苏省 苏州市 吴中区" in html
    assert "300" in html and "TRL 6" in html
    assert "许可 · 转让" in html or "转让 · 许可" in html
    assert "ZL202310123450.7" in html and "一种铝合金的制备方法0" in html
    assert re.search(r'<img [^>]*src="/media/images/[^"]+\.fill-320x240', html)
    assert re.search(
        r'<a href="/documents/\d+/report[^"]*\.pdf" download>报告0</a>', html
    )
    assert "江南理工大学" in html


def test_detail_shows_a_demand_with_objectives_budget_and_deadline(client):
    demand = DemandFactory(title="重金属深度去除", published=True)

    html = html_of(client.get(f"/demands/{demand.pk}/"))

    assert "出水镍 ≤ 0.1 mg/L" in html
    assert "50–200" in html
    assert f'datetime="{demand.deadline:%Y-%m-%d}"' in html


def test_detail_without_a_price_says_negotiable(client):
    outcome = OutcomeFactory(price_wan=None, price_negotiable=True, published=True)

    html = html_of(client.get(f"/outcomes/{outcome.pk}/", HTTP_ACCEPT_LANGUAGE="en"))

    assert '<dd class="listing-price">Negotiable</dd>' in html


@pytest.mark.parametrize(
    "status", [ListingStatus.DRAFT, ListingStatus.SUBMITTED, ListingStatus.REJECTED]
)
def test_detail_of_an_unpublished_listing_is_404_to_the_public(
    client, stranger, owner_org, status
):
    outcome = OutcomeFactory(organisation=owner_org, status=status)

    assert client.get(f"/outcomes/{outcome.pk}/").status_code == 404
    client.force_login(stranger)
    assert client.get(f"/outcomes/{outcome.pk}/").status_code == 404


def test_detail_of_a_draft_is_shown_to_its_owner_with_a_status_banner(
    client, owner, owner_org
):
    outcome = OutcomeFactory(title="尚未提交的成果", organisation=owner_org)
    client.force_login(owner)

    html = html_of(client.get(f"/outcomes/{outcome.pk}/"))

    assert "尚未提交的成果" in html
    assert 'class="status-banner status-draft"' in html
    assert '<meta name="robots" content="noindex, nofollow">' in html


def test_detail_of_a_rejected_listing_tells_the_owner_why(client, owner, owner_org):
    outcome = OutcomeFactory(
        organisation=owner_org,
        status=ListingStatus.REJECTED,
        rejection_reason="请补充第三方检测报告。",
    )
    client.force_login(owner)

    assert "请补充第三方检测报告。" in html_of(client.get(f"/outcomes/{outcome.pk}/"))


def test_detail_of_a_submitted_listing_is_shown_to_moderators(
    client, moderator, owner_org
):
    outcome = OutcomeFactory(organisation=owner_org, submitted=True)
    client.force_login(moderator)

    assert 'status-banner status-submitted"' in html_of(
        client.get(f"/outcomes/{outcome.pk}/")
    )


def test_detail_of_another_kind_or_a_missing_listing_is_404(client, outcome):
    assert client.get(f"/demands/{outcome.pk}/").status_code == 404
    assert client.get("/outcomes/999999/").status_code == 404
    assert client.get("/outcomes/abc/").status_code == 404


def test_detail_of_an_anonymous_listing_hides_the_organisation(
    client, owner, stranger, owner_org
):
    outcome = OutcomeFactory(
        organisation=owner_org,
        confidentiality=Confidentiality.ANONYMOUS,
        published=True,
    )
    url = f"/outcomes/{outcome.pk}/"

    html = html_of(client.get(url))
    assert "江南理工大学" not in html
    assert "provider" not in json_ld(html)

    client.force_login(stranger)
    assert "江南理工大学" not in html_of(client.get(url))

    client.force_login(owner)
    assert "江南理工大学" in html_of(client.get(url))


def test_detail_hides_contact_details_from_visitors_who_are_not_logged_in(
    client, outcome
):
    html = html_of(client.get(f"/outcomes/{outcome.pk}/"))

    assert "0512-12345678" not in html
    assert "contact@example.cn" not in html
    assert f'href="/accounts/login/?next=%2Foutcomes%2F{outcome.pk}%2F"' in html


def test_detail_shows_contact_details_to_logged_in_users(client, stranger, outcome):
    client.force_login(stranger)

    html = html_of(client.get(f"/outcomes/{outcome.pk}/"))

    assert "0512-12345678" in html
    assert 'href="mailto:contact@example.cn"' in html


def test_detail_keeps_contact_of_anonymous_listings_from_logged_in_strangers(
    client, stranger, owner_org
):
    outcome = OutcomeFactory(
        organisation=owner_org,
        confidentiality=Confidentiality.ANONYMOUS,
        published=True,
    )
    client.force_login(stranger)

    assert "0512-12345678" not in html_of(client.get(f"/outcomes/{outcome.pk}/"))


def test_detail_never_shows_protected_details(client, stranger, outcome):
    outcome.protected_details = "工艺窗口：固溶 535℃×2h"
    outcome.save()
    client.force_login(stranger)

    assert "固溶 535℃" not in html_of(client.get(f"/outcomes/{outcome.pk}/"))


def test_detail_json_ld_of_an_outcome_is_a_creative_work_priced_in_yuan(
    client, outcome
):
    data = json_ld(html_of(client.get(f"/outcomes/{outcome.pk}/")))

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "CreativeWork"
    assert data["name"] == "高强韧铝合金一体化压铸技术"
    assert data["url"] == f"http://testserver/outcomes/{outcome.pk}/"
    assert data["provider"] == {"@type": "Organization", "name": "江南理工大学"}
    assert data["offers"] == {
        "@type": "Offer",
        "price": 3_000_000,
        "priceCurrency": "CNY",
        "url": f"http://testserver/outcomes/{outcome.pk}/",
    }


def test_detail_json_ld_of_a_negotiable_outcome_has_no_offer_price(client):
    outcome = OutcomeFactory(price_wan=None, price_negotiable=True, published=True)

    assert "offers" not in json_ld(html_of(client.get(f"/outcomes/{outcome.pk}/")))


def test_detail_json_ld_of_a_demand_is_a_demand_with_area_budget_and_deadline(
    client,
):
    organisation = OrganisationFactory(name="合肥清源环保科技股份有限公司")
    demand = DemandFactory(organisation=organisation, published=True)

    data = json_ld(html_of(client.get(f"/demands/{demand.pk}/")))

    assert data["@type"] == "Demand"
    assert data["validThrough"] == demand.deadline.isoformat()
    assert data["areaServed"]["name"] == "江苏省 苏州市 吴中区"
    assert data["priceSpecification"]["minPrice"] == 500_000
    assert data["priceSpecification"]["maxPrice"] == 2_000_000
    assert data["@reverse"]["seeks"]["name"] == "合肥清源环保科技股份有限公司"


def test_detail_json_ld_cannot_be_broken_out_of_by_a_title(client):
    outcome = OutcomeFactory(title="</script><script>alert(1)</script>", published=True)

    html = html_of(client.get(f"/outcomes/{outcome.pk}/"))

    assert "<script>alert(1)" not in html
    assert json_ld(html)["name"] == "</script><script>alert(1)</script>"


def test_detail_has_description_canonical_and_open_graph_tags(client, outcome):
    outcome.cover_image = image("封面")
    outcome.save()

    html = html_of(client.get(f"/outcomes/{outcome.pk}/"))
    url = f"http://testserver/outcomes/{outcome.pk}/"

    assert f'<link rel="canonical" href="{url}">' in html
    assert '<meta name="description" content="面向新能源汽车车身' in html
    assert meta(html, "og:title") == "高强韧铝合金一体化压铸技术"
    assert meta(html, "og:type") == "article"
    assert meta(html, "og:url") == url
    assert meta(html, "og:description").startswith("面向新能源汽车车身")
    assert re.match(
        r"http://testserver/media/images/.+\.fill-1200x630", meta(html, "og:image")
    )
    assert json_ld(html)["image"] == meta(html, "og:image")


def test_detail_counts_views_of_visitors_but_not_of_the_owner(client, owner, outcome):
    url = f"/outcomes/{outcome.pk}/"
    client.get(url)
    client.get(url)  # served from the page cache, counted all the same
    client.force_login(owner)
    client.get(url)
    flush_view_counts()  # what beat runs every few minutes

    assert Listing.objects.get(pk=outcome.pk).view_count == 2


def test_detail_costs_the_same_queries_with_one_or_four_of_everything(
    client, stranger, owner_org
):
    client.force_login(stranger)  # logged in: never the page cache
    small = OutcomeFactory(organisation=owner_org, published=True)
    large = OutcomeFactory(organisation=owner_org, published=True)
    dress(small, 1)
    dress(large, 4)
    for listing in (small, large):  # first views create the thumbnails
        client.get(f"/outcomes/{listing.pk}/")

    counts = []
    for listing in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/outcomes/{listing.pk}/").status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]
