from django.urls import path

from workshops import api, views

# Included without a namespace (summit/urls.py), so page names carry a "workshops-" prefix.
S = "summits/<slug:slug>/"

api_urlpatterns = [
    path(S + "recommendations/", api.RecommendationListAPI.as_view(), name="api-recommendations"),
    path(S + "recommendations/<int:pk>/", api.RecommendationDetailAPI.as_view(), name="api-recommendation"),
    path(S + "recommendations/<int:pk>/quotes/", api.QuoteAPI.as_view(), name="api-recommendation-quotes"),
    path(S + "recommendations/<int:pk>/tally/", api.TallyAPI.as_view(), name="api-recommendation-tally"),
    path(S + "recommendations/<int:pk>/merge/", api.MergeAPI.as_view(), name="api-recommendation-merge"),
    path(
        S + "recommendations/<int:pk>/shortlist/",
        api.ShortlistAPI.as_view(),
        name="api-recommendation-shortlist",
    ),
    path(S + "rounds/", api.RoundListAPI.as_view(), name="api-rounds"),
    path(S + "rounds/<int:pk>/close/", api.RoundCloseAPI.as_view(), name="api-round-close"),
    path(S + "rounds/<int:pk>/results/", api.RoundResultsAPI.as_view(), name="api-round-results"),
    path(S + "rounds/<int:pk>/votes/", api.KioskVoteAPI.as_view(), name="api-round-votes"),
    path(S + "rounds/<int:pk>/paper-ballots/", api.PaperBallotAPI.as_view(), name="api-round-paper-ballots"),
    path(S + "exports/<str:what>.<str:fmt>", api.ExportAPI.as_view(), name="api-export"),
    path(S + "reports/", api.ReportListAPI.as_view(), name="api-reports"),
    path(S + "reports/<int:pk>/", api.ReportDetailAPI.as_view(), name="api-report"),
    path(S + "reports/<int:pk>/download/", api.ReportDownloadAPI.as_view(), name="api-report-download"),
]

urlpatterns = [
    path(S + "groups/<slug:group_slug>/facilitate/", views.facilitate, name="workshops-facilitate"),
    path(S + "recommendations/review/", views.review, name="workshops-review"),
    path(S + "vote/kiosk/", views.kiosk, name="workshops-kiosk"),
    path(S + "vote/paper/", views.paper_ballots, name="workshops-paper-ballots"),
    path(S + "reports/", views.reports, name="workshops-reports"),
    path(S + "reports/<int:pk>/download/", views.report_download, name="workshops-report-download"),
    path("r/<str:token>/vote/", views.vote, name="workshops-vote"),
]
