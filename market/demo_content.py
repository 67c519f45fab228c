"""Demo catalogue for `make run`: research outcomes and technology demands in all eight fields.

Each listing is written by hand (its method, figures, evidence, comparison) in the data
files ``market/data/demo/{outcomes,demands,desks}.json``, and small templates here
compose those facts into the listing's fields, so every listing reads as its own text.
Listings are keyed by external ID ("demo-outcome-001", "demo-demand-001").

A second run creates nothing and leaves existing listings as they are: `make run` loads
the demo on every start, and rewriting them would undo what someone did in the demo.
The one exception keeps the demo from going stale: a demand whose deadline has passed
gets a new one, as many days ahead as on the first run (and goes back on the market if
the system had expired it).

Most listings go through the life-cycle services (save → submit → publish), so they
have revisions and the services' signals fire; their publication dates are then spread
over the past months so that the catalogue's "newest first" order means something.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, cast

from django.db import models
from django.utils import timezone
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from market.demo_images import DemoImages
from market.models import (
    Confidentiality,
    CooperationMode,
    Demand,
    IPRight,
    IPRightKind,
    IPRightStatus,
    Listing,
    ListingStatus,
    Organisation,
    Outcome,
    OutcomeImage,
    Region,
    TechField,
)
from market.services.listings import (
    archive_listing,
    publish_listing,
    reject_listing,
    renew_listing,
    save_listing,
    submit_listing,
    validity_days,
)
from market.signals import listings_changed

NEGOTIABLE = "面议"

DATA = Path(__file__).resolve().parent / "data" / "demo"


def _read(name: str) -> Any:
    """One of the demo's data files (the content lives there, the templates here)."""
    with (DATA / name).open(encoding="utf-8") as handle:
        return json.load(handle)


State = Literal["draft", "submitted", "published", "rejected", "archived"]

# The cooperation modes as the demo's sentences name them (their CooperationMode.name).
MODE_NAMES = {
    "transfer": "转让",
    "license": "许可",
    "joint": "合作实施",
    "equity": "作价投资",
    "development": "技术开发",
    "service": "技术服务",
}


# --- Who publishes: the desk of each organisation -------------------------------------


@dataclass(frozen=True)
class Desk:
    """Where an organisation's listings are and whom a visitor contacts."""

    region: str  # GB/T 2260 district code
    contact: str
    phone: str
    email: str


DESKS: dict[str, Desk] = {
    org: Desk(**desk) for org, desk in _read("desks.json").items()
}


# --- Intellectual property --------------------------------------------------------------


@dataclass(frozen=True)
class IP:
    """A patent, software copyright or other right behind an outcome; numbered on load."""

    kind: Literal["inv", "um", "sw", "pv", "ic"]
    title: str


@dataclass(frozen=True)
class NumberedIP:
    kind: str  # IPRightKind
    number: str
    title: str
    legal_status: str  # IPRightStatus
    label: str  # how the description names the kind


def patent_check_character(digits: str) -> str:
    """The check character of a 12-digit Chinese patent application number."""
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    total = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return "X" if total == 10 else str(total)


def _number(right: IP, no: int, index: int) -> NumberedIP:
    # Fictional but well-formed numbers, stable across runs.
    serial = (no * 48271 + index * 7919 + 123457) % 10_000_000
    year = 2018 + (no + index) % 6
    if right.kind in ("inv", "um"):
        digits = f"{year}{1 if right.kind == 'inv' else 2}{serial:07d}"
        # Invention patents take about three years to grant; utility models months.
        granted = right.kind == "um" or year <= 2021
        number = f"{'ZL' if granted else ''}{digits}.{patent_check_character(digits)}"
        return NumberedIP(
            IPRightKind.INVENTION if right.kind == "inv" else IPRightKind.UTILITY,
            number,
            right.title,
            IPRightStatus.GRANTED if granted else IPRightStatus.UNDER_EXAMINATION,
            "发明专利" if right.kind == "inv" else "实用新型专利",
        )
    year = 2019 + (no + index) % 5
    if right.kind == "sw":
        return NumberedIP(
            IPRightKind.SOFTWARE,
            f"{year}SR{serial:07d}",
            right.title,
            IPRightStatus.GRANTED,
            "软件著作权",
        )
    if right.kind == "pv":
        return NumberedIP(
            IPRightKind.OTHER,
            f"CNA{year}{serial % 9000 + 1000}.{serial % 7}",
            right.title,
            IPRightStatus.GRANTED,
            "植物新品种权",
        )
    return NumberedIP(
        IPRightKind.OTHER,
        f"BS.{year % 100:02d}55{serial % 100000:05d}",
        right.title,
        IPRightStatus.GRANTED,
        "集成电路布图设计专有权",
    )


