"""Uploads kept when another field of the form fails, so the owner need not choose
the files again.

A valid upload of a refused form is written to a private folder (never served) and
named in a hidden field by a token signed for this user; the next submission of the
form gets the files back as if they had been uploaded again, and the server checks
them again. Files of a form that is never sent again are removed after ``MAX_AGE``
(``forget_stale``, run whenever files are kept).
"""

from __future__ import annotations

import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

UPLOAD_FIELDS = (
    "cover_image",
    "gallery_uploads",
    "attachment_uploads",
    "proposal_document",
    "evidence_uploads",
)
# Fields of one file: a new upload replaces the kept one.
SINGLE_FIELDS = ("cover_image", "proposal_document")
TOKEN_FIELD = "kept_uploads"
MAX_AGE = 24 * 3600


def folder() -> Path:
    """Where kept files wait: outside the media root, so no URL reaches them."""
    path = Path(tempfile.gettempdir()) / "techmatch-kept-uploads"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def _salt(user_id: int) -> str:
    return f"cms.workbench.kept_uploads:{user_id}"


def keep(user_id: int, cleaned: dict[str, Any], errors: Any) -> tuple[str, list[str]]:
    """Write the valid uploads of a refused form; the token and the file names."""
    forget_stale()
    items: list[dict[str, str]] = []
    for name in UPLOAD_FIELDS:
        if name in errors:
            continue  # a refused file is not kept: the owner must choose another
        value = cleaned.get(name)
        uploads = value if isinstance(value, list) else [value] if value else []
        for upload in uploads:
            key = uuid.uuid4().hex
            upload.seek(0)
            with open(folder() / key, "wb") as target:
                for chunk in upload.chunks():
                    target.write(chunk)
            items.append(
                {
                    "field": name,
                    "key": key,
                    "name": upload.name,
                    "type": getattr(upload, "content_type", "") or "",
                }
            )
    if not items:
        return "", []
    return signing.dumps(items, salt=_salt(user_id)), [i["name"] for i in items]


def _items(user_id: int, token: str) -> list[dict[str, str]]:
    if not token:
        return []
    try:
        items = signing.loads(token, salt=_salt(user_id), max_age=MAX_AGE)
    except signing.BadSignature:
        return []  # forged, another user's or expired: nothing to restore
    return [
        item
        for item in items
        if item.get("field") in UPLOAD_FIELDS
        and str(item.get("key", "")).isalnum()
        and (folder() / item["key"]).is_file()
    ]


def restore(user_id: int, data: Any, files: Any) -> tuple[Any, list[str]]:
    """The request's files with the kept ones added where the owner chose no new
    file; and the names restored."""
    items = _items(user_id, data.get(TOKEN_FIELD, "") if data is not None else "")
    if not items:
        return files, []
    merged = MultiValueDict({key: files.getlist(key) for key in files})
    restored = []
    for item in items:
        name = item["field"]
        if name in SINGLE_FIELDS and merged.get(name):
            continue  # a new file replaces the kept one
        content = (folder() / item["key"]).read_bytes()
        upload = SimpleUploadedFile(item["name"], content, item["type"] or None)
        merged.appendlist(name, upload)
        restored.append(item["name"])
    return merged, restored


def discard(user_id: int, data: Any) -> None:
    """Remove the kept files of a form once it was saved."""
    token = data.get(TOKEN_FIELD, "") if data is not None else ""
    for item in _items(user_id, token):
        (folder() / item["key"]).unlink(missing_ok=True)


def forget_stale(now: float | None = None) -> int:
    """Remove kept files older than MAX_AGE; how many."""
    limit = (now or time.time()) - MAX_AGE
    removed = 0
    for path in folder().iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
