from django.urls import path

from grants.views import case, yearly
from grants.views import staff_applications as applications
from grants.views import staff_pools as pools
from grants.views import staff_reports as reports

app_name = "sekretariat"

urlpatterns = [
    path("", pools.StaffHomeView.as_view(), name="home"),
    path("puljer/ny/", pools.PoolEditView.as_view(), name="pool-create"),
    path("puljer/<int:pk>/", pools.PoolDetailView.as_view(), name="pool"),
    path("puljer/<int:pk>/rediger/", pools.PoolEditView.as_view(), name="pool-edit"),
    path("puljer/<int:pk>/status/", pools.PoolStatusView.as_view(), name="pool-status"),
    path("puljer/<int:pk>/ansoegninger/", pools.ReviewQueueView.as_view(), name="queue"),
    path(
        "puljer/<int:pk>/indstilling/",
        pools.RecommendationOverviewView.as_view(),
        name="recommendation",
    ),
    path("ansoegninger/<int:pk>/", applications.StaffApplicationView.as_view(), name="application"),
    path(
        "ansoegninger/<int:pk>/behandling/",
        applications.StartReviewView.as_view(),
        name="start-review",
    ),
    path("ansoegninger/<int:pk>/retur/", applications.ReturnView.as_view(), name="return"),
    path("ansoegninger/<int:pk>/bedoemmelse/", applications.ReviewView.as_view(), name="review"),
    path(
        "ansoegninger/<int:pk>/inhabilitet/", applications.ConflictView.as_view(), name="conflict"
    ),
    path("ansoegninger/<int:pk>/indstil/", applications.RecommendView.as_view(), name="recommend"),
    path(
        "ansoegninger/<int:pk>/genoptag/",
        applications.ReopenReviewView.as_view(),
        name="reopen-review",
    ),
    path("ansoegninger/<int:pk>/afgoerelse/", applications.DecisionView.as_view(), name="decide"),
    path(
        "ansoegninger/<int:pk>/samarbejdsaftale/",
        applications.AgreementView.as_view(),
        name="agreement",
    ),
    path("ansoegninger/<int:pk>/igangsaet/", applications.ActivateView.as_view(), name="activate"),
    path("ansoegninger/<int:pk>/afslut/", applications.CloseView.as_view(), name="close"),
    path(
        "ansoegninger/<int:pk>/afrapportering/",
        applications.RequestReportView.as_view(),
        name="request-report",
    ),
    path(
        "ansoegninger/<int:pk>/restmidler/", applications.CarryOverView.as_view(), name="carry-over"
    ),
    path("bilag/<int:pk>/", applications.StaffAttachmentView.as_view(), name="attachment"),
    path("ansoegninger/<int:pk>/beskeder/", case.StaffMessagesView.as_view(), name="messages"),
    path(
        "ansoegninger/<int:pk>/anmod-om-oplysninger/",
        case.RequestInformationView.as_view(),
        name="request-information",
    ),
    path(
        "beskedfiler/<int:pk>/",
        case.StaffMessageAttachmentView.as_view(),
        name="message-attachment",
    ),
    path("breve/<int:pk>/", case.StaffLetterView.as_view(), name="letter"),
    path(
        "foreninger/<int:pk>/<slug:document>/",
        case.StaffOrganisationDocumentView.as_view(),
        name="organisation-document",
    ),
    path("persondata/", pools.PersonalDataView.as_view(), name="personal-data"),
    path("aarshjul/", yearly.YearlyCycleView.as_view(), name="calendar"),
    path("aarshjul/ny-adresse/", yearly.RenewFeedView.as_view(), name="calendar-renew"),
    path("kalender/<str:token>/aarshjul.ics", yearly.calendar_feed, name="calendar-feed"),
    path("afrapportering/", reports.ReportsOverviewView.as_view(), name="reports"),
    path("afrapportering/<int:pk>/", reports.StaffReportView.as_view(), name="report"),
    path(
        "rapportbilag/<int:pk>/",
        reports.StaffReportAttachmentView.as_view(),
        name="report-attachment",
    ),
]
