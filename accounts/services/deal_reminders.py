"""Follow-up reminders of transfer agents on their deals (``send-deal-follow-ups``).

A follow-up the agent set (``DealFollowUp``) is reminded once, when it falls due: in
the site and by email. The row is claimed with ``select_for_update(skip_locked=True)``
and stamped ``reminded_at`` in the transaction that stores the notification, so a
task run twice, or two runs at once, remind once. A follow-up marked done before it
falls due is not reminded.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import NotificationKind
from accounts.notifications import notify, render_message
from accounts.receivers import _path
from market.models import DealFollowUp
from market.services.challenges import beijing_time

BATCH = 200


def send_deal_follow_up_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind each agent of their follow-ups that fell due; returns how many."""
    now = now or timezone.now()
    sent = 0
    while True:
        with transaction.atomic():
            rows = list(
                DealFollowUp.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("deal", "agent")
                .filter(due_at__lte=now, reminded_at__isnull=True, done_at__isnull=True)
                .order_by("due_at", "pk")[:BATCH]
            )
            if not rows:
                return sent
            for follow_up in rows:
                if follow_up.agent.is_active:
                    subject, body = render_message(
                        NotificationKind.DEAL_FOLLOW_UP,
                        {
                            "deal": follow_up.deal,
                            "follow_up": follow_up,
                            "due": beijing_time(follow_up.due_at),
                        },
                    )
                    notify(
                        [follow_up.agent_id],
                        kind=NotificationKind.DEAL_FOLLOW_UP,
                        subject=subject,
                        body=body,
                        url=_path("deals:detail", follow_up.deal_id),
                    )
                    sent += 1
                follow_up.reminded_at = now
            DealFollowUp.objects.bulk_update(rows, ["reminded_at"])
