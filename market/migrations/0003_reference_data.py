"""Seed technology fields, regions and cooperation modes from market/data/*.json.

Rows are matched by code, so running the seed again (or after operators added rows)
creates only what is missing and never deletes.
"""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"

COOPERATION_MODES = [
    ("transfer", "转让", "Assignment"),
    ("license", "许可", "Licence"),
    ("joint", "合作实施", "Joint implementation"),
    ("equity", "作价投资", "Equity investment"),
    ("development", "技术开发", "Commissioned development"),
    ("service", "技术服务", "Technical service"),
]


def seed(apps, schema_editor):
    TechField = apps.get_model("market", "TechField")
    Region = apps.get_model("market", "Region")
    CooperationMode = apps.get_model("market", "CooperationMode")

    for order, (code, name, name_en) in enumerate(COOPERATION_MODES):
        CooperationMode.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )

    existing = set(TechField.objects.values_list("code", flat=True))
    for field in json.loads((DATA / "tech_fields.json").read_text(encoding="utf-8")):
        if field["code"] not in existing:
            TechField.objects.create(
                code=field["code"], name=field["name"], name_en=field.get("name_en", "")
            )
        parent = TechField.objects.get(code=field["code"])
        TechField.objects.bulk_create(
            [
                TechField(
                    code=child["code"],
                    name=child["name"],
                    name_en=child.get("name_en", ""),
                    keywords=child.get("keywords", []),
                    parent=parent,
                )
                for child in field.get("children", [])
                if child["code"] not in existing
            ]
        )

    existing = set(Region.objects.values_list("code", flat=True))

    def add(nodes, parent, level):
        new = [
            Region(code=n["code"], name=n["name"], name_en=n.get("name_en", ""), parent=parent, level=level)
            for n in nodes
            if n["code"] not in existing
        ]
        Region.objects.bulk_create(new)
        by_code = {r.code: r for r in Region.objects.filter(code__in=[n["code"] for n in nodes])}
        for node in nodes:
            if node.get("children"):
                add(node["children"], by_code[node["code"]], level + 1)

    add(json.loads((DATA / "regions.json").read_text(encoding="utf-8")), None, 1)


class Migration(migrations.Migration):
    dependencies = [("market", "0002_catalogue")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
