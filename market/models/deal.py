"""Transfer deals (技术转移交易): from an intention to a registered technology contract.

A deal joins a supplier and a buyer organisation under a responsible transfer agent.
It comes from an accepted introduction (its conversation), an awarded challenge, or
an agent who enters it directly. Its stage moves only along ``market.services.deals``'
transitions, each one recorded as a ``DealTransition`` (who, when, from, to, why);
offers on the payment structure are kept as history (``DealOffer``); payments received
under the contract (``DealPayment``) make it count as paid in the statistics.

Amounts are in 10k CNY (万元) like every amount of the market, and never negative.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from market.models.challenge import Challenge
from market.models.conversation import Conversation
from market.models.listing import Demand, Outcome
from market.models.organisation import Organisation
from market.models.taxonomy import Region, TechField

_NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]
_PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


def _money(label: str | object, **extra: object) -> models.DecimalField:
    return models.DecimalField(
        label,  # type: ignore[arg-type]
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_NOT_NEGATIVE,
        **extra,  # type: ignore[arg-type]
    )


class DealStage(models.TextChoices):
    INTENT = "intent", _("Intention")  # 意向
    NEGOTIATION = "negotiation", _("Negotiation")  # 洽谈
    SIGNED = "signed", _("Signed")  # 签约
    REGISTERED = "registered", _("Contract registered")  # 技术合同认定登记
    PERFORMING = "performing", _("Performing")  # 履行中
    COMPLETED = "completed", _("Completed")  # 完成
    TERMINATED = "terminated", _("Terminated")  # 终止


# The stages a deal passes through when it goes well, in order (the pipeline's columns).
DEAL_STAGE_ORDER: tuple[str, ...] = (
    DealStage.INTENT,
    DealStage.NEGOTIATION,
    DealStage.SIGNED,
    DealStage.REGISTERED,
    DealStage.PERFORMING,
    DealStage.COMPLETED,
)
# Stages from which a deal has a signed contract (counted as signed in statistics).
SIGNED_STAGES = frozenset(
    {
        DealStage.SIGNED,
        DealStage.REGISTERED,
        DealStage.PERFORMING,
        DealStage.COMPLETED,
    }
)
OPEN_STAGES = frozenset(
    {
        DealStage.INTENT,
        DealStage.NEGOTIATION,
        DealStage.SIGNED,
        DealStage.REGISTERED,
        DealStage.PERFORMING,
    }
)


class DealMode(models.TextChoices):
    """The contract types of the technology contract registration rules."""

    DEVELOPMENT = "development", _("Technology development")  # 技术开发
    TRANSFER = "transfer", _("Technology transfer")  # 技术转让
    LICENCE = "licence", _("Technology licensing")  # 技术许可
    CONSULTING = "consulting", _("Technology consulting")  # 技术咨询
    SERVICE = "service", _("Technology service")  # 技术服务
    EQUITY = "equity", _("Investment in kind (equity)")  # 作价投资


class DealSource(models.TextChoices):
    INTRODUCTION = "introduction", _("Accepted introduction")
    CHALLENGE = "challenge", _("Awarded challenge")
    AGENT = "agent", _("Entered by an agent")


class TerminationReason(models.TextChoices):
    PRICE = "price", _("No agreement on the price")
    IP = "ip", _("Intellectual property problems")
    TECHNICAL = "technical", _("The technology did not fit")
    NEEDS_CHANGED = "needs_changed", _("The buyer's needs changed")
    WITHDREW = "withdrew", _("A party withdrew")
    NO_RESPONSE = "no_response", _("A party stopped answering")
    BREACH = "breach", _("Breach of contract")
    OTHER = "other", _("Other")


class Deal(models.Model):
    """One technology transaction between a supplier and a buyer."""

    title = models.CharField(_("title"), max_length=160)
    supplier = models.ForeignKey(
        Organisation,
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        related_name="deals_supplied",
    )
    buyer = models.ForeignKey(
        Organisation,
        verbose_name=_("buyer"),
        on_delete=models.PROTECT,
        related_name="deals_bought",
    )
    # The parties' regions when the deal was made (technology flows in statistics).
    supplier_region = models.ForeignKey(
        Region,
        verbose_name=_("supplier's region"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    buyer_region = models.ForeignKey(
        Region,
        verbose_name=_("buyer's region"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    field = models.ForeignKey(
        TechField,
        verbose_name=_("technology field"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
    )
    mode = models.CharField(_("mode"), max_length=20, choices=DealMode.choices)
    source = models.CharField(
        _("source"), max_length=20, choices=DealSource.choices, default=DealSource.AGENT
    )
    outcome = models.ForeignKey(
        Outcome,
        verbose_name=_("outcome"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
    )
    demand = models.ForeignKey(
        Demand,
        verbose_name=_("demand"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
    )
    challenge = models.ForeignKey(
        Challenge,
        verbose_name=_("challenge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
    )
    # The introduction's (or interest request's) conversation the deal grew out of.
    conversation = models.ForeignKey(
        Conversation,
        verbose_name=_("conversation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
    )
    stage = models.CharField(
        _("stage"),
        max_length=20,
        choices=DealStage.choices,
        default=DealStage.INTENT,
        db_index=True,
    )
    stage_changed_at = models.DateTimeField(_("stage changed at"))
    contract_amount_wan = _money(_("contract amount (10k CNY)"))
    # 技术交易额: the part of the contract amount that pays for the technology.
    transaction_amount_wan = _money(_("technology transaction amount (10k CNY)"))
    commission_rate = models.DecimalField(
        _("agent's commission rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_PERCENT,
    )
    commission_fixed_wan = _money(_("agent's fixed commission (10k CNY)"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    registration_number = models.CharField(
        _("contract registration number"), max_length=60, blank=True
    )
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    end_reason_code = models.CharField(
        _("reason for termination"),
        max_length=20,
        choices=TerminationReason.choices,
        blank=True,
    )
    end_reason = models.TextField(_("termination note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(supplier=models.F("buyer")),
                name="deal_parties_differ",
            ),
            models.CheckConstraint(
                condition=Q(contract_amount_wan__isnull=True)
                | Q(contract_amount_wan__gte=0),
                name="deal_contract_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(transaction_amount_wan__isnull=True)
                | Q(transaction_amount_wan__gte=0),
                name="deal_transaction_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(commission_fixed_wan__isnull=True)
                | Q(commission_fixed_wan__gte=0),
                name="deal_commission_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(commission_rate__isnull=True)
                | (Q(commission_rate__gte=0) & Q(commission_rate__lte=100)),
                name="deal_commission_rate_percent",
            ),
            # One deal per introduction conversation and per awarded challenge.
            models.UniqueConstraint(
                fields=["conversation"],
                condition=Q(conversation__isnull=False)
                & ~Q(stage=DealStage.TERMINATED),
                name="deal_one_open_per_conversation",
            ),
            models.UniqueConstraint(
                fields=["challenge"],
                condition=Q(challenge__isnull=False) & ~Q(stage=DealStage.TERMINATED),
                name="deal_one_open_per_challenge",
            ),
        ]
        indexes = [
            models.Index(fields=["agent", "stage"], name="deal_agent_stage"),
            models.Index(fields=["registered_on"], name="deal_registered_on"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def commission_base_wan(self) -> Decimal | None:
        """What a rate applies to: the transaction amount, else the contract amount."""
        if self.transaction_amount_wan is not None:
            return self.transaction_amount_wan
        return self.contract_amount_wan

    @property
    def commission_wan(self) -> Decimal | None:
        """The agent's commission: the fixed sum, else rate × base; None when unknown."""
        if self.commission_fixed_wan is not None:
            return self.commission_fixed_wan
        base = self.commission_base_wan
        if self.commission_rate is None or base is None:
            return None
        return (base * self.commission_rate / Decimal("100")).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )


