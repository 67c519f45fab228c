"""The transfer agents' workspace, mounted at /agents/ under the namespace ``agents``."""

from django.urls import path

from cms.engagement import conversation_views

app_name = "agents"

urlpatterns = [
    path("", conversation_views.agent_workspace, name="workspace"),
]
