"""Bench data and the URLs the page benchmark measures (run inside Django)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from market.models import (
    CooperationMode,
    Listing,
    ListingStatus,
    Organisation,
    Outcome,
    Region,
    TechField,
)

WORDS = [
    "高强韧",
    "低成本",
    "智能化",
    "绿色",
    "高效",
    "精密",
    "柔性",
    "长寿命",
    "高纯",
    "可回收",
]
THINGS = [
    "铝合金压铸工艺",
    "锂电池正极材料",
    "工业视觉检测系统",
    "污水深度处理装置",
    "减速器",
    "生物降解材料",
    "功率半导体模块",
    "光伏组件回收",
    "中药提取工艺",
    "氢燃料电池双极板",
]


@transaction.atomic
def ensure_listings(count: int) -> int:
    """Published outcomes ``bench-00001``… on top of the demo data (idempotent)."""
    existing = set(
        Listing.objects.filter(external_id__startswith="bench-").values_list(
            "external_id", flat=True
        )
    )
    rng = random.Random(42)
    fields = list(TechField.objects.filter(parent__isnull=False))
    regions = list(Region.objects.filter(level=3))
    organisations = list(Organisation.objects.all())
    modes = list(CooperationMode.objects.all())
    now = timezone.now()
    created = 0
    for n in range(1, count + 1):
        external_id = f"bench-{n:05d}"
        if external_id in existing:
            continue
        outcome = Outcome.objects.create(
            external_id=external_id,
            title=f"{rng.choice(WORDS)}{rng.choice(THINGS)}（批次{n}）",
            summary="面向产业化应用的成熟技术方案，关键指标经第三方检测，可提供小试与中试数据。"
            * 2,
            description="<p>技术路线成熟，已完成中试验证，主要性能指标优于同类产品 20% 以上。</p>",
            field=rng.choice(fields),
            region=rng.choice(regions),
            organisation=rng.choice(organisations),
            maturity=rng.randint(3, 9),
            price_wan=Decimal(rng.randint(10, 2000)),
            keywords=[rng.choice(WORDS), rng.choice(THINGS)],
            contact_name="王工",
            status=ListingStatus.PUBLISHED,
            published_at=now - dt.timedelta(minutes=n),
            first_published_at=now - dt.timedelta(minutes=n),
            valid_until=timezone.localdate() + dt.timedelta(days=365),
        )
        outcome.modes.set(rng.sample(modes, 2))
        created += 1
    return created


def targets() -> dict[str, object]:
    """The catalogue page and one detail page of published outcomes."""
    from cms.models import OutcomeIndexPage

    index = OutcomeIndexPage.objects.live().first()
    if index is None:
        raise SystemExit("bench: no live outcome catalogue page")
    catalogue = index.get_url()
    listing = (
        Outcome.objects.filter(status=ListingStatus.PUBLISHED)
        .order_by("-published_at")
        .first()
    )
    return {
        "catalogue": catalogue,
        "detail": f"{catalogue}{listing.pk}/",
        "published": Listing.objects.filter(status=ListingStatus.PUBLISHED).count(),
    }