# --- Templates ---------------------------------------------------------------------------

# Two wordings per stage, chosen by listing number, so neighbouring cards differ.
STAGE_TEXTS: dict[str, tuple[str, str]] = {
    "lab": (
        "目前处于实验室原理验证阶段，核心指标已在实验室条件下得到验证，希望与企业合作开展工程化开发。",
        "项目尚处于实验室研究阶段，团队可与合作方共建联合实验室，共同推进工程化。",
    ),
    "bench": (
        "目前已完成小试验证，关键工艺参数基本确定，正在寻找合作企业共同开展中试放大。",
        "实验室小试样品性能稳定，下一步需要在合作企业现场进行中试放大和工艺优化。",
    ),
    "pilot": (
        "目前已完成中试验证，具备工程化放大条件，可向合作方提供工艺包、设备选型建议和技术培训。",
        "中试结果表明工艺稳定、指标可重复，团队可派驻工程师协助合作方完成产线建设。",
    ),
    "trial": (
        "技术已在实际生产环境中得到验证，可较快导入合作方产线，团队可提供安装调试与人员培训。",
        "样机已在用户现场长期运行，性能稳定，可根据合作方需求进行定制化开发。",
    ),
    "mass": (
        "技术已实现规模化应用，产品质量稳定，可提供成熟的技术方案和持续的技术支持。",
        "产品已批量生产和销售，可向合作方提供完整的生产工艺文件、质量控制标准和售后支持。",
    ),
}

DEMAND_STAGES = {
    3: "完成实验室原理验证",
    4: "完成小试验证",
    5: "完成小试验证",
    6: "完成中试验证",
    7: "在实际工况下完成样机验证",
    8: "达到可批量应用的水平",
    9: "达到量产要求",
}

DEMAND_CLOSINGS = (
    "希望与高校、科研院所或科技型企业以{modes}方式合作，方案需{stage}，并在我方现场完成验证；我方可安排工程师全程配合。",
    "欢迎具备相关研究基础的团队联系，合作方式可为{modes}；方案需{stage}，验收以我方现场测试结果为准，知识产权归属可协商。",
    "我方可提供试验场地、样品和生产数据，希望合作方以{modes}方式承担研发任务，方案需{stage}，并提供技术培训。",
)


def _stage(trl: int) -> str:
    if trl <= 3:
        return "lab"
    if trl <= 5:
        return "bench"
    if trl == 6:
        return "pilot"
    return "trial" if trl <= 8 else "mass"


def _paragraphs(texts: Iterable[str]) -> str:
    return "".join(f"<p>{text}</p>" for text in texts if text)


def _modes_text(codes: Iterable[str], joiner: str) -> str:
    return joiner.join(MODE_NAMES[code] for code in codes)


def _ip_sentence(rights: list[NumberedIP]) -> str:
    parts: list[str] = []
    patents = [r for r in rights if r.kind == IPRightKind.INVENTION]
    if patents:
        granted = sum(r.legal_status == IPRightStatus.GRANTED for r in patents)
        if granted == len(patents):
            state = "（均已授权）" if len(patents) > 1 else "（已授权）"
        elif granted:
            state = f"（已授权{granted}件）"
        else:
            state = "（实质审查中）"
        parts.append(f"发明专利{len(patents)}件{state}")
    for label, unit in (("实用新型专利", "件"), ("软件著作权", "项")):
        count = sum(r.label == label for r in rights)
        if count:
            parts.append(f"{label}{count}{unit}")
    parts += [f"{r.label}1项" for r in rights if r.kind == IPRightKind.OTHER]
    if not parts:
        return ""
    return f"围绕本成果已布局{'、'.join(parts)}，权属清晰。"


# --- Specifications ------------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeSpec:
    """One research outcome, in the words its owner would use."""

    no: int
    org: str
    field: str  # sub-field code from market/data/tech_fields.json
    title: str
    lead: str  # the problem and the method, one or two sentences
    specs: tuple[str, ...]  # technical indicators with figures and units
    gains: tuple[str, ...]  # advantages with figures
    versus: str  # comparison with what buyers use today
    uses: tuple[str, ...]
    trl: int
    proof: str  # maturity evidence
    price: int | str | None  # 万元, NEGOTIABLE, or None (not given yet: drafts)
    ip: tuple[IP, ...]
    modes: tuple[str, ...]
    keywords: tuple[str, ...]
    state: State = "published"
    reason: str = ""  # of a rejection or an archiving
    featured: bool = False
    anonymous: bool = False
    protected: str = ""
    gallery: tuple[str, ...] = ()  # captions; a caption with 曲线 gets a chart

    @property
    def external_id(self) -> str:
        return f"demo-outcome-{self.no:03d}"

    @property
    def summary(self) -> str:
        return (
            f"{self.lead}主要优势：{'；'.join(self.gains[:2])}。"
            f"适用于{'、'.join(self.uses[:3])}等领域。"
        )

    def ip_rights(self) -> list[NumberedIP]:
        return [_number(right, self.no, i) for i, right in enumerate(self.ip)]

    @property
    def description(self) -> str:
        closing = _ip_sentence(self.ip_rights())
        closing += f"可通过{_modes_text(self.modes, '、')}等方式合作。"
        return _paragraphs(
            (
                self.lead,
                f"主要技术指标：{'；'.join(self.specs)}。",
                STAGE_TEXTS[_stage(self.trl)][self.no % 2],
                closing,
            )
        )

    @property
    def advantages(self) -> str:
        return "\n".join(f"{i}. {gain}。" for i, gain in enumerate(self.gains, 1))

    @property
    def applications(self) -> str:
        return f"主要面向{'、'.join(self.uses)}等领域。"


