"""URLs of the public search page and the JSON search API."""

from django.urls import path

from search import saved_views, views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="page"),
    path("api/search/", views.search_api, name="api"),
    path("api/search/suggest/", views.suggest_api, name="suggest"),
    path("search/saved/", saved_views.saved_searches, name="saved_searches"),
    path("search/saved/new/", saved_views.save_search, name="saved_search_create"),
    path(
        "search/saved/<int:pk>/delete/",
        saved_views.delete_saved_search,
        name="saved_search_delete",
    ),
    path(
        "search/saved/<int:pk>/pause/",
        saved_views.pause_saved_search,
        name="saved_search_pause",
    ),
]
