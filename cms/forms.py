"""Forms of the Wagtail admin that the editorial layer replaces."""

from __future__ import annotations

from typing import Any

from wagtail.documents.forms import BaseDocumentForm

from market.uploads import check_pdf


class CheckedDocumentForm(BaseDocumentForm):
    """Wagtail's document form, refusing files that ``check_pdf`` refuses.

    Editors upload policy texts and event programmes here; those files are served to
    the public like listing attachments, so they pass the same content check.
    """

    def clean_file(self) -> Any:
        file = self.cleaned_data.get("file")
        # An unchanged file on the edit form is the stored one, checked before.
        if file and "file" in self.changed_data:
            check_pdf(file)
        return file
