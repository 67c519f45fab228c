"""The search benchmark's corpus: 100,000 outcomes and 50,000 demands in realistic Chinese.

Titles, summaries, descriptions and keywords are composed from per-field vocabularies of
the eight technology fields (sub-field keywords from market/data/tech_fields.json,
objects, methods, indicators with figures, applications and pains written here), with
organisations, regions, cooperation modes, prices or budgets and maturity levels.
Every listing is PUBLISHED and its segmented text is stored in ``ListingText`` with
``search.texts.segmented_fields`` — the function a save uses — so that reindexing reads
it, as it would in production. Rows are written in batches of 1,000 (parent ``Listing``
rows with ``bulk_create``, the Outcome/Demand rows by a multi-row insert with the parent
keys), each batch in one transaction, by two processes that also share jieba's work.

    .venv/bin/python bench/search_corpus.py [--outcomes 100000] [--demands 50000]
        [--processes 2] [--create]

Re-running is cheap: batches already written (keyed by external IDs ``sb-o-000001``,
``sb-d-000001`` …) are skipped. ``--create`` creates the database
``techmatch_search_bench`` and migrates it first. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "config.settings.bench_search"
DATABASE = "techmatch_search_bench"
BATCH = 1000
PREFIX = {"outcome": "sb-o-", "demand": "sb-d-"}

# --- Vocabulary -------------------------------------------------------------------------

QUALITIES = [
    "高效",
    "低成本",
    "高可靠",
    "智能化",
    "绿色",
    "高精度",
    "长寿命",
    "轻量化",
    "高性能",
    "新型",
    "低功耗",
    "模块化",
    "一体化",
    "自主可控",
    "国产化",
    "高通量",
    "柔性",
    "微型化",
    "大尺寸",
    "高稳定性",
]

OUTCOME_SUFFIXES = [
    "技术",
    "关键技术",
    "制备技术",
    "成套工艺",
    "系统",
    "装置",
    "平台",
    "及其应用",
    "研发与产业化",
    "成套装备",
    "集成技术",
    "工程化技术",
]

DEMAND_PATTERNS = [
    "寻求{quality}{thing}技术",
    "{thing}{pain}问题技术攻关",
    "征集{kw}{aspect}解决方案",
    "求购{quality}{thing}成熟技术",
    "{kw}国产化替代技术需求",
    "{thing}{aspect}升级改造",
    "寻找{kw}方向合作团队",
    "{thing}生产线{aspect}技术需求",
]

ASPECTS = [
    "工艺优化",
    "质量提升",
    "降本增效",
    "智能化改造",
    "节能降耗",
    "在线检测",
    "寿命提升",
    "稳定性提升",
    "规模化生产",
    "性能提升",
]


class Field:
    """What people in one technology field make, do, measure and struggle with."""

    def __init__(
        self,
        things: list[str],
        methods: list[str],
        specs: list[str],
        gains: list[str],
        uses: list[str],
        pains: list[str],
    ) -> None:
        self.things, self.methods, self.specs = things, methods, specs
        self.gains, self.uses, self.pains = gains, uses, pains


# Indicators and gains hold {a} {b} {p} {q}: figures drawn per listing.
FIELDS: dict[str, Field] = {
    "01": Field(
        things=[
            "工业视觉检测系统",
            "边缘计算网关",
            "工业互联网平台",
            "毫米波雷达",
            "国产数据库",
            "嵌入式操作系统",
            "北斗定位终端",
            "智能语音交互模组",
            "高速光模块",
            "车路协同路侧单元",
            "隐私计算平台",
            "功率半导体模块",
            "超高清视频编码器",
            "射频前端芯片",
            "知识图谱引擎",
        ],
        methods=[
            "深度学习",
            "联邦学习",
            "多传感器融合",
            "大模型",
            "数字孪生",
            "软件定义网络",
            "图神经网络",
            "国密算法",
            "时间敏感网络",
            "异构计算",
        ],
        specs=[
            "检测准确率达到{p}.{q}%",
            "端到端时延低于{a}毫秒",
            "单节点吞吐量达到每秒{b}万次",
            "定位精度优于{a}厘米",
            "功耗低于{a}瓦",
            "支持{a}路视频并发分析",
            "误报率低于0.{q}%",
            "传输速率达到{a}Gbps",
        ],
        gains=[
            "检测效率提高{p}%",
            "人工成本降低{p}%",
            "部署周期缩短至{a}天",
            "硬件成本降低{p}%",
            "系统可用性达到99.9{q}%",
        ],
        uses=[
            "智能制造",
            "智慧城市",
            "轨道交通",
            "电力巡检",
            "金融风控",
            "智慧医疗",
            "车联网",
            "安防监控",
            "消费电子",
            "数据中心",
        ],
        pains=[
            "漏检率高",
            "系统响应慢",
            "数据孤岛",
            "进口依赖",
            "算力不足",
            "网络安全风险",
            "误报频繁",
        ],
    ),
    "02": Field(
        things=[
            "单克隆抗体",
            "mRNA疫苗递送系统",
            "中药配方颗粒",
            "缓释微球制剂",
            "体外诊断试剂盒",
            "基因编辑工具",
            "细胞培养基",
            "医用超声设备",
            "植物提取物",
            "酶制剂",
            "益生菌菌株",
            "口服固体制剂",
            "手术机器人",
            "生物农药",
            "分子诊断平台",
        ],
        methods=[
            "合成生物学",
            "高通量筛选",
            "连续流反应",
            "微流控",
            "CRISPR基因编辑",
            "人工智能辅助药物设计",
            "超临界萃取",
            "发酵工程",
            "纳米载药",
            "液相色谱质谱联用",
        ],
        specs=[
            "纯度达到{p}.{q}%",
            "检测灵敏度达到{a}拷贝每毫升",
            "收率提高到{p}%",
            "表达量达到{a}克每升",
            "批间差异小于{a}%",
            "稳定期超过{a}个月",
            "有效成分含量提高{p}%",
        ],
        gains=[
            "生产成本降低{p}%",
            "检测时间缩短至{a}分钟",
            "副作用发生率降低{p}%",
            "生物利用度提高{p}%",
            "发酵周期缩短{p}%",
        ],
        uses=[
            "肿瘤治疗",
            "传染病防控",
            "慢病管理",
            "基层医疗",
            "畜禽养殖",
            "功能食品",
            "精准医疗",
            "医学影像",
            "康复护理",
            "现代农业",
        ],
        pains=[
            "收率偏低",
            "杂质超标",
            "稳定性差",
            "检测周期长",
            "工艺放大困难",
            "原料依赖进口",
            "批间一致性差",
        ],
    ),
    "03": Field(
        things=[
            "无人机飞控系统",
            "航空发动机叶片",
            "复合材料机翼",
            "卫星姿态控制系统",
            "机载传感器",
            "航空液压作动器",
            "商业航天火箭发动机",
            "星载天线",
            "航空铝锂合金构件",
            "热防护涂层",
            "航空电子总线",
            "无人机集群调度系统",
        ],
        methods=[
            "增材制造",
            "自动铺丝",
            "数字孪生",
            "多学科优化设计",
            "热等静压",
            "视觉导航",
            "自适应控制",
            "激光冲击强化",
        ],
        specs=[
            "结构减重{p}%",
            "续航时间达到{a}小时",
            "疲劳寿命提高{a}倍",
            "姿态控制精度优于0.0{q}度",
            "工作温度范围-{a}℃至{b}℃",
            "抗风等级达到{a}级",
        ],
        gains=[
            "制造周期缩短{p}%",
            "维护成本降低{p}%",
            "载荷比提高{p}%",
            "零件数量减少{p}%",
        ],
        uses=[
            "通用航空",
            "商业航天",
            "应急救援",
            "物流配送",
            "遥感测绘",
            "农林植保",
            "电力巡线",
            "低空经济",
        ],
        pains=[
            "构件重量大",
            "加工周期长",
            "可靠性不足",
            "关键部件依赖进口",
            "续航时间短",
        ],
    ),
    "04": Field(
        things=[
            "锂电池正极材料",
            "碳纤维复合材料",
            "高导热氮化铝陶瓷基板",
            "生物降解塑料",
            "高强韧铝合金",
            "石墨烯导电浆料",
            "钙钛矿薄膜",
            "特种工程塑料",
            "高纯石英砂",
            "稀土永磁材料",
            "气凝胶隔热材料",
            "光刻胶",
            "医用钛合金",
            "水性涂料",
            "聚酰亚胺薄膜",
        ],
        methods=[
            "溶胶凝胶",
            "化学气相沉积",
            "原位聚合",
            "粉末冶金",
            "喷雾干燥",
            "等离子体改性",
            "熔融共混",
            "水热合成",
            "微弧氧化",
            "纳米分散",
        ],
        specs=[
            "抗拉强度达到{b}兆帕",
            "热导率达到{a}瓦每米开尔文",
            "比容量达到{b}毫安时每克",
            "循环{b}次后容量保持率{p}%",
            "纯度达到99.9{q}%",
            "断裂伸长率{p}%",
            "耐温等级达到{b}℃",
            "降解率{a}天内超过{p}%",
        ],
        gains=[
            "原料成本降低{p}%",
            "能耗降低{p}%",
            "使用寿命延长{a}倍",
            "良品率提高到{p}%",
            "材料减重{p}%",
        ],
        uses=[
            "新能源汽车",
            "储能电站",
            "电子封装",
            "建筑节能",
            "航空航天",
            "包装材料",
            "医疗器械",
            "光伏组件",
            "轨道交通",
            "5G基站",
        ],
        pains=[
            "成本居高不下",
            "一致性差",
            "耐温性能不足",
            "依赖进口",
            "环保不达标",
            "强度不足",
            "循环寿命短",
        ],
    ),
    "05": Field(
        things=[
            "检验检测服务平台",
            "工业设计协同平台",
            "知识产权运营平台",
            "科技成果评价体系",
            "智慧物流调度系统",
            "跨境电商供应链平台",
            "城市网格化管理系统",
            "计量校准服务",
            "研发外包服务平台",
            "数字文创内容平台",
            "技术转移服务体系",
            "标准化咨询服务",
        ],
        methods=[
            "云原生架构",
            "区块链存证",
            "大数据分析",
            "知识图谱",
            "运筹优化算法",
            "低代码开发",
            "虚拟现实",
            "移动互联网",
        ],
        specs=[
            "服务响应时间小于{a}小时",
            "覆盖检测项目{b}项",
            "平台注册用户超过{a}万",
            "订单处理能力每日{a}万单",
            "评估报告出具周期{a}个工作日",
        ],
        gains=[
            "服务效率提高{p}%",
            "运营成本降低{p}%",
            "交付周期缩短{p}%",
            "客户满意度达到{p}%",
        ],
        uses=[
            "中小企业",
            "高校院所",
            "产业园区",
            "政府部门",
            "制造企业",
            "外贸企业",
            "文化旅游",
            "城市治理",
        ],
        pains=[
            "服务效率低",
            "信息不对称",
            "流程繁琐",
            "数据分散",
            "专业人才缺乏",
        ],
    ),
    "06": Field(
        things=[
            "光伏组件",
            "氢燃料电池双极板",
            "固态电池",
            "储能变流器",
            "电解水制氢装置",
            "余热回收系统",
            "风电叶片",
            "钠离子电池",
            "永磁同步电机",
            "智能微电网",
            "高效换热器",
            "动力电池管理系统",
            "光热发电集热器",
            "生物质气化炉",
        ],
        methods=[
            "异质结",
            "热泵",
            "柔性直流输电",
            "电化学储能",
            "碱性电解",
            "质子交换膜",
            "智能调度",
            "热电联产",
            "磁悬浮",
        ],
        specs=[
            "转换效率达到{p}.{q}%",
            "能量密度达到{b}瓦时每千克",
            "制氢能耗低于{a}千瓦时每立方米",
            "综合能效提高{p}%",
            "循环寿命超过{b}次",
            "功率密度达到{a}千瓦每升",
        ],
        gains=[
            "度电成本降低{p}%",
            "节能{p}%以上",
            "碳排放减少{p}%",
            "投资回收期缩短至{a}年",
            "运维成本降低{p}%",
        ],
        uses=[
            "分布式光伏",
            "新能源汽车",
            "工业园区",
            "数据中心",
            "储能电站",
            "钢铁冶金",
            "化工企业",
            "公共建筑",
        ],
        pains=[
            "能耗偏高",
            "转换效率低",
            "循环寿命短",
            "安全隐患",
            "成本过高",
            "低温性能差",
        ],
    ),
    "07": Field(
        things=[
            "污水深度处理装置",
            "VOCs治理设备",
            "土壤修复药剂",
            "固废资源化生产线",
            "烟气脱硫脱硝系统",
            "膜生物反应器",
            "污泥干化设备",
            "重金属废水处理工艺",
            "环境在线监测仪",
            "尾矿综合利用技术",
            "餐厨垃圾处理设备",
            "噪声治理装置",
            "光伏组件回收",
            "废旧电池回收",
        ],
        methods=[
            "高级氧化",
            "厌氧消化",
            "催化燃烧",
            "电化学",
            "微生物修复",
            "膜分离",
            "低温等离子体",
            "热解气化",
            "吸附再生",
        ],
        specs=[
            "COD去除率达到{p}%",
            "出水氨氮低于{a}毫克每升",
            "VOCs去除效率达到{p}%",
            "重金属浸出浓度低于国家标准{a}倍",
            "处理规模每日{b}吨",
            "资源回收率达到{p}%",
        ],
        gains=[
            "运行成本降低{p}%",
            "药剂用量减少{p}%",
            "占地面积减少{p}%",
            "污泥产量减少{p}%",
        ],
        uses=[
            "市政污水",
            "工业园区",
            "化工企业",
            "矿山治理",
            "农村环境整治",
            "印染行业",
            "电镀行业",
            "垃圾填埋场",
        ],
        pains=[
            "排放不达标",
            "处理成本高",
            "二次污染",
            "污泥量大",
            "运行不稳定",
            "资源化率低",
        ],
    ),
    "08": Field(
        things=[
            "减速器",
            "工业机器人",
            "数控机床",
            "铝合金压铸工艺",
            "智能仪表",
            "激光焊接装备",
            "高压开关柜",
            "伺服驱动系统",
            "新能源汽车电驱系统",
            "船用推进装置",
            "液压系统",
            "工业传感器",
            "精密轴承",
            "自动化装配线",
            "变压器在线监测装置",
        ],
        methods=[
            "机器视觉",
            "激光加工",
            "精密铸造",
            "智能控制",
            "预测性维护",
            "有限元仿真",
            "自适应控制",
            "柔性制造",
            "超声检测",
        ],
        specs=[
            "定位精度达到±0.0{q}毫米",
            "重复精度优于{a}微米",
            "额定扭矩{b}牛米",
            "平均无故障时间超过{b}小时",
            "加工效率提高{p}%",
            "测量精度达到0.{q}级",
        ],
        gains=[
            "生产效率提高{p}%",
            "废品率降低{p}%",
            "能耗降低{p}%",
            "设备投资减少{p}%",
            "换型时间缩短{p}%",
        ],
        uses=[
            "汽车零部件",
            "3C电子",
            "工程机械",
            "电力系统",
            "船舶制造",
            "轨道交通",
            "家电制造",
            "石油化工",
        ],
        pains=[
            "精度不足",
            "故障率高",
            "效率低",
            "依赖进口",
            "噪声大",
            "良品率低",
            "人工依赖度高",
        ],
    ),
}

STAGE_TEXTS = {
    "lab": "目前处于实验室原理验证阶段，核心指标已在实验室条件下得到验证，希望与企业合作开展工程化开发。",
    "bench": "目前已完成小试验证，关键工艺参数基本确定，正在寻找合作企业共同开展中试放大。",
    "pilot": "目前已完成中试验证，具备工程化放大条件，可向合作方提供工艺包、设备选型建议和技术培训。",
    "trial": "技术已在实际生产环境中得到验证，可较快导入合作方产线，团队可提供安装调试与人员培训。",
    "mass": "技术已实现规模化应用，产品质量稳定，可提供成熟的技术方案和持续的技术支持。",
}
EVIDENCE = [
    "已取得第三方检测报告",
    "已在合作企业完成中试运行",
    "已通过省级科技成果鉴定",
    "已有{a}家企业用户",
    "样机已连续运行{b}小时",
    "已通过CMA认证实验室检测",
]
MODE_NAMES = {
    "transfer": "转让",
    "license": "许可",
    "joint": "合作实施",
    "equity": "作价投资",
    "development": "技术开发",
    "service": "技术服务",
}

CITIES = [
    ("江南", "320506"),
    ("华东", "310114"),
    ("岭南", "440112"),
    ("燕京", "110108"),
    ("钱塘", "330106"),
    ("楚天", "420111"),
    ("秦川", "610113"),
    ("南山", "440305"),
    ("江淮", "340111"),
    ("齐鲁", "370100"),
    ("巴蜀", "510107"),
    ("中原", "410100"),
    ("三湘", "430100"),
    ("八闽", "350100"),
    ("辽海", "210100"),
    ("津门", "120104"),
]
BRANDS = [
    "华创",
    "中科",
    "博远",
    "瑞丰",
    "恒信",
    "智联",
    "鼎盛",
    "天成",
    "启明",
    "汇能",
    "宏达",
    "新元",
    "卓越",
    "精工",
    "云图",
    "聚源",
]
TRADES = {
    "01": "信息科技",
    "02": "生物医药",
    "03": "航空科技",
    "04": "新材料",
    "05": "科技服务",
    "06": "新能源",
    "07": "环保科技",
    "08": "智能装备",
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"


def organisation_specs() -> list[dict[str, Any]]:
    """About 400 organisations: universities, institutes, enterprises, agencies."""
    specs: list[dict[str, Any]] = []
    for place, district in CITIES:
        specs.append(
            dict(name=f"{place}理工大学", kind="university", district=district)
        )
        specs.append(
            dict(name=f"{place}工业大学", kind="university", district=district)
        )
        specs.append(
            dict(name=f"{place}先进技术研究院", kind="institute", district=district)
        )
        specs.append(
            dict(name=f"{place}技术转移中心", kind="agency", district=district)
        )
        for code, trade in TRADES.items():
            specs.append(
                dict(
                    name=f"{place}{trade}研究所",
                    kind="institute",
                    district=district,
                    field=code,
                )
            )
            for brand in BRANDS[:2]:
                specs.append(
                    dict(
                        name=f"{place}{brand}{trade}有限公司",
                        kind="enterprise",
                        district=district,
                        field=code,
                    )
                )
    return specs


# --- Composition ---------------------------------------------------------------------------


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        a=rng.randint(2, 60),
        b=rng.randint(100, 5000),
        p=rng.randint(12, 95),
        q=rng.randint(1, 9),
    )


def _stage(trl: int) -> str:
    if trl <= 3:
        return "lab"
    if trl <= 5:
        return "bench"
    if trl == 6:
        return "pilot"
    return "trial" if trl <= 8 else "mass"


class Composer:
    """Listing texts and attributes for listing number ``n`` of a kind (deterministic)."""

    def __init__(self, reference: dict[str, Any]) -> None:
        self.subfields: list[dict[str, Any]] = reference["subfields"]
        self.organisations: dict[str, list[Any]] = reference["organisations"]
        self.all_organisations: list[Any] = reference["all_organisations"]
        self.regions: dict[str, Any] = reference["regions"]
        self.modes: list[Any] = reference["modes"]

    def common(self, kind: str, n: int) -> dict[str, Any]:
        rng = random.Random(f"{kind}-{n}")
        sub = rng.choice(self.subfields)
        top = sub["code"][:2]
        vocab = FIELDS[top]
        # Enterprises post most demands, universities and institutes most outcomes.
        pool = self.organisations.get(top) or self.all_organisations
        if kind == "demand":
            pool = [o for o in pool if o.kind == "enterprise"] or pool
        elif rng.random() < 0.7:
            pool = [o for o in pool if o.kind != "enterprise"] or pool
        organisation = rng.choice(pool)
        return {
            "rng": rng,
            "sub": sub,
            "vocab": vocab,
            "kw": rng.choice(sub["keywords"]),
            "thing": rng.choice(vocab.things),
            "method": rng.choice(vocab.methods),
            "quality": rng.choice(QUALITIES),
            "organisation": organisation,
            "region": self.regions.get(organisation.bench_district),
            "modes": rng.sample(self.modes, rng.choice((1, 2, 2, 3))),
        }

    def keywords(self, c: dict[str, Any]) -> list[str]:
        rng = c["rng"]
        words = [c["kw"], c["thing"], c["method"]]
        words += rng.sample(c["sub"]["keywords"], 2)
        return list(dict.fromkeys(words))[: rng.randint(3, 5)]

    def outcome(self, n: int) -> dict[str, Any]:
        c = self.common("outcome", n)
        rng, vocab = c["rng"], c["vocab"]
        pattern = rng.randrange(5)
        if pattern == 0:
            title = f"基于{c['method']}的{c['quality']}{c['thing']}"
        elif pattern == 1:
            title = f"{c['quality']}{c['kw']}{rng.choice(OUTCOME_SUFFIXES)}"
        elif pattern == 2:
            made = (
                "及其制备方法"
                if c["sub"]["code"][:2] in ("02", "04")
                else "及其控制方法"
            )
            title = f"一种{c['quality']}{c['thing']}{made}"
        elif pattern == 3:
            title = f"{c['thing']}{c['method']}{rng.choice(OUTCOME_SUFFIXES)}"
        else:
            use = rng.choice([u for u in vocab.uses if u != c["kw"]])
            title = f"面向{use}的{c['kw']}{rng.choice(OUTCOME_SUFFIXES)}"
        specs = [_fill(t, rng) for t in rng.sample(vocab.specs, 3)]
        gains = [_fill(t, rng) for t in rng.sample(vocab.gains, 3)]
        uses = rng.sample(vocab.uses, 3)
        trl = rng.choices(range(1, 10), weights=(1, 2, 4, 6, 6, 6, 5, 3, 2))[0]
        lead = (
            f"针对{rng.choice(uses)}领域{c['kw']}{rng.choice(vocab.pains)}的问题，"
            f"本成果采用{c['method']}方法，研制了{c['quality']}{c['thing']}。"
        )
        modes_text = "、".join(MODE_NAMES.get(m.code, m.name) for m in c["modes"])
        description = "".join(
            f"<p>{text}</p>"
            for text in (
                lead,
                f"主要技术指标：{'；'.join(specs)}。",
                STAGE_TEXTS[_stage(trl)],
                f"可通过{modes_text}等方式合作。",
            )
        )
        price_roll = rng.random()
        rights = [
            {
                "kind": rng.choice(("invention", "invention", "utility", "software")),
                "number": f"ZL20{rng.randint(15, 23)}1{rng.randint(0, 9999999):07d}.{rng.randint(0, 9)}",
                "title": f"一种{rng.choice(QUALITIES)}{c['thing']}"
                + rng.choice(("及其制备方法", "的控制方法", "装置", "系统")),
            }
            for _ in range(rng.choice((0, 1, 1, 2, 3)))
        ]
        return {
            **c,
            "title": title[:120],
            "summary": (
                f"{lead}主要优势：{'；'.join(gains[:2])}。适用于{'、'.join(uses)}等领域。"
            )[:600],
            "keywords": self.keywords(c),
            "description": description,
            "advantages": "\n".join(f"{i}. {g}。" for i, g in enumerate(gains, 1)),
            "comparison": f"与进口同类{c['thing']}相比，{gains[0]}，价格约为其{rng.randint(30, 70)}%。",
            "applications": f"主要面向{'、'.join(uses)}等领域。",
            "maturity": trl,
            "maturity_evidence": _fill(rng.choice(EVIDENCE), rng) + "。",
            "price_wan": None
            if price_roll < 0.2
            else Decimal(
                rng.choice(
                    (
                        5,
                        10,
                        20,
                        30,
                        50,
                        80,
                        100,
                        150,
                        200,
                        300,
                        500,
                        800,
                        1000,
                        2000,
                        5000,
                    )
                )
            ),
            "price_negotiable": price_roll < 0.25,
            "team": f"{rng.choice(SURNAMES)}教授，项目负责人\n{rng.choice(SURNAMES)}博士，工艺研发",
            "rights": rights,
        }

    def demand(self, n: int) -> dict[str, Any]:
        c = self.common("demand", n)
        rng, vocab = c["rng"], c["vocab"]
        pain = rng.choice(vocab.pains)
        title = rng.choice(DEMAND_PATTERNS).format(
            quality=c["quality"],
            thing=c["thing"],
            kw=c["kw"],
            pain=pain,
            aspect=rng.choice(ASPECTS),
        )
        objectives = [_fill(t, rng) for t in rng.sample(vocab.specs, 3)]
        trl = rng.choices(range(3, 10), weights=(1, 2, 3, 5, 6, 4, 3))[0]
        budget_roll = rng.random()
        low = rng.choice((10, 20, 30, 50, 80, 100, 200, 300, 500))
        modes_text = "或".join(MODE_NAMES.get(m.code, m.name) for m in c["modes"])
        ask = f"我公司{c['thing']}生产中存在{pain}的问题，寻求{c['method']}等{c['kw']}相关技术。"
        budget = "预算面议。" if budget_roll < 0.2 else f"预算{low}–{low * 2}万元。"
        problem = "".join(
            f"<p>{text}</p>"
            for text in (
                ask,
                f"目前采用传统工艺，{rng.choice(vocab.pains)}，影响{rng.choice(vocab.uses)}客户交付。",
                f"希望与高校、科研院所或科技型企业以{modes_text}方式合作，方案需在我方现场完成验证。",
            )
        )
        return {
            **c,
            "title": title[:120],
            "summary": f"{ask}核心指标：{'；'.join(objectives)}。{budget}拟以{modes_text}方式合作。"[
                :600
            ],
            "keywords": self.keywords(c),
            "problem": problem,
            "objectives": objectives,
            "expected_maturity": trl,
            "budget_min_wan": None if budget_roll < 0.2 else Decimal(low),
            "budget_max_wan": None if budget_roll < 0.2 else Decimal(low * 2),
            "budget_negotiable": budget_roll < 0.2,
            "deadline_days": rng.randint(30, 365),
        }


# --- Writing ------------------------------------------------------------------------------

_reference: dict[str, Any] = {}


def _load_reference() -> dict[str, Any]:
    from market.models import CooperationMode, Organisation, Region, TechField

    subfields = [
        {"code": f.code, "pk": f.pk, "keywords": list(f.keywords) or [f.name]}
        for f in TechField.objects.filter(parent__isnull=False).order_by("code")
    ]
    by_name = {spec["name"]: spec for spec in organisation_specs()}
    organisations: dict[str, list[Any]] = {}
    everyone: list[Any] = []
    for organisation in Organisation.objects.filter(name__in=list(by_name)).order_by(
        "pk"
    ):
        spec = by_name[organisation.name]
        organisation.bench_district = spec["district"]
        everyone.append(organisation)
        codes = [spec["field"]] if "field" in spec else list(FIELDS)
        for code in codes:
            organisations.setdefault(code, []).append(organisation)
    regions = {
        r.code: r
        for r in Region.objects.filter(code__in=[district for _, district in CITIES])
    }
    return {
        "subfields": subfields,
        "organisations": organisations,
        "all_organisations": everyone,
        "regions": regions,
        "modes": list(CooperationMode.objects.order_by("sort_order")),
    }


def ensure_organisations() -> int:
    """Create the corpus's organisations that do not exist yet; how many were made."""
    from market.models import Organisation

    specs = organisation_specs()
    existing = set(
        Organisation.objects.filter(name__in=[s["name"] for s in specs]).values_list(
            "name", flat=True
        )
    )
    new = [
        Organisation(
            name=s["name"],
            short_name=s["name"][:4],
            kind=s["kind"],
            is_verified=True,
        )
        for s in specs
        if s["name"] not in existing
    ]
    Organisation.objects.bulk_create(new)
    return len(new)


