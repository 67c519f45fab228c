"""Search vocabulary and index status in the Wagtail admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.roles import Role
from accounts.services.roles import sync_role_groups
from search.analysis import words
from search.models import DictionaryWord, IndexOutbox, ListingText, Synonym
from tests.factories import UserFactory
from tests.factories.market import OutcomeFactory

pytestmark = pytest.mark.django_db

SYNONYM_ADD = reverse("search_synonyms:add")
SYNONYM_INDEX = reverse("search_synonyms:index")
WORD_ADD = reverse("search_dictionary:add")
STATUS = reverse("search_status:index")


@pytest.fixture
def moderator(db):
    sync_role_groups()
    return UserFactory(roles=[Role.MODERATOR])


def page_ids(client, q: str) -> list[int]:
    data = client.get(reverse("search:api"), {"q": q}).json()
    return [result["id"] for result in data["results"]]


def test_moderator_adds_a_synonym_group_and_the_next_search_uses_it(
    client, backend, index_now, moderator, django_capture_on_commit_callbacks
):
    listing = OutcomeFactory(
        published=True,
        title="KrF 光刻胶树脂合成",
        summary="面向 248 nm 曝光的光刻胶树脂，金属离子低于 10 ppb。",
        keywords=["光刻胶"],
    )
    index_now(listing)
    assert listing.pk not in page_ids(client, "抗蚀剂")
    client.force_login(moderator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            SYNONYM_ADD, {"terms": "光刻胶，抗蚀剂", "note": "", "is_active": "on"}
        )

    assert response.status_code == 302
    assert Synonym.objects.get(terms__contains="抗蚀剂").term_list() == [
        "光刻胶",
        "抗蚀剂",
    ]
    assert listing.pk in page_ids(client, "抗蚀剂")


def test_roles_after_migrate_let_moderators_and_administrators_edit_the_vocabulary(
    db,
):
    from django.contrib.auth.models import Group

    # No sync here: the groups are as migrate left them.
    for role in (Role.MODERATOR, Role.ADMINISTRATOR):
        codenames = set(
            Group.objects.get(name=role)
            .permissions.filter(content_type__app_label="search")
            .values_list("codename", flat=True)
        )
        assert codenames == {
            f"{action}_{model}"
            for model in ("synonym", "dictionaryword")
            for action in ("add", "change", "delete", "view")
        }


def test_synonym_form_needs_two_different_terms(client, moderator):
    client.force_login(moderator)

    before = Synonym.objects.count()

    response = client.post(SYNONYM_ADD, {"terms": "ＡＩ, ai", "is_active": "on"})

    assert response.status_code == 200
    assert response.context["form"].errors["terms"]
    assert Synonym.objects.count() == before


def test_moderator_lists_searches_and_edits_synonym_groups(client, moderator):
    group = Synonym.objects.create(terms="光刻胶, 抗蚀剂", note="半导体材料")
    client.force_login(moderator)

    listed = client.get(SYNONYM_INDEX, {"q": "抗蚀剂"})
    edit_url = reverse("search_synonyms:edit", args=[group.pk])
    edited = client.post(edit_url, {"terms": "光刻胶, 抗蚀剂, photoresist"})

    assert listed.status_code == 200
    assert [g.pk for g in listed.context["object_list"]] == [group.pk]
    assert edited.status_code == 302
    group.refresh_from_db()
    assert group.term_list() == ["光刻胶", "抗蚀剂", "photoresist"]
    assert not group.is_active  # the unchecked box switched it off


def test_synonym_list_is_closed_to_researchers(client, db):
    sync_role_groups()
    client.force_login(UserFactory(roles=[Role.RESEARCHER]))

    response = client.get(SYNONYM_INDEX)

    assert response.status_code == 302
    assert response.url.startswith(reverse("wagtailadmin_login"))


def test_moderator_sees_the_search_menu(client, moderator):
    client.force_login(moderator)

    page = client.get(reverse("wagtailadmin_home")).content.decode()

    assert SYNONYM_INDEX in page
    assert reverse("search_dictionary:index") in page
    assert STATUS in page


def test_dictionary_word_keeps_the_term_whole_and_resegments_listings(
    client,
    eager_celery,
    es_backend,
    index_now,
    moderator,
    django_capture_on_commit_callbacks,
):
    listing = OutcomeFactory(published=True, title="金属双极板氢燃料电堆")
    index_now(listing)
    assert "氢燃料电堆" not in words("金属双极板氢燃料电堆")
    client.force_login(moderator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(WORD_ADD, {"word": " 氢燃料电堆 ", "note": "氢能"})

    assert response.status_code == 302
    assert DictionaryWord.objects.filter(word="氢燃料电堆", note="氢能").exists()
    assert "氢燃料电堆" in words("金属双极板氢燃料电堆")
    # The listing holding the word was segmented again with it.
    assert "氢燃料电堆" in ListingText.objects.get(pk=listing.pk).title_words.split()


def test_dictionary_word_form_refuses_phrases(client, moderator):
    client.force_login(moderator)

    response = client.post(WORD_ADD, {"word": "氢 燃料"})

    assert response.status_code == 200
    assert response.context["form"].errors["word"]


def test_index_status_shows_health_and_pending_changes(client, es_backend, moderator):
    IndexOutbox.objects.create(listing_id=123456, attempts=3, last_error="timed out")
    client.force_login(moderator)

    response = client.get(STATUS)
    page = response.content.decode()

    assert response.status_code == 200
    assert response.context["healthy"] is True
    assert response.context["pending"] == 1
    assert "timed out" in page and "123456" in page


def test_index_status_says_when_the_engine_is_down(client, settings, moderator):
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    client.force_login(moderator)

    response = client.get(STATUS)

    assert response.status_code == 200
    assert response.context["healthy"] is False
    assert "help-critical" in response.content.decode()


def test_index_status_is_closed_to_researchers(client, db):
    sync_role_groups()
    client.force_login(UserFactory(roles=[Role.RESEARCHER]))

    assert client.get(STATUS).status_code in (302, 403)
