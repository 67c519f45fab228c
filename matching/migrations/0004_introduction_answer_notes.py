"""Each party's note on its answer to an introduction, and when both accepted."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0003_decisions_introductions_reranker"),
    ]

    operations = [
        migrations.AddField(
            model_name="introduction",
            name="demand_note",
            field=models.TextField(
                blank=True, max_length=2000, verbose_name="demand owner's note"
            ),
        ),
        migrations.AddField(
            model_name="introduction",
            name="outcome_note",
            field=models.TextField(
                blank=True, max_length=2000, verbose_name="outcome owner's note"
            ),
        ),
        migrations.AddField(
            model_name="introduction",
            name="confirmed_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="both parties accepted at"
            ),
        ),
    ]
