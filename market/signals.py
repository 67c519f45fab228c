"""Domain signals the market's services send; other apps listen (notifications, cache, search).

Each is sent inside the service's transaction, so a receiver that writes rows (an outbox)
commits or rolls back with the change; receivers doing I/O use ``transaction.on_commit``.
"""

from django.dispatch import Signal

# listing_id, kind, old_status, new_status, by_user_id (None: the system), reason
listing_status_changed = Signal()
# listing_ids: content of published listings changed without a status change
listings_changed = Signal()
# organisation_id, by_user_id (the moderator; None: the system)
organisation_verified = Signal()
# listing_ids, kinds, old_statuses {id: status}, new_status, by_user_id, reason: many
# listings took the same step at once (bulk moderation, an import that publishes)
listings_status_changed = Signal()
# listing_id, event ("submitted", "published", "rejected"), by_user_id, reason: an
# owner's changes to a published listing went to review, or were approved or refused
listing_changes = Signal()
# challenge_id, action, old_status, new_status, by_user_id (None: the system), reason:
# one step of a challenge's life cycle (market.services.challenges)
challenge_status_changed = Signal()
# objection_id, challenge_id, event ("raised", "upheld", "dismissed"), by_user_id: an
# objection to an award during its public announcement was raised or decided
challenge_objection = Signal()
# challenge_id, event (market.models.DeliveryAction), by_user_id, milestone_id (or None),
# payout_id (or None): something was recorded in an awarded challenge's delivery
# (market.services.delivery) — milestones agreed or changed, an acceptance, a payout
challenge_delivery = Signal()
# deal_id, action, old_stage, new_stage, by_user_id (None: the system), reason: one
# step of a deal (market.services.deals), sent inside its transaction
deal_stage_changed = Signal()
# deal_id, event ("offer", "counter_offer", "offer_accepted", "payment", "document"),
# by_user_id, offer_id / payment_id / document_id (or None): something was recorded on a deal
deal_event = Signal()
