"""The query plan cache: reused for a repeated query, never stale after an edit."""

from search.analysis import dictionary_changed
from search.models import DictionaryWord, Synonym
from search.query import plan
from search.synonyms import synonyms_changed


def test_plan_is_made_once_for_a_repeated_query(db):
    assert plan("锂电池 隔膜 涂层") is plan("锂电池 隔膜 涂层")


def test_plan_follows_a_dictionary_word_added_after_the_query_was_planned(db):
    before = plan("氢燃料电堆系统集成")
    DictionaryWord.objects.create(word="氢燃料电堆", note="氢能")
    dictionary_changed()
    try:
        after = plan("氢燃料电堆系统集成")
    finally:
        DictionaryWord.objects.filter(word="氢燃料电堆").delete()
        dictionary_changed()

    assert "氢燃料电堆" not in before.variants[0]
    assert "氢燃料电堆" in after.variants[0]


def test_plan_follows_a_synonym_group_added_after_the_query_was_planned(db):
    Synonym.objects.filter(terms__icontains="光刻胶").delete()
    synonyms_changed()
    before = plan("光刻胶")
    Synonym.objects.create(terms="光刻胶, 抗蚀剂")
    synonyms_changed()

    after = plan("光刻胶")

    assert len(before.variants) == 1
    assert ("抗蚀剂",) in after.variants
