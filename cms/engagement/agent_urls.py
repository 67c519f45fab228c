"""The transfer agents' workspace, mounted at /agents/ under the namespace ``agents``."""

from django.urls import path

from cms.deals import views as deal_views
from cms.engagement import conversation_views

app_name = "agents"

urlpatterns = [
    path("", conversation_views.agent_workspace, name="workspace"),
    path("pipeline/", deal_views.pipeline, name="pipeline"),
    path("pipelines/", deal_views.pipelines, name="pipelines"),
]
