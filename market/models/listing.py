"""Listings: what the market shows. Outcomes and demands share one table of common fields.

Multi-table inheritance is deliberate: moderation, interest requests, protected-detail
access and (later) the search outbox and the matcher all point at "a listing",
whatever its kind. Queries that need one kind's own fields select that subclass.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.fields import RichTextField
from wagtail.models import RevisionMixin

from market.models.organisation import Organisation
from market.models.taxonomy import Region, TechField

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link"]


class ListingKind(models.TextChoices):
    OUTCOME = "outcome", _("Research outcome")
    DEMAND = "demand", _("Technology demand")


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    ARCHIVED = "archived", _("Archived")
    EXPIRED = "expired", _("Expired")


class Confidentiality(models.TextChoices):
    PUBLIC = "public", _("Public: the owner is shown")
    ANONYMOUS = (
        "anonymous",
        _("Anonymous: the owner is hidden, contact through a transfer agent"),
    )


class Maturity(models.IntegerChoices):
    """Technology readiness levels of GB/T 22900, with the stage names users know."""

    TRL1 = 1, _("TRL 1 · laboratory: basic principles observed")
    TRL2 = 2, _("TRL 2 · laboratory: technology concept formulated")
    TRL3 = 3, _("TRL 3 · laboratory: proof of concept")
    TRL4 = 4, _("TRL 4 · bench scale: validated in the laboratory")
    TRL5 = 5, _("TRL 5 · bench scale: validated in a relevant environment")
    TRL6 = 6, _("TRL 6 · pilot scale: demonstrated in a relevant environment")
    TRL7 = 7, _("TRL 7 · trial production: prototype in the operational environment")
    TRL8 = 8, _("TRL 8 · trial production: system complete and qualified")
    TRL9 = 9, _("TRL 9 · mass production: proven in operation")


class MaturityStage(models.TextChoices):
    LAB = "lab", _("Laboratory")
    BENCH = "bench", _("Bench scale")
    PILOT = "pilot", _("Pilot scale")
    TRIAL = "trial", _("Trial production")
    MASS = "mass", _("Mass production")


# 实验室 1–3 · 小试 4–5 · 中试 6 · 试生产 7–8 · 量产 9
STAGE_LEVELS: dict[str, tuple[int, ...]] = {
    MaturityStage.LAB: (1, 2, 3),
    MaturityStage.BENCH: (4, 5),
    MaturityStage.PILOT: (6,),
    MaturityStage.TRIAL: (7, 8),
    MaturityStage.MASS: (9,),
}


def maturity_stage(level: int | None) -> str | None:
    """The stage (lab, bench, pilot, trial, mass) of a readiness level."""
    for stage, levels in STAGE_LEVELS.items():
        if level in levels:
            return stage
    return None


class CooperationMode(models.Model):
    """A way a technology changes hands: 转让, 许可, 合作实施, 作价投资, 技术开发, 技术服务."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("cooperation mode")
        verbose_name_plural = _("cooperation modes")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        language = get_language() or "zh-hans"
        return self.name_en if language.startswith("en") and self.name_en else self.name


class ListingQuerySet(models.QuerySet["Listing"]):
    def published(self) -> ListingQuerySet:
        return self.filter(status=ListingStatus.PUBLISHED)

    def awaiting_review(self) -> ListingQuerySet:
        return self.filter(status=ListingStatus.SUBMITTED).order_by("submitted_at")

    def changes_awaiting_review(self) -> ListingQuerySet:
        """Published listings whose owner's edit waits for a moderator."""
        return self.filter(
            status=ListingStatus.PUBLISHED,
            pending_revision__isnull=False,
            pending_rejection_reason="",
        ).order_by("pending_submitted_at")

    def in_field(self, field: TechField) -> ListingQuerySet:
        """Listings in ``field`` or, for a top-level field, in any of its sub-fields."""
        return self.filter(models.Q(field=field) | models.Q(field__parent=field))


