# Challenge notifications and reminders (issue 11).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_agent_coverage_conversation_notifications'),
        ('market', '0010_challenge_review'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='notification',
            name='kind',
            field=models.CharField(choices=[('listing_submitted', 'Listing awaiting review'), ('listing_published', 'Listing published'), ('listing_rejected', 'Listing rejected'), ('listing_archived', 'Listing archived'), ('listing_expired', 'Listing expired'), ('listing_renewal', 'Listing due for renewal'), ('interest_received', 'Interest request received'), ('interest_answered', 'Interest request answered'), ('interest_declined', 'Interest request declined'), ('access_requested', 'Protected details requested'), ('access_granted', 'Protected details granted'), ('access_declined', 'Protected details declined'), ('conversation_started', 'Conversation started'), ('conversation_message', 'New message in a conversation'), ('membership_requested', 'Membership requested'), ('membership_approved', 'Membership approved'), ('membership_declined', 'Membership declined'), ('membership_changed', 'Membership changed'), ('challenge_submitted', 'Challenge awaiting review'), ('challenge_published', 'Challenge published'), ('challenge_rejected', 'Challenge rejected'), ('challenge_closed', 'Challenge closed for applications'), ('challenge_awarded', 'Challenge awarded'), ('challenge_won', 'Your application won a challenge'), ('challenge_result', 'Result of a challenge you applied to'), ('challenge_award_revoked', 'Award revoked'), ('challenge_failed', 'Challenge ended without a winner'), ('challenge_withdrawn', 'Challenge withdrawn'), ('challenge_terminated', 'Challenge terminated'), ('challenge_accepted', 'Challenge work accepted'), ('challenge_paid_out', 'Challenge bounty paid out'), ('objection_raised', 'Objection to an award'), ('objection_decided', 'Objection decided'), ('application_deadline', 'Application deadline soon'), ('scoring_reminder', 'Applications waiting for your scores')], max_length=40, verbose_name='kind'),
        ),
        migrations.CreateModel(
            name='ChallengeReminder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('deadline_3d', 'Application deadline in 3 days'), ('deadline_1d', 'Application deadline in 1 day'), ('expert_scoring', "Applications waiting for an expert's scores")], max_length=20, verbose_name='kind')),
                ('sent_at', models.DateTimeField(verbose_name='sent at')),
                ('challenge', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='market.challenge', verbose_name='challenge')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'challenge reminder',
                'verbose_name_plural': 'challenge reminders',
                'constraints': [models.UniqueConstraint(fields=('user', 'challenge', 'kind'), name='challenge_reminder_once')],
            },
        ),
    ]
