"""Create the outcome and demand catalogue pages under the home page, so a fresh database has them.

Idempotent: a catalogue page that already exists (anywhere) is left alone. Historical models
have no treebeard API, so the tree path is computed here (Wagtail: 4 base-36 digits a level).
"""

from django.db import migrations
from django.utils import timezone

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4

CATALOGUES = [
    # model, slug, title, introduction
    ("outcomeindexpage", "outcomes", "科技成果", "<p>高校、科研院所和企业可转化的科技成果，按领域、地区、成熟度和合作方式筛选。</p>"),
    ("demandindexpage", "demands", "技术需求", "<p>企业发布的技术需求与攻关难题，欢迎有能力的团队对接。</p>"),
]


def _step(number):
    digits = ""
    while number:
        number, rest = divmod(number, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return digits.rjust(STEPLEN, "0")


def create_catalogue_pages(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    HomePage = apps.get_model("cms.HomePage")

    home = HomePage.objects.order_by("path").first()
    if home is None:
        return
    now = timezone.now()
    for model_name, slug, title, intro in CATALOGUES:
        model = apps.get_model("cms", model_name)
        if model.objects.exists():
            continue
        content_type, _ = ContentType.objects.get_or_create(app_label="cms", model=model_name)
        children = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1)
        taken = set(children.values_list("slug", flat=True))
        unique_slug, n = slug, 1
        while unique_slug in taken:
            n += 1
            unique_slug = f"{slug}-{n}"
        last = children.order_by("-path").values_list("path", flat=True).first()
        number = int(last[-STEPLEN:], 36) + 1 if last else 1
        model.objects.create(
            title=title,
            draft_title=title,
            slug=unique_slug,
            content_type=content_type,
            path=home.path + _step(number),
            depth=home.depth + 1,
            numchild=0,
            url_path=f"{home.url_path}{unique_slug}/",
            locale_id=home.locale_id,
            live=True,
            has_unpublished_changes=False,
            first_published_at=now,
            last_published_at=now,
            intro=intro,
        )
        Page.objects.filter(pk=home.pk).update(
            numchild=Page.objects.filter(path__startswith=home.path, depth=home.depth + 1).count()
        )


def remove_catalogue_pages(apps, schema_editor):
    Page = apps.get_model("wagtailcore.Page")
    for model_name, *_ in CATALOGUES:
        model = apps.get_model("cms", model_name)
        for page in model.objects.all():
            parent_path = page.path[:-STEPLEN]
            Page.objects.filter(path__startswith=page.path).delete()
            Page.objects.filter(path=parent_path).update(
                numchild=Page.objects.filter(
                    path__startswith=parent_path, depth=len(parent_path) // STEPLEN + 1
                ).count()
            )


class Migration(migrations.Migration):
    dependencies = [("cms", "0003_catalogue_pages")]

    operations = [migrations.RunPython(create_catalogue_pages, remove_catalogue_pages)]
