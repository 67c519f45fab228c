"""Search app configuration: listens to the market's signals."""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from market.models import Listing, Organisation
        from market.signals import (
            listing_status_changed,
            listings_changed,
            listings_status_changed,
        )
        from search import labels, receivers, saved, sync  # noqa: F401 - labels too
        from search.models import DictionaryWord, Synonym

        listing_status_changed.connect(
            sync.on_listing_status_changed, dispatch_uid="search.status_changed"
        )
        listings_changed.connect(
            sync.on_listings_changed, dispatch_uid="search.listings_changed"
        )
        listings_status_changed.connect(
            sync.on_listings_status_changed, dispatch_uid="search.statuses_changed"
        )
        listing_status_changed.connect(
            saved.on_listing_status_changed, dispatch_uid="search.saved_published"
        )
        listings_status_changed.connect(
            saved.on_listings_status_changed, dispatch_uid="search.saved_published_many"
        )
        post_delete.connect(
            sync.on_listing_deleted, sender=Listing, dispatch_uid="search.deleted"
        )
        pre_save.connect(
            sync.before_organisation_saved,
            sender=Organisation,
            dispatch_uid="search.organisation_before",
        )
        post_save.connect(
            sync.on_organisation_saved,
            sender=Organisation,
            dispatch_uid="search.organisation_saved",
        )
        post_save.connect(receivers.synonyms_saved, sender=Synonym)
        post_delete.connect(receivers.synonyms_saved, sender=Synonym)
        pre_save.connect(receivers.dictionary_before_save, sender=DictionaryWord)
        post_save.connect(receivers.dictionary_saved, sender=DictionaryWord)
        post_delete.connect(receivers.dictionary_saved, sender=DictionaryWord)
