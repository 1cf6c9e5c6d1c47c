from django.urls import path

from registrations import api, payment_views, views

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
]

urlpatterns = [
    path("summits/<slug:slug>/", views.summit_page, name="summit"),
    path("summits/<slug:slug>/thanks/", views.thanks, name="thanks"),
    path("summits/<slug:slug>/link/", views.send_link, name="send-link"),
    path("summits/<slug:slug>/staff/register/", views.assisted_registration, name="assisted"),
    path("r/<str:token>/", views.manage, name="manage"),
    path("webhooks/stripe/", payment_views.stripe_webhook, name="stripe-webhook"),
    path("registrations/<uuid:public_id>/pay/", payment_views.pay, name="payment-pay"),
    path("registrations/<uuid:public_id>/paid/", payment_views.payment_return, name="payment-return"),
    path(
        "registrations/<uuid:public_id>/payment-cancelled/",
        payment_views.payment_cancelled,
        name="payment-cancelled",
    ),
]
