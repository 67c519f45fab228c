"""Reference data kept as rows so operators can extend it: technology fields and regions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class _Bilingual(models.Model):
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language (Chinese unless English is active)."""
        language = get_language() or "zh-hans"
        return self.name_en if language.startswith("en") and self.name_en else self.name


class TechFieldQuerySet(models.QuerySet["TechField"]):
    def top_level(self) -> TechFieldQuerySet:
        return self.filter(parent__isnull=True, is_active=True)


class TechField(_Bilingual):
    """A field of the national key supported high-tech fields (国家重点支持的高新技术领域).

    Two levels: eight fields (code "01".."08") and their sub-fields ("0101"...).
    """

    code = models.CharField(_("code"), max_length=10, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent field"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    keywords = models.JSONField(_("typical keywords"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = TechFieldQuerySet.as_manager()

    class Meta:
        verbose_name = _("technology field")
        verbose_name_plural = _("technology fields")
        ordering = ["code"]

    @property
    def top(self) -> TechField:
        """The top-level field this field belongs to (itself when top-level)."""
        return self.parent if self.parent_id else self  # type: ignore[return-value]


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    CITY = 2, _("City")
    DISTRICT = 3, _("District")


class Region(_Bilingual):
    """An administrative division with its GB/T 2260 code: province, city or district."""

    code = models.CharField(_("GB/T 2260 code"), max_length=6, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=RegionLevel.choices)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def path(self) -> list[Region]:
        """Province first, then city, then district (one query per level above)."""
        chain: list[Region] = []
        node: Region | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    @property
    def full_name(self) -> str:
        names: list[str] = []
        for region in self.path():
            # Municipalities repeat their own name at city level (北京市 北京市).
            if not names or names[-1] != region.label:
                names.append(region.label)
        return " ".join(names)