class Listing(RevisionMixin, models.Model):
    """The fields and life cycle every published item shares."""

    kind = models.CharField(
        _("kind"), max_length=20, choices=ListingKind.choices, editable=False
    )
    title = models.CharField(_("title"), max_length=120)
    summary = models.TextField(
        _("summary"),
        max_length=600,
        help_text=_(
            "One paragraph that a visitor reads first; it is public and indexed."
        ),
    )
    field = models.ForeignKey(
        TechField,
        verbose_name=_("technology field"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="listings",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="listings",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="listings",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    modes = models.ManyToManyField(
        CooperationMode,
        verbose_name=_("cooperation modes"),
        blank=True,
        related_name="+",
    )
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.PUBLIC,
    )
    protected_details = models.TextField(
        _("protected details"),
        blank=True,
        help_text=_(
            "Shown only to your organisation, moderators, transfer agents and users "
            "you grant access after they accept the confidentiality note."
        ),
    )

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ListingStatus.choices,
        default=ListingStatus.DRAFT,
        db_index=True,
    )
    status_changed_at = models.DateTimeField(
        _("status changed at"), default=timezone.now
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    first_published_at = models.DateTimeField(
        _("first published at"), null=True, blank=True
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_(
            "After this date the listing is archived unless its owner renews it."
        ),
    )
    renewal_reminded_at = models.DateTimeField(
        _("renewal reminder sent at"), null=True, blank=True
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    is_featured = models.BooleanField(_("featured"), default=False)
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)
    external_id = models.CharField(
        _("external ID"),
        max_length=64,
        null=True,
        blank=True,
        help_text=_("The identifier in the catalogue this listing was imported from."),
    )
    import_batch = models.ForeignKey(
        "market.ImportBatch",
        verbose_name=_("import"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="listings",
    )
    # What the market operator filled in for the owner at import (region, contact,
    # deadline): part name → the value set. A part is shown as "provided by the
    # platform" only while the listing still holds that value (see operator_provided).
    defaults_applied = models.JSONField(
        _("values provided by the market operator"),
        default=dict,
        blank=True,
        editable=False,
    )
    # An owner's edit of a published listing: the row stays the live version, the
    # edit waits here as a revision until a moderator approves (publish_changes) or
    # rejects it (reject_changes: the reason is kept, the draft too).
    pending_revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("pending changes"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pending_submitted_at = models.DateTimeField(
        _("changes submitted at"), null=True, blank=True, editable=False
    )
    pending_rejection_reason = models.TextField(
        _("reason the changes were not approved"), blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ListingQuerySet.as_manager()

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        ordering = ["-published_at", "-created_at"]
        permissions = [
            ("moderate_listing", _("Can review, publish, reject and archive listings")),
            ("view_protected_details", _("Can read every listing's protected details")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "external_id"],
                condition=models.Q(external_id__isnull=False),
                name="listing_unique_external_id_per_kind",
            )
        ]
        indexes = [
            models.Index(
                fields=["kind", "status", "-published_at"], name="listing_catalogue"
            ),
            models.Index(fields=["status", "valid_until"], name="listing_validity"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == ListingStatus.PUBLISHED

    @property
    def has_pending_changes(self) -> bool:
        """An edit of the published version waits for (or was refused) review."""
        return self.pending_revision_id is not None

    @property
    def pending_awaits_review(self) -> bool:
        return (
            self.pending_revision_id is not None and not self.pending_rejection_reason
        )

    @property
    def owner_hidden(self) -> bool:
        return self.confidentiality == Confidentiality.ANONYMOUS

    def days_left(self, today: dt.date | None = None) -> int | None:
        """Days until ``valid_until`` (negative once past), or None without a date."""
        if self.valid_until is None:
            return None
        return (self.valid_until - (today or timezone.localdate())).days

    def operator_provided(self) -> frozenset[str]:
        """Parts ("region", "contact", "deadline") still holding the operator's defaults."""
        applied = self.defaults_applied or {}
        found = set()
        if "region" in applied and self.region_id == applied["region"]:
            found.add("region")
        contact = applied.get("contact")
        if isinstance(contact, dict) and [
            self.contact_name,
            self.contact_phone,
            self.contact_email,
        ] == [
            contact.get("name", ""),
            contact.get("phone", ""),
            contact.get("email", ""),
        ]:
            found.add("contact")
        deadline = getattr(self, "deadline", None)
        if (
            "deadline" in applied
            and deadline
            and deadline.isoformat() == applied["deadline"]
        ):
            found.add("deadline")
        return frozenset(found)

    def get_specific(self) -> Listing:
        """The Outcome or Demand behind this row (one query unless already loaded)."""
        if type(self) is not Listing:
            return self
        return getattr(self, self.kind)


_money = {
    "max_digits": 12,
    "decimal_places": 2,
    "null": True,
    "blank": True,
    "validators": [MinValueValidator(Decimal("0"))],
}


class Outcome(Listing):
    """A research outcome (科技成果) offered by a university, institute or firm."""

    description = RichTextField(
        _("detailed description"), blank=True, features=RICH_TEXT_FEATURES
    )
    advantages = models.TextField(
        _("advantages"),
        blank=True,
        help_text=_("Quantify them: yield +12 %, cost −30 %, lifetime 2× …"),
    )
    comparison = models.TextField(
        _("comparison with alternatives"),
        blank=True,
        help_text=_("How it compares with the technologies a buyer uses today."),
    )
    applications = models.TextField(_("application areas"), blank=True)
    maturity = models.PositiveSmallIntegerField(
        _("maturity (TRL)"), choices=Maturity.choices, null=True, blank=True
    )
    maturity_evidence = models.TextField(
        _("maturity evidence"),
        blank=True,
        help_text=_(
            "Test reports, pilot runs, certifications or customers that prove the level."
        ),
    )
    price_wan = models.DecimalField(_("price (10k CNY)"), **_money)  # type: ignore[arg-type]
    # A price range (10–50 万元): price_wan is its lower end. Empty for a single price.
    price_max_wan = models.DecimalField(
        _("price up to (10k CNY)"),
        help_text=_(
            "Only for a price range: its upper end; the price is the lower end."
        ),
        **_money,  # type: ignore[arg-type]
    )
    price_negotiable = models.BooleanField(_("price negotiable"), default=False)
    team = models.TextField(
        _("team"), blank=True, help_text=_("One member per line: name, title, role.")
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("research outcome")
        verbose_name_plural = _("research outcomes")

    def save(self, *args: object, **kwargs: object) -> None:
        self.kind = ListingKind.OUTCOME
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def stage(self) -> str | None:
        return maturity_stage(self.maturity)

    def clean(self) -> None:
        super().clean()
        if self.price_max_wan is not None and (
            self.price_wan is None or self.price_max_wan < self.price_wan
        ):
            # On price_wan: every form of an outcome has it.
            raise ValidationError(
                {
                    "price_wan": _(
                        "A price range needs a price at most its upper end (%(high)s)."
                    )
                    % {"high": f"{self.price_max_wan.normalize():f}"}
                }
            )


class IPRightKind(models.TextChoices):
    INVENTION = "invention", _("Invention patent")
    UTILITY = "utility", _("Utility model patent")
    DESIGN = "design", _("Design patent")
    SOFTWARE = "software", _("Software copyright")
    SECRET = "secret", _("Technical secret")
    OTHER = "other", _("Other")


class IPRightStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    UNDER_EXAMINATION = "examination", _("Under examination")
    GRANTED = "granted", _("Granted / registered")
    EXPIRED = "expired", _("Expired")
    NOT_APPLICABLE = "n/a", _("Not applicable")


class IPRight(models.Model):
    """A patent, software copyright or technical secret behind an outcome."""

    outcome = models.ForeignKey(
        Outcome, on_delete=models.CASCADE, related_name="ip_rights"
    )
    kind = models.CharField(_("type"), max_length=20, choices=IPRightKind.choices)
    number = models.CharField(
        _("number"),
        max_length=40,
        blank=True,
        help_text=_(
            "Patent number such as ZL202310123456.7, or the registration number."
        ),
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    legal_status = models.CharField(
        _("legal status"),
        max_length=20,
        choices=IPRightStatus.choices,
        default=IPRightStatus.GRANTED,
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("IP right")
        verbose_name_plural = _("IP rights")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}".strip()


class OutcomeImage(models.Model):
    """One picture of an outcome's gallery."""

    outcome = models.ForeignKey(
        Outcome, on_delete=models.CASCADE, related_name="gallery"
    )
    image = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.CASCADE, related_name="+"
    )
    caption = models.CharField(_("caption"), max_length=120, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("gallery image")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.caption or f"{self.outcome} #{self.sort_order}"


class OutcomeAttachment(models.Model):
    """A PDF that belongs to an outcome (brochure, test report)."""

    outcome = models.ForeignKey(
        Outcome, on_delete=models.CASCADE, related_name="attachments"
    )
    document = models.ForeignKey(
        "wagtaildocs.Document", on_delete=models.CASCADE, related_name="+"
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("attachment")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return str(self.document)


class Demand(Listing):
    """A technology demand (技术需求) posted by an enterprise."""

    problem = RichTextField(
        _("problem description"), blank=True, features=RICH_TEXT_FEATURES
    )
    objectives = models.JSONField(
        _("technical objectives"),
        default=list,
        blank=True,
        help_text=_("One measurable objective (指标) per line."),
    )
    expected_maturity = models.PositiveSmallIntegerField(
        _("expected maturity (TRL)"), choices=Maturity.choices, null=True, blank=True
    )
    budget_min_wan = models.DecimalField(_("budget from (10k CNY)"), **_money)  # type: ignore[arg-type]
    budget_max_wan = models.DecimalField(_("budget up to (10k CNY)"), **_money)  # type: ignore[arg-type]
    budget_negotiable = models.BooleanField(_("budget negotiable"), default=False)
    deadline = models.DateField(_("deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("technology demand")
        verbose_name_plural = _("technology demands")

    def save(self, *args: object, **kwargs: object) -> None:
        self.kind = ListingKind.DEMAND
        super().save(*args, **kwargs)  # type: ignore[arg-type]
