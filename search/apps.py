"""Search app configuration: listens to the market's signals."""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from cms.challenges import register_board_search
        from market.models import Challenge, ChallengeIndicator, Listing, Organisation
        from market.signals import (
            challenge_status_changed,
            listing_status_changed,
            listings_changed,
            listings_status_changed,
        )
        from search import (
            challenges,
            labels,  # noqa: F401 - labels listens too
            receivers,
            saved,
            selectors,
            sync,
        )
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
        # Challenges (not a listing kind): search.challenges says what they are.
        post_save.connect(
            challenges.on_challenge_saved,
            sender=Challenge,
            dispatch_uid="search.challenge_saved",
        )
        challenge_status_changed.connect(
            challenges.on_challenge_status_changed,
            dispatch_uid="search.challenge_status_changed",
        )
        challenge_status_changed.connect(
            saved.on_challenge_status_changed,
            dispatch_uid="search.saved_challenge_published",
        )
        post_delete.connect(
            challenges.on_challenge_deleted,
            sender=Challenge,
            dispatch_uid="search.challenge_deleted",
        )
        for signal in (post_save, post_delete):
            signal.connect(
                challenges.on_indicator_changed,
                sender=ChallengeIndicator,
                dispatch_uid=f"search.indicator_{signal is post_save}",
            )
        register_board_search(selectors.challenge_ids)
        post_save.connect(receivers.synonyms_saved, sender=Synonym)
        post_delete.connect(receivers.synonyms_saved, sender=Synonym)
        pre_save.connect(receivers.dictionary_before_save, sender=DictionaryWord)
        post_save.connect(receivers.dictionary_saved, sender=DictionaryWord)
        post_delete.connect(receivers.dictionary_saved, sender=DictionaryWord)
