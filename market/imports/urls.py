"""Admin URL patterns of import and export, namespace ``market_imports``.

``include("market.imports.urls")`` from a ``register_admin_urls`` hook.
"""

from market.imports.admin_views import get_urlpatterns

app_name = "market_imports"
urlpatterns = get_urlpatterns()