@dataclass(frozen=True)
class DemandSpec:
    """One technology demand, as the enterprise's engineers would put it."""

    no: int
    org: str
    field: str
    title: str
    ask: str  # what is sought, one or two sentences
    situation: str  # the current process
    pain: str  # what goes wrong
    objectives: tuple[str, ...]  # measurable, with figures and units
    trl: int  # expected maturity
    budget: tuple[int, int] | str | None  # 万元 range, NEGOTIABLE, or None (drafts)
    days: int  # deadline, days after the first load
    modes: tuple[str, ...]
    keywords: tuple[str, ...]
    state: State = "published"
    reason: str = ""
    featured: bool = False
    anonymous: bool = False
    protected: str = ""

    @property
    def external_id(self) -> str:
        return f"demo-demand-{self.no:03d}"

    @property
    def summary(self) -> str:
        if isinstance(self.budget, tuple):
            budget = f"预算{self.budget[0]}–{self.budget[1]}万元。"
        elif self.budget == NEGOTIABLE:
            budget = "预算面议。"
        else:
            budget = ""
        return (
            f"{self.ask}核心指标：{'；'.join(self.objectives[:3])}。{budget}"
            f"拟以{_modes_text(self.modes, '或')}方式合作。"
        )

    @property
    def problem(self) -> str:
        closing = DEMAND_CLOSINGS[self.no % len(DEMAND_CLOSINGS)].format(
            modes=_modes_text(self.modes, "或"), stage=DEMAND_STAGES[self.trl]
        )
        return _paragraphs((self.situation, self.pain, closing))


# --- Loading -----------------------------------------------------------------------------


def load_demo_catalogue(
    *, moderator_id: int | None, author_ids: dict[str, int]
) -> dict[str, int]:
    """Create the demo outcomes and demands that do not exist yet; returns the counts."""
    return _Loader(moderator_id, author_ids).run()


