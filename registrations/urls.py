from django.urls import path

from registrations import api, badge_api, badge_views, views

app_name = "registrations"

api_urlpatterns = [
    path("summits/<slug:slug>/", api.SummitDetailAPI.as_view(), name="api-summit-detail"),
    path(
        "summits/<slug:slug>/registrations/",
        api.RegistrationListCreateAPI.as_view(),
        name="api-registrations",
    ),
    path(
        "summits/<slug:slug>/registrations/export.csv",
        api.RegistrationExportAPI.as_view(),
        name="api-registrations-export",
    ),
    path(
        "summits/<slug:slug>/registrations/<uuid:registration_id>/badge/reissue/",
        badge_api.ReissueBadgeAPI.as_view(),
        name="api-badge-reissue",
    ),
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
]

urlpatterns = [
    path("summits/<slug:slug>/", views.summit_page, name="summit"),
    path("summits/<slug:slug>/thanks/", views.thanks, name="thanks"),
    path("summits/<slug:slug>/link/", views.send_link, name="send-link"),
    path("summits/<slug:slug>/staff/register/", views.assisted_registration, name="assisted"),
    path("r/<str:token>/", views.manage, name="manage"),
    path("r/<str:token>/badge.png", badge_views.attendee_badge_png, name="badge-png"),
    path("summits/<slug:slug>/badges/", badge_views.badge_sheets_page, name="badge-sheets"),
    path(
        "summits/<slug:slug>/badges/sheets/<uuid:job_id>/",
        badge_views.badge_sheet_page,
        name="badge-sheet",
    ),
    path(
        "summits/<slug:slug>/badges/sheets/<uuid:job_id>/pdf/",
        badge_views.badge_sheet_download,
        name="badge-sheet-download",
    ),
]
