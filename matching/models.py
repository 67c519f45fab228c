"""The matcher's records: trained embedding models, item vectors and proposals."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmbeddingModel(models.Model):
    """A trained text embedder (LSA), stored as bytes; one is active at a time.

    A retrain writes a new row and its vectors, then flips ``is_active`` in one
    transaction: proposals made with the old model stay readable meanwhile.
    """

    version = models.CharField(_("version"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, default="lsa")
    dimensions = models.PositiveIntegerField(_("dimensions"))
    documents = models.PositiveIntegerField(_("trained on (documents)"))
    data = models.BinaryField(_("model data"))
    seconds = models.FloatField(_("training time (s)"), default=0)
    trained_at = models.DateTimeField(_("trained at"), auto_now_add=True)
    is_active = models.BooleanField(_("active"), default=False)

    class Meta:
        verbose_name = _("embedding model")
        verbose_name_plural = _("embedding models")
        ordering = ["-trained_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="matching_one_active_model",
            )
        ]

    def __str__(self) -> str:
        return self.version


class ItemVector(models.Model):
    """A published listing's vector under one model (the embedded backend's kNN)."""

    model = models.ForeignKey(
        EmbeddingModel, on_delete=models.CASCADE, related_name="vectors"
    )
    listing_id = models.BigIntegerField(_("listing"))
    kind = models.CharField(_("kind"), max_length=20)
    vector = models.BinaryField(_("vector (float32)"))

    class Meta:
        verbose_name = _("item vector")
        verbose_name_plural = _("item vectors")
        constraints = [
            models.UniqueConstraint(
                fields=["model", "listing_id"], name="matching_one_vector_per_model"
            )
        ]
        indexes = [models.Index(fields=["model", "kind"], name="matching_vec_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.listing_id} ({self.model_id})"


class ProposalState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CLAIMED = "claimed", _("Claimed by an agent")
    SNOOZED = "snoozed", _("Snoozed")
    ACCEPTED = "accepted", _("Accepted and introduced")
    REJECTED = "rejected", _("Rejected")
    RETIRED = "retired", _("Retired (no longer among the best)")


# States an agent has decided: a refresh keeps them as they are.
DECIDED_STATES = (ProposalState.ACCEPTED, ProposalState.REJECTED)


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def current(self) -> ProposalQuerySet:
        """Proposals not retired."""
        return self.exclude(state=ProposalState.RETIRED)


class Proposal(models.Model):
    """One demand ↔ outcome pairing the matcher proposes, with its scores and reasons.

    One row per pair, whichever side it was computed from: ``rank_for_demand`` is the
    outcome's place in the demand's top 20, ``rank_for_outcome`` the demand's place in
    the outcome's (either may be empty).
    """

    demand = models.ForeignKey(
        "market.Demand", on_delete=models.CASCADE, related_name="proposals"
    )
    outcome = models.ForeignKey(
        "market.Outcome", on_delete=models.CASCADE, related_name="proposals"
    )
    score = models.FloatField(_("score"))
    components = models.JSONField(_("component scores"), default=dict)
    reasons = models.JSONField(_("reasons"), default=list)
    shared_terms = models.JSONField(_("shared key terms"), default=list)
    rank_for_demand = models.PositiveSmallIntegerField(null=True, blank=True)
    rank_for_outcome = models.PositiveSmallIntegerField(null=True, blank=True)
    engine_version = models.CharField(_("engine version"), max_length=20)
    model_version = models.CharField(_("model version"), max_length=80, blank=True)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=ProposalState.choices,
        default=ProposalState.PROPOSED,
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # When the claim was taken: a claim nobody acts on ends after MATCHING_CLAIM_DAYS.
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    snoozed_until = models.DateTimeField(_("snoozed until"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "outcome"], name="matching_one_proposal_per_pair"
            )
        ]
        indexes = [
            models.Index(fields=["state", "-score"], name="matching_prop_state"),
            models.Index(fields=["demand", "-score"], name="matching_prop_demand"),
            models.Index(fields=["outcome", "-score"], name="matching_prop_outcome"),
        ]

    def __str__(self) -> str:
        return f"{self.demand_id} ↔ {self.outcome_id} ({self.score:.2f})"


class GapReason(models.TextChoices):
    VAGUE_TEXT = "vague_text", _("Too little text to match on")
    NO_CANDIDATES = "no_candidates", _("No outcome found at all")
    WEAK_CANDIDATES = "weak_candidates", _("Only weak candidates")


class MatchGap(models.Model):
    """A published demand the matcher serves badly: an agent should follow it up.

    Written (or cleared) each time the demand is matched; the agents' list shows it
    with its reason, and the owner is told that an agent will follow up.
    """

    demand = models.OneToOneField(
        "market.Demand", on_delete=models.CASCADE, related_name="match_gap"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=GapReason.choices)
    best_similarity = models.FloatField(_("best similarity"), null=True, blank=True)
    key_terms = models.PositiveIntegerField(_("key terms"), default=0)
    noted_at = models.DateTimeField(_("noted at"))
    # The agent who took the demand in hand (kept while the demand stays on the list).
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    claimed_at = models.DateTimeField(_("taken at"), null=True, blank=True)

    class Meta:
        verbose_name = _("demand needing an agent")
        verbose_name_plural = _("demands needing an agent")
        ordering = ["noted_at"]

    def __str__(self) -> str:
        return f"{self.demand_id}: {self.reason}"


class DecisionAction(models.TextChoices):
    CLAIM = "claim", _("Claimed")
    RELEASE = "release", _("Released")
    EXPIRE = "expire", _("Claim expired")
    ACCEPT = "accept", _("Accepted and introduced")
    REJECT = "reject", _("Rejected")
    SNOOZE = "snooze", _("Snoozed")


class RejectReason(models.TextChoices):
    OFF_TOPIC = "off_topic", _("Off-topic")
    MATURITY_GAP = "maturity_gap", _("Maturity gap")
    PRICE_GAP = "price_gap", _("Price gap")
    IP_CONFLICT = "ip_conflict", _("IP conflict")
    ALREADY_IN_CONTACT = "already_in_contact", _("Already in contact")
    OTHER = "other", _("Other")


class Decision(models.Model):
    """What an agent did with a proposal, kept as labelled data for the re-ranker.

    The score and component scores are copied as they stood when the agent decided,
    so that later refreshes do not change the labelled example.
    """

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="decisions"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    action = models.CharField(
        _("action"), max_length=20, choices=DecisionAction.choices
    )
    reason = models.CharField(
        _("reason"), max_length=30, choices=RejectReason.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    snoozed_until = models.DateTimeField(_("snoozed until"), null=True, blank=True)
    score = models.FloatField(_("score when decided"))
    components = models.JSONField(_("component scores when decided"), default=dict)
    engine_version = models.CharField(_("engine version"), max_length=20, blank=True)
    model_version = models.CharField(_("model version"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("agent's decision")
        verbose_name_plural = _("agents' decisions")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["action", "created_at"], name="matching_dec_action")
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.action}"


class IntroductionResponse(models.TextChoices):
    PENDING = "pending", _("Not answered yet")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class DeclineReason(models.TextChoices):
    NOT_RELEVANT = "not_relevant", _("Not relevant to us")
    NOT_NOW = "not_now", _("Not the right time")
    TERMS = "terms", _("Price or terms do not fit")
    ALREADY_IN_CONTACT = "already_in_contact", _("Already in contact")
    OTHER = "other", _("Other")


class Introduction(models.Model):
    """An accepted proposal: the agent introduced the two owners in a conversation.

    Each party answers once: accepted, or declined with a reason code.
    """

    proposal = models.OneToOneField(
        Proposal, on_delete=models.CASCADE, related_name="introduction"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    conversation = models.ForeignKey(
        "market.Conversation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    demand_response = models.CharField(
        _("demand owner's answer"),
        max_length=20,
        choices=IntroductionResponse.choices,
        default=IntroductionResponse.PENDING,
    )
    demand_reason = models.CharField(
        _("demand owner's reason"),
        max_length=30,
        choices=DeclineReason.choices,
        blank=True,
    )
    outcome_response = models.CharField(
        _("outcome owner's answer"),
        max_length=20,
        choices=IntroductionResponse.choices,
        default=IntroductionResponse.PENDING,
    )
    outcome_reason = models.CharField(
        _("outcome owner's reason"),
        max_length=30,
        choices=DeclineReason.choices,
        blank=True,
    )
    demand_note = models.TextField(
        _("demand owner's note"), blank=True, max_length=2000
    )
    outcome_note = models.TextField(
        _("outcome owner's note"), blank=True, max_length=2000
    )
    created_at = models.DateTimeField(_("introduced at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("last answered at"), null=True, blank=True)
    # When the second party accepted: the introduction is confirmed.
    confirmed_at = models.DateTimeField(
        _("both parties accepted at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")

    def __str__(self) -> str:
        return f"introduction {self.proposal_id}"


class RerankerModel(models.Model):
    """A re-ranker learned from agents' decisions, with its held-out evaluation.

    Used only when ``is_active``: training activates it only if it beats the hand
    weights on the held-out decisions.
    """

    version = models.CharField(_("version"), max_length=80, unique=True)
    features = models.JSONField(_("features"), default=list)
    weights = models.JSONField(_("weights"), default=list)
    bias = models.FloatField(_("bias"), default=0)
    decisions = models.PositiveIntegerField(_("trained on (decisions)"))
    evaluation = models.JSONField(_("held-out evaluation"), default=dict)
    trained_at = models.DateTimeField(_("trained at"), auto_now_add=True)
    is_active = models.BooleanField(_("active"), default=False)

    class Meta:
        verbose_name = _("learned re-ranker")
        verbose_name_plural = _("learned re-rankers")
        ordering = ["-trained_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="matching_one_active_reranker",
            )
        ]

    def __str__(self) -> str:
        return self.version


class SolverProposal(models.Model):
    """An organisation the matcher proposes to solve a challenge (揭榜方推荐).

    Computed from the challenge's text, field, region and bounty against the published
    outcomes (the same engine as demand ↔ outcome) and from the organisation's past
    applications; ``evidence`` holds the outcomes that carried it, each with its score
    and the key terms it shares with the challenge.
    """

    challenge = models.ForeignKey(
        "market.Challenge", on_delete=models.CASCADE, related_name="solver_proposals"
    )
    organisation = models.ForeignKey(
        "market.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.FloatField(_("score"))
    components = models.JSONField(_("component scores"), default=dict)
    evidence = models.JSONField(_("supporting outcomes"), default=list)
    past_applications = models.PositiveSmallIntegerField(
        _("past applications in the field"), default=0
    )
    shared_terms = models.JSONField(_("shared key terms"), default=list)
    engine_version = models.CharField(_("engine version"), max_length=20)
    model_version = models.CharField(_("model version"), max_length=80, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("solver proposal")
        verbose_name_plural = _("solver proposals")
        ordering = ["challenge", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "organisation"],
                name="matching_one_solver_proposal",
            )
        ]

    def __str__(self) -> str:
        return f"{self.challenge_id} → {self.organisation_id} ({self.score:.2f})"


class SolverInvitation(models.Model):
    """An invitation to apply to a challenge, sent to one organisation's members."""

    challenge = models.ForeignKey(
        "market.Challenge", on_delete=models.CASCADE, related_name="solver_invitations"
    )
    organisation = models.ForeignKey(
        "market.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField(_("message"), blank=True)
    # The score it had when invited (empty: invited without a proposal).
    score = models.FloatField(_("score when invited"), null=True, blank=True)
    invited_at = models.DateTimeField(_("invited at"))

    class Meta:
        verbose_name = _("solver invitation")
        verbose_name_plural = _("solver invitations")
        ordering = ["-invited_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "organisation"],
                name="matching_one_invitation_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.challenge_id} → {self.organisation_id}"