@dataclass
class _Loader:
    moderator_id: int | None
    author_ids: dict[str, int]
    counts: dict[str, int] = field(
        default_factory=lambda: {
            "outcomes": 0,
            "demands": 0,
            "images": 0,
            "deadlines_refreshed": 0,
        }
    )

    def __post_init__(self) -> None:
        self.now = timezone.now()
        self.today = timezone.localdate()
        specs: list[OutcomeSpec | DemandSpec] = [*OUTCOMES, *DEMANDS]
        names = {spec.org for spec in specs}
        self.organisations = {
            org.name: org for org in Organisation.objects.filter(name__in=names)
        }
        missing = sorted(names - self.organisations.keys())
        if missing:
            raise LookupError(f"demo organisations missing: {', '.join(missing)}")
        missing = sorted(names - self.author_ids.keys())
        if missing:
            raise LookupError(f"no demo author for: {', '.join(missing)}")
        codes = {spec.field for spec in specs}
        self.fields = {f.code: f for f in TechField.objects.filter(code__in=codes)}
        self.regions = {
            r.code: r
            for r in Region.objects.filter(code__in={d.region for d in DESKS.values()})
        }
        self.modes = {m.code: m for m in CooperationMode.objects.all()}
        self._images: DemoImages | None = None
        self.changed: list[models.Model] = []  # what the reference index must learn

    @property
    def images(self) -> DemoImages:
        # Only a run that creates outcomes needs the picture library.
        if self._images is None:
            self._images = DemoImages()
        return self._images

    @property
    def reviewer_id(self) -> int:
        # Without a moderator the services record the step as the system's (None).
        return cast(int, self.moderator_id)

    def run(self) -> dict[str, int]:
        # Wagtail re-indexes an object's references on every save, five times per new
        # listing here; index each new object once at the end instead.
        with disable_reference_index_auto_update():
            self.create_missing()
        for obj in self.changed:
            ReferenceIndex.create_or_update_for_object(obj)
        return self.counts

    def create_missing(self) -> None:
        existing_outcomes = set(
            Outcome.objects.filter(
                external_id__in=[s.external_id for s in OUTCOMES]
            ).values_list("external_id", flat=True)
        )
        for outcome_spec in OUTCOMES:
            if outcome_spec.external_id not in existing_outcomes:
                self.changed.append(self.create_outcome(outcome_spec))
                self.counts["outcomes"] += 1
        existing_demands = {
            d.external_id: d
            for d in Demand.objects.filter(
                external_id__in=[s.external_id for s in DEMANDS]
            )
        }
        for demand_spec in DEMANDS:
            demand = existing_demands.get(demand_spec.external_id)
            if demand is None:
                self.changed.append(self.create_demand(demand_spec))
                self.counts["demands"] += 1
            elif self.refresh_deadline(demand, demand_spec):
                self.changed.append(demand)
                self.counts["deadlines_refreshed"] += 1
        if self._images is not None:
            self.changed += self._images.created
            self.counts["images"] = len(self._images.created)

    def _common(self, spec: OutcomeSpec | DemandSpec) -> dict[str, object]:
        desk = DESKS[spec.org]
        return {
            "external_id": spec.external_id,
            "title": spec.title,
            "summary": spec.summary,
            "field": self.fields[spec.field],
            "region": self.regions[desk.region],
            "organisation": self.organisations[spec.org],
            "contact_name": desk.contact,
            "contact_phone": desk.phone,
            "contact_email": desk.email,
            "keywords": list(spec.keywords),
            "confidentiality": (
                Confidentiality.ANONYMOUS if spec.anonymous else Confidentiality.PUBLIC
            ),
            "protected_details": spec.protected,
            "is_featured": spec.featured,
        }

    def create_outcome(self, spec: OutcomeSpec) -> Outcome:
        organisation = self.organisations[spec.org]
        field_ = self.fields[spec.field]
        # An anonymous owner's name must not appear on its picture either.
        owner = "" if spec.anonymous else organisation.short_name or organisation.name
        cover = self.images.get_or_create(
            f"{spec.title}（封面）",
            filename=f"{spec.external_id}-cover.jpg",
            field_code=spec.field[:2],
            label=field_.name,
            sublabel=owner,
        )
        outcome = Outcome(
            **self._common(spec),
            description=spec.description,
            advantages=spec.advantages,
            comparison=spec.versus,
            applications=spec.applications,
            maturity=spec.trl,
            maturity_evidence=spec.proof,
            # The money fields are nullable through a shared kwargs dict the stubs miss.
            price_wan=Decimal(spec.price) if isinstance(spec.price, int) else None,  # type: ignore[misc]
            price_negotiable=spec.price == NEGOTIABLE,
            cover_image=cover,
        )
        author_id = self.author_ids[spec.org]
        save_listing(
            outcome,
            by_user_id=author_id,
            modes=[self.modes[code] for code in spec.modes],
        )
        IPRight.objects.bulk_create(
            IPRight(
                outcome=outcome,
                kind=right.kind,
                number=right.number,
                title=right.title,
                legal_status=right.legal_status,
                sort_order=order,
            )
            for order, right in enumerate(spec.ip_rights())
        )
        OutcomeImage.objects.bulk_create(
            OutcomeImage(
                outcome=outcome,
                image=self.images.get_or_create(
                    f"{spec.title}（{caption}）",
                    filename=f"{spec.external_id}-{order + 1}.jpg",
                    field_code=spec.field[:2],
                    label=caption,
                    sublabel=owner,
                    chart="曲线" in caption,
                ),
                caption=caption,
                sort_order=order,
            )
            for order, caption in enumerate(spec.gallery)
        )
        self.advance(outcome, spec, author_id, days_ago=(spec.no * 37) % 170 + 3)
        return outcome

    def create_demand(self, spec: DemandSpec) -> Demand:
        budget = spec.budget if isinstance(spec.budget, tuple) else (None, None)
        demand = Demand(
            **self._common(spec),
            problem=spec.problem,
            objectives=list(spec.objectives),
            expected_maturity=spec.trl,
            budget_min_wan=None if budget[0] is None else Decimal(budget[0]),  # type: ignore[misc]
            budget_max_wan=None if budget[1] is None else Decimal(budget[1]),  # type: ignore[misc]
            budget_negotiable=spec.budget == NEGOTIABLE,
            deadline=self.today + dt.timedelta(days=spec.days),
        )
        author_id = self.author_ids[spec.org]
        save_listing(
            demand,
            by_user_id=author_id,
            modes=[self.modes[code] for code in spec.modes],
        )
        self.advance(demand, spec, author_id, days_ago=(spec.no * 17) % 55 + 1)
        return demand

    def advance(
        self,
        listing: Listing,
        spec: OutcomeSpec | DemandSpec,
        author_id: int,
        *,
        days_ago: int,
    ) -> None:
        """Take a new draft through the life cycle to the state its spec asks for."""
        if spec.state == "draft":
            return
        submit_listing(listing.pk, by_user_id=author_id)
        if spec.state == "submitted":
            return
        if spec.state == "rejected":
            reject_listing(listing.pk, by_user_id=self.reviewer_id, reason=spec.reason)
            return
        publish_listing(listing.pk, by_user_id=self.reviewer_id)
        self.backdate(listing, spec, days_ago)
        if spec.state == "archived":
            archive_listing(listing.pk, by_user_id=author_id, reason=spec.reason)

    def backdate(
        self, listing: Listing, spec: OutcomeSpec | DemandSpec, days_ago: int
    ) -> None:
        """Spread publication over the past months, as a catalogue that has been running."""
        published = self.now - dt.timedelta(days=days_ago, hours=spec.no % 9)
        valid_until = timezone.localdate(published) + dt.timedelta(days=validity_days())
        deadline = getattr(listing, "deadline", None)
        if deadline is not None and deadline < valid_until:
            valid_until = deadline
        views = (spec.no * 97) % 600 + 40 + (400 if spec.featured else 0)
        Listing.objects.filter(pk=listing.pk).update(
            created_at=published - dt.timedelta(days=2, hours=3),
            submitted_at=published - dt.timedelta(hours=20),
            reviewed_at=published,
            published_at=published,
            first_published_at=published,
            status_changed_at=published,
            updated_at=published,
            valid_until=valid_until,
            view_count=views,
        )

    def refresh_deadline(self, demand: Demand, spec: DemandSpec) -> bool:
        """Give a demand whose deadline has passed a new one; True when it did."""
        if demand.deadline is None or demand.deadline >= self.today:
            return False
        deadline = self.today + dt.timedelta(days=spec.days)
        if demand.status == ListingStatus.EXPIRED:
            # The nightly job expired it: renew it and approve it again, as people would.
            Demand.objects.filter(pk=demand.pk).update(deadline=deadline)
            renew_listing(demand.pk, by_user_id=self.author_ids[spec.org])
            publish_listing(demand.pk, by_user_id=self.reviewer_id)
            return True
        demand.deadline = deadline
        if demand.status == ListingStatus.PUBLISHED:
            demand.valid_until = min(
                self.today + dt.timedelta(days=validity_days()), deadline
            )
        demand.save()
        demand.save_revision(clean=False)
        if demand.status == ListingStatus.PUBLISHED:
            listings_changed.send(sender=Demand, listing_ids=[demand.pk])
        return True


