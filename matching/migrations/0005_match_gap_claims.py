"""An agent takes a demand of the needs-an-agent list in hand."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0004_introduction_answer_notes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="matchgap",
            name="claimed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="taken by",
            ),
        ),
        migrations.AddField(
            model_name="matchgap",
            name="claimed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="taken at"),
        ),
    ]
