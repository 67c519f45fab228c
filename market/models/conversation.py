"""Conversations: one thread between a requester, an owner organisation and an agent.

Any source may start one (an interest request, a protected-details request, the
matcher's introduction): the source is a free code plus a generic pointer at the row
that started it, so a new source needs no schema change.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from market.models.listing import Listing
from market.models.organisation import Organisation


class ConversationSource(models.TextChoices):
    """The sources known today; the column accepts others (introductions, deals...)."""

    INTEREST = "interest", _("Interest request")
    PROTECTED_DETAILS = "protected_details", _("Protected details request")
    INTRODUCTION = "introduction", _("Introduction")


# Sources whose two parties are organisations (an agent introducing two owners): the
# requester side is every member of ``requester_organisation``, and ``requester`` is
# only the user who opened the conversation.
ORGANISATION_PARTY_SOURCES = frozenset({ConversationSource.INTRODUCTION.value})


class ConversationState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Side(models.TextChoices):
    """Who a message comes from, or whose turn it is."""

    REQUESTER = "requester", _("Requester")
    OWNER = "owner", _("Owner organisation")
    AGENT = "agent", _("Transfer agent")
    MODERATOR = "moderator", _("Moderator")
    SYSTEM = "system", _("TechMatch")


class CloseReason(models.TextChoices):
    DEAL_REACHED = "deal_reached", _("Deal reached")
    NOT_INTERESTED = "not_interested", _("Not interested")
    NO_REPLY = "no_reply", _("No reply")
    DUPLICATE = "duplicate", _("Duplicate")
    OTHER = "other", _("Other")


class ConversationQuerySet(models.QuerySet["Conversation"]):
    def open(self) -> ConversationQuerySet:
        return self.filter(state=ConversationState.OPEN)


class Conversation(models.Model):
    """A thread about a listing between its requester, its owner and a transfer agent."""

    source = models.CharField(_("source"), max_length=40, db_index=True)
    source_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    started_by = GenericForeignKey("source_type", "source_id")

    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="conversations"
    )
    # An introduction is about two listings (an outcome and a demand).
    other_listing = models.ForeignKey(
        Listing,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    requester_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("requester's organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("owner organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("transfer agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=ConversationState.choices,
        default=ConversationState.OPEN,
    )
    waiting_on = models.CharField(
        _("waiting on"), max_length=20, choices=Side.choices, blank=True
    )
    close_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=CloseReason.choices, blank=True
    )
    close_note = models.TextField(_("note on closing"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The owner's first message: until then an anonymous listing's owner stays hidden.
    owner_replied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    last_message_at = models.DateTimeField(_("last message at"), db_index=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id"],
                condition=Q(source_id__isnull=False),
                name="conversation_one_per_source",
            )
        ]
        indexes = [
            models.Index(fields=["requester", "state"], name="conversation_requester"),
            models.Index(
                fields=["owner_organisation", "state"], name="conversation_owner"
            ),
            models.Index(fields=["agent", "state"], name="conversation_agent"),
        ]

    def __str__(self) -> str:
        return f"{self.requester} ↔ {self.listing}"

    @property
    def is_open(self) -> bool:
        return self.state == ConversationState.OPEN

    @property
    def parties_are_organisations(self) -> bool:
        """Whether both sides are organisations (the requester side is
        ``requester_organisation``'s members, not the ``requester`` user)."""
        return self.source in ORGANISATION_PARTY_SOURCES


class Message(models.Model):
    """One message of a conversation; plain text, shown escaped."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    side = models.CharField(_("from"), max_length=20, choices=Side.choices)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_side_display()}: {self.body[:40]}"


class AgentNote(models.Model):
    """A transfer agent's private note on a conversation; the other sides never see it."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="agent_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("agent note")
        verbose_name_plural = _("agent notes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:40]