# --- The catalogue: market/data/demo/{outcomes,demands}.json ---------------------------


def _spec_fields(row: dict[str, Any]) -> dict[str, Any]:
    """A JSON row as dataclass arguments: lists back to tuples, rights to ``IP``."""
    fields = {k: tuple(v) if isinstance(v, list) else v for k, v in row.items()}
    if "ip" in row:
        fields["ip"] = tuple(IP(kind, title) for kind, title in row["ip"])
    return fields


OUTCOMES: tuple[OutcomeSpec, ...] = tuple(
    OutcomeSpec(**_spec_fields(row)) for row in _read("outcomes.json")
)
DEMANDS: tuple[DemandSpec, ...] = tuple(
    DemandSpec(**_spec_fields(row)) for row in _read("demands.json")
)


# --- Challenges (揭榜挂帅) and a campaign (创新挑战赛) -----------------------------------
#
# A few demands are promoted to challenges and walked through the life cycle with the
# real services, their times set in the past, so that the board shows one challenge at
# each stage with applications. Keyed by title: a second run adds nothing.

DEMO_CAMPAIGN = "2026 中国创新挑战赛（星海高新区）"
CAMPAIGN_OPERATOR = "长三角技术转移服务中心"
# The organisations that apply, each with a demo member (accounts.demo.USERS).
APPLICANTS = ("江南理工大学", "华东新材料研究院", "岭南生物医药研究所")

ChallengeStage = Literal[
    "draft",
    "submitted",
    "published",
    "under_review",
    "awarded",
    "in_progress",
    "paid_out",
]


@dataclass(frozen=True)
class ChallengeSpec:
    """A demo challenge: the demand it is promoted from and how far it has come."""

    demand_no: int
    stage: ChallengeStage
    bounty_wan: int
    indicators: tuple[tuple[str, str, str, str], ...]  # name, unit, target, method
    applicants: tuple[str, ...] = ()
    in_campaign: bool = False
    blind_review: bool = False

    @property
    def title(self) -> str:
        return f"揭榜挂帅：{_demand_spec(self.demand_no).title}"


