"""Background work for payments, through Django's tasks framework."""

from django_tasks import task

from registrations.payments import services as checkout
from registrations.payments import stripe_client as payments


@task()
def expire_holds_task():
    """Periodic: close run-out holds (see checkout.expire_holds). Returns the report as a dict."""
    if not payments.payments_enabled():
        return {}
    report = checkout.expire_holds()
    return {
        "released": report.released,
        "confirmed": report.confirmed,
        "refunded": report.refunded,
        "still_open": report.still_open,
        "errors": report.errors,
    }


@task()
def send_refund_task(payment_id: int):
    return checkout.send_refund(payment_id).status
