"""The column set of listing catalogues: keys, Chinese and English headers, per kind.

Import and export share this one list, so a file exported here imports unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from market.models import ListingKind

OUTCOME = ListingKind.OUTCOME.value
DEMAND = ListingKind.DEMAND.value
BOTH = (OUTCOME, DEMAND)


@dataclass(frozen=True)
class Column:
    """One column: its English key, the Chinese header written on export, aliases."""

    key: str
    header: str
    help: str | Promise
    example: str = ""
    aliases: tuple[str, ...] = ()
    kinds: tuple[str, ...] = BOTH
    required: bool = False
    # The header written on export when it differs by kind (成果名称 / 需求名称).
    kind_headers: dict[str, str] = field(default_factory=dict)

    def header_for(self, kind: str) -> str:
        return self.kind_headers.get(kind, self.header)

    def names(self, kind: str) -> tuple[str, ...]:
        """Every header text accepted for this column in a file of ``kind``."""
        return (self.key, self.header_for(kind), self.header, *self.aliases)


COLUMNS: tuple[Column, ...] = (
    Column(
        "external_id",
        "外部编号",
        _("Identifier of the row in your catalogue; importing again updates it."),
        "CG-2024-0001",
        aliases=("编号", "外部ID", "external id"),
        required=True,
    ),
    Column(
        "title",
        "标题",
        _("Title, at most 120 characters."),
        "高性能铝合金轻量化技术",
        aliases=("名称",),
        required=True,
        kind_headers={OUTCOME: "成果名称", DEMAND: "需求名称"},
    ),
    Column(
        "summary",
        "摘要",
        _(
            "One public paragraph of at most 600 characters; a longer one is cut at a "
            "sentence end and its full text opens the detailed description."
        ),
        "面向新能源汽车车身的高强韧铝合金……",
        aliases=("简介",),
        required=True,
    ),
    Column(
        "field",
        "技术领域",
        _("Technology field or sub-field: its name or code."),
        "金属材料",
        aliases=("领域",),
    ),
    Column(
        "region",
        "所在地区",
        _("Region: GB/T 2260 code or names, e.g. 江苏省 苏州市 吴中区."),
        "江苏省 苏州市 吴中区",
        aliases=("地区",),
    ),
    Column(
        "organisation",
        "所属机构",
        _("Existing organisation: exact name or unified social credit code."),
        "江南理工大学",
        aliases=("机构", "organization", "单位", "所属单位"),
        required=True,
    ),
    Column(
        "keywords",
        "关键词",
        _("Keywords separated by 、 , ， ; or ；."),
        "铝合金、一体化压铸",
    ),
    Column(
        "modes",
        "合作方式",
        _("Cooperation modes (names or codes), separated by 、 , ， ; or ；."),
        "转让、许可",
    ),
    Column("contact_name", "联系人", _("Contact person."), "张工"),
    Column(
        "contact_phone",
        "联系电话",
        _("Contact phone."),
        "0512-12345678",
        aliases=("电话",),
    ),
    Column(
        "contact_email",
        "联系邮箱",
        _("Contact email."),
        "contact@example.cn",
        aliases=("邮箱", "电子邮箱"),
    ),
    Column(
        "confidentiality",
        "保密级别",
        _("公开 (public) or 匿名 (anonymous); empty means public."),
        "公开",
    ),
    Column(
        "description",
        "成果详情",
        _(
            "Detailed description: plain text (one paragraph per line) or HTML, "
            "which is sanitised."
        ),
        "采用稀土微合金化与热处理协同调控……",
        aliases=("成果简介详情", "详细介绍", "详情"),
        kinds=(OUTCOME,),
    ),
    Column(
        "maturity",
        "成熟度",
        _("Readiness level 1–9 (TRL 6) or a stage: 实验室, 小试, 中试, 试生产, 量产."),
        "6",
        aliases=("技术成熟度",),
        kinds=(OUTCOME,),
    ),
    Column(
        "price",
        "价格（万元）",
        _(
            "Price in 10,000 CNY: a number ≥ 0, a range such as 10-50, or 面议 "
            "(negotiable)."
        ),
        "300",
        aliases=("价格", "转让价格（万元）"),
        kinds=(OUTCOME,),
    ),
    Column(
        "ip",
        "知识产权",
        _("IP rights as type:number, separated by ; — e.g. 发明专利:ZL201910123456.7."),
        "发明专利:ZL201910123456.7; 软件著作权:2021SR0123456",
        kinds=(OUTCOME,),
    ),
    Column(
        "team",
        "团队",
        _("Team, one member per line."),
        "李教授，博士生导师，负责人",
        aliases=("团队介绍",),
        kinds=(OUTCOME,),
    ),
    Column(
        "advantages",
        "技术优势",
        _("Advantages, quantified where possible."),
        "强度提高25%，成本降低18%。",
        aliases=("优势",),
        kinds=(OUTCOME,),
    ),
    Column(
        "problem",
        "需求描述",
        _("Problem description: plain text (one paragraph per line) or HTML."),
        "现有化学沉淀法出水镍浓度不稳定……",
        aliases=("需求详情",),
        kinds=(DEMAND,),
    ),
    Column(
        "objectives",
        "技术指标",
        _("Technical objectives, one per line or separated by ；."),
        "出水镍 ≤ 0.1 mg/L；吨水成本 ≤ 3 元",
        kinds=(DEMAND,),
    ),
    Column(
        "expected_maturity",
        "期望成熟度",
        _("Expected readiness level, written like 成熟度."),
        "中试",
        kinds=(DEMAND,),
    ),
    Column(
        "budget",
        "预算（万元）",
        _("Budget in 10,000 CNY: 50-200, ≤100, ≥50, 100 or 面议."),
        "50-200",
        aliases=("预算",),
        kinds=(DEMAND,),
    ),
    Column(
        "deadline",
        "截止日期",
        _("Deadline: 2026-06-30, 2026/6/30, 2026年6月30日 or an Excel date."),
        "2026-06-30",
        kinds=(DEMAND,),
    ),
)

BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED_KEYS = tuple(column.key for column in COLUMNS if column.required)

# A running-number column is common in Chinese spreadsheets; it carries no data. The
# file of rejected rows adds the original line and the problems: importing that file
# again after fixing the rows ignores them too.
REJECTED_LINE_HEADER = "原行号"
REJECTED_PROBLEMS_HEADER = "导入问题"
IGNORED_HEADERS = frozenset(
    {"序号", "no", "no.", "#", REJECTED_LINE_HEADER, REJECTED_PROBLEMS_HEADER}
)


def columns_for(kind: str) -> list[Column]:
    """The columns of a file of ``kind``, in export order."""
    return [column for column in COLUMNS if kind in column.kinds]


def normalise_header(text: object) -> str:
    """Header text compared loosely: width, case, spaces and a trailing * ignored."""
    value = unicodedata.normalize("NFKC", str(text or "")).replace("\ufeff", "")
    value = re.sub(r"\s+", "", value).rstrip("*").lower()
    return value.replace("_", "").replace("-", "")


def header_index(kind: str) -> dict[str, Column]:
    """Normalised header text → column, for every name a ``kind`` file may use."""
    index: dict[str, Column] = {}
    for column in columns_for(kind):
        for name in column.names(kind):
            index.setdefault(normalise_header(name), column)
    return index


def accepted_names(kind: str) -> str:
    """The accepted headers, listed for an error message: 外部编号 (external_id), …"""
    return ", ".join(
        f"{column.header_for(kind)} ({column.key})" for column in columns_for(kind)
    )
