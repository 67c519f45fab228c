"""The project's URLs plus /bench/minimal/, the yardstick view."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def minimal(request: HttpRequest) -> HttpResponse:
    """The least a Django view can do: the baseline the pages are measured against."""
    return HttpResponse("ok", content_type="text/plain")


_PAGE = b"<!-- a catalogue-sized page -->" + b"x" * 25_400


def page_bytes(request: HttpRequest) -> HttpResponse:
    """A catalogue-sized page from memory: what sending the bytes alone costs."""
    return HttpResponse(_PAGE, content_type="text/html; charset=utf-8")


urlpatterns = [
    path("bench/minimal/", minimal),
    path("bench/page-bytes/", page_bytes),
    *project_urlpatterns,
]
