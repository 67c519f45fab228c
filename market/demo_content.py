"""Demo catalogue for `make run`: research outcomes and technology demands in all eight fields.

Each listing is written by hand (its method, figures, evidence, comparison) and small
templates compose those facts into the listing's fields, so every listing reads as its
own text. Listings are keyed by external ID ("demo-outcome-001", "demo-demand-001").

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
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, cast

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
    "江南理工大学": Desk(
        "320506", "周晓雯（技术转移中心）", "0512-6587 2316", "tto@jnut.example.cn"
    ),
    "华东新材料研究院": Desk(
        "310114", "孙静（成果转化部）", "021-6995 1208", "transfer@ecami.example.cn"
    ),
    "岭南生物医药研究所": Desk(
        "440112", "何嘉欣（产业合作部）", "020-3229 0671", "bd@lnibm.example.cn"
    ),
    "燕京工业大学": Desk(
        "110108", "赵明轩（技术转移研究院）", "010-6275 3316", "tto@yjut.example.cn"
    ),
    "钱塘大学": Desk(
        "330106", "沈佳怡（科技成果转化中心）", "0571-8820 6135", "kjc@qtu.example.cn"
    ),
    "楚天理工大学": Desk(
        "420111", "胡振华（技术转移中心）", "027-8754 2209", "tto@ctut.example.cn"
    ),
    "秦川工业大学": Desk(
        "610113", "杨博（科技成果转化办公室）", "029-8820 4417", "tto@qcut.example.cn"
    ),
    "南山智能感知研究院": Desk(
        "440305", "林子豪（产业发展部）", "0755-8639 2258", "bd@nsisi.example.cn"
    ),
    "江淮能源技术研究院": Desk(
        "340111", "程立伟（成果转化部）", "0551-6559 1183", "tt@jhiet.example.cn"
    ),
    "苏州智造精密机械有限公司": Desk(
        "320506", "王志强（研发中心）", "0512-6621 8890", "rd@zzjm.example.cn"
    ),
    "合肥清源环保科技股份有限公司": Desk(
        "340104", "刘芳（技术部）", "0551-6538 7721", "tech@qyep.example.cn"
    ),
    "深圳鸿芯微电子有限公司": Desk(
        "440306", "郑凯（研发部）", "0755-2761 3390", "rd@hxmicro.example.cn"
    ),
    "杭州云图数智科技有限公司": Desk(
        "330108", "方琳（战略合作部）", "0571-8677 4502", "bd@yuntu.example.cn"
    ),
    "成都云翔航空零部件有限公司": Desk(
        "510116", "罗建（工艺技术部）", "028-8596 1140", "tech@yxaero.example.cn"
    ),
    "南京汇能电力设备有限公司": Desk(
        "320115", "徐伟（技术中心）", "025-5210 8836", "rd@huineng.example.cn"
    ),
    "上海嘉驰新能源汽车零部件有限公司": Desk(
        "310114", "钱雨晨（研究院）", "021-5995 6620", "rd@jiachi.example.cn"
    ),
    "广州康沐医疗器械有限公司": Desk(
        "440112", "梁慧敏（研发部）", "020-8220 5516", "rd@kangmu.example.cn"
    ),
    "西安秦峰新材料有限公司": Desk(
        "610112", "马骏（技术质量部）", "029-8658 3370", "tech@qinfeng.example.cn"
    ),
}


# --- Intellectual property --------------------------------------------------------------


@dataclass(frozen=True)
class IP:
    """A patent, software copyright or other right behind an outcome; numbered on load."""

    kind: Literal["inv", "um", "sw", "pv", "ic"]
    title: str


def inv(title: str) -> IP:
    return IP("inv", title)


def um(title: str) -> IP:
    return IP("um", title)


def sw(title: str) -> IP:
    return IP("sw", title)


def pv(title: str) -> IP:
    return IP("pv", title)


def ic(title: str) -> IP:
    return IP("ic", title)


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


# --- The catalogue ---------------------------------------------------------------------------


OUTCOMES: tuple[OutcomeSpec, ...] = (
    # 01 电子信息
    OutcomeSpec(
        1,
        "燕京工业大学",
        "0101",
        "面向工业现场的轻量级时序数据库",
        lead="针对工业物联网测点多、写入频繁而边缘设备资源受限的问题，研发基于列式存储和自适应压缩编码的轻量级时序数据库，可在ARM架构边缘网关上稳定运行。",
        specs=(
            "单节点写入吞吐≥200万点/秒",
            "数据压缩比≥10:1",
            "运行内存占用≤128 MB",
            "支持标准SQL查询和百万级测点管理",
        ),
        gains=(
            "写入性能较主流开源方案提升3倍",
            "存储成本降低70%",
            "边缘端部署内存需求降低60%",
        ),
        versus="与InfluxDB、TimescaleDB等通用时序数据库相比，在同等硬件条件下写入吞吐提升约3倍，存储空间节省60%以上，并完整适配国产CPU与操作系统。",
        uses=("智能制造", "能源电力监测", "轨道交通运维", "楼宇能耗管理"),
        trl=7,
        proof="已在3家制造企业和1家省级电网公司部署应用，累计接入测点超过500万个，连续稳定运行18个月。",
        price=300,
        ip=(
            sw("工业时序数据库管理系统V2.0"),
            inv("一种面向时序数据的自适应压缩编码方法"),
        ),
        modes=("license", "service"),
        keywords=("时序数据库", "工业物联网", "边缘计算", "数据压缩"),
    ),
    OutcomeSpec(
        2,
        "钱塘大学",
        "0101",
        "基于大语言模型的设备故障诊断知识问答系统",
        lead="融合设备手册、维修工单与专家经验构建领域知识图谱，结合检索增强生成技术，实现对设备故障现象的自然语言问答与维修方案推荐，可本地化部署，数据不出厂。",
        specs=(
            "故障诊断问答准确率≥90%",
            "单次响应时间≤3秒",
            "支持典型设备≥50类",
            "知识库增量更新周期≤1天",
        ),
        gains=(
            "一线维修人员平均排故时间缩短45%",
            "新员工培训周期由6个月缩短至2个月",
            "专家经验沉淀率提高80%",
        ),
        versus="与传统关键词检索的维修知识库相比，可理解口语化描述并给出分步骤处置建议；与通用大模型相比，引入知识图谱约束后错误回答比例由约18%降至3%以下。",
        uses=("装备制造企业售后服务", "化工装置运维", "电力设备检修", "轨道交通车辆段"),
        trl=6,
        proof="已在某汽车零部件企业试点运行8个月，覆盖冲压、焊装两个车间共320台设备，用户满意度92%。",
        price=NEGOTIABLE,
        ip=(
            sw("设备故障诊断知识问答系统V1.0"),
            inv("一种融合知识图谱与检索增强生成的设备故障诊断方法"),
        ),
        modes=("license", "development", "service"),
        keywords=("大语言模型", "知识图谱", "故障诊断", "检索增强生成", "智能运维"),
    ),
    OutcomeSpec(
        3,
        "南山智能感知研究院",
        "0102",
        "低功耗60 GHz毫米波雷达SoC芯片",
        lead="采用28 nm CMOS工艺，将60 GHz射频前端、基带信号处理与RISC-V处理器集成于单颗芯片，实现人体存在检测、呼吸心跳监测与手势识别。",
        specs=(
            "工作频段57–64 GHz",
            "典型功耗≤30 mW（占空比工作模式）",
            "距离分辨率3.75 cm",
            "封装尺寸6 mm×6 mm（天线集成封装）",
        ),
        gains=("整机功耗降低65%", "物料成本降低40%", "呼吸监测准确率≥95%"),
        versus="与“射频芯片+MCU+外置天线”的分立方案相比，器件数量由5颗减为1颗，整机面积缩小70%；与红外热释电传感器相比，可检测静止人体，误报率降低90%。",
        uses=("智能家居", "养老看护", "车内活体检测", "智能照明"),
        trl=7,
        proof="已完成工程批流片和可靠性测试（HTOL 1000小时），通过AEC-Q100 Grade 2预评估，向12家客户送样。",
        price=1500,
        ip=(
            inv("一种天线集成封装的毫米波雷达芯片"),
            inv("一种基于毫米波雷达的低功耗人体存在检测方法"),
            ic("60 GHz毫米波雷达收发芯片"),
        ),
        modes=("license", "equity"),
        keywords=("毫米波雷达", "SoC", "RISC-V", "人体感知", "低功耗"),
        featured=True,
        gallery=("芯片与评估板", "呼吸监测测试曲线"),
    ),
    OutcomeSpec(
        4,
        "江南理工大学",
        "0104",
        "面向工业现场的5G确定性网络时延保障技术",
        lead="针对5G专网用于工业控制时时延抖动大的问题，提出时间敏感网络（TSN）与5G空口联合调度的确定性传输方法，在核心网与基站侧实现业务流识别与资源预留。",
        specs=(
            "端到端时延≤10 ms",
            "时延抖动≤1 ms",
            "传输可靠性≥99.999%",
            "同时保障确定性业务流≥200条",
        ),
        gains=(
            "时延抖动降低80%",
            "满足PLC控制指令无线化传输要求",
            "产线网络改造成本降低35%",
        ),
        versus="与现有5G专网“尽力而为”的调度方式相比，确定性业务的时延抖动由约5 ms降至1 ms以内；与有线工业以太网相比，省去了产线移动部件的拖链布线。",
        uses=("离散制造产线", "港口岸桥远程控制", "矿山设备远程操控", "AGV集群调度"),
        trl=5,
        proof="已在校内5G工业互联网实验室完成原型验证，并与运营商联合开展外场测试，第三方测试报告显示各项指标达到设计要求。",
        price=500,
        ip=(
            inv("一种5G与时间敏感网络联合调度的确定性传输方法"),
            inv("一种工业业务流识别与资源预留方法"),
        ),
        modes=("license", "joint", "development"),
        keywords=("5G专网", "时间敏感网络", "确定性网络", "工业互联网"),
        state="submitted",
    ),
    OutcomeSpec(
        5,
        "燕京工业大学",
        "0107",
        "工业控制系统异常流量检测与主动防护平台",
        lead="基于工控协议深度解析与行为基线建模，对Modbus、S7、OPC UA等20余种工控协议流量进行旁路监测，利用图神经网络识别异常指令序列并联动防火墙阻断。",
        specs=(
            "支持工控协议≥20种",
            "异常检测准确率≥98%",
            "误报率≤0.5%",
            "单台设备处理能力≥10 Gbps",
        ),
        gains=(
            "未知攻击检出率提升35%",
            "误报率降低80%",
            "部署无需改动现有控制系统",
        ),
        versus="与基于特征库的传统工控防火墙相比，能够发现未知攻击和越权操作；与国外同类产品相比，对国产PLC私有协议的支持更完整，价格约为其一半。",
        uses=("电力", "石油化工", "水务", "智能制造"),
        trl=8,
        proof="产品已取得计算机信息系统安全专用产品销售许可证，在12家电厂和水厂上线运行，通过网络安全等级保护三级测评。",
        price=600,
        ip=(
            sw("工控网络异常流量检测系统V3.1"),
            sw("工控安全态势感知平台V2.0"),
            inv("一种基于图神经网络的工控异常指令序列检测方法"),
        ),
        modes=("license", "transfer"),
        keywords=("工控安全", "入侵检测", "图神经网络", "等级保护"),
    ),
    OutcomeSpec(
        6,
        "南山智能感知研究院",
        "0106",
        "柔性压阻式电子皮肤传感阵列",
        lead="以微结构化碳纳米管/弹性体复合薄膜为敏感层，采用卷对卷印刷工艺制备16×16柔性压力传感阵列，厚度仅0.3 mm，可贴附于曲面实现分布式触觉感知。",
        specs=(
            "检测范围0.1 Pa–200 kPa",
            "灵敏度≥15 kPa⁻¹（10 kPa以下）",
            "响应时间≤10 ms",
            "循环加载10万次性能衰减≤5%",
        ),
        gains=("灵敏度提升5倍", "单个感知点成本降至0.2元", "弯曲半径可小至5 mm"),
        versus="与进口柔性压力传感膜相比，灵敏度提高约5倍，价格仅为其五分之一；与电容式方案相比，抗电磁干扰能力强，信号处理电路简单。",
        uses=("机器人灵巧手", "智能座椅", "康复医疗", "人机交互"),
        trl=3,
        proof="",
        price=200,
        ip=(
            inv("一种微结构化碳纳米管复合柔性压阻薄膜及其制备方法"),
            inv("一种卷对卷印刷柔性压力传感阵列的方法"),
        ),
        modes=("license", "joint"),
        keywords=("电子皮肤", "柔性传感器", "压力传感", "印刷电子"),
    ),
    OutcomeSpec(
        7,
        "钱塘大学",
        "0108",
        "城市交叉口自适应信号控制系统",
        lead="利用路口视频与毫米波雷达融合感知获取车道级排队长度和到达流率，基于深度强化学习实时优化信号配时，并支持干线绿波协调控制。",
        specs=(
            "车辆检测准确率≥97%",
            "配时优化周期≤15秒",
            "单区域协同路口≥200个",
            "兼容GB/T 20999信号机通信协议",
        ),
        gains=(
            "路口平均延误降低20%",
            "干线平均停车次数减少30%",
            "早晚高峰通行效率提升15%",
        ),
        versus="与定时配时和感应控制相比，能够适应潮汐交通和突发事件；与进口自适应控制系统相比，无需埋设地感线圈，施工对交通影响小。",
        uses=("城市交通管理", "智慧园区", "高速公路匝道控制"),
        trl=8,
        proof="已在杭州某区86个路口连续运行2年，交警部门出具的应用评估报告显示高峰时段平均延误下降21.6%。",
        price=450,
        ip=(
            inv("一种基于深度强化学习的交叉口信号配时优化方法"),
            sw("城市交通信号自适应控制系统V2.3"),
        ),
        modes=("license", "service"),
        keywords=("自适应信号控制", "强化学习", "智能交通", "雷视融合"),
    ),
    OutcomeSpec(
        8,
        "深圳鸿芯微电子有限公司",
        "0102",
        "车规级屏蔽栅沟槽功率MOSFET",
        lead="采用屏蔽栅沟槽（SGT）结构与铜夹片封装，开发40–100 V系列车规级功率MOSFET，兼顾低导通电阻与高雪崩耐量。",
        specs=(
            "导通电阻≤1.2 mΩ（40 V规格）",
            "单脉冲雪崩能量≥800 mJ",
            "工作结温-55℃–175℃",
            "通过AEC-Q101认证",
        ),
        gains=(
            "导通损耗降低25%",
            "封装热阻降低30%",
            "成本较进口同类器件低35%",
        ),
        versus="与国际主流厂商同规格器件相比，导通电阻与开关损耗处于同一水平，交货周期由20周以上缩短至6周。",
        uses=("新能源汽车电机控制器", "电动助力转向", "车载DC-DC变换器", "储能逆变器"),
        trl=9,
        proof="产品已量产，月出货量超过300万颗，进入3家整车厂的二级供应链。",
        price=NEGOTIABLE,
        ip=(
            inv("一种屏蔽栅沟槽功率器件及其制造方法"),
            um("一种铜夹片封装的功率半导体器件"),
        ),
        modes=("license", "joint"),
        keywords=("功率器件", "MOSFET", "车规级", "屏蔽栅沟槽"),
    ),
    OutcomeSpec(
        9,
        "江南理工大学",
        "0103",
        "基于国产AI芯片的边缘视觉检测一体机",
        lead="面向产线外观缺陷检测，集成国产AI加速芯片、工业相机接口与小样本缺陷检测算法，单台设备即可完成图像采集、推理与PLC联动，新缺陷类型仅需50张样本即可上线。",
        specs=(
            "算力≥32 TOPS",
            "单张图像推理时间≤20 ms",
            "缺陷检出率≥99.5%",
            "过杀率≤0.3%",
        ),
        gains=(
            "人工目检岗位减少80%",
            "新产品导入周期由2周缩短至2天",
            "设备成本较工控机加GPU方案降低50%",
        ),
        versus="与传统基于规则的机器视觉相比，对划痕、脏污等不规则缺陷的检出率更高；与工控机加独立显卡方案相比，功耗由350 W降至35 W。",
        uses=("3C电子", "锂电池极片", "汽车零部件", "纺织印染"),
        trl=7,
        proof="已在合作企业的2条产线上试用3个月。",
        price=260,
        ip=(
            inv("一种基于小样本学习的工业表面缺陷检测方法"),
            sw("边缘视觉检测系统V1.2"),
            um("一种集成工业相机接口的边缘计算装置"),
        ),
        modes=("transfer", "license"),
        keywords=("机器视觉", "缺陷检测", "边缘计算", "小样本学习"),
        state="rejected",
        reason="成熟度证据不足：请补充第三方检测报告或用户出具的应用证明，并说明“缺陷检出率≥99.5%”的测试条件（样本数量、缺陷类型），修改后可重新提交。",
    ),
    # 02 生物与新医药
    OutcomeSpec(
        10,
        "岭南生物医药研究所",
        "0201",
        "靶向Claudin18.2/CD3的双特异性抗体",
        lead="针对胃癌和胰腺癌中高表达的Claudin18.2靶点，构建同时结合Claudin18.2与CD3的双特异性抗体，并采用Fc沉默设计降低细胞因子释放风险。",
        specs=(
            "靶点结合亲和力KD≤1 nM",
            "体外肿瘤细胞杀伤EC50≤10 pM",
            "小鼠移植瘤模型肿瘤抑制率≥85%",
            "CHO细胞表达量≥3 g/L",
        ),
        gains=(
            "体内抑瘤率较单抗提高40%",
            "细胞因子释放水平降低60%",
            "表达量达到产业化要求",
        ),
        versus="与已进入临床的Claudin18.2单抗相比，对低表达肿瘤细胞仍有明显杀伤作用；与同类双抗相比，细胞因子释放综合征风险更低。",
        uses=("胃癌", "胰腺癌", "食管胃结合部腺癌"),
        trl=4,
        proof="已完成药效学和初步安全性评价，食蟹猴单次给药耐受性良好，正在开展新药临床试验申请前的工艺开发。",
        price=3000,
        ip=(
            inv("一种抗Claudin18.2/CD3双特异性抗体及其应用"),
            inv("一种Fc沉默的双特异性抗体结构"),
        ),
        modes=("transfer", "equity", "joint"),
        keywords=("双特异性抗体", "Claudin18.2", "肿瘤免疫", "创新药"),
        anonymous=True,
        protected="抗体序列、食蟹猴毒理数据和工艺开发报告在签署保密协议后提供。目前已有2家药企初步接洽，期望首付款不低于1000万元，并按临床里程碑分期付款。",
    ),
    OutcomeSpec(
        11,
        "岭南生物医药研究所",
        "0205",
        "全自动化学发光免疫分析仪及配套试剂",
        lead="研发基于吖啶酯直接化学发光的全自动免疫分析仪，配套心肌标志物、炎症和甲状腺功能等28项检测试剂，采用磁微粒分离与恒温孵育模块化设计。",
        specs=(
            "检测速度≥240测试/小时",
            "心肌肌钙蛋白I检测灵敏度0.01 ng/mL",
            "批内变异系数≤5%",
            "首个结果出具时间≤17分钟",
        ),
        gains=(
            "单测试成本降低30%",
            "检测速度较同档国产机型提高50%",
            "试剂开瓶稳定期延长至28天",
        ),
        versus="与进口同档次化学发光仪相比，性能相当而整机价格约为其60%；试剂项目可按医院需求开放定制。",
        uses=("二级及以上医院检验科", "第三方医学检验实验室", "急诊检验"),
        trl=8,
        proof="已取得第二类医疗器械注册证（仪器及12项试剂），在华南地区20余家医院装机使用。",
        price=NEGOTIABLE,
        ip=(
            inv("一种磁微粒化学发光免疫检测方法"),
            um("一种化学发光分析仪的恒温孵育装置"),
            um("一种磁微粒清洗分离装置"),
            sw("全自动化学发光免疫分析仪控制软件V2.0"),
        ),
        modes=("license", "joint"),
        keywords=("化学发光", "免疫分析", "体外诊断", "医疗器械"),
        featured=True,
    ),
    OutcomeSpec(
        12,
        "钱塘大学",
        "0202",
        "铁皮石斛多糖绿色提取纯化及降血糖功能食品开发",
        lead="以浙江道地药材铁皮石斛为原料，采用酶辅助提取—膜分离—连续色谱纯化工艺制备高纯度石斛多糖，并完成降血糖功效评价。",
        specs=(
            "多糖得率≥25%",
            "多糖纯度≥90%",
            "有机溶剂零残留",
            "动物实验空腹血糖降低30%以上",
        ),
        gains=("提取得率提高60%", "生产周期缩短50%", "废水排放减少70%"),
        versus="与传统水提醇沉工艺相比，无需使用大量乙醇，得率和纯度均显著提高，更适合规模化生产。",
        uses=("保健食品", "功能性饮料", "中药制剂原料"),
        trl=6,
        proof="已在合作企业完成吨级中试生产，产品经检测符合保健食品原料标准，正在申报保健食品注册。",
        price=180,
        ip=(
            inv("一种铁皮石斛多糖的酶辅助提取与膜分离纯化方法"),
            inv("一种具有辅助降血糖功能的石斛多糖组合物"),
        ),
        modes=("transfer", "license"),
        keywords=("铁皮石斛", "多糖", "膜分离", "功能食品"),
    ),
    OutcomeSpec(
        13,
        "岭南生物医药研究所",
        "0204",
        "紫杉醇白蛋白结合型纳米制剂制备工艺",
        lead="采用高压均质与无溶剂自组装技术制备紫杉醇白蛋白纳米粒，避免聚氧乙烯蓖麻油等助溶剂引起的过敏反应，可实现冻干制剂的产业化生产。",
        specs=(
            "平均粒径120–150 nm",
            "包封率≥95%",
            "冻干复溶时间≤5分钟",
            "室温稳定期≥24个月",
        ),
        gains=(
            "最大耐受剂量提高50%",
            "无需抗过敏预处理",
            "生产收率提高至85%",
        ),
        versus="与溶剂型紫杉醇注射液相比，过敏反应发生率显著降低，给药时间由3小时缩短至30分钟；关键质量属性与原研产品一致性良好。",
        uses=("乳腺癌", "非小细胞肺癌", "胰腺癌"),
        trl=6,
        proof="已完成3批中试放大（每批5000瓶），关键质量属性与原研制剂一致，完成12个月稳定性考察。",
        price=1200,
        ip=(
            inv("一种紫杉醇白蛋白纳米粒的无溶剂制备方法"),
            inv("一种白蛋白结合型紫杉醇冻干制剂及其制备方法"),
        ),
        modes=("transfer", "joint"),
        keywords=("纳米制剂", "白蛋白结合型", "紫杉醇", "仿制药"),
    ),
    OutcomeSpec(
        14,
        "楚天理工大学",
        "0205",
        "肺结节CT影像智能辅助诊断软件",
        lead="基于三维卷积神经网络和多中心标注数据，实现胸部CT中肺结节的自动检出、分割、良恶性风险评估与随访对比，结果直接写入结构化报告。",
        specs=(
            "4 mm以上肺结节检出敏感度≥95%",
            "平均假阳性≤1个/例",
            "单例处理时间≤30秒",
            "支持主流厂商CT设备的DICOM数据",
        ),
        gains=(
            "阅片时间缩短50%",
            "微小结节漏诊率降低40%",
            "报告书写时间减少70%",
        ),
        versus="与放射科医生单独阅片相比，对4–6 mm微小结节的检出率提高约20个百分点；与同类产品相比，增加了随访体积倍增时间的自动计算。",
        uses=("肺癌筛查", "体检中心", "基层医院远程影像诊断"),
        trl=7,
        proof="已在3家三甲医院完成多中心回顾性临床试验（共4800例），正在申报第三类医疗器械注册。",
        price=800,
        ip=(
            sw("肺结节CT影像辅助诊断软件V1.5"),
            inv("一种基于三维卷积神经网络的肺结节检测与分割方法"),
        ),
        modes=("license", "equity"),
        keywords=("医学影像", "人工智能", "肺结节", "辅助诊断"),
    ),
    OutcomeSpec(
        15,
        "岭南生物医药研究所",
        "0201",
        "呼吸道病原体多重核酸即时检测系统",
        lead="基于微流控芯片和恒温扩增技术，一次进样即可同时检测甲型流感、乙型流感、呼吸道合胞病毒等12种常见呼吸道病原体，全流程封闭自动化。",
        specs=(
            "检测通量12重",
            "检测时间≤40分钟",
            "检测限≤500 copies/mL",
            "与荧光定量PCR方法符合率≥96%",
        ),
        gains=(
            "出结果时间缩短75%",
            "无需专业PCR实验室",
            "单次检测成本降低40%",
        ),
        versus="与常规荧光定量PCR相比，无需分区实验室和单独的核酸提取步骤；与抗原检测相比，灵敏度提高约100倍。",
        uses=("发热门诊", "社区卫生服务中心", "口岸检疫", "儿科急诊"),
        trl=7,
        proof="已完成临床前性能评估和2家医院共1200例临床样本比对，正在开展注册检验。",
        price=900,
        ip=(
            inv("一种多重恒温扩增检测呼吸道病原体的微流控芯片"),
            inv("一种用于即时检测的核酸提取与扩增一体化方法"),
            um("一种微流控芯片的封闭式加样装置"),
        ),
        modes=("license", "joint", "equity"),
        keywords=("即时检测", "微流控", "核酸检测", "呼吸道病原体"),
    ),
    OutcomeSpec(
        16,
        "楚天理工大学",
        "0206",
        "低盐发酵法生产依克多因技术",
        lead="通过代谢工程改造嗜盐菌底盘，构建在低盐条件下高产依克多因（四氢嘧啶）的工程菌株，并配套连续发酵与膜分离纯化工艺。",
        specs=(
            "发酵产量≥60 g/L",
            "产品纯度≥99%",
            "发酵液盐浓度≤3%",
            "提取总收率≥80%",
        ),
        gains=(
            "发酵产量提升3倍",
            "高盐废水和设备腐蚀减少70%",
            "生产成本降低45%",
        ),
        versus="与传统高盐发酵工艺相比，发酵液盐浓度由15%降至3%以下，大幅减轻了设备腐蚀和高盐废水的处理压力。",
        uses=("化妆品原料", "医药辅料", "酶制剂保护剂"),
        trl=6,
        proof="已完成5吨发酵罐中试，连续10批次产量稳定在60 g/L以上，产品通过化妆品原料检测。",
        price=500,
        ip=(
            inv("一种低盐条件下高产依克多因的工程菌株及其构建方法"),
            inv("一种依克多因发酵液的膜分离纯化方法"),
        ),
        modes=("transfer", "license"),
        keywords=("合成生物学", "依克多因", "代谢工程", "发酵"),
    ),
    OutcomeSpec(
        17,
        "钱塘大学",
        "0207",
        "抗稻瘟病耐高温水稻分子设计育种技术",
        lead="利用基因组选择与分子标记辅助聚合技术，将稻瘟病抗性基因Pi2、Pi9与耐高温基因聚合到优良杂交稻亲本中，选育出抗病高产新品系。",
        specs=(
            "稻瘟病抗性达抗级",
            "亩产≥700公斤",
            "抽穗期38℃高温下结实率≥75%",
            "育种周期缩短至4–5年",
        ),
        gains=("亩产提高8%", "农药使用量减少30%", "育种周期缩短40%"),
        versus="与常规杂交育种相比，目标性状选择准确、周期短；与现有主栽品种相比，稻瘟病抗性和耐高温能力明显增强。",
        uses=("长江中下游稻区", "种业企业新品种开发", "绿色优质稻米生产"),
        trl=6,
        proof="新品系已完成两年区域试验，平均亩产712公斤，比对照品种增产8.3%，正在申请品种审定。",
        price=350,
        ip=(
            inv("一种聚合稻瘟病抗性基因的水稻分子标记辅助选择方法"),
            pv("钱塘优818"),
        ),
        modes=("transfer", "license"),
        keywords=("分子育种", "水稻", "抗病基因", "基因组选择"),
    ),
    OutcomeSpec(
        18,
        "岭南生物医药研究所",
        "0203",
        "手性药物中间体连续流不对称氢化工艺",
        lead="采用固定床连续流反应器和自主设计的手性铑膦催化剂，实现抗糖尿病药物等手性药物关键中间体的不对称氢化，反应条件温和，催化剂可循环使用。",
        specs=(
            "对映选择性ee≥99.5%",
            "底物与催化剂摩尔比≥10000",
            "单台反应器产能≥50吨/年",
            "反应时间由12小时缩短至30分钟",
        ),
        gains=("催化剂成本降低60%", "三废排放减少50%", "装置占地面积减少70%"),
        versus="与间歇釜式工艺相比，氢化反应本质安全性更高，产品批间差异小；与酶催化路线相比，底物适用范围更广。",
        uses=("抗糖尿病药物中间体", "抗病毒药物中间体", "精细化学品"),
        trl=6,
        proof="已完成百公斤级连续运行验证（累计运行500小时），产品质量符合合作企业内控标准。",
        price=600,
        ip=(
            inv("一种手性铑膦催化剂及其在不对称氢化中的应用"),
            inv("一种连续流不对称氢化制备手性胺中间体的方法"),
        ),
        modes=("license", "transfer"),
        keywords=("连续流", "不对称氢化", "手性药物", "原料药"),
    ),
    # 03 航空航天
    OutcomeSpec(
        19,
        "秦川工业大学",
        "0301",
        "航空发动机叶片激光冲击强化技术",
        lead="采用纳秒脉冲激光在叶片表面诱导高幅值残余压应力层，配合机器人柔性夹持和在线监测，提高钛合金叶片抗外物损伤和抗疲劳性能。",
        specs=(
            "残余压应力层深度≥1 mm",
            "表面残余压应力≥400 MPa",
            "高周疲劳强度提高30%以上",
            "处理后表面粗糙度Ra≤0.8 μm",
        ),
        gains=(
            "叶片疲劳寿命提高3倍",
            "外物损伤容限提高40%",
            "单件处理时间缩短50%",
        ),
        versus="与传统喷丸强化相比，残余压应力层深度提高4–5倍，且表面粗糙度几乎不变；与进口激光冲击设备相比，成本约为其40%。",
        uses=("航空发动机风扇与压气机叶片", "燃气轮机叶片", "整体叶盘修复"),
        trl=7,
        proof="已为航空发动机维修企业处理叶片2000余件，通过主机厂工艺评审。",
        price=1500,
        ip=(
            inv("一种钛合金叶片激光冲击强化方法"),
            inv("一种激光冲击强化质量在线监测方法"),
            um("一种叶片激光冲击强化用柔性夹持装置"),
        ),
        modes=("license", "joint", "service"),
        keywords=("激光冲击强化", "航空发动机", "钛合金", "疲劳寿命"),
        gallery=("机器人激光冲击强化工作站", "残余应力深度分布曲线"),
    ),
    OutcomeSpec(
        20,
        "秦川工业大学",
        "0301",
        "复合材料机翼结构健康监测系统",
        lead="在碳纤维复合材料结构中布设光纤光栅传感网络，结合导波成像算法实时监测冲击损伤与分层，实现结构状态的在线评估。",
        specs=(
            "可检测损伤尺寸≥10 mm",
            "损伤定位误差≤15 mm",
            "单通道光纤光栅≥30个",
            "监测系统重量≤2 kg",
        ),
        gains=("检查工时减少60%", "维修成本降低30%", "结构减重潜力8%"),
        versus="与定期人工超声检测相比，可在飞行中连续监测，无需拆卸；与压电传感网络相比，抗电磁干扰、布线重量更轻。",
        uses=("通用航空器", "无人机机翼", "风电叶片", "轨道车辆复合材料车体"),
        trl=5,
        proof="已在全尺寸复合材料翼盒上完成地面疲劳试验验证，累计12万次载荷循环。",
        price=400,
        ip=(
            inv("一种基于光纤光栅导波成像的复合材料损伤监测方法"),
            inv("一种复合材料结构内埋光纤传感网络的布设方法"),
        ),
        modes=("joint", "development"),
        keywords=("结构健康监测", "光纤光栅", "复合材料", "无损检测"),
    ),
    OutcomeSpec(
        21,
        "燕京工业大学",
        "0302",
        "微小卫星高精度星敏感器",
        lead="采用大视场光学系统、背照式CMOS探测器和全天球自主星图识别算法，研制整机质量小于300 g的微纳卫星星敏感器。",
        specs=(
            "姿态测量精度≤5″（3σ）",
            "数据更新率≥10 Hz",
            "整机质量≤280 g",
            "功耗≤1.2 W",
        ),
        gains=(
            "体积和重量较同类产品减少40%",
            "成本降低50%",
            "星图捕获时间缩短至1秒以内",
        ),
        versus="与国外同级别产品相比，精度相当，整机价格约为其一半，交付周期缩短至3个月。",
        uses=("商业遥感卫星", "低轨通信星座", "科学试验卫星"),
        trl=8,
        proof="已随2颗商业卫星在轨飞行，累计在轨稳定工作超过700天。",
        price=260,
        ip=(
            inv("一种全天球自主星图识别方法"),
            um("一种微小型星敏感器遮光罩"),
            sw("星敏感器嵌入式姿态解算软件V1.0"),
        ),
        modes=("transfer", "license"),
        keywords=("星敏感器", "微小卫星", "姿态确定", "商业航天"),
    ),
    OutcomeSpec(
        22,
        "燕京工业大学",
        "0302",
        "液氧甲烷发动机增材制造一体化喷注器",
        lead="采用激光选区熔化增材制造工艺，将喷注器面板、集液腔和冷却流道一体成型，零件数量由120个减少到3个。",
        specs=(
            "燃烧效率≥98%",
            "零件数量由120个减少至3个",
            "制造周期由6个月缩短至3周",
            "通过20次以上热试车考核",
        ),
        gains=("制造周期缩短85%", "重量减轻35%", "制造成本降低50%"),
        versus="与传统钎焊组装喷注器相比，消除了数百处焊缝的泄漏风险，各喷嘴流量偏差由±5%降至±2%。",
        uses=("商业运载火箭发动机", "姿轨控发动机", "燃气发生器"),
        trl=6,
        proof="已完成发动机整机热试车考核，累计点火时长超过800秒。",
        price=NEGOTIABLE,
        ip=(
            inv("一种增材制造的液氧甲烷发动机同轴离心式喷注器"),
            inv("一种喷注器内冷却流道的一体化成型方法"),
        ),
        modes=("joint", "development"),
        keywords=("增材制造", "液氧甲烷", "火箭发动机", "喷注器"),
        protected="热试车曲线、喷注器流量标定数据和增材制造工艺参数在签署保密协议后提供。",
    ),
    OutcomeSpec(
        23,
        "楚天理工大学",
        "0301",
        "无人机集群协同任务规划与控制系统",
        lead="基于分布式一致性算法与机间自组网通信，支持数十架无人机自主编队、动态任务分配和失联后重构，地面站一人即可指挥多机作业。",
        specs=(
            "单集群规模≥50架",
            "编队保持精度≤1 m",
            "任务重分配时间≤2秒",
            "自组网通信距离≥10 km",
        ),
        gains=(
            "大范围作业效率提高5倍",
            "操作人员需求减少80%",
            "单机失效后任务完成率≥95%",
        ),
        versus="与单机作业相比，大范围巡检与测绘效率成倍提升；与集中式调度系统相比，不依赖地面站持续通信，抗毁性强。",
        uses=("电力线路巡检", "农林植保", "应急搜救", "灯光表演"),
        trl=6,
        proof="已完成50架规模的外场飞行试验，并在某省电网开展输电线路巡检试点。",
        price=500,
        ip=(
            inv("一种基于分布式一致性的无人机集群编队控制方法"),
            sw("无人机集群任务规划与指挥系统V2.1"),
        ),
        modes=("license", "development"),
        keywords=("无人机集群", "协同控制", "自组网", "任务规划"),
    ),
    OutcomeSpec(
        24,
        "秦川工业大学",
        "0301",
        "机载电子设备环路热管散热技术",
        lead="研制以氨或丙酮为工质的微型环路热管，利用毛细力驱动实现无功耗远距离传热，解决高功率机载电子设备的散热难题。",
        specs=(
            "传热能力≥300 W",
            "传输距离≥1.5 m",
            "热阻≤0.1 ℃/W",
            "耐受加速度≥9 g",
        ),
        gains=("散热能力提高3倍", "较液冷方案减重50%", "无运动部件、免维护"),
        versus="与常规热管相比，传热距离长，可柔性弯折布置；与泵驱液冷系统相比，无需消耗电能，可靠性更高。",
        uses=("机载雷达", "航空电子设备", "卫星载荷", "5G基站与数据中心"),
        trl=7,
        proof="已通过机载设备振动、冲击、高低温等环境试验，在2型无人机任务载荷中装机应用。",
        price=300,
        ip=(
            inv("一种微型环路热管蒸发器及其制备方法"),
            inv("一种抗重力环路热管系统"),
            um("一种机载电子设备用柔性传热管路"),
        ),
        modes=("license", "joint"),
        keywords=("环路热管", "热管理", "机载电子", "相变传热"),
    ),
    # 04 新材料
    OutcomeSpec(
        25,
        "华东新材料研究院",
        "0401",
        "一体化压铸用免热处理铝合金",
        lead="通过锰铁协同微合金化与锶变质处理，开发压铸态即满足力学性能要求的免热处理铝合金，解决大型一体化压铸件热处理变形的问题。",
        specs=(
            "铸态抗拉强度≥280 MPa",
            "屈服强度≥130 MPa",
            "延伸率≥10%",
            "螺旋线流动长度≥1.5 m",
        ),
        gains=(
            "省去热处理工序，单件能耗降低30%",
            "零件变形量减少80%",
            "原材料成本比进口牌号低20%",
        ),
        versus="与进口免热处理合金相比，力学性能相当，回收料添加比例可达50%；与需要T7热处理的传统压铸铝合金相比，避免了大型件热处理变形和校形工序。",
        uses=("一体化压铸后地板", "电池包壳体", "减震塔", "通信基站壳体"),
        trl=7,
        proof="已在6000吨压铸机上完成后地板试制，样件通过主机厂台架试验与碰撞验证。",
        price=1000,
        ip=(
            inv("一种高强韧免热处理压铸铝合金及其制备方法"),
            inv("一种高回收料比例压铸铝合金的熔体净化方法"),
        ),
        modes=("license", "joint"),
        keywords=("免热处理铝合金", "一体化压铸", "轻量化", "新能源汽车"),
    ),
    OutcomeSpec(
        26,
        "华东新材料研究院",
        "0402",
        "高导热氮化硅陶瓷基板",
        lead="采用非氧化物烧结助剂和气压烧结工艺，制备高导热、高强度氮化硅陶瓷基板，用于碳化硅功率模块的活性金属钎焊覆铜基板。",
        specs=(
            "热导率≥90 W/(m·K)",
            "抗弯强度≥750 MPa",
            "断裂韧性≥6.5 MPa·m½",
            "基板厚度0.32 mm",
        ),
        gains=(
            "热导率较常规氮化硅提高50%",
            "抗热冲击寿命为氧化铝基板的10倍",
            "成本较进口产品降低40%",
        ),
        versus="与氧化铝基板相比，热导率高3倍以上；与氮化铝基板相比，强度高一倍，适合活性金属钎焊覆铜，抗热循环开裂能力强。",
        uses=("新能源汽车电驱碳化硅模块", "光伏逆变器", "轨道交通牵引变流器"),
        trl=6,
        proof="已建成年产5万片的中试线，产品通过下游模块厂-55℃–150℃、1000次热冲击测试。",
        price=1200,
        ip=(
            inv("一种高导热氮化硅陶瓷基板的气压烧结方法"),
            inv("一种氮化硅陶瓷用非氧化物复合烧结助剂"),
        ),
        modes=("license", "equity"),
        keywords=("氮化硅", "陶瓷基板", "高导热", "功率模块"),
    ),
    OutcomeSpec(
        27,
        "江南理工大学",
        "0403",
        "聚乳酸耐热改性与快速注塑成型技术",
        lead="通过立构复合结晶与纳米成核剂协同调控，大幅提高聚乳酸的结晶速率和耐热温度，改性料可直接在常规注塑设备上成型耐热餐具和电子外壳。",
        specs=(
            "热变形温度≥120℃",
            "注塑周期≤30秒",
            "缺口冲击强度≥6 kJ/m²",
            "180天工业堆肥生物降解率≥90%",
        ),
        gains=("耐热温度提高65℃", "成型周期缩短60%", "制品成本降低15%"),
        versus="与未改性聚乳酸相比，热变形温度由55℃提高到120℃以上；与添加大量无机填料的耐热聚乳酸相比，透明性和力学性能保持更好。",
        uses=("耐热一次性餐具", "咖啡胶囊", "电子电器外壳", "3D打印耗材"),
        trl=7,
        proof="已在合作企业完成千吨级改性造粒生产，产品通过食品接触材料检测和工业堆肥降解认证。",
        price=380,
        ip=(
            inv("一种立构复合耐热聚乳酸及其制备方法"),
            inv("一种聚乳酸用纳米成核剂"),
        ),
        modes=("transfer", "license"),
        keywords=("聚乳酸", "生物降解", "耐热改性", "注塑"),
        state="archived",
        reason="该技术已以独占许可方式许可给合作企业，不再对外推广。",
    ),
    OutcomeSpec(
        28,
        "岭南生物医药研究所",
        "0404",
        "可吸收镁合金骨科内固定螺钉",
        lead="采用高纯镁锌钙合金与微弧氧化涂层，使螺钉在植入初期保持足够强度、后期逐步降解吸收，患者无需二次手术取出。",
        specs=(
            "抗拉强度≥280 MPa",
            "体内完全降解时间12–18个月",
            "降解期析氢速率≤0.1 mL/(cm²·d)",
            "细胞毒性≤1级",
        ),
        gains=(
            "免除二次手术，患者总费用降低30%",
            "应力遮挡效应明显减弱",
            "骨愈合时间缩短15%",
        ),
        versus="与钛合金螺钉相比，无需取出且不影响影像复查；与聚乳酸可吸收螺钉相比，强度高2倍以上，降解产物不引起酸性炎症反应。",
        uses=("骨折内固定", "运动医学", "颌面外科"),
        trl=6,
        proof="已完成12个月大动物（羊）股骨植入实验和全套生物相容性评价，正在准备注册检验。",
        price=1500,
        ip=(
            inv("一种可降解镁锌钙合金及其制备方法"),
            inv("一种镁合金植入物表面微弧氧化涂层的制备方法"),
        ),
        modes=("transfer", "equity", "joint"),
        keywords=("可降解镁合金", "骨科植入物", "微弧氧化", "医疗器械"),
    ),
    OutcomeSpec(
        29,
        "楚天理工大学",
        "0401",
        "2000 MPa级热成形钢及铝硅镁镀层技术",
        lead="开发抗拉强度2000 MPa级热成形钢与铝硅镁镀层，配合短周期加热工艺，提高车身安全件强度并抑制氢致延迟开裂。",
        specs=(
            "抗拉强度≥1900 MPa",
            "总延伸率≥7%",
            "极限弯曲角≥55°",
            "奥氏体化加热时间缩短至3分钟",
        ),
        gains=("零件减重15%", "抗氢脆能力提高2倍", "加热能耗降低20%"),
        versus="与主流1500 MPa级热成形钢相比，强度提高约30%，同等碰撞性能下可减薄0.2 mm；与进口专利镀层相比，不受专利许可限制。",
        uses=("汽车A柱和B柱", "门槛梁", "防撞梁", "电池包框架"),
        trl=6,
        proof="已在钢厂完成两轮工业试制（每轮300吨），零件在主机厂完成冲压和碰撞验证。",
        price=NEGOTIABLE,
        ip=(
            inv("一种2000 MPa级热成形钢及其制备方法"),
            inv("一种热成形钢用铝硅镁镀层及其热浸镀方法"),
        ),
        modes=("license", "joint"),
        keywords=("热成形钢", "超高强钢", "镀层", "汽车轻量化"),
    ),
    OutcomeSpec(
        30,
        "华东新材料研究院",
        "0405",
        "半导体级超纯湿电子化学品纯化技术",
        lead="采用多级精馏耦合膜过滤与离子交换深度除杂工艺，生产G5等级超纯硫酸和双氧水，满足12英寸晶圆制造湿法清洗的要求。",
        specs=(
            "单项金属杂质含量≤10 ppt",
            "0.05 μm以上颗粒≤100个/mL",
            "产品达到SEMI C12（G5）等级",
            "产品收率≥92%",
        ),
        gains=(
            "金属杂质降低两个数量级",
            "单位产品能耗降低25%",
            "价格较进口产品低30%",
        ),
        versus="与国内现有G3、G4等级产品相比，金属杂质降低一个数量级以上；与进口产品相比，供货周期和物流成本优势明显。",
        uses=("集成电路晶圆制造", "平板显示", "光伏电池片清洗"),
        trl=7,
        proof="已建成千吨级示范装置，产品在2家晶圆厂通过认证并小批量供货。",
        price=2000,
        ip=(
            inv("一种电子级硫酸的多级精馏纯化方法"),
            inv("一种超纯双氧水的离子交换深度除杂方法"),
            inv("一种超纯化学品灌装过程的颗粒控制方法"),
        ),
        modes=("license", "equity"),
        keywords=("电子化学品", "超纯试剂", "半导体材料", "湿法清洗"),
        anonymous=True,
        protected="已认证晶圆厂名称、各批次金属杂质检测报告和示范装置的工艺流程图在签署保密协议后提供。",
    ),
    OutcomeSpec(
        31,
        "钱塘大学",
        "0406",
        "石质文物纳米氢氧化钙加固保护材料",
        lead="以醇分散纳米氢氧化钙为主要成分，渗入风化石材孔隙后碳化生成与本体相容的碳酸钙，实现石质文物原位加固，不改变文物外观。",
        specs=(
            "颗粒粒径50–200 nm",
            "渗透深度≥15 mm",
            "加固后表面强度提高40%以上",
            "加固前后色差ΔE≤3",
        ),
        gains=(
            "加固强度提高40%",
            "无有机材料老化风险",
            "施工周期缩短30%",
        ),
        versus="与有机硅、丙烯酸树脂等有机加固剂相比，材料与石灰岩、大理石本体相容，不会老化变黄或造成二次破坏，且可再处理。",
        uses=("石窟寺与石刻", "古建筑砖石", "壁画地仗层"),
        trl=7,
        proof="已在2处省级文物保护单位完成示范工程，经3年跟踪监测效果稳定。",
        price=45,
        ip=(
            inv("一种醇分散纳米氢氧化钙文物加固材料及其制备方法"),
            inv("一种风化石质文物的渗透加固方法"),
        ),
        modes=("transfer", "service"),
        keywords=("文物保护", "纳米材料", "氢氧化钙", "石质文物"),
    ),
    OutcomeSpec(
        32,
        "江南理工大学",
        "0402",
        "无镉钙钛矿量子点色转换膜",
        lead="采用原位聚合封装工艺，将钙钛矿量子点均匀分散于聚合物基体中，制备高色纯度、高稳定性的色转换膜，用于液晶显示背光。",
        specs=(
            "发光半峰宽≤20 nm",
            "光致发光量子效率≥90%",
            "色域覆盖≥120% NTSC",
            "85℃/85%RH老化1000小时亮度保持率≥90%",
        ),
        gains=("色域提升30%", "成本较镉系量子点膜降低50%", "不含重金属镉"),
        versus="与镉系量子点膜相比，无镉环保、成本更低；与普通荧光粉背光相比，色域提升约30%。",
        uses=("液晶电视与显示器", "车载显示", "Mini LED背光"),
        trl=5,
        proof="",
        price=None,
        ip=(
            inv("一种钙钛矿量子点的原位聚合封装方法"),
            inv("一种高稳定性量子点色转换膜及其制备方法"),
        ),
        modes=("license", "joint"),
        keywords=("钙钛矿量子点", "色转换膜", "显示材料", "广色域"),
        state="draft",
    ),
    OutcomeSpec(
        33,
        "华东新材料研究院",
        "0403",
        "连续碳纤维增强热塑性复合材料快速成型工艺",
        lead="开发连续碳纤维增强尼龙6/聚醚醚酮热塑性预浸带和自动铺放—模压一体化成型工艺，成型周期缩短到分钟级，边角料可回收再利用。",
        specs=(
            "纤维体积含量≥55%",
            "拉伸强度≥2000 MPa",
            "成型周期≤3分钟",
            "孔隙率≤1%",
        ),
        gains=(
            "成型效率提高20倍",
            "边角料回收率≥90%",
            "零件较钢制件减重50%",
        ),
        versus="与热固性环氧复合材料相比，无需长时间固化，可焊接、可回收；与金属冲压件相比，重量减轻一半以上。",
        uses=("汽车结构件", "无人机机身", "轨道交通内饰", "体育器材"),
        trl=6,
        proof="已建成年产50吨的预浸带中试线，汽车座椅骨架样件通过主机厂强度与疲劳测试。",
        price=900,
        ip=(
            inv("一种连续碳纤维增强热塑性预浸带的制备方法"),
            inv("一种热塑性复合材料自动铺放与模压一体化成型方法"),
        ),
        modes=("license", "joint", "equity"),
        keywords=("热塑性复合材料", "碳纤维", "快速成型", "轻量化"),
        state="submitted",
    ),
    OutcomeSpec(
        34,
        "楚天理工大学",
        "0402",
        "光纤与半导体用高纯石英砂提纯技术",
        lead="以国产脉石英为原料，采用浮选—高温氯化—酸浸联合提纯工艺制备高纯石英砂，可替代进口产品用于光纤预制棒和半导体石英器件。",
        specs=(
            "二氧化硅纯度≥99.998%",
            "总金属杂质≤20 ppm",
            "羟基含量≤10 ppm",
            "提纯收率≥75%",
        ),
        gains=(
            "原料成本降低60%",
            "产品纯度达到进口同级水平",
            "酸耗降低35%",
        ),
        versus="与依赖进口高纯石英砂相比，原料可就近取材，成本大幅降低；与常规酸浸工艺相比，氯化工序对晶格杂质的去除效果提高约3倍。",
        uses=("光纤预制棒", "半导体石英坩埚", "光伏石英坩埚"),
        trl=6,
        proof="已完成百吨级中试，产品经光纤企业试用，拉制光纤的损耗指标符合要求。",
        price=700,
        ip=(
            inv("一种脉石英制备高纯石英砂的提纯方法"),
            inv("一种石英砂高温氯化除杂装置及方法"),
        ),
        modes=("transfer", "license"),
        keywords=("高纯石英砂", "提纯", "光纤", "非金属矿"),
    ),
    # 05 高技术服务
    OutcomeSpec(
        35,
        "钱塘大学",
        "0503",
        "中小制造企业低代码数字化管理平台",
        lead="面向中小制造企业，提供覆盖订单、生产排程、质量追溯和设备管理的低代码云平台，业务人员通过拖拽即可配置表单与流程，一周内即可上线。",
        specs=(
            "制造业标准模板≥60个",
            "系统上线周期≤7天",
            "支持并发用户≥5000",
            "数据接口兼容主流ERP和PLC",
        ),
        gains=(
            "实施成本降低70%",
            "订单交付周期缩短25%",
            "质量追溯时间由天级缩短至分钟级",
        ),
        versus="与定制开发的制造执行系统相比，实施周期由数月缩短至1周，年使用费仅为其十分之一；与通用低代码平台相比，内置制造业数据模型和设备接入能力。",
        uses=("机械加工", "电子组装", "纺织服装", "食品加工"),
        trl=9,
        proof="平台已服务企业300余家，付费续约率85%。",
        price=NEGOTIABLE,
        ip=(sw("制造业低代码应用开发平台V3.0"), sw("生产质量追溯管理系统V2.2")),
        modes=("license", "service"),
        keywords=("低代码", "SaaS", "中小企业数字化", "MES"),
    ),
    OutcomeSpec(
        36,
        "江南理工大学",
        "0502",
        "锂电池热失控早期预警与安全检测技术",
        lead="建立电池热失控多参量（温度、气体、形变、声发射）联合检测平台，提出基于特征气体的早期预警模型，可提供电池安全评测和储能系统安全评估服务。",
        specs=(
            "热失控预警提前时间≥10分钟",
            "氢气检测下限≤1 ppm",
            "检测对象覆盖单体、模组和系统",
            "检测项目覆盖GB 38031全部安全项",
        ),
        gains=(
            "热失控预警提前时间延长5倍",
            "检测周期缩短30%",
            "预警误报率≤1%",
        ),
        versus="与仅依靠电压和温度的电池管理系统预警相比，可在热失控发生前10分钟以上发出预警；与单一参数检测相比，评估结论更全面。",
        uses=("储能电站", "动力电池企业", "电池回收企业", "检测认证机构"),
        trl=7,
        proof="依托学校具备检验检测机构资质认定（CMA）的实验室，已为40余家企业提供检测服务，预警装置在2座储能电站试点应用。",
        price=150,
        ip=(
            inv("一种基于特征气体的锂电池热失控早期预警方法"),
            um("一种电池热失控多参量同步检测装置"),
        ),
        modes=("service", "license"),
        keywords=("电池安全", "热失控", "检验检测", "储能"),
    ),
    OutcomeSpec(
        37,
        "燕京工业大学",
        "0505",
        "专利价值智能评估系统",
        lead="融合专利文本语义、法律状态、引证网络和市场交易数据，构建专利价值多维评估模型，可对单件专利或专利组合出具价值评估报告，辅助高校科技成果定价。",
        specs=(
            "覆盖专利数据≥5000万件",
            "价值区间预测误差≤20%",
            "单件评估时间≤5分钟",
            "评估指标≥30项",
        ),
        gains=(
            "评估成本降低80%",
            "评估周期由2周缩短至1天",
            "定价依据透明、可追溯",
        ),
        versus="与传统人工评估相比，效率提高数十倍且结果可复现；与仅基于引用次数的评分系统相比，引入交易数据后与实际成交价格的相关性提高约40%。",
        uses=("高校技术转移机构", "知识产权质押融资", "专利运营机构"),
        trl=7,
        proof="已为8所高校和2家银行提供评估服务，累计评估专利1.2万件。",
        price=30,
        ip=(
            sw("专利价值智能评估系统V1.3"),
            inv("一种融合引证网络与交易数据的专利价值评估方法"),
        ),
        modes=("license", "service"),
        keywords=("专利评估", "科技成果转化", "知识产权运营", "机器学习"),
    ),
    OutcomeSpec(
        38,
        "楚天理工大学",
        "0501",
        "复杂装备多学科协同仿真设计平台",
        lead="集成结构、流体、热与控制多学科求解器，通过统一数据模型和代理模型优化技术，实现复杂装备的协同仿真与多目标优化设计。",
        specs=(
            "支持求解器接口≥12类",
            "代理模型精度≥95%",
            "优化迭代效率提高10倍",
            "支持千核级并行计算",
        ),
        gains=(
            "产品设计周期缩短40%",
            "物理样机试制次数减少60%",
            "软件成本较进口产品降低70%",
        ),
        versus="与国外同类多学科优化软件相比，核心功能相当，并支持国产求解器和信创环境；与单学科串行设计相比，能发现学科间的耦合效应，减少后期返工。",
        uses=("航空发动机", "船舶动力", "工程机械", "电子设备热设计"),
        trl=7,
        proof="已在2家装备制造企业的产品研发中应用，某型泵的设计周期由9个月缩短至5个月。",
        price=400,
        ip=(
            sw("多学科协同仿真设计平台V2.0"),
            sw("代理模型构建与优化工具V1.1"),
            inv("一种基于自适应代理模型的多学科设计优化方法"),
        ),
        modes=("license", "development", "service"),
        keywords=("多学科优化", "协同仿真", "工业软件", "代理模型"),
    ),
    OutcomeSpec(
        39,
        "南山智能感知研究院",
        "0506",
        "仓储机器人集群调度系统",
        lead="基于时空冲突搜索的多机器人路径规划算法和订单波次优化策略，实现数百台潜伏式搬运机器人在同一仓库内高效协同作业。",
        specs=(
            "单仓调度规模≥500台",
            "路径规划响应时间≤100 ms",
            "每个工作站拣选效率≥450订单行/小时",
            "系统可用率≥99.9%",
        ),
        gains=(
            "仓储作业效率提高3倍",
            "人工成本降低60%",
            "机器人空驶率降低35%",
        ),
        versus="与传统人工拣选相比，效率提升3倍；与同类调度系统相比，500台规模下的拥堵等待时间减少约40%。",
        uses=("电商仓储", "医药流通", "汽车零部件物流", "冷链仓储"),
        trl=8,
        proof="已在4个电商物流中心上线运行，单仓最大规模520台，经受住了购物节订单高峰的考验。",
        price=350,
        ip=(
            sw("仓储机器人集群调度系统V3.2"),
            inv("一种基于时空冲突搜索的多机器人路径规划方法"),
            inv("一种仓储订单波次与机器人任务联合优化方法"),
        ),
        modes=("license", "service"),
        keywords=("仓储机器人", "多机器人调度", "路径规划", "智慧物流"),
    ),
    OutcomeSpec(
        40,
        "钱塘大学",
        "0508",
        "文物数字化三维重建与网页沉浸式展示技术",
        lead="融合结构光扫描、多视角摄影测量与神经辐射场渲染，实现文物的高精度三维数字化采集、纹理重建和网页端沉浸式展示。",
        specs=(
            "几何精度≤0.05 mm",
            "纹理分辨率≥8K",
            "网页端首屏加载时间≤3秒",
            "单件文物采集时间≤30分钟",
        ),
        gains=(
            "采集效率提高4倍",
            "数据存储量减少70%",
            "展示终端无需安装插件",
        ),
        versus="与传统人工建模相比，效率和真实感显著提升；与单纯激光扫描方案相比，纹理色彩还原度更高，设备成本降低一半。",
        uses=("博物馆数字展陈", "数字文旅", "文物档案管理", "文创产品开发"),
        trl=8,
        proof="已为6家博物馆完成3000余件文物的数字化，建成2个线上数字展厅。",
        price=35,
        ip=(sw("文物三维数字化采集与处理软件V2.0"), sw("网页端三维文物展示系统V1.4")),
        modes=("service", "license"),
        keywords=("三维重建", "数字文博", "神经辐射场", "虚拟展示"),
    ),
    # 06 新能源与节能
    OutcomeSpec(
        41,
        "华东新材料研究院",
        "0603",
        "高镍三元正极材料表面包覆改性技术",
        lead="针对高镍三元正极材料表面残碱高、循环中界面副反应剧烈的问题，采用原子层沉积与低温固相烧结相结合的工艺，在颗粒表面构筑2–5 nm厚的快离子导体包覆层。",
        specs=(
            "0.1C放电比容量≥205 mAh/g",
            "1C循环1000次容量保持率≥92%",
            "表面残碱≤0.3%",
            "45℃存储7天产气量降低60%",
        ),
        gains=(
            "循环寿命提升40%",
            "表面残碱降低50%以上",
            "包覆工序能耗降低25%",
        ),
        versus="与传统湿法包覆相比，无需水洗和二次干燥，避免了锂溶出导致的容量损失；与常规干法包覆相比，包覆层厚度均匀性提高一倍以上。",
        uses=("动力电池", "储能电池", "高端电动工具电池"),
        trl=6,
        proof="已在合作企业建成年产200吨中试线并连续运行6个月，产品经第三方检测机构检验，批次一致性满足动力电池客户要求。",
        price=800,
        ip=(
            inv("一种高镍三元正极材料的快离子导体包覆方法"),
            inv("一种低残碱高镍正极材料及其制备方法"),
            um("一种正极材料粉体原子层沉积包覆装置"),
        ),
        modes=("license", "joint"),
        keywords=("高镍三元", "正极材料", "表面包覆", "锂离子电池"),
        featured=True,
        gallery=("年产200吨中试线", "1C循环容量保持率曲线", "包覆后颗粒形貌"),
    ),
    OutcomeSpec(
        42,
        "江淮能源技术研究院",
        "0601",
        "钙钛矿/晶硅叠层太阳电池",
        lead="在异质结晶硅底电池上制备宽带隙钙钛矿顶电池，采用自组装单分子层空穴传输层和双面钝化技术，提高叠层电池的效率与稳定性。",
        specs=(
            "1 cm²叠层电池转换效率≥30%",
            "1200 cm²组件效率≥25%",
            "85℃/85%RH老化1000小时效率保持率≥90%",
            "钙钛矿层制备温度≤150℃",
        ),
        gains=(
            "转换效率较单结晶硅电池提高5个百分点",
            "度电成本降低15%",
            "工艺温度低，可兼容现有产线",
        ),
        versus="与量产的PERC、TOPCon电池（效率约23%–26%）相比，效率上限大幅提高；与单结钙钛矿电池相比，稳定性更好。",
        uses=("地面光伏电站", "分布式屋顶光伏", "建筑光伏一体化"),
        trl=5,
        proof="小面积叠层电池效率经国家级计量机构认证为30.8%，已完成中试设备选型。",
        price=NEGOTIABLE,
        ip=(
            inv("一种钙钛矿/晶硅叠层太阳电池及其制备方法"),
            inv("一种自组装单分子层空穴传输层的制备方法"),
            inv("一种宽带隙钙钛矿薄膜的双面钝化方法"),
        ),
        modes=("joint", "equity"),
        keywords=("钙钛矿", "叠层电池", "光伏", "异质结"),
        featured=True,
        protected="认证测试报告原件、组件老化数据和中试设备清单在签署保密协议后提供；作价投资方式下团队希望持股不低于20%。",
    ),
    OutcomeSpec(
        43,
        "江淮能源技术研究院",
        "0602",
        "质子交换膜电解水制氢低铱催化剂",
        lead="采用核壳结构与高比表面积氧化物载体设计，将阳极析氧催化剂的铱载量降至0.3 mg/cm²以下，同时保持高活性和长寿命。",
        specs=(
            "阳极铱载量≤0.3 mg/cm²",
            "2 A/cm²下电解电压≤1.85 V",
            "连续运行≥2000小时，电压衰减≤5 μV/h",
            "单堆产氢量≥50 Nm³/h",
        ),
        gains=(
            "贵金属用量降低80%",
            "电解槽成本降低30%",
            "单位制氢能耗降低8%",
        ),
        versus="与商用铱黑催化剂（载量约2 mg/cm²）相比，铱用量减少80%以上而性能相当；与碱性电解槽相比，电流密度高、动态响应快，更适合与风电光伏耦合。",
        uses=("可再生能源制氢", "加氢站现场制氢", "化工绿氢替代"),
        trl=6,
        proof="已在50 kW电解堆上连续运行2000小时，第三方测试制氢能耗为4.3 kWh/Nm³。",
        price=1500,
        ip=(
            inv("一种核壳结构低铱析氧催化剂及其制备方法"),
            inv("一种质子交换膜电解池膜电极的制备方法"),
        ),
        modes=("license", "joint", "equity"),
        keywords=("电解水制氢", "质子交换膜", "低铱催化剂", "绿氢"),
    ),
    OutcomeSpec(
        44,
        "秦川工业大学",
        "0604",
        "低温工业余热有机朗肯循环发电技术",
        lead="采用混合工质与单螺杆膨胀机，回收80–200℃的低温烟气和热水余热发电，机组模块化撬装，安装周期短。",
        specs=(
            "单机功率50–500 kW",
            "适用余热温度80–200℃",
            "120℃热源下系统净发电效率≥10%",
            "年运行时间≥7500小时",
        ),
        gains=(
            "发电效率较纯工质方案提高15%",
            "投资回收期≤4年",
            "300 kW机组年减排二氧化碳约2000吨",
        ),
        versus="与透平膨胀机方案相比，单螺杆膨胀机对两相进气不敏感，部分负荷效率高；与余热直接排放相比，每年可为企业节约电费数十万元。",
        uses=("钢铁和水泥窑炉余热", "化工工艺余热", "地热发电", "船舶余热"),
        trl=8,
        proof="已在3家企业投运5台机组，最长连续运行超过3年。",
        price=200,
        ip=(
            inv("一种混合工质有机朗肯循环发电系统"),
            um("一种单螺杆膨胀机的喷液密封结构"),
            um("一种撬装式余热发电机组"),
        ),
        modes=("transfer", "license", "service"),
        keywords=("有机朗肯循环", "余热发电", "螺杆膨胀机", "节能"),
    ),
    OutcomeSpec(
        45,
        "江淮能源技术研究院",
        "0603",
        "钠离子电池层状氧化物正极材料",
        lead="开发铜铁锰基层状氧化物正极材料和配套硬碳负极，采用全固相烧结工艺，原料不含锂、钴、镍，成本低且低温性能优异。",
        specs=(
            "正极比容量≥140 mAh/g",
            "电芯能量密度≥150 Wh/kg",
            "-20℃容量保持率≥90%",
            "循环寿命≥4000次（容量保持率80%）",
        ),
        gains=(
            "电芯材料成本较磷酸铁锂低25%",
            "低温性能提高30%",
            "可零电压运输，安全性好",
        ),
        versus="与磷酸铁锂电池相比，低温和倍率性能更好，原料不受锂价波动影响；与普鲁士蓝类正极相比，结晶水控制难度小，压实密度高。",
        uses=("两轮电动车", "储能电站", "汽车启停电源", "低速电动车"),
        trl=7,
        proof="已在合作企业建成千吨级正极材料生产线，26700圆柱电芯通过GB/T 36276储能电池测试。",
        price=1800,
        ip=(
            inv("一种铜铁锰基层状氧化物正极材料及其制备方法"),
            inv("一种钠离子电池用硬碳负极材料"),
            inv("一种钠离子电池正极材料的全固相烧结方法"),
        ),
        modes=("license", "equity"),
        keywords=("钠离子电池", "层状氧化物", "正极材料", "储能"),
        featured=True,
        gallery=("26700圆柱电芯", "循环寿命测试曲线"),
    ),
    OutcomeSpec(
        46,
        "江南理工大学",
        "0604",
        "高速永磁电机直驱磁悬浮鼓风机",
        lead="研制转速达30000 r/min的高速永磁同步电机与主动磁悬浮轴承系统，电机直接驱动叶轮，取消齿轮箱与润滑油系统，用于污水处理曝气和工业供风。",
        specs=(
            "额定转速30000 r/min",
            "电机效率≥96%",
            "整机比罗茨风机节能≥30%",
            "运行噪声≤80 dB(A)",
        ),
        gains=(
            "能耗降低30%以上",
            "无油运行，维护成本降低70%",
            "占地面积减少50%",
        ),
        versus="与罗茨风机和多级离心风机相比，节能30%以上；与空气悬浮轴承风机相比，启停寿命不受限制，适用于频繁启停工况。",
        uses=("污水处理曝气", "水泥和电力行业供风", "发酵工业", "气力输送"),
        trl=8,
        proof="产品已在12座污水处理厂使用，经节能监测机构测试，吨水电耗平均下降0.08 kWh。",
        price=450,
        ip=(
            inv("一种高速永磁同步电机转子护套结构"),
            inv("一种主动磁悬浮轴承的自适应控制方法"),
            um("一种磁悬浮鼓风机的冷却风道"),
        ),
        modes=("transfer", "license", "joint"),
        keywords=("磁悬浮", "高速永磁电机", "鼓风机", "节能"),
    ),
    OutcomeSpec(
        47,
        "南京汇能电力设备有限公司",
        "0604",
        "低噪声非晶合金配电变压器",
        lead="通过铁芯分段退火、框式结构和阻尼减振设计，降低非晶合金配电变压器的空载损耗和运行噪声。",
        specs=(
            "空载损耗比GB 20052一级能效再低15%",
            "运行噪声≤42 dB",
            "抗短路能力通过型式试验",
            "容量覆盖100–2500 kVA",
        ),
        gains=(
            "空载损耗降低15%",
            "运行噪声降低8 dB",
            "铁芯材料利用率提高10%",
        ),
        versus="与硅钢片变压器相比，空载损耗降低约70%；与常规非晶合金变压器相比，噪声明显降低，可用于居民区和医院。",
        uses=("城市配电网", "居民小区", "数据中心", "光伏升压"),
        trl=9,
        proof="产品已批量供应电网公司，累计挂网运行1.2万余台。",
        price=300,
        ip=(
            inv("一种非晶合金铁芯的分段退火方法"),
            um("一种框式非晶合金变压器铁芯"),
            um("一种变压器器身阻尼减振结构"),
        ),
        modes=("license", "transfer"),
        keywords=("非晶合金", "配电变压器", "节能降噪", "电网"),
    ),
    OutcomeSpec(
        48,
        "秦川工业大学",
        "0601",
        "风电机组叶片覆冰监测与电热除冰系统",
        lead="在叶片前缘嵌入碳纤维加热膜并布设振动与温度传感器，结合气象数据识别覆冰状态，实现分区按需电热除冰。",
        specs=(
            "覆冰识别准确率≥95%",
            "除冰时间≤30分钟",
            "加热功率密度3–5 kW/m²",
            "除冰能耗≤机组年发电量的1%",
        ),
        gains=(
            "冬季覆冰发电量损失减少70%",
            "除冰能耗降低40%",
            "避免覆冰停机和冰块甩落风险",
        ),
        versus="与停机人工除冰相比，机组可不停机或短时停机除冰；与热风除冰方案相比，加热效率高、能耗低。",
        uses=("高寒高湿地区风电场", "山地风电场", "输电线路防冰"),
        trl=7,
        proof="已在云贵高原某风电场8台机组上运行2个冬季，冬季等效利用小时数提高约120小时。",
        price=350,
        ip=(
            inv("一种风电叶片覆冰状态识别方法"),
            inv("一种风电叶片分区电热除冰控制方法"),
        ),
        modes=("license", "joint"),
        keywords=("风电", "叶片除冰", "覆冰监测", "碳纤维加热"),
    ),
    OutcomeSpec(
        49,
        "江淮能源技术研究院",
        "0602",
        "固态储氢合金罐及燃料电池供氢系统",
        lead="开发钛锰系储氢合金，结合铝合金翅片换热结构设计储氢罐，在常温低压下安全储存氢气，并利用燃料电池余热驱动放氢。",
        specs=(
            "合金储氢质量密度≥1.8 wt%",
            "体积储氢密度≥50 kg/m³",
            "充氢压力≤4 MPa",
            "吸放氢循环寿命≥3000次",
        ),
        gains=(
            "体积储氢密度为35 MPa高压气瓶的1.5倍",
            "储存压力降低90%",
            "常温低压储存，本质安全",
        ),
        versus="与高压气态储氢相比，工作压力低，无需高压压缩机，适合室内和人员密集场所；与液态储氢相比，无蒸发损失，能耗低。",
        uses=("燃料电池叉车", "分布式储能", "通信基站备用电源", "氢能两轮车"),
        trl=6,
        proof="已完成5 kW燃料电池叉车配套示范，累计运行1500小时。",
        price=600,
        ip=(
            inv("一种钛锰系储氢合金及其制备方法"),
            inv("一种翅片强化换热的固态储氢罐"),
        ),
        modes=("license", "joint"),
        keywords=("固态储氢", "储氢合金", "氢能", "燃料电池"),
        anonymous=True,
        protected="示范叉车的运行数据和储氢罐型式试验报告在签署保密协议后提供。",
    ),
    # 07 资源与环境
    OutcomeSpec(
        50,
        "江南理工大学",
        "0701",
        "电镀废水重金属深度处理与回用技术",
        lead="采用螯合树脂吸附—电催化氧化—反渗透组合工艺，对含镍、铜、铬电镀废水进行分质处理，深度去除重金属并回收水和金属。",
        specs=(
            "出水镍≤0.1 mg/L",
            "出水总铬≤0.5 mg/L",
            "水回用率≥70%",
            "吨水处理成本≤8元",
        ),
        gains=(
            "水回用率提高40个百分点",
            "污泥产量减少60%",
            "镍回收率≥95%",
        ),
        versus="与传统化学沉淀法相比，出水稳定达到电镀污染物排放标准的特别排放限值，危废污泥大幅减少；与单纯膜处理相比，膜污染轻，膜使用寿命延长一倍。",
        uses=("电镀园区", "线路板企业", "金属表面处理", "电池材料生产"),
        trl=8,
        proof="已在苏州、昆山等地5个电镀园区建成处理工程，单套最大处理规模2000吨/天。",
        price=250,
        ip=(
            inv("一种含镍电镀废水的螯合树脂深度处理方法"),
            inv("一种电镀废水电催化氧化破络方法"),
            um("一种电镀废水分质收集与处理装置"),
        ),
        modes=("transfer", "service"),
        keywords=("电镀废水", "重金属", "螯合树脂", "中水回用"),
        gallery=("电镀园区废水处理工程", "出水镍浓度监测曲线"),
    ),
    OutcomeSpec(
        51,
        "楚天理工大学",
        "0702",
        "工业VOCs沸石转轮吸附—催化燃烧治理技术",
        lead="采用疏水改性沸石分子筛转轮浓缩低浓度、大风量的挥发性有机物（VOCs）废气，脱附后进入低温催化燃烧装置分解，热量回用于脱附。",
        specs=(
            "VOCs去除率≥95%",
            "浓缩倍数10–30倍",
            "催化起燃温度≤250℃",
            "出口非甲烷总烃≤20 mg/m³",
        ),
        gains=(
            "运行费用较直接燃烧降低60%",
            "催化剂使用寿命≥3年",
            "设备占地面积减少30%",
        ),
        versus="与活性炭吸附相比，无需频繁更换吸附剂，不产生危险废物；与蓄热式焚烧相比，更适合低浓度、大风量工况，能耗更低。",
        uses=("汽车涂装", "印刷包装", "电子制造", "家具制造"),
        trl=8,
        proof="已在20余家企业应用，最大处理风量20万m³/h，出口浓度长期稳定达标。",
        price=180,
        ip=(
            inv("一种疏水改性沸石分子筛转轮及其制备方法"),
            um("一种转轮浓缩与催化燃烧联用装置"),
            um("一种催化燃烧余热回用于转轮脱附的换热结构"),
        ),
        modes=("license", "transfer"),
        keywords=("VOCs治理", "沸石转轮", "催化燃烧", "大气污染防治"),
    ),
    OutcomeSpec(
        52,
        "钱塘大学",
        "0703",
        "废旧锂电池有价金属绿色回收技术",
        lead="采用低温还原焙烧—选择性浸出—萃取分离工艺，从废旧三元锂电池黑粉中回收锂、镍、钴、锰，锂在前端优先提取，减少强酸用量。",
        specs=(
            "锂回收率≥92%",
            "镍钴锰回收率≥98%",
            "电池级碳酸锂纯度≥99.5%",
            "酸耗降低40%",
        ),
        gains=(
            "锂回收率提高20个百分点",
            "废水排放减少50%",
            "综合回收成本降低25%",
        ),
        versus="与传统全湿法工艺相比，锂在前端优先提取，回收率高、流程短；与火法冶炼相比，能耗低且锂不进入炉渣。",
        uses=("动力电池回收", "电池材料企业", "消费电池回收"),
        trl=6,
        proof="已建成日处理300 kg的中试线并连续运行3个月，产品经检测达到电池级标准。",
        price=800,
        ip=(
            inv("一种废旧三元锂电池优先提锂的方法"),
            inv("一种镍钴锰选择性浸出与萃取分离方法"),
        ),
        modes=("license", "joint"),
        keywords=("电池回收", "湿法冶金", "碳酸锂", "资源化"),
    ),
    OutcomeSpec(
        53,
        "燕京工业大学",
        "0705",
        "化工园区有毒有害气体激光光谱在线监测系统",
        lead="采用可调谐半导体激光吸收光谱与傅里叶红外遥测相结合，对园区边界和重点装置的多种有毒有害气体进行在线监测和泄漏溯源。",
        specs=(
            "可同时监测气体≥30种",
            "氨、氯化氢检测下限≤0.1 ppm",
            "开放光程≥500 m",
            "响应时间≤10秒",
        ),
        gains=(
            "泄漏发现时间缩短80%",
            "单个监测点位成本降低50%",
            "溯源定位精度≤50 m",
        ),
        versus="与电化学传感器网格相比，监测范围大，无需频繁标定；与进口开放光程系统相比，价格低约40%，可由国内团队运维。",
        uses=("化工园区", "垃圾填埋场", "污水处理厂", "危化品码头"),
        trl=8,
        proof="已在5个省级化工园区部署，监测数据接入当地生态环境部门的监管平台。",
        price=300,
        ip=(
            inv("一种多组分气体激光光谱同步检测方法"),
            inv("一种基于开放光程监测数据的泄漏源定位方法"),
            sw("化工园区有毒有害气体监测预警平台V2.0"),
        ),
        modes=("license", "service"),
        keywords=("激光光谱", "在线监测", "化工园区", "有毒有害气体"),
    ),
    OutcomeSpec(
        54,
        "楚天理工大学",
        "0706",
        "废弃矿山土壤重构与植被快速恢复技术",
        lead="利用尾矿与有机废弃物制备人工土壤，配合耐性植物群落构建和微生物菌剂接种，在废弃矿山快速形成稳定植被。",
        specs=(
            "1年内植被覆盖率≥80%",
            "土壤有机质含量提高至2%以上",
            "重金属有效态含量降低50%以上",
            "每亩治理成本≤1.5万元",
        ),
        gains=(
            "治理成本降低40%",
            "植被恢复时间缩短一半",
            "外运客土用量减少90%",
        ),
        versus="与传统客土覆盖法相比，无需大量外运客土，保护了取土区生态；与单纯喷播绿化相比，植被群落稳定，后期养护少。",
        uses=("金属矿山生态修复", "采石场复绿", "尾矿库闭库治理"),
        trl=8,
        proof="已在湖北、江西等地完成6个示范工程，总面积3000余亩。",
        price=150,
        ip=(
            inv("一种利用尾矿和有机废弃物制备人工土壤的方法"),
            inv("一种重金属污染矿山的植物—微生物联合修复方法"),
        ),
        modes=("transfer", "service"),
        keywords=("矿山修复", "生态修复", "土壤重构", "植被恢复"),
    ),
    OutcomeSpec(
        55,
        "江南理工大学",
        "0707",
        "涤纶超临界二氧化碳无水染色技术",
        lead="以超临界二氧化碳替代水作为染色介质，染料溶解后渗入纤维，染色结束后二氧化碳和剩余染料均可回收循环使用，染色过程不产生废水。",
        specs=(
            "染色过程废水零排放",
            "二氧化碳回收率≥90%",
            "染料上染率≥98%",
            "耐洗色牢度≥4级",
        ),
        gains=("节水100%", "能耗降低40%", "染色时间缩短50%"),
        versus="与传统水浴染色相比，无需助剂，染后无需水洗和烘干；与同类进口设备相比，釜体容积更大，造价低约35%。",
        uses=("涤纶筒纱染色", "散纤维染色", "户外功能面料"),
        trl=7,
        proof="已建成釜容积1000 L的示范生产线，累计染色产品200余吨。",
        price=1200,
        ip=(
            inv("一种涤纶超临界二氧化碳染色方法"),
            inv("一种超临界染色釜的染料回收装置"),
            inv("一种超临界二氧化碳染色用分散染料组合物"),
        ),
        modes=("license", "joint"),
        keywords=("无水染色", "超临界二氧化碳", "清洁生产", "纺织印染"),
    ),
    OutcomeSpec(
        56,
        "秦川工业大学",
        "0708",
        "煤矿智能掘进导航与自动截割控制系统",
        lead="融合惯性导航、激光雷达和视觉测量，实时测量掘进机在巷道中的位姿，并根据巷道设计断面规划自动截割路径。",
        specs=(
            "机身定位精度±5 cm",
            "航向角测量精度≤0.1°",
            "截割断面成形误差±10 cm",
            "掘进工作面作业人员减少至3人",
        ),
        gains=(
            "掘进效率提高30%",
            "工作面人员减少50%",
            "超挖欠挖量降低60%",
        ),
        versus="与人工操作相比，断面成形质量稳定，超挖量小；与基于全站仪的导航方案相比，不受粉尘遮挡影响，可连续工作。",
        uses=("煤矿巷道掘进", "隧道工程", "非煤矿山"),
        trl=7,
        proof="已在陕西2座煤矿的综掘工作面应用，累计进尺6000余米。",
        price=650,
        ip=(
            inv("一种掘进机惯性与激光雷达组合定位方法"),
            inv("一种巷道断面自动截割路径规划方法"),
            sw("智能掘进导航与截割控制软件V1.2"),
        ),
        modes=("license", "joint"),
        keywords=("智能掘进", "惯性导航", "煤矿智能化", "激光雷达"),
    ),
    OutcomeSpec(
        57,
        "合肥清源环保科技股份有限公司",
        "0703",
        "市政污泥低温干化与热解炭化技术",
        lead="采用除湿热泵低温干化将污泥含水率降至30%以下，再经热解炭化制备生物炭，实现污泥的减量化、稳定化和资源化。",
        specs=(
            "干化后含水率≤30%",
            "干化能耗≤0.35 kWh/kg水",
            "污泥减量率≥85%",
            "生物炭重金属浸出满足标准要求",
        ),
        gains=(
            "干化能耗降低50%",
            "处置成本降低30%",
            "封闭运行，无臭气外溢",
        ),
        versus="与热风干化相比，能耗降低一半，无粉尘爆炸风险；与直接填埋相比，减量85%以上，并得到可利用的炭产品。",
        uses=("市政污水厂污泥", "印染和造纸污泥", "餐厨沼渣"),
        trl=9,
        proof="已在安徽、江苏的8座污水处理厂投运，单套最大处理规模150吨/天（湿污泥）。",
        price=400,
        ip=(
            inv("一种污泥低温干化与热解炭化联合处理方法"),
            um("一种除湿热泵污泥干化机"),
            um("一种污泥热解炭化炉的密封出料装置"),
        ),
        modes=("transfer", "service"),
        keywords=("污泥干化", "热泵", "热解炭化", "固废资源化"),
    ),
    # 08 先进制造与自动化
    OutcomeSpec(
        58,
        "江南理工大学",
        "0805",
        "工业机器人高精度RV减速器设计与制造技术",
        lead="通过摆线齿廓修形优化、关键零件精密磨削和装配误差补偿技术，研制高精度、长寿命的工业机器人RV减速器。",
        specs=(
            "传动回差≤1 arcmin",
            "额定寿命≥6000小时",
            "传动效率≥85%",
            "扭转刚度≥100 N·m/arcmin（RV-40E规格）",
        ),
        gains=(
            "回差稳定性提高50%",
            "额定寿命提高1.5倍",
            "成本比进口产品低30%",
        ),
        versus="与国外同规格产品相比，精度与刚度达到同等水平，价格约为其70%，交货期缩短至4周。",
        uses=("工业机器人关节", "数控转台", "焊接变位机", "精密分度装置"),
        trl=8,
        proof="已与苏州智造精密机械有限公司合作小批量生产，装机机器人累计运行超过10万小时。",
        price=900,
        ip=(
            inv("一种RV减速器摆线轮齿廓修形方法"),
            inv("一种RV减速器装配误差补偿方法"),
            inv("一种高刚度RV减速器行星架结构"),
        ),
        modes=("license", "joint"),
        keywords=("RV减速器", "工业机器人", "摆线针轮", "精密传动"),
        featured=True,
        protected="摆线轮修形参数表、关键零件磨削工艺卡和寿命试验原始数据仅向签署保密协议的合作方提供。",
        gallery=("RV-40E减速器样机", "精度寿命试验台", "回差随运行时间变化曲线"),
    ),
    OutcomeSpec(
        59,
        "楚天理工大学",
        "0804",
        "超快激光高深径比精密微孔加工技术",
        lead="采用飞秒激光与螺旋扫描光学系统，在航空发动机叶片、燃油喷嘴等零件上加工高深径比微孔，孔壁无重铸层与微裂纹。",
        specs=(
            "最小孔径20 μm",
            "深径比≥20:1",
            "孔径圆度误差≤2 μm",
            "无重铸层、无热影响区",
        ),
        gains=(
            "加工效率为电火花加工的3倍",
            "良品率提高至99%",
            "无电极损耗",
        ),
        versus="与电火花加工相比，可加工陶瓷涂层等非导电材料，且无重铸层；与纳秒激光相比，热损伤几乎为零。",
        uses=("航空发动机气膜孔", "燃油喷嘴", "电子陶瓷", "医疗器械"),
        trl=7,
        proof="已为航空和汽车零部件企业提供加工服务，累计加工微孔500余万个。",
        price=700,
        ip=(
            inv("一种飞秒激光螺旋扫描微孔加工方法"),
            inv("一种高深径比微孔的激光加工光学系统"),
        ),
        modes=("license", "service"),
        keywords=("超快激光", "微孔加工", "飞秒激光", "精密制造"),
    ),
    OutcomeSpec(
        60,
        "燕京工业大学",
        "0801",
        "流程工业先进过程控制软件",
        lead="基于数据驱动的多变量模型预测控制与软测量技术，对精馏、反应等装置实施卡边优化控制，提高产品收率并降低能耗。",
        specs=(
            "关键工艺变量波动降低50%以上",
            "装置能耗降低3%–8%",
            "控制器投用率≥95%",
            "模型辨识周期缩短至1周",
        ),
        gains=(
            "产品收率提高1–2个百分点",
            "单套装置年增效300万元以上",
            "实施周期缩短40%",
        ),
        versus="与常规PID控制相比，能够处理多变量耦合和约束；与国外同类软件相比，价格低50%以上，并支持国产DCS。",
        uses=("石油化工", "煤化工", "精细化工", "冶金"),
        trl=9,
        proof="已在14家企业的40余套装置上投运，平均投用率97%。",
        price=260,
        ip=(
            sw("先进过程控制软件V4.0"),
            sw("工业软测量建模平台V2.1"),
            inv("一种数据驱动的多变量模型预测控制方法"),
        ),
        modes=("license", "service"),
        keywords=("先进过程控制", "模型预测控制", "软测量", "流程工业"),
    ),
    OutcomeSpec(
        61,
        "南山智能感知研究院",
        "0803",
        "高精度三维结构光在线测量仪",
        lead="采用多频相移结构光与双目立体视觉融合测量，对汽车白车身、铸件等零件进行在线三维测量和尺寸偏差分析。",
        specs=(
            "测量精度≤0.02 mm",
            "单幅测量时间≤0.5秒",
            "测量视场400 mm×300 mm",
            "可在10000 lx环境光下稳定测量",
        ),
        gains=(
            "检测效率提高10倍",
            "可替代三坐标测量机的离线抽检",
            "设备价格较进口产品低50%",
        ),
        versus="与三坐标测量机相比，可实现在线全检，节拍与产线匹配；与进口在线测量系统相比，精度相当，成本低一半。",
        uses=("汽车白车身", "精密铸件", "3C结构件", "航空零部件"),
        trl=8,
        proof="已在4家汽车零部件企业的生产线上应用，测量结果与三坐标测量机的偏差小于0.02 mm。",
        price=380,
        ip=(
            inv("一种多频相移结构光三维测量方法"),
            inv("一种结构光与双目视觉融合的测量标定方法"),
            sw("三维在线测量与偏差分析软件V2.0"),
        ),
        modes=("transfer", "license"),
        keywords=("结构光", "三维测量", "在线检测", "机器视觉"),
    ),
    OutcomeSpec(
        62,
        "苏州智造精密机械有限公司",
        "0804",
        "C5级精密滚珠丝杠冷轧成形工艺",
        lead="采用冷轧成形替代螺纹磨削，配合感应淬火与在线检测，实现C5级精密滚珠丝杠的高效、低成本制造。",
        specs=(
            "导程精度达到C5级（±23 μm/300 mm）",
            "滚道表面粗糙度Ra≤0.2 μm",
            "单件加工时间缩短70%",
            "材料利用率≥95%",
        ),
        gains=(
            "加工效率提高3倍",
            "制造成本降低35%",
            "滚道疲劳寿命提高20%",
        ),
        versus="与磨削工艺相比，效率高，材料金属流线完整；与进口冷轧丝杠相比，精度等级相当，价格低约40%。",
        uses=("数控机床", "工业机器人", "注塑机", "半导体设备"),
        trl=9,
        proof="已实现批量生产，年产丝杠8万余根，供货国内20余家机床企业。",
        price=NEGOTIABLE,
        ip=(
            inv("一种精密滚珠丝杠的冷轧成形方法"),
            um("一种滚珠丝杠冷轧机的导向装置"),
            um("一种滚珠丝杠导程在线检测装置"),
        ),
        modes=("license", "joint"),
        keywords=("滚珠丝杠", "冷轧成形", "精密传动", "数控机床"),
    ),
    OutcomeSpec(
        63,
        "秦川工业大学",
        "0802",
        "高危作业场所人员行为智能识别系统",
        lead="融合视频分析与超宽带（UWB）定位，识别未戴安全帽、闯入危险区域、高处作业未系安全带等违规行为，实时语音告警并记录。",
        specs=(
            "违规行为识别准确率≥95%",
            "告警延迟≤1秒",
            "人员定位精度≤30 cm",
            "单台服务器接入视频≥64路",
        ),
        gains=(
            "安全事故率下降60%",
            "安全巡检人力减少50%",
            "违规行为发生率下降70%",
        ),
        versus="与人工视频巡查相比，可全天候自动识别；与单一视频识别相比，融合定位后遮挡场景的漏报率降低约一半。",
        uses=("化工厂", "建筑工地", "发电厂", "港口码头"),
        trl=8,
        proof="已在16家企业部署，接入摄像头3000余路。",
        price=150,
        ip=(
            sw("作业人员违规行为识别系统V2.3"),
            sw("UWB人员定位管理平台V1.6"),
            inv("一种视频与UWB定位融合的人员行为识别方法"),
        ),
        modes=("license", "service"),
        keywords=("安全生产", "行为识别", "UWB定位", "视频分析"),
    ),
    OutcomeSpec(
        64,
        "江淮能源技术研究院",
        "0806",
        "配电网接地故障智能定位与自愈控制技术",
        lead="基于暂态零序信号特征和边缘计算终端，对小电流接地系统的单相接地故障精准选线定位，并联动开关完成故障隔离和非故障区段自动恢复供电。",
        specs=(
            "故障选线准确率≥98%",
            "故障区段定位准确率≥95%",
            "故障隔离与恢复供电时间≤60秒",
            "终端功耗≤5 W",
        ),
        gains=(
            "故障查找时间缩短90%",
            "用户停电时间减少70%",
            "巡线人力减少60%",
        ),
        versus="与传统人工拉路选线相比，无需逐条试停线路；与集中式配电自动化主站方案相比，就地决策速度更快，对通信的依赖少。",
        uses=("城市与农村配电网", "工业园区配电", "新能源场站集电线路"),
        trl=8,
        proof="已在安徽电网30余条10 kV线路试点运行，累计正确处置接地故障120余次。",
        price=280,
        ip=(
            inv("一种基于暂态零序信号的小电流接地故障选线方法"),
            inv("一种配电网故障就地隔离与自愈控制方法"),
            sw("配电网故障定位边缘计算终端软件V1.3"),
        ),
        modes=("license", "joint"),
        keywords=("配电网", "故障定位", "自愈控制", "边缘计算"),
    ),
    OutcomeSpec(
        65,
        "江南理工大学",
        "0807",
        "新能源汽车扁线电机发卡绕组自动化成形技术",
        lead="开发发卡式扁铜线的自动成形、插线、扭头与激光焊接成套工艺，提高驱动电机槽满率和生产效率。",
        specs=(
            "槽满率≥70%",
            "单台定子成形节拍≤90秒",
            "焊点合格率≥99.9%",
            "适用导线截面积2–20 mm²",
        ),
        gains=(
            "电机功率密度提高15%",
            "生产效率提高3倍",
            "用工减少70%",
        ),
        versus="与圆线绕组相比，槽满率提高约25个百分点，散热更好；与进口扁线生产线相比，设备投资降低40%。",
        uses=("新能源汽车驱动电机", "电动工具电机", "船舶推进电机"),
        trl=7,
        proof="",
        price=750,
        ip=(
            inv("一种发卡式扁线绕组的自动成形方法"),
            inv("一种扁线定子端部扭头与激光焊接方法"),
            um("一种扁线插线工装"),
        ),
        modes=("license", "joint", "development"),
        keywords=("扁线电机", "发卡绕组", "激光焊接", "新能源汽车"),
        state="draft",
    ),
    OutcomeSpec(
        66,
        "楚天理工大学",
        "0808",
        "船舶低速柴油机甲醇双燃料改装技术",
        lead="在二冲程低速柴油机上增加甲醇高压直喷系统与安全监控，实现甲醇/柴油双燃料运行，满足国际海事组织的碳减排要求。",
        specs=(
            "甲醇替代率≥90%",
            "氮氧化物排放满足Tier III标准",
            "二氧化碳排放降低10%以上",
            "改装周期≤45天",
        ),
        gains=(
            "使用绿色甲醇时碳排放可降低90%",
            "改装成本较新造船降低60%",
            "燃料泄漏监测响应时间≤1秒",
        ),
        versus="与液化天然气双燃料方案相比，甲醇常温常压储存，加注设施投资小；与新造船相比，改装可延长现有船舶的营运寿命。",
        uses=("远洋散货船", "集装箱船", "内河船舶"),
        trl=6,
        proof="已完成台架试验，累计运行300小时，并取得船级社原则性认可。",
        price=NEGOTIABLE,
        ip=(
            inv("一种低速柴油机甲醇高压直喷系统"),
            inv("一种船用甲醇燃料泄漏监测与安全切断方法"),
        ),
        modes=("joint", "development"),
        keywords=("甲醇燃料", "双燃料发动机", "船舶减排", "低速柴油机"),
    ),
)

DEMANDS: tuple[DemandSpec, ...] = (
    # 苏州智造精密机械有限公司: the demo enterprise, with a demand in every state
    DemandSpec(
        1,
        "苏州智造精密机械有限公司",
        "0805",
        "协作机器人谐波减速器柔轮长寿命技术",
        ask="公司计划将谐波减速器纳入协作机器人关节产品线，现有柔轮在额定负载下疲劳寿命不足，寻求柔轮材料、齿形设计与热处理的整体解决方案。",
        situation="我司为工业机器人和数控机床配套生产精密减速器，年产RV减速器约3万台。为拓展协作机器人市场，已完成谐波减速器样机开发，柔轮采用40CrNiMoA材料，经调质和氮化处理。",
        pain="台架测试中，柔轮在额定扭矩下运行约4000小时即在齿根出现疲劳裂纹，与客户要求的10000小时差距较大；传动精度在运行2000小时后明显下降，回差超过1 arcmin。",
        objectives=(
            "柔轮额定寿命≥10000小时（额定扭矩、输入转速2000 r/min）",
            "传动回差≤20 arcsec，运行5000小时后≤30 arcsec",
            "额定工况传动效率≥80%",
            "柔轮单件成本≤180元",
        ),
        trl=7,
        budget=(80, 150),
        days=120,
        modes=("development", "license"),
        keywords=("谐波减速器", "柔轮", "疲劳寿命", "协作机器人"),
        featured=True,
    ),
    DemandSpec(
        2,
        "苏州智造精密机械有限公司",
        "0803",
        "数控转台蜗轮副磨损在线监测与寿命预测",
        ask="寻求数控转台蜗轮蜗杆副磨损状态的在线监测与剩余寿命预测方法，在分度精度超差前提示用户维护。",
        situation="我司数控转台产品配套五轴加工中心，蜗轮蜗杆副是决定分度精度的关键部件。目前客户只能在加工零件出现尺寸超差后才发现转台精度下降，停机维修平均需要3天。",
        pain="蜗轮副磨损过程缓慢，且受润滑和负载影响大，现有振动监测方案误报多；转台内部空间狭小，难以加装大体积传感器，且不能影响密封和防护等级。",
        objectives=(
            "磨损状态识别准确率≥90%",
            "剩余寿命预测误差≤15%",
            "新增传感器体积≤20 mm×20 mm×10 mm，防护等级IP67",
            "监测系统单台成本≤3000元",
        ),
        trl=6,
        budget=(30, 60),
        days=90,
        modes=("development", "service"),
        keywords=("状态监测", "剩余寿命预测", "数控转台", "蜗轮蜗杆"),
        state="submitted",
    ),
    DemandSpec(
        3,
        "苏州智造精密机械有限公司",
        "0804",
        "球墨铸铁减速器壳体干式切削工艺",
        ask="寻求球墨铸铁减速器壳体的高速干式（或微量润滑）切削工艺，取消切削液，降低加工成本和环保压力。",
        situation="我司减速器壳体材料为QT600-3球墨铸铁，现采用乳化液湿式加工，年加工量约6万件，切削液采购及废液处理费用每年超过80万元。",
        pain="尝试干式切削后，刀具磨损速度加快约一倍，孔系尺寸受热变形影响而超差；微量润滑试验中切屑排出不畅，影响表面质量和自动线节拍。",
        objectives=(
            "切削液用量减少90%以上",
            "刀具寿命不低于现湿式加工的80%",
            "关键孔径公差稳定在IT6级",
            "单件加工节拍≤8分钟，不高于现湿式加工",
        ),
        trl=7,
        budget=(40, 80),
        days=100,
        modes=("development", "service"),
        keywords=("干式切削", "微量润滑", "球墨铸铁", "绿色制造"),
        state="rejected",
        reason="联系电话无法接通，且“关键孔径公差”未注明具体孔位和尺寸范围；请核对联系方式、补充零件图号或孔径范围后重新提交。",
    ),
    DemandSpec(
        4,
        "苏州智造精密机械有限公司",
        "0803",
        "RV减速器装配质量在线检测方案",
        ask="寻求RV减速器装配后回差、扭转刚度和空载噪声的在线快速检测方案，替代目前的人工离线抽检，实现每台产品出厂前全数检测。",
        situation="我司RV减速器装配线日产约120台，目前每台装配完成后需人工搬运到检测台进行回差和空载噪声测试，单台检测约25分钟。",
        pain="检测环节成为产线瓶颈，且抽检无法覆盖全部产品，偶有回差超差的产品流入客户。",
        objectives=("单台检测时间≤5分钟",),
        trl=7,
        budget=None,
        days=150,
        modes=("development",),
        keywords=("RV减速器", "装配检测", "在线检测"),
        state="draft",
    ),
    DemandSpec(
        5,
        "苏州智造精密机械有限公司",
        "0805",
        "直线电机模组温升抑制与热变形补偿",
        ask="寻求直线电机模组的温升抑制与热变形补偿技术，提高高速往复运行下的定位精度。",
        situation="我司直线电机模组用于半导体封装和锂电设备，最高速度2 m/s，重复定位精度要求±1 μm。",
        pain="连续高速往复运行1小时后，电机线圈温升达到45 K，导轨和光栅尺热变形使定位误差增大至±5 μm；现有风冷方案效果有限，还带来了振动。",
        objectives=(
            "连续运行工况下线圈温升≤20 K",
            "热变形引起的定位误差≤±1.5 μm",
            "冷却方案使模组高度增加不超过10 mm",
        ),
        trl=6,
        budget=(50, 100),
        days=150,
        modes=("development", "joint"),
        keywords=("直线电机", "温升控制", "热变形补偿", "精密定位"),
    ),
    DemandSpec(
        6,
        "苏州智造精密机械有限公司",
        "0801",
        "多品种小批量减速器车间智能排产系统",
        ask="寻求面向多品种、小批量减速器生产的数字孪生车间与智能排产系统，提升设备利用率和订单准时交付率。",
        situation="我司减速器车间有数控机床、磨齿机、热处理线等设备86台，产品规格超过300种，目前依靠计划员的经验手工排产。",
        pain="插单频繁，每次调整计划耗时半天以上；设备综合利用率仅约60%，在制品积压严重；现有制造执行系统不具备排产优化和产能仿真功能。",
        objectives=(
            "300种规格、86台设备规模下排产计算时间≤5分钟",
            "设备综合利用率提升至75%以上",
            "订单准时交付率≥95%",
            "与现有制造执行系统打通，数据同步延迟≤1分钟",
        ),
        trl=7,
        budget=(100, 200),
        days=75,
        modes=("development", "service"),
        keywords=("数字孪生", "智能排产", "离散制造", "MES"),
    ),
    # 合肥清源环保科技股份有限公司
    DemandSpec(
        7,
        "合肥清源环保科技股份有限公司",
        "0701",
        "高盐有机废水低能耗蒸发结晶分盐技术",
        ask="寻求化工园区高盐有机废水的低能耗蒸发结晶与分盐技术，使结晶盐达到工业盐标准，实现资源化利用。",
        situation="我司为化工园区提供污水处理和零排放运营服务，其中一股高盐废水含盐量约8%，COD约5000 mg/L，主要盐分为氯化钠和硫酸钠。",
        pain="现有机械蒸汽再压缩蒸发结晶产出的杂盐有机物含量高，只能作为危险废物处置，费用约3000元/吨；蒸发器结垢严重，每月需停车清洗一次。",
        objectives=(
            "结晶氯化钠纯度≥98.5%，达到工业盐二级标准",
            "结晶硫酸钠纯度≥97%",
            "吨水蒸发能耗≤35 kWh",
            "蒸发器连续运行周期≥3个月",
        ),
        trl=6,
        budget=(200, 500),
        days=150,
        modes=("development", "joint"),
        keywords=("高盐废水", "蒸发结晶", "分盐", "零排放"),
        featured=True,
    ),
    DemandSpec(
        8,
        "合肥清源环保科技股份有限公司",
        "0701",
        "低碳源工业园区污水深度脱氮技术",
        ask="寻求低碳源条件下使污水厂出水总氮稳定低于5 mg/L的深度脱氮技术，减少外加碳源投加。",
        situation="我司运营的园区污水处理厂设计规模3万吨/天，进水以工业废水为主，碳氮比低，现采用A²/O加深床反硝化滤池工艺。",
        pain="为使总氮达标，每年需投加乙酸钠约2000吨，药剂费用超过500万元；冬季水温低于12℃时反硝化效率下降，出水总氮波动大。",
        objectives=(
            "水温10℃条件下出水总氮稳定≤5 mg/L",
            "外加碳源用量降低40%以上",
            "改造后吨水运行成本增加≤0.1元",
        ),
        trl=7,
        budget=(150, 300),
        days=120,
        modes=("development", "transfer"),
        keywords=("深度脱氮", "反硝化", "碳源", "污水处理"),
    ),
    DemandSpec(
        9,
        "合肥清源环保科技股份有限公司",
        "0703",
        "危废焚烧飞灰无害化与资源化利用技术",
        ask="寻求焚烧飞灰中二噁英分解与重金属稳定化的协同处理技术，使处理产物可用作建材原料。",
        situation="我司运营的危险废物焚烧项目年产生飞灰约8000吨，目前经螯合剂稳定化后送安全填埋场处置。",
        pain="填埋处置费用逐年上涨，已达每吨2800元，且填埋场库容即将饱和；飞灰氯含量高（约15%），直接进入水泥窑协同处置受到限制。",
        objectives=(
            "二噁英分解率≥99%，处理后含量≤50 ng TEQ/kg",
            "重金属浸出浓度满足GB 5085.3要求",
            "氯含量降至1%以下，可作水泥或陶粒原料",
            "吨处理成本≤1500元",
        ),
        trl=6,
        budget=(300, 600),
        days=180,
        modes=("development", "joint"),
        keywords=("焚烧飞灰", "二噁英", "重金属稳定化", "固废资源化"),
    ),
    DemandSpec(
        10,
        "合肥清源环保科技股份有限公司",
        "0502",
        "土壤与固废重金属检测自动化前处理设备",
        ask="寻求土壤和固废样品重金属检测的自动化前处理方案，提升第三方检测实验室的通量和结果一致性。",
        situation="我司下属环境检测公司具备检验检测机构资质，年检测土壤和固废样品约3万个，重金属检测前处理采用人工电热板消解。",
        pain="人工消解每批需6–8小时，操作人员长时间接触强酸存在安全隐患；不同操作人员之间平行样偏差较大，影响检测结果的复现性。",
        objectives=(
            "单批处理样品≥60个，消解时间≤2小时",
            "平行样相对偏差≤10%",
            "用酸量减少50%以上",
            "消解过程数据100%自动上传实验室信息管理系统",
        ),
        trl=8,
        budget=(60, 120),
        days=60,
        modes=("transfer", "development"),
        keywords=("样品前处理", "实验室自动化", "重金属检测", "检验检测"),
    ),
    DemandSpec(
        11,
        "合肥清源环保科技股份有限公司",
        "0702",
        "工业窑炉烟气低温SCR脱硝催化剂",
        ask="寻求在180℃以下仍具有高活性、抗硫抗水的低温SCR脱硝催化剂，用于工业窑炉烟气超低排放改造。",
        situation="我司承接多家玻璃、陶瓷企业的窑炉烟气治理项目，烟气经余热回收、除尘和脱硫后温度仅为150–180℃。",
        pain="常规钒钛催化剂的活性温度窗口为300–400℃，需要对烟气再加热，能耗大；部分低温催化剂在含二氧化硫烟气中运行数月即因硫酸氢铵沉积而失活。",
        objectives=(
            "160℃下氮氧化物转化率≥90%",
            "二氧化硫100 mg/m³条件下连续运行8000小时活性下降≤10%",
            "氨逃逸≤3 ppm",
        ),
        trl=6,
        budget=(100, 250),
        days=110,
        modes=("license", "development"),
        keywords=("低温SCR", "脱硝催化剂", "超低排放", "工业窑炉"),
    ),
    # 深圳鸿芯微电子有限公司
    DemandSpec(
        12,
        "深圳鸿芯微电子有限公司",
        "0102",
        "车规级碳化硅MOSFET栅氧可靠性提升",
        ask="寻求碳化硅MOSFET栅氧工艺优化方案，提升阈值电压稳定性和栅氧长期可靠性，满足车规级认证要求。",
        situation="我司已量产硅基车规级功率MOSFET，正在开发1200 V碳化硅MOSFET，晶圆由6英寸代工线加工。",
        pain="样品在高温栅偏试验中阈值电压漂移超过0.5 V，栅氧界面态密度高，导致沟道迁移率偏低，导通电阻比设计值高约20%。",
        objectives=(
            "175℃、1000小时高温栅偏试验后阈值电压漂移≤0.2 V",
            "界面态密度≤1×10¹¹ cm⁻²·eV⁻¹",
            "1200 V器件比导通电阻≤3.5 mΩ·cm²",
            "通过AEC-Q101认证",
        ),
        trl=6,
        budget=(300, 800),
        days=180,
        modes=("development", "joint"),
        keywords=("碳化硅", "MOSFET", "栅氧可靠性", "车规级"),
        featured=True,
        anonymous=True,
        protected="现有器件的栅氧工艺参数、高温栅偏测试数据和代工厂信息，仅向签署保密协议的合作方提供。",
    ),
    DemandSpec(
        13,
        "深圳鸿芯微电子有限公司",
        "0405",
        "功率器件封装用低应力高导热环氧塑封料",
        ask="寻求适用于大尺寸功率器件封装的低应力、高导热环氧塑封料，替代进口产品。",
        situation="我司功率器件封装线年用环氧塑封料约200吨，目前全部依赖进口。",
        pain="大尺寸封装中出现翘曲和分层，进口材料交期长达16周且价格持续上涨；已试用的国产材料在-55℃–150℃温度循环500次后出现分层。",
        objectives=(
            "热导率≥2.5 W/(m·K)",
            "-55℃–150℃温度循环1000次后超声扫描无分层",
            "30 mm×30 mm封装体翘曲量≤50 μm",
            "价格不高于进口同类产品的80%",
        ),
        trl=7,
        budget=(100, 200),
        days=120,
        modes=("development", "license"),
        keywords=("环氧塑封料", "封装材料", "功率器件", "国产替代"),
    ),
    DemandSpec(
        14,
        "深圳鸿芯微电子有限公司",
        "0102",
        "功率器件晶圆测试大电流垂直探针卡",
        ask="寻求适用于功率器件晶圆测试的大电流垂直探针卡设计与制造技术。",
        situation="我司每月晶圆测试量约1.5万片，探针卡全部外购，单张价格8万–15万元。",
        pain="50 A以上大电流测试时探针易烧蚀，使用寿命仅约30万次触压；进口探针卡维修需返厂，周期长达4周，影响出货。",
        objectives=(
            "单针载流能力≥3 A，整卡支持≥100 A脉冲电流",
            "探针寿命≥100万次触压",
            "针尖平面度≤15 μm",
            "维修周期≤5天",
        ),
        trl=7,
        budget=(50, 120),
        days=90,
        modes=("development", "transfer"),
        keywords=("探针卡", "晶圆测试", "功率器件", "半导体测试"),
    ),
    DemandSpec(
        15,
        "深圳鸿芯微电子有限公司",
        "0101",
        "功率器件全流程良率大数据分析平台",
        ask="寻求打通晶圆测试、封装和成品测试数据的良率分析平台，快速定位低良率的根本原因。",
        situation="我司功率器件产品线覆盖晶圆测试、封装和成品测试三个环节，每天产生测试数据约50 GB，分散在不同厂商的测试机和制造执行系统中。",
        pain="出现良率异常时，工程师需要人工导出和比对多源数据，定位一次根因平均需要3天；缺乏对晶圆图缺陷模式的自动分类能力。",
        objectives=(
            "支持≥5种测试机数据格式的自动解析",
            "晶圆图缺陷模式自动分类准确率≥90%",
            "良率异常根因分析时间缩短至4小时以内",
            "私有化部署，单日处理测试数据≥50 GB",
        ),
        trl=7,
        budget=(80, 150),
        days=60,
        modes=("development", "service"),
        keywords=("良率分析", "大数据", "晶圆图", "半导体制造"),
    ),
    # 杭州云图数智科技有限公司
    DemandSpec(
        16,
        "杭州云图数智科技有限公司",
        "0101",
        "工业质检多模态大模型轻量化部署",
        ask="寻求将百亿参数级多模态大模型压缩并部署到国产边缘算力设备的技术方案，用于工业质检场景。",
        situation="我司为制造企业提供工业视觉质检服务，已训练图文多模态模型用于缺陷描述和判定，目前部署在云端GPU服务器上。",
        pain="客户要求数据不出厂，且单张图片推理时间不超过200 ms；现有模型在国产边缘设备上推理时间超过2秒，显存占用超出设备上限。",
        objectives=(
            "模型参数压缩80%以上，精度下降≤2个百分点",
            "在32 TOPS国产AI芯片上单张推理时间≤200 ms",
            "显存占用≤8 GB",
            "支持INT8和INT4量化",
        ),
        trl=6,
        budget=(100, 200),
        days=100,
        modes=("development", "license"),
        keywords=("大模型", "模型压缩", "边缘部署", "国产AI芯片"),
    ),
    DemandSpec(
        17,
        "杭州云图数智科技有限公司",
        "0107",
        "城市多源数据联合建模隐私计算平台",
        ask="寻求支持多方数据“可用不可见”的隐私计算技术，用于城市交通、通信和政务数据的联合建模。",
        situation="我司承建某市城市大脑数据平台，需要联合交通、通信运营商和政务部门的数据开展人流预测和应急调度分析。",
        pain="各数据方出于合规要求不能共享原始数据；现有联邦学习框架在千万级样本的纵向联合建模中训练时间过长，且缺少国密算法支持。",
        objectives=(
            "千万级样本纵向联邦建模训练时间≤2小时",
            "支持SM2、SM3、SM4国密算法",
            "联合模型精度较集中式训练损失≤1%",
        ),
        trl=7,
        budget=(150, 300),
        days=130,
        modes=("development", "joint"),
        keywords=("隐私计算", "联邦学习", "城市大脑", "数据安全"),
    ),
    DemandSpec(
        18,
        "杭州云图数智科技有限公司",
        "0503",
        "智能客服知识库自动构建技术",
        ask="寻求从产品手册、历史工单和聊天记录中自动构建客服知识库的技术，降低中小企业上线智能客服的成本。",
        situation="我司客服云平台服务企业客户约2000家，客户上线智能客服需要人工整理问答知识库，平均耗时3–4周。",
        pain="知识库质量参差不齐，机器人问题解决率仅约55%；客户产品更新后知识库维护不及时，答非所问导致投诉增加。",
        objectives=(
            "1000页文档规模的知识库自动构建时间≤2天",
            "机器人问题解决率≥80%",
            "知识更新检测延迟≤24小时",
        ),
        trl=7,
        budget=(50, 100),
        days=45,
        modes=("development", "license"),
        keywords=("智能客服", "知识库构建", "自然语言处理", "SaaS"),
    ),
    DemandSpec(
        19,
        "杭州云图数智科技有限公司",
        "0506",
        "跨境电商商品图多语种自动生成",
        ask="寻求基于生成式人工智能的电商商品主图与详情页多语种自动生成技术，服务跨境电商卖家。",
        situation="我司为约5000家跨境电商卖家提供店铺运营工具，卖家需要为同一商品制作英语、西班牙语、日语等多语种的主图和详情页。",
        pain="人工设计单个商品的多语种素材需要2–3天，成本约800元；现有生成工具生成的图片存在文字错乱、商品细节失真等问题，难以直接使用。",
        objectives=(
            "单个商品多语种素材生成时间≤10分钟",
            "商品外观细节保真度人工评审合格率≥90%",
            "支持≥8种语言的文字渲染",
            "单个商品生成成本≤20元",
        ),
        trl=7,
        budget=NEGOTIABLE,
        days=80,
        modes=("development", "license"),
        keywords=("生成式人工智能", "跨境电商", "图像生成", "多语种"),
    ),
    # 成都云翔航空零部件有限公司
    DemandSpec(
        20,
        "成都云翔航空零部件有限公司",
        "0301",
        "钛合金航空框梁结构件高效数控加工",
        ask="寻求TC4钛合金框梁类结构件的高效铣削工艺与专用刀具方案，提升加工效率并控制薄壁变形。",
        situation="我司为主机厂配套加工钛合金框、梁、接头等结构件，年加工量约1.2万件，材料去除率高达90%。",
        pain="粗加工刀具寿命仅约40分钟，单件加工周期长；薄壁部位加工后变形超差，需要反复校形，一次交检合格率约85%。",
        objectives=(
            "粗加工材料去除率提高50%以上",
            "刀具寿命≥90分钟",
            "2 mm壁厚薄壁加工变形≤0.1 mm",
            "一次交检合格率≥97%",
        ),
        trl=7,
        budget=(80, 160),
        days=120,
        modes=("development", "service"),
        keywords=("钛合金", "数控铣削", "变形控制", "航空结构件"),
    ),
    DemandSpec(
        21,
        "成都云翔航空零部件有限公司",
        "0301",
        "复合材料壁板机器人自动超声检测系统",
        ask="寻求复合材料蒙皮和壁板的机器人自动超声无损检测系统，替代人工手动扫查。",
        situation="我司承担无人机和通用飞机复合材料零件的制造，最大零件尺寸4 m×1.5 m，所有零件均需进行超声无损检测。",
        pain="目前采用人工手持探头扫查，单件检测时间长达6小时，检测结果依赖人员经验，难以追溯；曲面零件的耦合和定位精度难以保证。",
        objectives=(
            "4 m×1.5 m零件单件检测时间≤1.5小时",
            "可检出直径6 mm以上的分层缺陷",
            "扫查位置精度±1 mm",
            "检测数据与零件三维模型自动关联，存档≥15年",
        ),
        trl=7,
        budget=(200, 400),
        days=150,
        modes=("development", "transfer"),
        keywords=("无损检测", "超声检测", "复合材料", "工业机器人"),
    ),
    DemandSpec(
        22,
        "成都云翔航空零部件有限公司",
        "0301",
        "小型涡喷发动机燃烧室火焰筒寿命提升",
        ask="寻求小型涡喷发动机燃烧室火焰筒的热障涂层与冷却结构优化方案，延长使用寿命。",
        situation="我司为无人靶机配套生产推力100–200 kgf的小型涡喷发动机，燃烧室火焰筒采用高温合金钣金焊接结构。",
        pain="火焰筒累计工作约50小时后出现局部烧蚀和裂纹，出口温度场分布不均，影响涡轮叶片寿命。",
        objectives=(
            "火焰筒寿命≥150小时",
            "燃烧室出口温度分布系数≤0.25",
            "燃烧效率≥98%",
            "结构改动使重量增加不超过5%",
        ),
        trl=6,
        budget=(100, 200),
        days=160,
        modes=("development", "joint"),
        keywords=("涡喷发动机", "燃烧室", "热障涂层", "高温合金"),
    ),
    DemandSpec(
        23,
        "成都云翔航空零部件有限公司",
        "0302",
        "卫星载荷支架拓扑优化与增材制造",
        ask="寻求面向增材制造的卫星载荷支架拓扑优化设计与力学验证服务，减轻结构重量。",
        situation="我司正在拓展商业航天业务，为卫星制造商加工载荷支架和相机安装结构，材料为铝合金和钛合金。",
        pain="现有结构按传统机加工思路设计，重量偏大；客户要求减重30%，我司缺乏拓扑优化设计和航天力学环境试验验证能力。",
        objectives=(
            "结构件减重30%以上",
            "一阶固有频率≥150 Hz",
            "通过鉴定级随机振动试验（总均方根加速度12.5 g）",
            "从设计到交付周期≤8周",
        ),
        trl=6,
        budget=(40, 80),
        days=70,
        modes=("development", "service"),
        keywords=("拓扑优化", "增材制造", "卫星结构", "轻量化"),
    ),
    # 南京汇能电力设备有限公司
    DemandSpec(
        24,
        "南京汇能电力设备有限公司",
        "0603",
        "储能电站电池簇主动均衡技术",
        ask="寻求大容量储能电站电池簇间与簇内的主动均衡技术，提高可用容量并延长循环寿命。",
        situation="我司为电网侧和工商业储能项目提供储能变流器与电池管理系统，单站规模10–100 MWh，采用280 Ah磷酸铁锂电芯。",
        pain="运行一年后簇间荷电状态差异达到8%以上，短板效应使可用容量下降约6%；现有被动均衡电流仅100 mA，难以满足要求。",
        objectives=(
            "簇内均衡电流≥5 A，均衡效率≥90%",
            "运行一年后簇间荷电状态差异≤3%",
            "可用容量提升5%以上",
            "均衡模块成本≤0.02元/Wh",
        ),
        trl=7,
        budget=(100, 250),
        days=100,
        modes=("development", "joint"),
        keywords=("储能电站", "主动均衡", "电池管理系统", "磷酸铁锂"),
        featured=True,
    ),
    DemandSpec(
        25,
        "南京汇能电力设备有限公司",
        "0806",
        "油浸式变压器内置局部放电特高频传感器",
        ask="寻求适用于110 kV及以上油浸式变压器的内置式局部放电特高频传感器及诊断算法。",
        situation="我司生产110–220 kV电力变压器，客户要求新出厂的变压器具备局部放电在线监测功能。",
        pain="外置式传感器受现场电磁干扰大，误报率高；内置传感器需长期浸泡在变压器油中，对密封和绝缘可靠性要求极高，现有产品无法满足30年寿命要求。",
        objectives=(
            "局部放电检测灵敏度≤50 pC",
            "放电类型识别准确率≥90%",
            "传感器在变压器油中的设计寿命≥30年",
        ),
        trl=7,
        budget=(60, 120),
        days=140,
        modes=("development", "license"),
        keywords=("局部放电", "特高频", "变压器", "在线监测"),
    ),
    DemandSpec(
        26,
        "南京汇能电力设备有限公司",
        "0601",
        "分布式光伏逆变器构网型控制技术",
        ask="寻求分布式光伏逆变器构网型控制技术，提升高比例光伏接入配电网时的电压和频率稳定性。",
        situation="我司生产30–110 kW组串式光伏逆变器，主要用于工商业屋顶光伏项目，部分地区配电网的光伏渗透率已超过50%。",
        pain="午间光伏大发时台区电压频繁越限，逆变器因过压保护而脱网；现有跟网型控制在弱电网下容易出现谐振和振荡。",
        objectives=(
            "短路比≤2的弱电网下稳定运行",
            "具备一次调频和惯量支撑功能，响应时间≤200 ms",
            "因电压越限导致的脱网次数减少90%以上",
        ),
        trl=6,
        budget=(80, 200),
        days=170,
        modes=("development", "joint"),
        keywords=("构网型控制", "光伏逆变器", "弱电网", "配电网"),
    ),
    DemandSpec(
        27,
        "南京汇能电力设备有限公司",
        "0806",
        "中压电缆中间接头绝缘缺陷带电检测",
        ask="寻求10–35 kV电力电缆中间接头绝缘缺陷的带电检测技术和便携式检测装置。",
        situation="我司为城市电网提供电缆附件和运维服务，负责维护的电缆中间接头约2万个。",
        pain="电缆故障中约70%发生在中间接头；离线检测需要停电，现有带电检测手段灵敏度低，难以及早发现制作工艺缺陷导致的绝缘劣化。",
        objectives=(
            "可识别≥3类典型接头缺陷",
            "缺陷检出率≥85%",
            "单个接头检测时间≤10分钟",
            "便携装置重量≤5 kg",
        ),
        trl=6,
        budget=(50, 100),
        days=90,
        modes=("development", "transfer"),
        keywords=("电力电缆", "带电检测", "电缆接头", "绝缘缺陷"),
    ),
    DemandSpec(
        28,
        "南京汇能电力设备有限公司",
        "0604",
        "数据中心液冷余热回收与热泵提温技术",
        ask="寻求数据中心冷板式液冷系统的余热回收与热泵提温技术，实现余热供暖或供应生活热水。",
        situation="我司承接数据中心配电和液冷基础设施项目，某新建数据中心IT负载约10 MW，采用冷板式液冷，回水温度约45℃。",
        pain="余热品位低，直接利用场景有限；现有热泵提温方案能效比偏低，投资回收期超过8年，业主积极性不高。",
        objectives=(
            "余热回收率≥60%",
            "提温至70℃时热泵性能系数≥4.0",
            "投资回收期≤5年",
            "数据中心电能利用效率（PUE）≤1.2",
        ),
        trl=7,
        budget=(200, 400),
        days=90,
        modes=("development", "joint"),
        keywords=("数据中心", "液冷", "余热回收", "热泵"),
    ),
    # 上海嘉驰新能源汽车零部件有限公司
    DemandSpec(
        29,
        "上海嘉驰新能源汽车零部件有限公司",
        "0403",
        "动力电池包阻燃屏蔽复合材料上盖",
        ask="寻求同时满足阻燃和电磁屏蔽要求的动力电池包复合材料上盖及成型工艺，替代钢制上盖以减重。",
        situation="我司为多家整车厂供应动力电池包壳体，现有上盖采用0.8 mm钢板冲压，单件重量约12 kg。",
        pain="整车厂要求电池包减重，但片状模塑料上盖的阻燃和电磁屏蔽性能难以同时达标，且成型周期长。",
        objectives=(
            "上盖减重40%以上",
            "阻燃等级UL94 V-0，1100℃火焰冲击5分钟不烧穿",
            "30 MHz–1 GHz电磁屏蔽效能≥40 dB",
            "单件成型周期≤3分钟",
        ),
        trl=7,
        budget=(150, 300),
        days=140,
        modes=("development", "joint"),
        keywords=("电池包", "复合材料", "阻燃", "电磁屏蔽"),
    ),
    DemandSpec(
        30,
        "上海嘉驰新能源汽车零部件有限公司",
        "0807",
        "油冷扁线电机耐油耐高温绝缘漆",
        ask="寻求适用于油冷扁线电机的高耐油、耐高温绝缘漆及配套浸漆工艺。",
        situation="我司为新能源汽车配套生产扁线驱动电机，采用自动变速箱油直接喷淋冷却定子绕组。",
        pain="现用绝缘漆在150℃油中浸泡1000小时后附着力明显下降，绝缘电阻降低，影响电机寿命；滴漆工艺挂漆量不均匀。",
        objectives=(
            "150℃变速箱油中浸泡3000小时后附着力≥1级",
            "耐热等级200级以上",
            "局部放电起始电压≥1200 V",
            "浸漆固化时间≤30分钟",
        ),
        trl=7,
        budget=(60, 120),
        days=110,
        modes=("development", "license"),
        keywords=("绝缘漆", "油冷电机", "扁线电机", "耐高温"),
    ),
    DemandSpec(
        31,
        "上海嘉驰新能源汽车零部件有限公司",
        "0803",
        "一体化压铸件内部缺陷在线检测",
        ask="寻求大型一体化压铸件内部气孔与缩松的在线快速检测技术，实现全数检测。",
        situation="我司引进9000吨压铸单元生产一体化后地板，单件重量约60 kg，生产节拍120秒。",
        pain="目前采用离线CT抽检，单件检测时间超过30分钟，无法实现全检；内部缺陷导致的后工序焊接和连接失效时有发生。",
        objectives=(
            "检测节拍≤120秒/件",
            "可检出直径1 mm以上的内部气孔",
            "缺陷定位精度≤2 mm",
            "检测结果与压铸工艺参数关联，缺陷原因追溯时间≤1小时",
        ),
        trl=6,
        budget=(200, 500),
        days=160,
        modes=("development", "joint"),
        keywords=("一体化压铸", "在线检测", "X射线检测", "铸造缺陷"),
    ),
    DemandSpec(
        32,
        "上海嘉驰新能源汽车零部件有限公司",
        "0602",
        "燃料电池空压机长寿命空气箔片轴承",
        ask="寻求燃料电池空压机用空气动压箔片轴承的长寿命设计与制造技术。",
        situation="我司开发燃料电池系统用离心式空压机，最高转速10万 r/min，采用空气动压箔片轴承。",
        pain="频繁启停工况下箔片涂层磨损严重，启停寿命不足1万次；高速运行中出现亚同步振动，限制了转速提升。",
        objectives=(
            "启停寿命≥5万次",
            "12万 r/min下稳定运行",
            "轴承单位投影面积承载力≥0.5 MPa",
            "箔片涂层耐温≥300℃",
        ),
        trl=6,
        budget=(100, 200),
        days=150,
        modes=("development", "joint"),
        keywords=("燃料电池", "空压机", "箔片轴承", "氢能汽车"),
    ),
    DemandSpec(
        33,
        "上海嘉驰新能源汽车零部件有限公司",
        "0604",
        "新能源汽车热泵空调低温高效制热",
        ask="寻求新能源汽车热泵空调系统在-20℃以下的高效制热技术，减少冬季续航衰减。",
        situation="我司为整车厂供应热管理系统，现有热泵空调在-10℃以下制热能力和能效明显下降，需要电加热器辅助。",
        pain="北方冬季车辆续航衰减超过40%，整车厂要求热管理系统在-20℃环境下仍保持较高的制热能效。",
        objectives=(
            "-20℃环境下制热性能系数≥1.8",
            "-30℃可正常启动制热",
            "冬季续航衰减降低10个百分点以上",
        ),
        trl=6,
        budget=(150, 300),
        days=130,
        modes=("development", "joint"),
        keywords=("热泵空调", "热管理", "低温制热", "新能源汽车"),
    ),
    # 广州康沐医疗器械有限公司
    DemandSpec(
        34,
        "广州康沐医疗器械有限公司",
        "0205",
        "一次性内窥镜低成本高清图像模组",
        ask="寻求一次性电子内窥镜用低成本高清图像模组与照明方案。",
        situation="我司已量产一次性输尿管软镜，年销量约5万支，正在开发一次性支气管镜和十二指肠镜。",
        pain="现用图像模组分辨率为400×400，医生反映图像细节不足；进口高清模组单价超过300元，难以满足一次性产品的成本要求。",
        objectives=(
            "图像分辨率≥1280×720，模组外径≤2.8 mm",
            "年用量10万颗时模组单价≤120元",
            "LED照明温升≤4℃",
            "通过YY 9706.102医用电气设备电磁兼容测试",
        ),
        trl=7,
        budget=(80, 150),
        days=120,
        modes=("development", "transfer"),
        keywords=("一次性内窥镜", "图像传感器", "医疗器械", "CMOS"),
    ),
    DemandSpec(
        35,
        "广州康沐医疗器械有限公司",
        "0404",
        "可降解冠脉支架药物涂层均匀喷涂与缓释控制",
        ask="寻求可降解聚合物支架表面药物涂层的均匀喷涂与缓释控制技术。",
        situation="我司正在开发聚乳酸基可降解冠脉支架，已完成支架结构设计和动物实验的前期工作。",
        pain="雷帕霉素涂层厚度不均匀，体外释放曲线批间差异大，前7天突释量超过40%；支架扩张后涂层出现局部开裂。",
        objectives=(
            "涂层厚度均匀性偏差≤10%",
            "28天累计释放80%±10%，前7天突释≤25%",
            "支架扩张至标称直径加0.5 mm后，扫描电镜检查涂层无开裂",
        ),
        trl=5,
        budget=(100, 200),
        days=180,
        modes=("development", "joint"),
        keywords=("可降解支架", "药物涂层", "缓释", "心血管器械"),
    ),
    DemandSpec(
        36,
        "广州康沐医疗器械有限公司",
        "0205",
        "高通量血液透析中空纤维膜国产化",
        ask="寻求高通量聚醚砜血液透析中空纤维膜的纺丝与改性技术，实现透析器核心材料国产化。",
        situation="我司拟建设血液透析器生产线，中空纤维膜目前全部依赖进口，采购成本占透析器总成本的60%以上。",
        pain="自行试制的膜对中分子毒素的清除率不足，白蛋白损失偏高；纺丝过程中膜丝壁厚均匀性差，批间差异大。",
        objectives=(
            "β2-微球蛋白清除率≥60%",
            "白蛋白筛选系数≤0.01",
            "膜丝内径200 μm±5 μm，壁厚35 μm±3 μm",
            "纺丝线速度≥60 m/min",
        ),
        trl=6,
        budget=(300, 600),
        days=170,
        modes=("transfer", "joint"),
        keywords=("血液透析", "中空纤维膜", "聚醚砜", "国产替代"),
    ),
    DemandSpec(
        37,
        "广州康沐医疗器械有限公司",
        "0205",
        "下肢康复外骨骼自适应步态控制算法",
        ask="寻求下肢康复外骨骼机器人的运动意图识别与自适应步态生成算法。",
        situation="我司下肢康复外骨骼产品已取得第二类医疗器械注册证，主要用于脑卒中患者的早期康复训练。",
        pain="现有产品按预设步态轨迹运动，患者主动参与度低；在上下坡和转弯场景中步态切换不自然，治疗师需要频繁手动调整参数。",
        objectives=(
            "运动意图识别准确率≥90%，识别延迟≤150 ms",
            "平地、上下坡、上下楼梯等4种以上步态自动切换",
            "助力力矩按患者能力每10秒自适应调整一次",
        ),
        trl=6,
        budget=(80, 150),
        days=100,
        modes=("development", "joint"),
        keywords=("外骨骼机器人", "康复医疗", "步态控制", "意图识别"),
    ),
    DemandSpec(
        38,
        "广州康沐医疗器械有限公司",
        "0201",
        "化学发光试剂用重组抗原与单克隆抗体原料",
        ask="寻求化学发光试剂用高亲和力重组抗原和单克隆抗体原料的开发与规模化生产技术。",
        situation="我司生产化学发光和免疫层析体外诊断试剂，核心原料中约70%的抗原抗体依赖进口。",
        pain="进口原料价格高、交期不稳定，部分项目存在批间差异；自主开发的抗体亲和力和特异性不足，低值样本检测精密度不达标。",
        objectives=(
            "抗体亲和力KD≤1×10⁻⁹ M",
            "原料批间差异变异系数≤10%",
            "重组表达单批产量≥1 g",
            "完成3个以上检测项目的原料替代验证",
        ),
        trl=6,
        budget=(100, 300),
        days=150,
        modes=("development", "transfer"),
        keywords=("诊断原料", "单克隆抗体", "重组抗原", "体外诊断"),
    ),
    # 西安秦峰新材料有限公司
    DemandSpec(
        39,
        "西安秦峰新材料有限公司",
        "0401",
        "增材制造用高温合金粉末低氧高收得率制备",
        ask="寻求增材制造用镍基高温合金球形粉末的低氧、高细粉收得率制备技术。",
        situation="我司采用真空感应熔炼气雾化设备生产高温合金粉末，主要供应激光选区熔化用户。",
        pain="15–53 μm细粉收得率仅约35%，氧含量在200 ppm左右波动，空心粉和卫星粉比例偏高，影响打印件性能和客户认可度。",
        objectives=(
            "15–53 μm粉末收得率≥50%",
            "氧含量≤100 ppm",
            "空心粉率≤0.5%",
            "粉末球形度≥0.92",
        ),
        trl=7,
        budget=(150, 300),
        days=120,
        modes=("development", "license"),
        keywords=("高温合金", "金属粉末", "气雾化", "增材制造"),
        anonymous=True,
        protected="现有雾化工艺参数、粉末检测报告和主要客户的验收标准在签署保密协议后提供。",
    ),
    DemandSpec(
        40,
        "西安秦峰新材料有限公司",
        "0402",
        "光伏热场碳/碳复合材料快速致密化工艺",
        ask="寻求碳/碳复合材料快速化学气相渗透致密化工艺，缩短生产周期并降低能耗。",
        situation="我司生产光伏单晶炉用碳/碳坩埚和保温筒，采用等温化学气相渗透工艺致密化。",
        pain="致密化周期长达600小时以上，天然气消耗大；大尺寸制品内外密度梯度明显，需多次机加工开孔后继续沉积。",
        objectives=(
            "致密化周期缩短至250小时以内",
            "制品密度≥1.5 g/cm³，密度均匀性偏差≤5%",
            "单位产品天然气消耗降低40%以上",
        ),
        trl=6,
        budget=(200, 400),
        days=160,
        modes=("development", "joint"),
        keywords=("碳碳复合材料", "化学气相渗透", "光伏热场", "致密化"),
    ),
    DemandSpec(
        41,
        "西安秦峰新材料有限公司",
        "0401",
        "大型钛合金构件电子束熔丝增材制造",
        ask="寻求大型钛合金构件电子束熔丝增材制造工艺及变形控制技术。",
        situation="我司具备钛合金锻件和丝材的生产能力，计划开展大型钛合金结构件增材制造业务，目标零件尺寸超过2 m。",
        pain="试制中沉积件变形和残余应力大，需要预留大量机加工余量；沉积态组织为粗大柱状晶，力学性能各向异性明显。",
        objectives=(
            "沉积效率≥3 kg/h",
            "构件变形≤2 mm/m",
            "力学性能达到锻件标准的95%，各向异性≤5%",
        ),
        trl=6,
        budget=NEGOTIABLE,
        days=180,
        modes=("development", "joint"),
        keywords=("电子束熔丝", "钛合金", "增材制造", "变形控制"),
    ),
    DemandSpec(
        42,
        "西安秦峰新材料有限公司",
        "0402",
        "高导热石墨烯膜连续化制备工艺",
        ask="寻求高导热石墨烯膜的低成本连续化制备工艺，用于手机和平板电脑散热。",
        situation="我司生产人工石墨散热膜，年产能约50万平方米，正在布局石墨烯导热膜产品。",
        pain="氧化石墨烯涂布—高温石墨化工艺能耗高、周期长，厚度超过100 μm时容易起泡分层，产品良率仅约60%。",
        objectives=(
            "100 μm厚度下面内热导率≥1500 W/(m·K)",
            "产品良率≥85%",
            "单位面积能耗降低30%以上",
            "幅宽≥500 mm卷对卷生产",
        ),
        trl=6,
        budget=(150, 300),
        days=140,
        modes=("license", "development"),
        keywords=("石墨烯", "导热膜", "热管理", "电子散热"),
    ),
)
