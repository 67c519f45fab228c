"""URL configuration: health, language switch, accounts, the REST API, Wagtail admin and pages."""

from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.urls import serve_pattern

from cms import routing
from cms.contact import contact
from cms.feeds import (
    LatestChallengesFeed,
    LatestDemandsFeed,
    LatestListingsFeed,
    LatestOutcomesFeed,
)
from cms.sitemaps import sitemap
from config.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/api-tokens/", include("api.token_urls")),
    path("accounts/", include("accounts.urls")),
    path("engage/", include("cms.engagement.urls")),
    # Before agents/: the matcher's queue lives under the agents' workspace.
    path("agents/proposals/", include("matching.urls")),
    path("agents/matching/", include("matching.list_urls")),
    path("agents/", include("cms.engagement.agent_urls")),
    path("introductions/", include("matching.answer_urls")),
    path("workbench/", include("cms.workbench.urls")),
    path("deals/", include("cms.deals.urls")),
    # Before challenges/: a challenge's proposed solvers come from the matcher.
    path("challenges/<int:challenge_id>/solvers/", include("matching.solver_urls")),
    path("challenges/", include("cms.challenge_urls")),
    path("review/", include("cms.review.urls")),
    path("statistics/", include("reports.urls")),
    path("", include("search.urls")),
    # After search.urls: /api/search/ stays the search page's own lean endpoint
    # (docs/api.md); everything else under /api/ is the REST API.
    path("api/", include("api.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("contact/", contact, name="contact"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("feeds/latest.atom", LatestListingsFeed(), name="feed_latest"),
    path("feeds/outcomes.atom", LatestOutcomesFeed(), name="feed_outcomes"),
    path("feeds/demands.atom", LatestDemandsFeed(), name="feed_demands"),
    path("feeds/challenges.atom", LatestChallengesFeed(), name="feed_challenges"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
elif settings.SERVE_IMAGE_RENDITIONS:
    # Without a separate media server, Django serves the image renditions (resized,
    # metadata stripped) — never the uploaded originals, whose EXIF may hold GPS data.
    # Documents always go through Wagtail's serve view, which checks permissions.
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.strip('/')}/images/(?P<path>.+)$",
            serve,
            {"document_root": settings.MEDIA_ROOT / "images"},
        )
    ]

urlpatterns += [
    # Wagtail's page addresses, but catalogue pages come from a per-process route
    # table (cms.routing); Wagtail's own helpers under _util/ stay Wagtail's.
    re_path(r"^(?!_util/)" + serve_pattern.removeprefix("^"), routing.serve),
    path("", include(wagtail_urls)),
]
