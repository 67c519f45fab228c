"""Project configuration: settings, the Celery app, URLs and the health check."""

from config.celery import app as celery_app

__all__ = ("celery_app",)
