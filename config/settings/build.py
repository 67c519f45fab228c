"""Settings for image builds (collectstatic, compile_translations): no services, no env."""

from pathlib import Path

from .base import *  # noqa: F403

SECRET_KEY = "build-only-not-secret-" + "x" * 40
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
STATIC_ROOT = Path("/app/staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
