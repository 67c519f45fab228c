"""Search records: segmented text, the index outbox, the embedded index, synonyms, words.

None of these point at listings with a foreign key: a listing's outbox row and text
must outlive the listing itself, so that its deletion reaches the index too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ListingText(models.Model):
    """A listing's text segmented with jieba when it was saved, and its change counter.

    ``version`` grows by one with every change the index must learn about; documents
    are written with it as an external version, so a change is applied exactly once
    however often it is sent.
    """

    listing_id = models.BigIntegerField(primary_key=True)
    title_words = models.TextField(blank=True)
    keywords_words = models.TextField(blank=True)
    summary_words = models.TextField(blank=True)
    body_words = models.TextField(blank=True)
    organisation_words = models.TextField(blank=True)
    # The public long text as plain, normalised text, for the character field (whose
    # bigrams must not span punctuation). NULL: written before it was kept; the next
    # reindex fills it in.
    body_text = models.TextField(blank=True, null=True)
    version = models.PositiveBigIntegerField(default=1)
    segmented_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("segmented listing text")
        verbose_name_plural = _("segmented listing texts")

    def __str__(self) -> str:
        return f"listing {self.listing_id} v{self.version}"


class IndexOutbox(models.Model):
    """A pending index operation, written in the same transaction as the change."""

    listing_id = models.BigIntegerField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("pending index operation")
        verbose_name_plural = _("pending index operations")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"index listing {self.listing_id}"


class EmbeddedDocument(models.Model):
    """A document of the embedded backend: the same JSON body Elasticsearch receives."""

    listing_id = models.BigIntegerField(primary_key=True)
    index = models.CharField(max_length=40, db_index=True)
    version = models.PositiveBigIntegerField()
    body = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("embedded search document")
        verbose_name_plural = _("embedded search documents")

    def __str__(self) -> str:
        return f"{self.index}/{self.listing_id}"


class Synonym(models.Model):
    """A group of terms that mean the same thing, expanded in every query at once."""

    terms = models.CharField(
        _("terms"),
        max_length=400,
        help_text=_(
            "Two or more terms that mean the same, separated by commas, "
            "e.g. 锂电池, 锂离子电池."
        ),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.terms

    def term_list(self) -> list[str]:
        """The group's distinct terms, normalised, in the order written."""
        from search.analysis import normalise, split_terms

        seen: dict[str, None] = {}
        for term in split_terms(self.terms):
            seen.setdefault(normalise(term), None)
        return [term for term in seen if term]


class DictionaryWord(models.Model):
    """A domain term jieba must keep whole (钙钛矿, 固态电池 …)."""

    word = models.CharField(_("word"), max_length=40, unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("dictionary word")
        verbose_name_plural = _("dictionary words")
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word


class SavedSearch(models.Model):
    """A user's search (text and filters) kept under a name; they are told once about
    each newly published listing it finds (``SavedSearchMatch``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="saved_searches",
    )
    name = models.CharField(_("name"), max_length=60)
    # The search's parameters (q and the filters, as on the search page's address).
    params = models.JSONField(_("search parameters"), default=dict)
    paused = models.BooleanField(_("paused"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_notified_at = models.DateTimeField(_("last told"), null=True, blank=True)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["paused"], name="saved_search_active")]

    def __str__(self) -> str:
        return self.name


class SavedSearchMatch(models.Model):
    """A listing a saved search has told its user about: at most once per pair, so a
    re-published or edited listing is never announced twice."""

    saved_search = models.ForeignKey(
        SavedSearch,
        verbose_name=_("saved search"),
        on_delete=models.CASCADE,
        related_name="matches",
    )
    kind = models.CharField(_("kind"), max_length=20)
    item_id = models.BigIntegerField(_("item"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved search match")
        verbose_name_plural = _("saved search matches")
        constraints = [
            models.UniqueConstraint(
                fields=["saved_search", "kind", "item_id"],
                name="saved_search_match_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.saved_search_id} · {self.kind} {self.item_id}"
