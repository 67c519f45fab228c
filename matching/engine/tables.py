"""The engine's reference tables: which fields are related, which provinces border.

Both are documented in ``docs/matching.md``; an operator who disagrees edits them here
(they are code, versioned with the engine, so that a proposal's scores can be traced
to the tables that made them).
"""

from __future__ import annotations

# Top-level fields of 国家重点支持的高新技术领域 (market/data/tech_fields.json) whose
# technologies often serve each other's demands.
RELATED_FIELDS: frozenset[frozenset[str]] = frozenset(
    frozenset(pair)
    for pair in [
        ("01", "03"),  # 电子信息 · 航空航天: avionics, satellite electronics
        ("01", "05"),  # 电子信息 · 高技术服务: software and data services
        (
            "01",
            "08",
        ),  # 电子信息 · 先进制造与自动化: control, sensing, industrial software
        ("02", "04"),  # 生物与新医药 · 新材料: biomaterials, medical materials
        ("02", "07"),  # 生物与新医药 · 资源与环境: biological treatment, remediation
        ("03", "04"),  # 航空航天 · 新材料: composites, high-temperature alloys
        (
            "03",
            "08",
        ),  # 航空航天 · 先进制造与自动化: precision machining, additive manufacturing
        ("04", "06"),  # 新材料 · 新能源与节能: battery and photovoltaic materials
        ("04", "08"),  # 新材料 · 先进制造与自动化: materials processing
        ("05", "08"),  # 高技术服务 · 先进制造与自动化: testing, industrial design
        ("06", "07"),  # 新能源与节能 · 资源与环境: waste heat, emissions, recycling
        ("06", "08"),  # 新能源与节能 · 先进制造与自动化: energy-saving equipment
    ]
)

# Provinces (first two digits of GB/T 2260) that share a land border, plus Hainan with
# Guangdong across the Qiongzhou Strait and Hong Kong / Macao with Guangdong.
_BORDERS: dict[str, tuple[str, ...]] = {
    "11": ("12", "13"),
    "12": ("13",),
    "13": ("14", "15", "21", "37", "41"),
    "14": ("15", "41", "61"),
    "15": ("21", "22", "23", "61", "62", "64"),
    "21": ("22",),
    "22": ("23",),
    "31": ("32", "33"),
    "32": ("33", "34", "37"),
    "33": ("34", "35", "36"),
    "34": ("36", "37", "41", "42"),
    "35": ("36", "44"),
    "36": ("42", "43", "44"),
    "37": ("41",),
    "41": ("42", "61"),
    "42": ("43", "50", "61"),
    "43": ("44", "45", "50", "52"),
    "44": ("45", "46", "81", "82"),
    "45": ("52", "53"),
    "50": ("51", "52", "61"),
    "51": ("52", "53", "54", "61", "62", "63"),
    "52": ("53",),
    "53": ("54",),
    "54": ("63", "65"),
    "61": ("62", "64"),
    "62": ("63", "64", "65"),
    "63": ("65",),
}

NEIGHBOURING_PROVINCES: frozenset[frozenset[str]] = frozenset(
    frozenset((a, b)) for a, others in _BORDERS.items() for b in others
)


def fields_related(a: str, b: str) -> bool:
    """Whether two top-level field codes are listed as related."""
    return frozenset((a, b)) in RELATED_FIELDS


def provinces_neighbour(a: str, b: str) -> bool:
    """Whether two province codes (two digits) border each other."""
    return frozenset((a, b)) in NEIGHBOURING_PROVINCES
