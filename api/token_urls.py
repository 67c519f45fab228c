"""The token page in the user's profile, mounted at /accounts/api-tokens/."""

from django.urls import path

from api.views import tokens

app_name = "api_tokens"

urlpatterns = [
    path("", tokens.tokens, name="list"),
    path("<int:token_id>/revoke/", tokens.revoke, name="revoke"),
]
