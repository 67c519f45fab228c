"""Default synonym groups and dictionary words (search/data/*.txt); operators edit them."""

from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def _lines(name):
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


def seed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    DictionaryWord = apps.get_model("search", "DictionaryWord")
    if not Synonym.objects.exists():
        Synonym.objects.bulk_create(
            Synonym(terms=line, note="default") for line in _lines("synonyms.txt")
        )
    existing = set(DictionaryWord.objects.values_list("word", flat=True))
    DictionaryWord.objects.bulk_create(
        DictionaryWord(word=word, note="default")
        for word in dict.fromkeys(_lines("dictionary.txt"))
        if word not in existing
    )


def unseed(apps, schema_editor):
    apps.get_model("search", "Synonym").objects.filter(note="default").delete()
    apps.get_model("search", "DictionaryWord").objects.filter(note="default").delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_records")]

    operations = [migrations.RunPython(seed, unseed)]
