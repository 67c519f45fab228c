"""Search page and JSON endpoints (built by the search web task)."""

from django.http import HttpRequest, HttpResponse, JsonResponse


def search_page(request: HttpRequest) -> HttpResponse:
    """The public faceted search page."""
    return HttpResponse("TODO")


def search_api(request: HttpRequest) -> JsonResponse:
    """The JSON search endpoint."""
    return JsonResponse({})


def suggest_api(request: HttpRequest) -> JsonResponse:
    """As-you-type suggestions."""
    return JsonResponse({})