def _demand_spec(no: int) -> DemandSpec:
    return next(spec for spec in DEMANDS if spec.no == no)


CHALLENGES = (
    ChallengeSpec(
        1,
        "published",
        300,
        (
            ("柔轮疲劳寿命", "h", "10000", "额定负载连续运行试验，第三方检测"),
            ("传动精度", "arcsec", "30", "按 GB/T 35089 检测"),
        ),
        applicants=("江南理工大学", "华东新材料研究院"),
        in_campaign=True,
    ),
    ChallengeSpec(
        7,
        "submitted",
        500,
        (("吨水蒸发能耗", "kWh", "25", "连续 72 小时运行计量"),),
        in_campaign=True,
    ),
    ChallengeSpec(
        12,
        "under_review",
        800,
        (("栅氧 TDDB 寿命", "年", "20", "AEC-Q101 可靠性试验"),),
        applicants=("华东新材料研究院", "江南理工大学"),
        blind_review=True,
    ),
    ChallengeSpec(
        20,
        "awarded",
        400,
        (("单件加工工时降低", "%", "30", "连续 20 件批量试切统计"),),
        applicants=("江南理工大学",),
    ),
    ChallengeSpec(
        16,
        "in_progress",
        260,
        (("缺陷检出率", "%", "99", "客户产线 1 万张图像盲测"),),
        applicants=("岭南生物医药研究所", "江南理工大学"),
    ),
    ChallengeSpec(
        3,
        "paid_out",
        150,
        (("刀具寿命提升", "%", "50", "同批次壳体对比试验"),),
        applicants=("江南理工大学",),
        in_campaign=True,
    ),
    ChallengeSpec(
        8,
        "draft",
        350,
        (("出水总氮", "mg/L", "10", "按 HJ 636 检测"),),
    ),
)
# How far back each stage's deadline lies (days before now; negative: still ahead).
_DEADLINE_DAYS = {
    "draft": -40,
    "submitted": -35,
    "published": -21,
    "under_review": 5,
    "awarded": 20,
    "in_progress": 60,
    "paid_out": 300,
}


def load_demo_challenges(
    *, moderator_id: int | None, author_ids: dict[str, int]
) -> dict[str, int]:
    """Create the demo campaign and the challenges that do not exist yet (with their
    applications); returns the counts."""
    from market.models import Campaign, CampaignStatus, Challenge

    counts = {"campaigns": 0, "challenges": 0, "applications": 0}
    operator = Organisation.objects.filter(name=CAMPAIGN_OPERATOR).first()
    campaign = Campaign.objects.filter(title=DEMO_CAMPAIGN).first()
    today = timezone.localdate()
    if campaign is None and operator is not None:
        campaign = Campaign.objects.create(
            operator=operator,
            title=DEMO_CAMPAIGN,
            description=(
                "<p>面向星海高新区先进制造、节能环保企业征集技术难题，"
                "组织高校院所揭榜攻关，并举办现场对接赛。</p>"
            ),
            opens_on=today - dt.timedelta(days=120),
            closes_on=today + dt.timedelta(days=60),
            event_on=today + dt.timedelta(days=75),
            status=CampaignStatus.OPEN,
        )
        counts["campaigns"] += 1
    existing = set(
        Challenge.objects.filter(title__in=[c.title for c in CHALLENGES]).values_list(
            "title", flat=True
        )
    )
    for spec in CHALLENGES:
        if spec.title in existing:
            continue
        demand = Demand.objects.filter(
            external_id=_demand_spec(spec.demand_no).external_id
        ).first()
        if demand is None:
            continue
        applicants = [
            org
            for org in Organisation.objects.filter(name__in=spec.applicants)
            if org.name in author_ids
        ]
        counts["applications"] += _walk_challenge(
            spec,
            demand,
            campaign if spec.in_campaign else None,
            moderator_id=moderator_id,
            author_ids=author_ids,
            applicants=sorted(applicants, key=lambda o: spec.applicants.index(o.name)),
        )
        counts["challenges"] += 1
    return counts


