"""Receivers for the operators' synonym and dictionary edits."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from search.analysis import dictionary_changed
from search.synonyms import synonyms_changed


def synonyms_saved(sender: Any, **kwargs: Any) -> None:
    """A synonym group changed: every process reloads the groups on its next search."""
    transaction.on_commit(synonyms_changed)


def dictionary_before_save(sender: Any, *, instance: Any, **kwargs: Any) -> None:
    """Remember a word's old spelling: listings holding it are re-segmented too."""
    if instance.pk:
        instance._old_word = (
            type(instance)
            .objects.filter(pk=instance.pk)
            .values_list("word", flat=True)
            .first()
        )


def dictionary_saved(sender: Any, *, instance: Any, **kwargs: Any) -> None:
    """A dictionary word changed: reload jieba everywhere, re-segment what contains it."""
    words = {instance.word, getattr(instance, "_old_word", None) or instance.word}

    def after_commit() -> None:
        from search.tasks import resegment_containing

        dictionary_changed()
        try:
            for word in words:
                resegment_containing.delay(word)
        except Exception:  # broker down: `search_reindex --resegment` does it later
            import logging

            logging.getLogger(__name__).warning("could not schedule re-segmentation")

    transaction.on_commit(after_commit)
