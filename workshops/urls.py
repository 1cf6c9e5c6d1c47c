from django.urls import path

from workshops.assignment import api as assignment_api
from workshops.assignment import views as assignment_views
from workshops.recommendations import api as recommendation_api
from workshops.recommendations import views as recommendation_views
from workshops.report import api as report_api
from workshops.report import views as report_views

# Included without a namespace (summit/urls.py), so page names carry a prefix.
S = "summits/<slug:slug>/"

api_urlpatterns = [
    path(
        "summits/<slug:slug>/assignment/runs/",
        assignment_api.AssignmentRunsAPI.as_view(),
        name="api-assignment-runs",
    ),
    path(
        "summits/<slug:slug>/assignment/runs/<int:run_id>/",
        assignment_api.AssignmentRunDetailAPI.as_view(),
        name="api-assignment-run",
    ),
    path(
        "summits/<slug:slug>/assignment/publish/",
        assignment_api.PublishAPI.as_view(),
        name="api-assignment-publish",
    ),
    path("summits/<slug:slug>/assignments/", assignment_api.AssignmentsAPI.as_view(), name="api-assignments"),
    path(
        "summits/<slug:slug>/assignments/<uuid:registration_id>/",
        assignment_api.AssignmentDetailAPI.as_view(),
        name="api-assignment",
    ),
    path(
        S + "recommendations/", recommendation_api.RecommendationListAPI.as_view(), name="api-recommendations"
    ),
    path(
        S + "recommendations/<int:pk>/",
        recommendation_api.RecommendationDetailAPI.as_view(),
        name="api-recommendation",
    ),
    path(
        S + "recommendations/<int:pk>/quotes/",
        recommendation_api.QuoteAPI.as_view(),
        name="api-recommendation-quotes",
    ),
    path(
        S + "recommendations/<int:pk>/tally/",
        recommendation_api.TallyAPI.as_view(),
        name="api-recommendation-tally",
    ),
    path(
        S + "recommendations/<int:pk>/merge/",
        recommendation_api.MergeAPI.as_view(),
        name="api-recommendation-merge",
    ),
    path(
        S + "recommendations/<int:pk>/shortlist/",
        recommendation_api.ShortlistAPI.as_view(),
        name="api-recommendation-shortlist",
    ),
    path(S + "rounds/", recommendation_api.RoundListAPI.as_view(), name="api-rounds"),
    path(S + "rounds/<int:pk>/close/", recommendation_api.RoundCloseAPI.as_view(), name="api-round-close"),
    path(
        S + "rounds/<int:pk>/results/", recommendation_api.RoundResultsAPI.as_view(), name="api-round-results"
    ),
    path(S + "rounds/<int:pk>/votes/", recommendation_api.KioskVoteAPI.as_view(), name="api-round-votes"),
    path(
        S + "rounds/<int:pk>/paper-ballots/",
        recommendation_api.PaperBallotAPI.as_view(),
        name="api-round-paper-ballots",
    ),
    path(S + "exports/<str:what>.<str:fmt>", recommendation_api.ExportAPI.as_view(), name="api-export"),
    path(S + "reports/", report_api.ReportListAPI.as_view(), name="api-reports"),
    path(S + "reports/<int:pk>/", report_api.ReportDetailAPI.as_view(), name="api-report"),
    path(
        S + "reports/<int:pk>/download/",
        report_api.ReportDownloadAPI.as_view(),
        name="api-report-download",
    ),
]

urlpatterns = [
    path("summits/<slug:slug>/planner/groups/", assignment_views.planner_groups, name="planner-groups"),
    path(
        "summits/<slug:slug>/groups/<slug:group_slug>/roster.csv",
        assignment_views.roster_csv,
        name="roster-csv",
    ),
    path(
        "summits/<slug:slug>/groups/<slug:group_slug>/roster.pdf",
        assignment_views.roster_pdf,
        name="roster-pdf",
    ),
    path(
        S + "groups/<slug:group_slug>/facilitate/",
        recommendation_views.facilitate,
        name="workshops-facilitate",
    ),
    path(S + "recommendations/review/", recommendation_views.review, name="workshops-review"),
    path(S + "vote/kiosk/", recommendation_views.kiosk, name="workshops-kiosk"),
    path(S + "vote/paper/", recommendation_views.paper_ballots, name="workshops-paper-ballots"),
    path(S + "reports/", report_views.reports, name="workshops-reports"),
    path(
        S + "reports/<int:pk>/download/",
        report_views.report_download,
        name="workshops-report-download",
    ),
    path("r/<str:token>/vote/", recommendation_views.vote, name="workshops-vote"),
]