def _walk_challenge(
    spec: ChallengeSpec,
    demand: Demand,
    campaign: Any,
    *,
    moderator_id: int | None,
    author_ids: dict[str, int],
    applicants: list[Organisation],
) -> int:
    """Create one demo challenge and take it to its stage; returns its applications."""
    from market.models import Challenge
    from market.services import applications as apply
    from market.services import challenges as flow
    from market.services import review as review_flow

    now = timezone.now().replace(second=0, microsecond=0)
    deadline = now - dt.timedelta(days=_DEADLINE_DAYS[spec.stage])
    published = deadline - dt.timedelta(days=45)
    issuer_user = author_ids[demand.organisation.name]
    reviewer = cast(int, moderator_id)
    challenge = flow.save_challenge(
        Challenge(
            issuer=demand.organisation,
            campaign=campaign,
            source_demand=demand,
            title=spec.title,
            background=demand.problem,
            objectives="\n".join(demand.objectives),
            deliverables="技术方案与工艺包、样机或样品、第三方检测报告、验收报告。",
            field=demand.field,
            region=demand.region,
            bounty_wan=Decimal(spec.bounty_wan),
            payment_terms="milestones",
            payment_terms_note="签约后支付 30 %，中期检查通过支付 40 %，验收通过支付 30 %。",
            duration_months=12,
            application_deadline=deadline,
            eligibility="境内注册的高校、科研院所和企业，可组成联合体揭榜；挂帅人不设年龄、职称门槛。",
            contact_name=demand.contact_name,
            contact_phone=demand.contact_phone,
            contact_email=demand.contact_email,
            blind_review=spec.blind_review,
        ),
        by_user_id=issuer_user,
        indicators=[
            flow.IndicatorData(name=n, unit=u, target_value=t, measurement=m)
            for n, u, t, m in spec.indicators
        ],
        criteria=[
            flow.CriterionData(name="技术方案先进性与可行性", weight=40),
            flow.CriterionData(name="指标承诺与验证方案", weight=30),
            flow.CriterionData(name="团队能力与前期基础", weight=20),
            flow.CriterionData(name="进度与经费安排", weight=10),
        ],
    )
    if spec.stage == "draft":
        return 0
    flow.submit_challenge(
        challenge.pk, by_user_id=issuer_user, now=published - dt.timedelta(days=2)
    )
    if spec.stage == "submitted":
        return 0
    flow.publish_challenge(challenge.pk, by_user_id=reviewer, now=published)
    created = []
    for position, organisation in enumerate(applicants):
        application = apply.create_application(
            challenge.pk,
            lead_organisation_id=organisation.pk,
            by_user_id=author_ids[organisation.name],
            data=_demo_application(challenge, position),
            now=published + dt.timedelta(days=10 + position),
        )
        # The first applicant of an open challenge is still drafting.
        if spec.stage != "published" or position > 0:
            apply.submit_application(
                application.pk,
                by_user_id=author_ids[organisation.name],
                now=published + dt.timedelta(days=20 + position),
            )
        created.append(application)
    if spec.stage == "published":
        return len(created)
    flow.close_challenge(challenge.pk, now=deadline)
    flow.start_review(challenge.pk, by_user_id=issuer_user)
    reviewed = _demo_review(
        challenge,
        created,
        moderator_id=moderator_id,
        start=deadline,
        close=spec.stage != "under_review",
    )
    if spec.stage == "under_review":
        return len(created)
    awarded_at = deadline + dt.timedelta(days=14)
    winner = created[0]
    # With a panel the issuer confirms the winner from its ranking; without an expert
    # among the demo accounts the award is made directly.
    award = review_flow.confirm_winner if reviewed else flow.award_challenge
    award(
        challenge.pk,
        application_id=winner.pk,
        by_user_id=issuer_user,
        announcement=(
            f"经专家评审和发榜方确认，拟由{winner.lead_organisation.name}"
            f"（挂帅人：{winner.team_lead_name}）揭榜，现予公示。"
        ),
        now=awarded_at,
    )
    if spec.stage == "awarded":
        return len(created)
    started = awarded_at + dt.timedelta(days=challenge.objection_days)
    flow.start_delivery(challenge.pk, by_user_id=issuer_user, now=started)
    _demo_delivery(challenge, spec, by_user_id=issuer_user, started=started)
    return len(created)


