"""Listings' audit log in its own table (market.ListingLogEntry), moved from Wagtail's."""

import django.core.serializers.json
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

LISTING_MODELS = ["listing", "outcome", "demand"]
FIELDS = [
    "content_type_id",
    "label",
    "action",
    "data",
    "timestamp",
    "uuid",
    "user_id",
    "revision_id",
    "content_changed",
    "deleted",
]


def _listing_types(apps):
    content_type = apps.get_model("contenttypes", "ContentType")
    return content_type.objects.filter(app_label="market", model__in=LISTING_MODELS)


def move_to_listing_log(apps, schema_editor):
    """Move the listings' entries out of Wagtail's ModelLogEntry table."""
    old_model = apps.get_model("wagtailcore", "ModelLogEntry")
    new_model = apps.get_model("market", "ListingLogEntry")
    old = old_model.objects.filter(content_type__in=_listing_types(apps))
    new_model.objects.bulk_create(
        (
            new_model(
                listing_id=int(entry.object_id),
                **{name: getattr(entry, name) for name in FIELDS},
            )
            for entry in old.iterator()
            if entry.object_id.isascii() and entry.object_id.isdigit()
        ),
        batch_size=1000,
    )
    old.delete()


def move_to_model_log(apps, schema_editor):
    """Put the entries back into Wagtail's ModelLogEntry table."""
    old_model = apps.get_model("wagtailcore", "ModelLogEntry")
    new_model = apps.get_model("market", "ListingLogEntry")
    old_model.objects.bulk_create(
        (
            old_model(
                object_id=str(entry.listing_id),
                **{name: getattr(entry, name) for name in FIELDS},
            )
            for entry in new_model.objects.iterator()
        ),
        batch_size=1000,
    )
    new_model.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("market", "0003_reference_data"),
        ("wagtailcore", "0098_apitoken"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ListingLogEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("label", models.TextField()),
                ("action", models.CharField(blank=True, db_index=True, max_length=255)),
                (
                    "data",
                    models.JSONField(
                        blank=True,
                        default=dict,
                        encoder=django.core.serializers.json.DjangoJSONEncoder,
                    ),
                ),
                (
                    "timestamp",
                    models.DateTimeField(db_index=True, verbose_name="timestamp (UTC)"),
                ),
                (
                    "uuid",
                    models.UUIDField(
                        blank=True,
                        editable=False,
                        help_text="Log entries that happened as part of the same user action are assigned the same UUID",
                        null=True,
                    ),
                ),
                ("content_changed", models.BooleanField(db_index=True, default=False)),
                ("deleted", models.BooleanField(default=False)),
                (
                    "content_type",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="contenttypes.contenttype",
                        verbose_name="content type",
                    ),
                ),
                (
                    "listing",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="market.listing",
                    ),
                ),
                (
                    "revision",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="wagtailcore.revision",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "listing log entry",
                "verbose_name_plural": "listing log entries",
                "ordering": ["-timestamp", "-id"],
                "abstract": False,
                "indexes": [
                    models.Index(
                        fields=["uuid", "action", "-timestamp"],
                        name="market_list_uuid_444765_idx",
                    )
                ],
            },
        ),
        migrations.RunPython(move_to_listing_log, move_to_model_log),
    ]
