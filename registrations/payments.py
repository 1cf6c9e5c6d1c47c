"""Stripe payments: the only module that imports stripe."""

from django.conf import settings


def payments_enabled():
    return bool(settings.STRIPE_SECRET_KEY)
