from django.urls import path

from registrations.announcements import api as announcement_api
from registrations.announcements import views as announcement_views
from registrations.badges import api as badge_api
from registrations.badges import views as badge_views
from registrations.door import api as checkin_api
from registrations.door import views as checkin_views
from registrations.payments import views as payment_views
from registrations.seats import api, views
from registrations.setup import api as setup_api

app_name = "registrations"

api_urlpatterns = [
    # GET: the public details (api.SummitDetailAPI's); PATCH: a planner's setup.
    path("summits/<slug:slug>/", setup_api.SummitAPI.as_view(), name="api-summit-detail"),
    path("summits/<slug:slug>/ticket-types/", setup_api.TicketTypeListAPI.as_view(), name="api-ticket-types"),
    path(
        "summits/<slug:slug>/ticket-types/<slug:ticket_slug>/",
        setup_api.TicketTypeAPI.as_view(),
        name="api-ticket-type",
    ),
    path("summits/<slug:slug>/groups/", setup_api.PlanningGroupListAPI.as_view(), name="api-groups"),
    path(
        "summits/<slug:slug>/groups/<slug:group_slug>/",
        setup_api.PlanningGroupAPI.as_view(),
        name="api-group",
    ),
    path("summits/<slug:slug>/promo-codes/", setup_api.PromoCodeListAPI.as_view(), name="api-promo-codes"),
    path(
        "summits/<slug:slug>/promo-codes/<int:promo_id>/",
        setup_api.PromoCodeAPI.as_view(),
        name="api-promo-code",
    ),
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
        "summits/<slug:slug>/messages/", announcement_api.AnnouncementListAPI.as_view(), name="api-messages"
    ),
    path("summits/<slug:slug>/checkins/", checkin_api.CheckInAPI.as_view(), name="api-checkins"),
    path(
        "summits/<slug:slug>/checkins/batch/",
        checkin_api.CheckInBatchAPI.as_view(),
        name="api-checkins-batch",
    ),
    path("summits/<slug:slug>/checkins/tap/", checkin_api.TapCheckInAPI.as_view(), name="api-checkins-tap"),
    path(
        "summits/<slug:slug>/checkins/undo/", checkin_api.UndoCheckInAPI.as_view(), name="api-checkins-undo"
    ),
    path(
        "summits/<slug:slug>/checkins/search/",
        checkin_api.AttendeeSearchAPI.as_view(),
        name="api-checkins-search",
    ),
    path("summits/<slug:slug>/checkins/stats/", checkin_api.DoorStatsAPI.as_view(), name="api-door-stats"),
    path(
        "summits/<slug:slug>/checkins/dashboard/",
        checkin_api.DoorDashboardAPI.as_view(),
        name="api-door-dashboard",
    ),
    path("summits/<slug:slug>/door-list/", checkin_api.DoorListAPI.as_view(), name="api-door-list"),
    path(
        "summits/<slug:slug>/registrations/<uuid:registration_id>/cancel/",
        setup_api.CancelRegistrationAPI.as_view(),
        name="api-registration-cancel",
    ),
    path(
        "summits/<slug:slug>/registrations/<uuid:registration_id>/offer/",
        setup_api.OfferSeatAPI.as_view(),
        name="api-registration-offer",
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
    path("unsubscribe/<str:token>/", announcement_views.unsubscribe_page, name="unsubscribe"),
    path("summits/<slug:slug>/messages/", announcement_views.announcements_page, name="messages"),
    path("summits/<slug:slug>/door/", checkin_views.door_page, name="door-page"),
    path("summits/<slug:slug>/door/sign-out/", checkin_views.door_sign_out, name="door-sign-out"),
    path("summits/<slug:slug>/door/links/", checkin_views.door_links_page, name="door-links"),
    path("summits/<slug:slug>/door/dashboard/", checkin_views.door_dashboard_page, name="door-dashboard"),
    path("door/<str:token>/", checkin_views.door_link_open, name="door-link-open"),
    path("webhooks/stripe/", payment_views.stripe_webhook, name="stripe-webhook"),
    path("r/<str:token>/pay/", payment_views.pay, name="payment-pay"),
    path("r/<str:token>/paid/", payment_views.payment_return, name="payment-return"),
    path("r/<str:token>/payment-cancelled/", payment_views.payment_cancelled, name="payment-cancelled"),
    path("r/<str:token>/badge.png", badge_views.attendee_badge_png, name="badge-png"),
    path("r/<str:token>/badge.pdf", badge_views.attendee_badge_pdf, name="badge-pdf"),
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