def _demo_delivery(
    challenge: Any, spec: ChallengeSpec, *, by_user_id: int, started: dt.datetime
) -> None:
    """The delivery records of a running or completed demo challenge, along its
    payment terms (30 % on signing, 40 % at the mid-term check, 30 % on acceptance):
    milestones accepted with measured values, the final acceptance, the payouts."""
    from market.services import delivery

    bounty = challenge.bounty_wan
    first = (bounty * Decimal("0.3")).quantize(Decimal("0.01"))
    delivery.record_payout(
        challenge.pk,
        by_user_id=by_user_id,
        amount_wan=first,
        paid_on=delivery.beijing_date(started + dt.timedelta(days=3)),
        reference="首期款（签约后）",
        now=started + dt.timedelta(days=3),
    )
    if spec.stage != "paid_out":
        return
    milestones = list(challenge.delivery_milestones.order_by("sort_order"))
    indicators = list(challenge.indicators.all())
    mid = started + dt.timedelta(days=120)
    delivery.accept_milestone(
        milestones[0].pk,
        by_user_id=by_user_id,
        measurements=[
            delivery.MeasurementData(
                indicator_id=i.pk,
                measured_value=i.target_value * Decimal("0.9"),
                measured_on=delivery.beijing_date(mid),
                evidence_note="小试阶段自测，数据见小试报告。",
            )
            for i in milestones[0].indicators.all()
        ],
        note="小试样品与检测报告齐全，同意通过中期检查。",
        now=mid,
    )
    delivery.record_payout(
        challenge.pk,
        by_user_id=by_user_id,
        amount_wan=(bounty * Decimal("0.4")).quantize(Decimal("0.01")),
        paid_on=delivery.beijing_date(mid + dt.timedelta(days=5)),
        milestone_id=milestones[0].pk,
        reference="中期款",
        now=mid + dt.timedelta(days=5),
    )
    accepted = started + dt.timedelta(days=240)
    delivery.accept_challenge(
        challenge.pk,
        by_user_id=by_user_id,
        measurements=[
            delivery.MeasurementData(
                indicator_id=i.pk,
                measured_value=i.target_value * Decimal("1.16"),
                measured_on=delivery.beijing_date(accepted - dt.timedelta(days=7)),
                evidence_note="第三方检测机构现场测试，见检测报告。",
            )
            for i in indicators
        ],
        reason="全部指标达标",
        now=accepted,
    )
    paid = delivery.paid_total(challenge)
    delivery.record_payout(
        challenge.pk,
        by_user_id=by_user_id,
        amount_wan=bounty - paid,
        paid_on=delivery.beijing_date(accepted + dt.timedelta(days=10)),
        reference="尾款（验收后）",
        now=accepted + dt.timedelta(days=10),
    )
    delivery.pay_out_challenge(
        challenge.pk,
        by_user_id=by_user_id,
        reason="尾款已支付",
        now=accepted + dt.timedelta(days=10),
    )


# Demo scores per criterion (40/30/20/10 %) by applicant position: the first ranks first.
DEMO_SCORES = ((88, 85, 90, 80), (76, 80, 72, 85), (65, 70, 68, 75))


def _demo_review(
    challenge: Any,
    applications: list[Any],
    *,
    moderator_id: int | None,
    start: dt.datetime,
    close: bool,
) -> bool:
    """Formal checks, the demo experts on the panel and their scores; the panel closed
    when ``close``. False (nothing done) when no demo account has the expert role."""
    from market.selectors import available_experts
    from market.services import review as review_flow

    experts = list(available_experts(challenge.pk)[:3])
    if not experts or not applications:
        return False
    reviewer = cast(int, moderator_id)
    for application in applications:
        review_flow.check_application(
            application.pk,
            by_user_id=reviewer,
            complete=True,
            now=start + dt.timedelta(days=1),
        )
    criteria = list(challenge.review_criteria.all())
    for offset, expert in enumerate(experts):
        review_flow.assign_expert(
            challenge.pk,
            expert_id=expert.pk,
            by_user_id=reviewer,
            now=start + dt.timedelta(days=1),
        )
        review_flow.declare_no_conflict(
            challenge.pk, expert_id=expert.pk, now=start + dt.timedelta(days=2)
        )
        for position, application in enumerate(applications):
            values = DEMO_SCORES[position % len(DEMO_SCORES)]
            review_flow.score_application(
                application.pk,
                expert_id=expert.pk,
                scores={
                    c.pk: Decimal(v - offset)
                    for c, v in zip(criteria, values, strict=False)
                },
                comment="技术路线清晰，指标承诺有验证方案。",
                now=start + dt.timedelta(days=5),
            )
    if close:
        review_flow.close_panel(
            challenge.pk, by_user_id=reviewer, now=start + dt.timedelta(days=10)
        )
    return True


TEAM_LEADS = ("周博文 副研究员", "林晓 博士", "马骁 工程师")


def _demo_application(challenge: Any, position: int) -> Any:
    from market.services import applications as apply

    indicators = list(challenge.indicators.all())
    return apply.ApplicationData(
        team_lead_name=TEAM_LEADS[position % len(TEAM_LEADS)],
        proposal=(
            "<p>基于团队前期成果，提出材料—工艺—检测一体化的技术路线，"
            "分小试、中试两阶段完成全部指标。</p>"
        ),
        responses=[
            apply.ResponseData(
                indicator_id=indicator.pk,
                promised_value=indicator.target_value * Decimal("1.1"),
                approach="小试验证后在发榜方产线中试。",
            )
            for indicator in indicators
        ],
        milestones=[
            apply.MilestoneData("小试验证", 4, "小试样品与检测报告", "40"),
            apply.MilestoneData("中试与验收", 12, "中试样机与验收报告", "60"),
        ],
        declarations_confirmed=True,
    )
