"""Transfer agents take demands of the needs-an-agent list in hand."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from market.permissions import can_moderate
from matching.models import MatchGap
from matching.permissions import can_use_agent_lists


class GapError(Exception):
    """A step on the needs-an-agent list the matcher refuses; ``message`` is for the user."""

    def __init__(self, message: str | Promise, code: str = "invalid") -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


@transaction.atomic
def claim_gap(gap_id: int, *, agent_id: int) -> MatchGap:
    """An agent takes a demand the matcher serves badly; taking it twice is a no-op."""
    agent = get_user_model().objects.get(pk=agent_id)
    if not can_use_agent_lists(agent):
        raise PermissionDenied("only transfer agents take demands in hand")
    gap = MatchGap.objects.select_for_update().get(pk=gap_id)
    if gap.claimed_by_id == agent_id:
        return gap
    if gap.claimed_by_id is not None:
        raise GapError(
            _("Another transfer agent has already taken this demand."), code="claimed"
        )
    gap.claimed_by_id = agent_id
    gap.claimed_at = timezone.now()
    gap.save(update_fields=["claimed_by", "claimed_at"])
    return gap


@transaction.atomic
def release_gap(gap_id: int, *, agent_id: int) -> MatchGap:
    """Give a demand back to the list: its agent may, and a moderator may step in;
    releasing one nobody holds is a no-op."""
    agent = get_user_model().objects.get(pk=agent_id)
    if not can_use_agent_lists(agent):
        raise PermissionDenied("only transfer agents release demands")
    gap = MatchGap.objects.select_for_update().get(pk=gap_id)
    if gap.claimed_by_id is None:
        return gap
    if gap.claimed_by_id != agent_id and not can_moderate(agent):
        raise GapError(
            _(
                "Another transfer agent holds this demand; only they or a moderator can give it back."
            ),
            code="claimed",
        )
    gap.claimed_by = None
    gap.claimed_at = None
    gap.save(update_fields=["claimed_by", "claimed_at"])
    return gap
