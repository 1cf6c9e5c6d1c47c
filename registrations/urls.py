from django.urls import path

from registrations import api, payment_views

api_urlpatterns = [
    path("summits/<slug:slug>/", api.SummitDetailAPI.as_view(), name="api-summit-detail"),
]

urlpatterns = [
    path("webhooks/stripe/", payment_views.stripe_webhook, name="stripe-webhook"),
    path("registrations/<uuid:public_id>/pay/", payment_views.pay, name="payment-pay"),
    path("registrations/<uuid:public_id>/paid/", payment_views.payment_return, name="payment-return"),
    path(
        "registrations/<uuid:public_id>/payment-cancelled/",
        payment_views.payment_cancelled,
        name="payment-cancelled",
    ),
]
