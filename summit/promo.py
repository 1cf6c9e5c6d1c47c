"""Promo codes: look one up for a ticket type, and count its uses without ever passing the limit."""

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited

from summit.errors import DomainError
from summit.models import PromoCode

# Guessing codes. An unknown code has its own answer (promo_code_unknown), so unknown codes are
# counted per summit, from whatever address they come (one guesser can use many). Past
# GUESS_RATE, every lookup at that summit is refused until the window ends, real codes too: if
# real codes still worked while wrong ones were refused, the refusals would tell a guesser which
# codes are real. An attendee with a real code waits the window out (the message says how long);
# registering without a code is never refused. RATE_LIMITS=off turns this off with the others.
# The count lives in the cache: with the database cache (no REDIS_URL), a count made inside a
# transaction that rolls back is lost, as with the API's Idempotency-Key transaction; the README's
# deploy uses Redis, whose counts no rollback undoes.
GUESS_RATE = "20/10m"


class PromoCodeError(DomainError):
    def __init__(self, code, message, status_code=400):
        super().__init__(code, message, field="promo_code", status_code=status_code)


def _too_many_guesses(summit, *, count_one):
    # No request here: the key is the summit and any method counts, so the limiter never reads one.
    return is_ratelimited(
        None,
        group="promo_code_guesses",
        key=lambda group, request: str(summit.pk),
        rate=GUESS_RATE,
        increment=count_one,
    )


def _refuse_guessing():
    raise PromoCodeError(
        "promo_code_rate_limited",
        _("Too many promo codes were tried for this summit. Please wait 10 minutes and try again."),
        status_code=429,
    )


def find_promo_code(summit, *, code, ticket_type):
    """The active code (case-insensitive) of this summit that applies to `ticket_type`.

    Raises PromoCodeError `promo_code_unknown`, `promo_code_not_applicable` or `promo_code_used_up`,
    or `promo_code_rate_limited` (429) once too many unknown codes were tried at this summit."""
    if _too_many_guesses(summit, count_one=False):
        _refuse_guessing()
    promo = PromoCode.objects.filter(summit=summit, code__iexact=(code or "").strip(), active=True).first()
    if promo is None:
        if _too_many_guesses(summit, count_one=True):
            _refuse_guessing()
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
