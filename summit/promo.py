"""Promo codes: look one up for a ticket type, and count its uses without ever passing the limit."""

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from summit.errors import DomainError
from summit.models import PromoCode


class PromoCodeError(DomainError):
    def __init__(self, code, message):
        super().__init__(code, message, field="promo_code", status_code=400)


def find_promo_code(summit, *, code, ticket_type):
    """The active code (case-insensitive) of this summit that applies to `ticket_type`.

    Raises PromoCodeError `promo_code_unknown`, `promo_code_not_applicable` or `promo_code_used_up`."""
    promo = PromoCode.objects.filter(summit=summit, code__iexact=(code or "").strip(), active=True).first()
    if promo is None:
        raise PromoCodeError("promo_code_unknown", _("This promo code is not valid for this summit."))
    limited_to = set(promo.ticket_types.values_list("pk", flat=True))
    if ticket_type.is_free or (limited_to and ticket_type.pk not in limited_to):
        raise PromoCodeError(
            "promo_code_not_applicable", _("This promo code does not apply to the ticket type you chose.")
        )
    if promo.max_uses is not None and promo.uses >= promo.max_uses:
        raise PromoCodeError(
            "promo_code_used_up", _("This promo code has been used as many times as allowed.")
        )
    return promo


def redeem_promo_code(promo):
    """Count one use, atomically: UPDATE ... WHERE uses < max_uses. Call inside the transaction
    that creates the registration, so a failed registration gives the use back."""
    taken = (
        PromoCode.objects.filter(pk=promo.pk)
        .filter(Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")))
        .update(uses=F("uses") + 1)
    )
    if not taken:
        raise PromoCodeError(
            "promo_code_used_up", _("This promo code has been used as many times as allowed.")
        )


def release_promo_code(promo):
    """Give a use back (a hold that expired unpaid)."""
    PromoCode.objects.filter(pk=promo.pk, uses__gt=0).update(uses=F("uses") - 1)
