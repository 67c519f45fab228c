"""Import benchmark: create + publish through ``import_listings`` beside a bare bulk_create.

Generates a catalogue of outcomes the way a regional technology market exports it (the
vocabularies of issue 14: 技术转让 · 委托开发 · 通过中试 · ``新材料-金属材料`` · ``10-50万`` ·
面议 · summaries over 600 characters), writes it as a CSV file, and measures in the
database ``techmatch_import_bench`` (settings ``config.settings.bench_import``):

- ``import``: ``import_listings(kind="outcome", default_status="published")`` of the
  whole file — parsing, validation, saving, revisions, history, submission and
  publication, search text and outbox rows — in one transaction, as the admin's task
  and the ``import_listings`` command run it. Rows per second.
- ``bulk_create``: the same listings (already validated, as model instances) written
  with a bare ``bulk_create`` of the parent and child rows and the cooperation modes:
  what the database alone needs. Rows per second.
- ``ratio``: import rows/s ÷ bulk_create rows/s.
- ``index``: draining the outbox the import left (``search.sync.drain_all``), documents
  per second, and the number of Celery tasks the import queued.

Rounds alternate; the listings are deleted between rounds. Prints one JSON object.

    .venv/bin/python bench/import_bench.py [--rows 10000] [--rounds 2] [--profile N]

``--profile N`` instead runs cProfile over an import of N rows and prints the top
functions by cumulative time. Needs ``scripts/services.sh up``.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import json
import os
import pstats
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "config.settings.bench_import"
DATABASE = "techmatch_import_bench"
PREFIX = "ib-"

UNIVERSITIES = [
    "江南理工大学",
    "东海海洋大学",
    "华东师范技术大学",
    "西部交通大学",
    "中原农业大学",
    "北方工业学院",
    "岭南医科大学",
    "长江信息工程大学",
]
INSTITUTES = [
    "华东新材料研究院",
    "苏州先进制造研究所",
    "江苏省环境科学研究院",
    "国家能源储能技术研究中心",
    "中科智能感知实验室",
    "生物医药创新研究院",
]
FIELDS = [
    "新材料-金属材料",
    "新材料—高分子材料",
    "金属材料",
    "0402",
    "新能源与节能/新型高效能量转换与储存技术",
    "电子信息-软件",
    "软件",
    "先进制造与自动化 > 先进制造工艺与装备",
    "资源与环境-水污染控制与水资源利用技术",
    "生物与新医药-医药生物技术",
    "新材料技术",
    "电子信息技术",
]
REGIONS = [
    "江苏省 苏州市 吴中区",
    "苏州市吴中区",
    "江苏省苏州市",
    "320506",
    "江苏省",
    "上海市",
    "浙江省 杭州市",
    "广东省 深圳市",
]
MODES = [
    "技术转让",
    "技术许可",
    "委托开发",
    "合作开发",
    "技术入股",
    "转让、许可",
    "技术转让,技术许可",
    "技术服务",
    "合作开发；技术入股",
]
MATURITIES = [
    "已有样品",
    "通过小试",
    "通过中试",
    "可以量产",
    "正在研发",
    "中试",
    "TRL 6",
]
PRICES = ["面议", "10-50万", "100", "50万", "200-500", "30～80万元", "1000（可面议）"]
TOPICS = [
    ("高强韧铝合金一体化压铸", "铝合金、一体化压铸、轻量化"),
    ("锂离子电池硅碳负极材料制备", "硅碳负极、锂离子电池"),
    ("工业废水重金属深度去除", "重金属、废水处理、吸附"),
    ("基于深度学习的表面缺陷检测", "机器视觉、深度学习、缺陷检测"),
    ("可降解聚乳酸改性", "聚乳酸、生物降解、改性"),
    ("钠离子电池正极材料", "钠离子电池、层状氧化物"),
    ("高效光伏组件回收", "光伏回收、银回收"),
    ("医用钛合金表面改性", "钛合金、表面改性、生物相容性"),
    ("智能微电网能量管理", "微电网、能量管理、储能"),
    ("稀土永磁电机高效设计", "稀土永磁、电机"),
]
SENTENCES = [
    "本成果面向{topic}的产业需求，突破了关键工艺瓶颈。",
    "项目组经过多年攻关，形成了完整的工艺路线和质量控制体系。",
    "与现有技术相比，综合成本降低约20%，能耗降低15%以上。",
    "已在合作企业完成验证，性能指标达到国内领先水平。",
    "可广泛应用于新能源汽车、轨道交通、电子信息等领域。",
    "拥有自主知识产权，已申请发明专利多项。",
    "技术成熟度较高，具备规模化推广应用的条件。",
    "欢迎有意向的企业洽谈合作，共同推进成果转化。",
]


def setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
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


def _summary(rng: random.Random, topic: str, long: bool) -> str:
    count = rng.randint(14, 22) if long else rng.randint(2, 4)
    text = "".join(rng.choice(SENTENCES).format(topic=topic) for _ in range(count))
    return text


def generate_rows(count: int, seed: int = 14) -> list[dict[str, str]]:
    """``count`` outcome rows with Chinese headers, complete enough to publish."""
    rng = random.Random(seed)
    organisations = UNIVERSITIES + INSTITUTES
    rows = []
    for n in range(1, count + 1):
        topic, keywords = TOPICS[n % len(TOPICS)]
        long = rng.random() < 0.15  # 406 of ~2,800 rows in the issue's catalogue
        rows.append(
            {
                "外部编号": f"{PREFIX}{n:06d}",
                "成果名称": f"{topic}技术（{n}）",
                "摘要": _summary(rng, topic, long),
                "技术领域": rng.choice(FIELDS),
                "所在地区": rng.choice(REGIONS),
                "所属机构": rng.choice(organisations),
                "关键词": keywords,
                "合作方式": rng.choice(MODES),
                "联系人": rng.choice(["张工", "李老师", "王主任", "技术转移中心"]),
                "联系电话": f"0512-6{rng.randint(1000000, 9999999)}",
                "联系邮箱": f"tto{rng.randint(1, 99)}@example.cn",
                "成果详情": "\n".join(
                    rng.choice(SENTENCES).format(topic=topic) for _ in range(6)
                ),
                "成熟度": rng.choice(MATURITIES),
                "价格（万元）": rng.choice(PRICES),
                "知识产权": f"发明专利:ZL20{rng.randint(10, 23)}1{n:07d}.{n % 10}",
                "技术优势": "强度提高25%，成本降低18%。",
            }
        )
    return rows


def csv_file(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def ensure_reference() -> int:
    """The organisations the rows name and the importing moderator; the user's id."""
    from accounts.models import User
    from market.models import Organisation, OrganisationKind

    for name in UNIVERSITIES:
        Organisation.objects.get_or_create(
            name=name, defaults={"kind": OrganisationKind.UNIVERSITY}
        )
    for name in INSTITUTES:
        Organisation.objects.get_or_create(
            name=name, defaults={"kind": OrganisationKind.INSTITUTE}
        )
    user, _ = User.objects.get_or_create(
        username="bench-importer",
        defaults={"email": "bench-importer@example.cn", "is_superuser": True},
    )
    return int(user.pk)