def _worker_init() -> None:
    _reference.update(_load_reference())


def write_batch(kind: str, start: int, stop: int) -> tuple[int, float]:
    """Write listings ``start``…``stop - 1`` of ``kind`` and their segmented text."""
    from django.db import connection, transaction
    from django.utils import timezone

    from market.models import (
        Demand,
        IPRight,
        Listing,
        ListingStatus,
        Outcome,
    )
    from search.models import ListingText
    from search.texts import segmented_fields

    composer = Composer(_reference)
    now = timezone.now()
    today = timezone.localdate()
    model: Any = Outcome if kind == "outcome" else Demand
    listings: list[Any] = []
    extras: list[dict[str, Any]] = []
    for n in range(start, stop):
        spec = composer.outcome(n) if kind == "outcome" else composer.demand(n)
        rng = spec["rng"]
        published = now - dt.timedelta(minutes=rng.randint(10, 730 * 24 * 60))
        common = dict(
            kind=kind,
            title=spec["title"],
            summary=spec["summary"],
            field_id=spec["sub"]["pk"],
            region=spec["region"],
            organisation=spec["organisation"],
            contact_name=f"{rng.choice(SURNAMES)}工",
            contact_phone=f"0{rng.randint(10, 999)}-{rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
            keywords=spec["keywords"],
            confidentiality="anonymous" if rng.random() < 0.08 else "public",
            status=ListingStatus.PUBLISHED,
            status_changed_at=published,
            submitted_at=published - dt.timedelta(days=1),
            first_published_at=published,
            published_at=published,
            reviewed_at=published,
            valid_until=today + dt.timedelta(days=rng.randint(30, 365)),
            view_count=int(rng.paretovariate(1.5) * 10) - 10,
            external_id=f"{PREFIX[kind]}{n:06d}",
        )
        if kind == "outcome":
            own = {
                k: spec[k]
                for k in (
                    "description",
                    "advantages",
                    "comparison",
                    "applications",
                    "maturity",
                    "maturity_evidence",
                    "price_wan",
                    "price_negotiable",
                    "team",
                )
            }
        else:
            own = {
                k: spec[k]
                for k in (
                    "problem",
                    "objectives",
                    "expected_maturity",
                    "budget_min_wan",
                    "budget_max_wan",
                    "budget_negotiable",
                )
            }
            own["deadline"] = today + dt.timedelta(days=spec["deadline_days"])
        listings.append(model(**common, **own))
        extras.append(spec)

    with transaction.atomic():
        # Multi-table inheritance: the parent rows first (their keys come back), then
        # the child rows with those keys as their own.
        Listing.objects.bulk_create(listings, batch_size=BATCH)
        for listing in listings:
            listing.listing_ptr_id = listing.id
        model._base_manager._insert(
            listings,
            fields=model._meta.local_concrete_fields,
            using=connection.alias,
        )
        through = Listing.modes.through
        through.objects.bulk_create(
            [
                through(listing_id=listing.pk, cooperationmode_id=mode.pk)
                for listing, spec in zip(listings, extras, strict=True)
                for mode in spec["modes"]
            ]
        )
        rights: list[Any] = []
        if kind == "outcome":
            for listing, spec in zip(listings, extras, strict=True):
                own_rights = [
                    IPRight(outcome_id=listing.pk, sort_order=i, **right)
                    for i, right in enumerate(spec["rights"])
                ]
                # segmented_fields reads listing.ip_rights.all(): answer from memory.
                listing._prefetched_objects_cache = {"ip_rights": own_rights}
                rights += own_rights
            IPRight.objects.bulk_create(rights)
        started = time.perf_counter()
        texts = [
            ListingText(listing_id=listing.pk, version=1, **segmented_fields(listing))
            for listing in listings
        ]
        segmenting = time.perf_counter() - started
        ListingText.objects.bulk_create(texts)
    return len(listings), segmenting


