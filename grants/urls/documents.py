from django.urls import path

from grants.views import action_plans
from grants.views import documents as views

app_name = "dokumenter"

urlpatterns = [
    path("handleplaner/", views.ActionPlanListView.as_view(), name="action-plans"),
    path("handleplaner/ny/", action_plans.ActionPlanEditView.as_view(), name="action-plan-create"),
    path("handleplaner/<int:pk>/", views.ActionPlanView.as_view(), name="action-plan"),
    path(
        "handleplaner/<int:pk>/rediger/",
        action_plans.ActionPlanEditView.as_view(),
        name="action-plan-edit",
    ),
    path(
        "handleplaner/<int:pk>/handleplan.pdf",
        views.ActionPlanPdfView.as_view(),
        name="action-plan-pdf",
    ),
    path(
        "handleplaner/<int:pk>/handleplan.xlsx",
        views.ActionPlanXlsxView.as_view(),
        name="action-plan-xlsx",
    ),
    path(
        "puljer/<int:pk>/indstilling.pdf",
        views.RecommendationDownloadView.as_view(format="pdf"),
        name="recommendation-pdf",
    ),
    path(
        "puljer/<int:pk>/indstilling.xlsx",
        views.RecommendationDownloadView.as_view(format="xlsx"),
        name="recommendation-xlsx",
    ),
    path(
        "puljer/<int:pk>/ansoegninger.xlsx",
        views.QueueExportView.as_view(format="xlsx"),
        name="queue-xlsx",
    ),
    path(
        "puljer/<int:pk>/ansoegninger.csv",
        views.QueueExportView.as_view(format="csv"),
        name="queue-csv",
    ),
    path(
        "puljer/<int:pk>/status.xlsx",
        views.PoolStatusExportView.as_view(format="xlsx"),
        name="pool-xlsx",
    ),
    path(
        "puljer/<int:pk>/status.csv",
        views.PoolStatusExportView.as_view(format="csv"),
        name="pool-csv",
    ),
    path("resultater/", views.ResultsView.as_view(), name="results"),
    path("resultater.xlsx", views.ResultsXlsxView.as_view(), name="results-xlsx"),
]
