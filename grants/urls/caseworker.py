from django.urls import path

from grants.views import case, new_application, people, reporting
from grants.views import caseworker as views

app_name = "mine"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("tidligere/", views.ArchiveView.as_view(), name="archive"),
    path("puljer/<int:pool_id>/ny/", new_application.StartApplicationView.as_view(), name="start"),
    path("ansoegninger/<int:pk>/", views.ApplicationDetailView.as_view(), name="detail"),
    path("ansoegninger/<int:pk>/rediger/", views.ApplicationEditView.as_view(), name="edit"),
    path("ansoegninger/<int:pk>/autosave/", views.AutosaveView.as_view(), name="autosave"),
    path("ansoegninger/<int:pk>/indsend/", views.SubmitView.as_view(), name="submit"),
    path("ansoegninger/<int:pk>/kvittering/", views.ReceiptView.as_view(), name="receipt"),
    path("ansoegninger/<int:pk>/ansoegning.pdf", views.ApplicationPdfView.as_view(), name="pdf"),
    path("ansoegninger/<int:pk>/traek-tilbage/", views.WithdrawView.as_view(), name="withdraw"),
    path("ansoegninger/<int:pk>/slet/", views.DeleteDraftView.as_view(), name="delete"),
    path("bilag/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment"),
    path("afrapportering/<int:pk>/", reporting.ReportEditView.as_view(), name="report"),
    path(
        "rapportbilag/<int:pk>/",
        reporting.ReportAttachmentView.as_view(),
        name="report-attachment",
    ),
    path("ansoegninger/<int:pk>/beskeder/", case.ApplicantMessagesView.as_view(), name="messages"),
    path("anmodninger/<int:pk>/", case.AnswerRequestView.as_view(), name="answer"),
    path(
        "beskedfiler/<int:pk>/",
        case.ApplicantMessageAttachmentView.as_view(),
        name="message-attachment",
    ),
    path("forening/", people.OrganisationPeopleView.as_view(), name="organisation"),
    path(
        "forening/oplysninger/",
        people.OrganisationDetailsView.as_view(),
        name="organisation-details",
    ),
    path(
        "forening/dokumenter/<slug:document>/",
        people.OrganisationDocumentView.as_view(),
        name="organisation-document",
    ),
    path(
        "forening/fjern/<int:person_id>/",
        people.RemoveColleagueView.as_view(),
        name="remove-colleague",
    ),
    path("breve/<int:pk>/", case.ApplicantLetterView.as_view(), name="letter"),
]