def _run_batch(job: tuple[str, int, int]) -> tuple[int, float]:
    return write_batch(*job)


# --- Command ------------------------------------------------------------------------------


def setup_django(settings: str = SETTINGS) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def create_database() -> bool:
    """Create the bench database if it is missing; whether it was created."""
    import psycopg

    with psycopg.connect(
        "postgresql://techmatch:techmatch@127.0.0.1:5432/techmatch", autocommit=True
    ) as conn:
        if conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)
        ).fetchone():
            return False
        conn.execute(f"CREATE DATABASE {DATABASE}")
        return True


def missing_batches(kind: str, count: int) -> list[tuple[str, int, int]]:
    """Batches of ``kind`` not written yet (a batch is written whole or not at all)."""
    from market.models import Listing

    done = set(
        Listing.objects.filter(
            kind=kind, external_id__startswith=PREFIX[kind]
        ).values_list("external_id", flat=True)
    )
    jobs = []
    for start in range(1, count + 1, BATCH):
        stop = min(start + BATCH, count + 1)
        if f"{PREFIX[kind]}{start:06d}" not in done:
            jobs.append((kind, start, stop))
    return jobs


def ensure_corpus(outcomes: int, demands: int, processes: int = 2) -> dict[str, Any]:
    """Write what is missing of the corpus; counts and timings."""
    from django.core.management import call_command
    from django.db import connections

    from market.models import Listing, ListingStatus
    from search.analysis import segment

    started = time.perf_counter()
    call_command("migrate", "--noinput", verbosity=0)
    made = ensure_organisations()
    jobs = missing_batches("outcome", outcomes) + missing_batches("demand", demands)
    segment("预热分词词典")  # load jieba once, before the workers fork
    written = 0
    segmenting = 0.0
    if jobs:
        connections.close_all()
        context = multiprocessing.get_context("fork")
        with context.Pool(processes, initializer=_worker_init) as pool:
            for count, seconds in pool.imap_unordered(_run_batch, jobs):
                written += count
                segmenting += seconds
                print(f"corpus: {written} listings written", file=sys.stderr)
        connections.close_all()
    published = Listing.objects.filter(status=ListingStatus.PUBLISHED)
    return {
        "organisations_created": made,
        "listings_written": written,
        "processes": processes,
        "seconds": round(time.perf_counter() - started, 1),
        "segmenting_cpu_seconds": round(segmenting, 1),
        "outcomes_published": published.filter(kind="outcome").count(),
        "demands_published": published.filter(kind="demand").count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outcomes", type=int, default=100_000)
    parser.add_argument("--demands", type=int, default=50_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument(
        "--create", action="store_true", help=f"create the database {DATABASE}"
    )
    args = parser.parse_args()
    created = create_database() if args.create else False
    setup_django()
    result = ensure_corpus(args.outcomes, args.demands, args.processes)
    print(
        json.dumps(
            {"benchmark": "search_corpus", "database_created": created, **result},
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
