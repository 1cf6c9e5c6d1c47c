from django.urls import path

from registrations import api, badge_api, badge_views

api_urlpatterns = [
    path("summits/<slug:slug>/", api.SummitDetailAPI.as_view(), name="api-summit-detail"),
    path("summits/<slug:slug>/badge-sheets/", badge_api.BadgeSheetListAPI.as_view(), name="api-badge-sheets"),
    path(
        "summits/<slug:slug>/badge-sheets/<uuid:job_id>/",
        badge_api.BadgeSheetDetailAPI.as_view(),
        name="api-badge-sheet",
    ),
    path(
        "summits/<slug:slug>/badge-sheets/<uuid:job_id>/pdf/",
        badge_api.BadgeSheetPDFAPI.as_view(),
        name="api-badge-sheet-pdf",
    ),
    path(
        "summits/<slug:slug>/registrations/<uuid:registration_id>/badge/reissue/",
        badge_api.ReissueBadgeAPI.as_view(),
        name="api-badge-reissue",
    ),
]

urlpatterns = [
    path("summits/<slug:slug>/badges/", badge_views.badge_sheets_page, name="badge-sheets-page"),
    path(
        "summits/<slug:slug>/badges/sheets/<uuid:job_id>/",
        badge_views.badge_sheet_page,
        name="badge-sheet-page",
    ),
    path(
        "summits/<slug:slug>/badges/sheets/<uuid:job_id>/pdf/",
        badge_views.badge_sheet_download,
        name="badge-sheet-download",
    ),
]