def clear() -> None:
    """Remove every listing and what hangs off it (the bench database is its own)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from market.models import Demand, Listing, Outcome

    base = ContentType.objects.get_for_model(Listing).pk
    kinds = [ContentType.objects.get_for_model(m).pk for m in (Outcome, Demand)]
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE market_listing, market_importbatch CASCADE")
        cursor.execute(
            "DELETE FROM wagtailcore_revision WHERE base_content_type_id = %s", [base]
        )
        cursor.execute(
            "DELETE FROM wagtailcore_modellogentry WHERE content_type_id = ANY(%s)",
            [kinds],
        )
        cursor.execute(
            "DELETE FROM wagtailcore_referenceindex WHERE base_content_type_id = %s",
            [base],
        )
        cursor.execute("TRUNCATE search_listingtext, search_indexoutbox")
        cursor.execute("VACUUM ANALYZE")


def queued_tasks() -> int:
    import redis
    from django.conf import settings

    return int(redis.Redis.from_url(settings.CELERY_BROKER_URL).llen("celery"))


def purge_tasks() -> None:
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("celery")


def run_check(data: bytes, user_id: int) -> float:
    """Seconds of the dry run (what the admin does while the moderator waits)."""
    from market.imports.importer import import_listings

    started = time.perf_counter()
    report = import_listings(
        "outcome", data, dry_run=True, by_user_id=user_id, default_status="published"
    )
    seconds = time.perf_counter() - started
    if not report.ok:
        raise SystemExit("check failed: " + "; ".join(report.error_lines()[:5]))
    return seconds


def run_import(data: bytes, user_id: int) -> tuple[float, Any]:
    from market.imports.importer import import_listings

    started = time.perf_counter()
    cpu = time.process_time()
    report = import_listings(
        "outcome",
        data,
        dry_run=False,
        by_user_id=user_id,
        default_status="published",
    )
    seconds = time.perf_counter() - started
    report.cpu_seconds = time.process_time() - cpu  # type: ignore[attr-defined]
    if not report.imported:
        raise SystemExit("import failed: " + "; ".join(report.error_lines()[:5]))
    return seconds, report


def run_bulk_create(data: bytes) -> float:
    """The same rows, validated beforehand, written with a bare bulk_create."""
    from django.db import transaction

    from market.imports.importer import read_source
    from market.imports.validation import validate_table
    from market.models import Listing, Outcome

    plan = validate_table(
        "outcome", read_source(data), publish=False, create_organisations=False
    )
    assert plan.ok, plan.issues[:3]
    listings = [row.listing for row in plan.rows]
    modes = [row.modes or [] for row in plan.rows]
    parent_fields = [f for f in Listing._meta.concrete_fields if not f.primary_key]
    child_fields = Outcome._meta.local_concrete_fields
    started = time.perf_counter()
    with transaction.atomic():
        for listing in listings:
            listing.kind = "outcome"
        # Django refuses bulk_create on multi-table children: the parent rows first
        # (RETURNING their ids), then the child rows with the same ids.
        parents = Listing.objects.bulk_create(
            [
                Listing(**{f.attname: getattr(o, f.attname) for f in parent_fields})
                for o in listings
            ],
            batch_size=1000,
        )
        for listing, parent in zip(listings, parents, strict=True):
            listing.pk = listing.listing_ptr_id = parent.pk
        for start in range(0, len(listings), 1000):
            Outcome._base_manager._insert(  # type: ignore[attr-defined]
                listings[start : start + 1000], fields=child_fields, raw=True
            )
        through = Listing.modes.through
        through.objects.bulk_create(
            [
                through(listing_id=listing.pk, cooperationmode_id=mode.pk)
                for listing, chosen in zip(listings, modes, strict=True)
                for mode in chosen
            ],
            batch_size=5000,
        )
    return time.perf_counter() - started


def drain_index() -> tuple[float, int]:
    from search.sync import drain_all

    started = time.perf_counter()
    totals = drain_all(limit=500, max_batches=1000)
    return time.perf_counter() - started, totals["sent"]


def measure(rows: int, rounds: int) -> dict[str, Any]:
    user_id = ensure_reference()
    data = csv_file(generate_rows(rows))
    results = []
    for number in range(rounds):
        clear()
        purge_tasks()
        check_seconds = run_check(data, user_id)
        seconds, report = run_import(data, user_id)
        tasks = queued_tasks()
        index_seconds, documents = drain_index()
        purge_tasks()
        clear()
        bulk_seconds = run_bulk_create(data)
        clear()
        results.append(
            {
                "round": number + 1,
                "check_seconds": round(check_seconds, 2),
                "check_rows_per_s": round(rows / check_seconds, 1),
                "import_seconds": round(seconds, 2),
                "import_rows_per_s": round(rows / seconds, 1),
                # This process's CPU: what the import costs without waiting for
                # PostgreSQL or for other processes on the same cores.
                "import_cpu_seconds": round(report.cpu_seconds, 1),
                "load_average": round(os.getloadavg()[0], 1),
                "published": report.published,
                "celery_tasks_queued": tasks,
                "bulk_create_seconds": round(bulk_seconds, 2),
                "bulk_create_rows_per_s": round(rows / bulk_seconds, 1),
                "ratio": round((rows / seconds) / (rows / bulk_seconds), 3),
                "index_documents": documents,
                "index_docs_per_s": round(documents / index_seconds, 1)
                if index_seconds
                else None,
            }
        )
        print(json.dumps(results[-1], ensure_ascii=False), file=sys.stderr)
    return {
        "cores": os.cpu_count(),
        "rows": rows,
        "file_bytes": len(data),
        "rounds": results,
        "median_import_rows_per_s": sorted(r["import_rows_per_s"] for r in results)[
            len(results) // 2
        ],
        "median_ratio": sorted(r["ratio"] for r in results)[len(results) // 2],
        "max_rss_mib": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
        ),
    }


def profile(rows: int) -> None:
    user_id = ensure_reference()
    data = csv_file(generate_rows(rows))
    clear()
    profiler = cProfile.Profile()
    profiler.enable()
    seconds, _report = run_import(data, user_id)
    profiler.disable()
    purge_tasks()
    clear()
    print(f"{rows} rows in {seconds:.1f} s = {rows / seconds:.1f} rows/s")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    create_database()
    setup_django()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    from search.analysis import segment

    segment("预热分词词典")  # load jieba before measuring
    if args.profile:
        profile(args.profile)
        return
    print(json.dumps(measure(args.rows, args.rounds), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