class DealTransition(models.Model):
    """One stage change of a deal: who, when, from, to, and why."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="transitions")
    from_stage = models.CharField(
        _("from"), max_length=20, choices=DealStage.choices, blank=True
    )
    to_stage = models.CharField(_("to"), max_length=20, choices=DealStage.choices)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("deal transition")
        verbose_name_plural = _("deal transitions")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.from_stage or '–'} → {self.to_stage}"


class OfferSide(models.TextChoices):
    SUPPLIER = "supplier", _("Supplier")
    BUYER = "buyer", _("Buyer")
    AGENT = "agent", _("Agent (on behalf of the parties)")


class PaymentStructure(models.TextChoices):
    LUMP_SUM = "lump_sum", _("Lump sum")
    MILESTONES = "milestones", _("Milestone payments")
    ROYALTY = "royalty", _("Royalty")
    EQUITY = "equity", _("Equity share")


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Open")
    COUNTERED = "countered", _("Countered")
    ACCEPTED = "accepted", _("Accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DealOffer(models.Model):
    """An offer or counter-offer on the payment structure, kept as history."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="offers")
    side = models.CharField(_("side"), max_length=20, choices=OfferSide.choices)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    responds_to = models.ForeignKey(
        "self",
        verbose_name=_("counter-offer to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="counters",
    )
    structure = models.CharField(
        _("payment structure"), max_length=20, choices=PaymentStructure.choices
    )
    total_wan = _money(_("total amount (10k CNY)"))
    upfront_wan = _money(_("paid on signing (10k CNY)"))
    # Milestone payments: [{"title": ..., "amount_wan": "12.50"}, ...]
    milestones = models.JSONField(_("milestone payments"), default=list, blank=True)
    royalty_rate = models.DecimalField(
        _("royalty rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_PERCENT,
    )
    royalty_base = models.CharField(_("royalty base"), max_length=120, blank=True)
    royalty_years = models.PositiveSmallIntegerField(
        _("royalty term (years)"), null=True, blank=True
    )
    equity_share = models.DecimalField(
        _("equity share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_PERCENT,
    )
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=OfferStatus.choices,
        default=OfferStatus.OPEN,
    )
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_wan__isnull=True) | Q(total_wan__gte=0),
                name="deal_offer_total_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(upfront_wan__isnull=True) | Q(upfront_wan__gte=0),
                name="deal_offer_upfront_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.get_structure_display()} ({self.side})"


class DealPayment(models.Model):
    """A payment the buyer made under the contract (counted as paid in statistics)."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="payments")
    amount_wan = models.DecimalField(
        _("amount (10k CNY)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    paid_on = models.DateField(_("paid on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_wan__gt=0), name="deal_payment_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.amount_wan}"


class DealDocumentKind(models.TextChoices):
    CONTRACT = "contract", _("Contract")
    REGISTRATION = "registration", _("Registration certificate")
    INVOICE = "invoice", _("Invoice or receipt")
    OTHER = "other", _("Other")


class DealDocument(models.Model):
    """A file of the deal (contract, registration certificate…), private to its parties."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=DealDocumentKind.choices)
    document = models.ForeignKey(
        "wagtaildocs.Document", on_delete=models.CASCADE, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deal document")
        verbose_name_plural = _("deal documents")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.document)


class DealNote(models.Model):
    """An agent's private note on a deal (the parties never see it)."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deal note")
        verbose_name_plural = _("deal notes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.body[:40]


class DealFollowUp(models.Model):
    """A follow-up an agent sets on a deal: reminded once when it falls due."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="follow_ups")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="deal_follow_ups",
    )
    due_at = models.DateTimeField(_("due at"))
    what = models.CharField(_("what to do"), max_length=200)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_at = models.DateTimeField(_("set at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="deal_followup_due",
                condition=Q(reminded_at__isnull=True, done_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.what
