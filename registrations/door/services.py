"""Door check-in: admit a badge once, say why not otherwise, and keep an audit of every attempt.

The shape follows pretix's perform_checkin: lock the registration row, then check, then write.
The database guarantees one admission per registration (CheckIn.registration is a OneToOne);
the lock makes concurrent scans of one badge queue, so exactly one of them answers `ok` and
the others `already_checked_in`, with the first time and who.
"""

import dataclasses
import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, ExpressionWrapper, IntegerField, Q
from django.db.models.functions import ExtractMinute, Mod, TruncHour
from django.utils import timezone
from django.utils.translation import gettext as _

from registrations.badges.codes import registrations_with_code
from registrations.models import CheckIn, Registration, ScanLog
from registrations.search import search_by_name
from summit.errors import DomainError
from summit.models import PlanningGroup, Sector

OK = ScanLog.Result.OK
ALREADY = ScanLog.Result.ALREADY
UNKNOWN = ScanLog.Result.UNKNOWN
NOT_ADMITTED = ScanLog.Result.NOT_ADMITTED

NOT_ADMITTED_REASONS = {
    Registration.Status.CANCELLED: "cancelled",
    Registration.Status.WAITLISTED: "waitlisted",
    Registration.Status.PENDING_PAYMENT: "unpaid",
}
# What a door answer shows of a registration, and the status it is decided on: all that a scan reads.
DOOR_FIELDS = (
    "public_id",
    "status",
    "first_name",
    "last_name",
    "accessibility_needs",
    "interpretation_needs",
    "dietary_needs",
    "childcare_needs",
    "group__name",
    "group__name_es",
    "group__room",
)
UNDO_WINDOW = datetime.timedelta(minutes=2)
SEARCH_LIMIT = 20
# An offline device's clock may be off; a scan time further than this from ours is not believed.
MAX_CLOCK_SKEW = datetime.timedelta(hours=12)


class CheckInError(DomainError):
    """A door action refused (bad search, nothing to undo...). Codes are stable."""


@dataclasses.dataclass(frozen=True)
class CheckInResult:
    result: str  # ok, already_checked_in, unknown, not_admitted
    registration: Registration | None = None
    check_in: CheckIn | None = None
    reason: str = ""  # for not_admitted: cancelled, waitlisted, unpaid
    replayed: bool = False  # answered from an earlier request with the same nonce
    flagged: bool = False  # an offline admission the server refuses

    @property
    def status_code(self):
        return {OK: 201, ALREADY: 200, UNKNOWN: 404, NOT_ADMITTED: 409}[self.result]


def staff_label(user):
    """How a volunteer is named to other volunteers: a first name (a door link's account carries the
    link's label there), or the part of the email before the @ (never the full address)."""
    if user is None:
        return ""
    return user.first_name or user.get_username().split("@")[0]


def _clean_scan_time(scanned_at, now):
    if scanned_at is None or abs(scanned_at - now) > MAX_CLOCK_SKEW:
        return now
    return min(scanned_at, now)


def _replay(summit, by, nonce):
    """The answer already given to this nonce, or None."""
    if not nonce:
        return None
    log = (
        ScanLog.objects.select_related("registration__group", "registration__check_in__by")
        .filter(summit=summit, by=by, nonce=nonce)
        .first()
    )
    if log is None:
        return None
    registration = log.registration
    check_in = getattr(registration, "check_in", None) if registration else None
    return CheckInResult(
        log.result, registration, check_in, reason=log.reason, replayed=True, flagged=log.flagged
    )


def _decide(registration, *, summit, by, device, nonce, scanned_at, offline):
    """Under the registration's row lock: admit (writing the CheckIn), or say why not."""
    # Asked after the lock is held, so it sees a check-in committed by whoever held the lock before us.
    # (A join in the locking query would not: its rows come from before the wait.) The cheap
    # existence test first: most scans are first scans.
    if CheckIn.objects.filter(registration=registration).exists():
        existing = CheckIn.objects.select_related("by").get(registration=registration)
        return CheckInResult(ALREADY, registration, existing, flagged=offline)
    if registration.status != Registration.Status.CONFIRMED:
        reason = NOT_ADMITTED_REASONS.get(registration.status, registration.status)
        return CheckInResult(NOT_ADMITTED, registration, reason=reason, flagged=offline)
    check_in = CheckIn.objects.create(
        registration=registration,
        summit=summit,
        checked_in_at=scanned_at,
        by=by,
        device=device,
        offline=offline,
        nonce=nonce,
    )
    return CheckInResult(OK, registration, check_in)


def _log(summit, by, device, action, result, *, nonce, scanned_at, offline, hits=None):
    ScanLog.objects.create(
        summit=summit,
        registration=result.registration if result else None,
        by=by,
        device=device,
        action=action,
        result=result.result if result else ScanLog.Result.SEARCHED,
        reason=result.reason if result else "",
        offline=offline,
        flagged=bool(result and result.flagged),
        hits=hits,
        nonce=nonce,
        scanned_at=scanned_at,
    )


def _attempt(find, *, summit, by, device, nonce, scanned_at, offline, action):
    nonce = (nonce or "")[:64]
    device = (device or "")[:80]
    now = timezone.now()
    scanned_at = _clean_scan_time(scanned_at, now)
    try:
        with transaction.atomic():
            # The row lock serializes every scan of this badge: whoever holds it decides alone,
            # so two volunteers scanning one badge at once get one `ok` and one `already_checked_in`.
            registration = (
                find().select_for_update(of=("self",)).select_related("group").only(*DOOR_FIELDS).first()
            )
            if registration is None:
                result = CheckInResult(UNKNOWN, flagged=offline)
            else:
                result = _decide(
                    registration,
                    summit=summit,
                    by=by,
                    device=device,
                    nonce=nonce,
                    scanned_at=scanned_at,
                    offline=offline,
                )
            # A retry (a nonce this account already used) fails here on the log's unique constraint,
            # which undoes this attempt's writes; it is answered below with the first answer. Looking
            # the nonce up first would cost every scan a query for the rare retry.
            _log(summit, by, device, action, result, nonce=nonce, scanned_at=scanned_at, offline=offline)
            return result
    except IntegrityError:
        # A retry of an answered request, or two check-ins that raced on a database without row
        # locks: the first one's answer stands.
        replayed = _replay(summit, by, nonce)
        if replayed is not None:
            return replayed
        registration = find().select_related("group").first()
        check_in = CheckIn.objects.select_related("by").filter(registration=registration).first()
        if check_in is None:
            raise
        return CheckInResult(ALREADY, registration, check_in, flagged=offline)


def check_in(code, *, summit, by, device="", nonce=None, scanned_at=None, offline=False):
    """Admit the badge `code` at `summit`, or say why not, and log the attempt.

    Locks the registration before deciding. Results: `ok` (a CheckIn is written), `already_checked_in`
    (with the first check-in), `unknown` (forged, altered, revoked or another summit's code) or
    `not_admitted` with a reason (cancelled, waitlisted, unpaid). A request with a nonce already
    answered for this account gets that same answer again and writes nothing. Offline scans
    (decided on a device against its door list) keep the device's scan time; one the server refuses
    is flagged for planners, since the device already let the person in.
    """
    return _attempt(
        lambda: registrations_with_code(summit, code),
        summit=summit,
        by=by,
        device=device,
        nonce=nonce,
        scanned_at=scanned_at,
        offline=offline,
        action=ScanLog.Action.SCAN,
    )


def check_in_registration(public_id, *, summit, by, device="", nonce=None):
    """The one-tap check-in from a name search: the registration is named by its opaque public
    id, never by its badge code. Same answers and locking as `check_in`."""

    def find():
        return Registration.objects.filter(summit=summit, public_id=public_id)

    return _attempt(
        find,
        summit=summit,
        by=by,
        device=device,
        nonce=nonce,
        scanned_at=None,
        offline=False,
        action=ScanLog.Action.TAP,
    )


@transaction.atomic
def undo_check_in(*, summit, by, device="", public_id=None, now=None):
    """Undo `by`'s own most recent check-in at `summit`, if it was recorded less than two minutes
    ago (and, when `public_id` is given, if it is that person's). Returns the registration.
    Raises CheckInError `nothing_to_undo` or `undo_expired`."""
    now = now or timezone.now()
    latest = CheckIn.objects.filter(summit=summit, by=by).order_by("-recorded_at", "-id").first()
    if latest is None or (public_id and str(latest.registration.public_id) != str(public_id)):
        raise CheckInError("nothing_to_undo", _("There is no check-in of yours to undo."), status_code=404)
    if now - latest.recorded_at > UNDO_WINDOW:
        raise CheckInError("undo_expired", _("A check-in can only be undone within two minutes."))
    # The lock keeps an undo from crossing a new scan of the same badge.
    registration = Registration.objects.select_for_update(of=("self",)).get(pk=latest.registration_id)
    CheckIn.objects.filter(pk=latest.pk).delete()
    ScanLog.objects.create(
        summit=summit,
        registration=registration,
        by=by,
        device=(device or "")[:80],
        action=ScanLog.Action.UNDO,
        result=ScanLog.Result.UNDONE,
        scanned_at=now,
    )
    return registration


def search_attendees(summit, query, *, by, device=""):
    """Registrations of `summit` whose names hold every word of `query` (three or more letters;
    case and accents ignored: registrations.search), as plain dicts with only what a door
    volunteer needs: id (opaque), short name, organization, group. Each search is logged (who,
    when, how many hits; never the text searched). Raises DomainError `query_too_short`."""
    matches = list(
        search_by_name(Registration.objects.filter(summit=summit), query)
        .select_related("group")
        .order_by("first_name", "last_name", "id")[:SEARCH_LIMIT]
    )
    ScanLog.objects.create(
        summit=summit,
        by=by,
        device=(device or "")[:80],
        action=ScanLog.Action.SEARCH,
        result=ScanLog.Result.SEARCHED,
        hits=len(matches),
        scanned_at=timezone.now(),
    )
    return [
        {
            "id": str(registration.public_id),
            "name": registration.short_name,
            "organization": registration.organization,
            "group": registration.group.display_name if registration.group else None,
        }
        for registration in matches
    ]


def door_list(summit):
    """What a door device keeps for scanning through Wi-Fi drops: per badge, the SHA-256 of its
    code, the short name, group, room, status and whether already checked in. No codes, emails,
    phones or needs (only the attention flag)."""
    rows = Registration.objects.filter(summit=summit, badge_code_hash__isnull=False).select_related("group")
    checked_in = set(CheckIn.objects.filter(summit=summit).values_list("registration_id", flat=True))
    return [
        {
            "h": registration.badge_code_hash,
            "name": registration.short_name,
            "group": registration.group.display_name if registration.group else None,
            "room": (registration.group.room or None) if registration.group else None,
            "status": registration.status,
            "reason": NOT_ADMITTED_REASONS.get(registration.status, ""),
            "checked_in": registration.pk in checked_in,
            "attention": registration.has_needs,
        }
        for registration in rows
    ]


def door_counts(summit):
    """The running count a door shows: admitted so far and expected (confirmed)."""
    return {
        "checked_in": CheckIn.objects.filter(summit=summit).count(),
        "expected": Registration.objects.filter(summit=summit, status=Registration.Status.CONFIRMED).count(),
    }


def door_dashboard(summit, *, bucket_minutes=10):
    """Planner figures for the door: check-ins over time (in the summit's time zone), by sector
    and by group against those expected, the no-shows so far, and flagged offline admissions.
    The database counts: six queries, however many registrations."""
    confirmed = Registration.objects.filter(summit=summit, status=Registration.Status.CONFIRMED)
    came = Q(check_in__isnull=False)
    over_time = _check_ins_over_time(summit, bucket_minutes)
    sectors = list(
        confirmed.values("sector")
        .annotate(checked_in=Count("id", filter=came), expected=Count("id"))
        .order_by("-expected", "sector")
    )
    confirmed_here = Q(registrations__status=Registration.Status.CONFIRMED)
    groups = list(
        PlanningGroup.objects.filter(summit=summit)
        .annotate(
            checked_in=Count(
                "registrations", filter=confirmed_here & Q(registrations__check_in__isnull=False)
            ),
            expected=Count("registrations", filter=confirmed_here),
        )
        .filter(expected__gt=0)
        .order_by("position", "name", "pk")
    )
    ungrouped = confirmed.filter(group__isnull=True).aggregate(
        checked_in=Count("id", filter=came), expected=Count("id")
    )
    no_shows = (
        confirmed.filter(check_in__isnull=True)
        .select_related("group")
        .order_by("first_name", "last_name", "id")
    )
    labels = dict(Sector.choices)
    by_group = [
        {
            "group": group.slug,
            "name": group.display_name,
            "room": group.room,
            "checked_in": group.checked_in,
            "expected": group.expected,
        }
        for group in groups
    ]
    if ungrouped["expected"]:
        by_group.append({"group": None, "name": None, "room": None, **ungrouped})
    return {
        "checked_in": over_time[-1]["total"] if over_time else 0,  # every check-in is in a bucket
        "checked_in_confirmed": sum(row["checked_in"] for row in sectors),
        "expected": sum(row["expected"] for row in sectors),
        "over_time": over_time,
        "by_sector": [
            {
                "sector": row["sector"],
                "label": str(labels.get(row["sector"], row["sector"])),
                "checked_in": row["checked_in"],
                "expected": row["expected"],
            }
            for row in sectors
        ],
        "by_group": by_group,
        "no_shows": [
            {
                "id": str(registration.public_id),
                "name": str(registration),
                "organization": registration.organization,
                "group": registration.group.display_name if registration.group else None,
            }
            for registration in no_shows
        ],
        "flagged": _flagged_admissions(summit),
    }


def _check_ins_over_time(summit, bucket_minutes):
    """Every check-in of the summit, counted by `bucket_minutes` of the summit's local time (a
    divisor of 60), with the running total. In the hour a fall-back repeats, both passes share
    their buckets."""
    tz = summit.tz
    minute = ExtractMinute("checked_in_at", tzinfo=tz)
    rows = (
        CheckIn.objects.filter(summit=summit)
        .values(
            hour=TruncHour("checked_in_at", tzinfo=tz),
            minute=ExpressionWrapper(minute - Mod(minute, bucket_minutes), output_field=IntegerField()),
        )
        .annotate(count=Count("id"))
        .order_by("hour", "minute")
    )
    over_time, running = [], 0
    for row in rows:
        running += row["count"]
        start = row["hour"].replace(minute=int(row["minute"]))
        over_time.append({"at": start.isoformat(), "count": row["count"], "total": running})
    return over_time


def _flagged_admissions(summit):
    """Offline admissions the server refused, with their times in the summit's zone (as the
    check-ins over time)."""

    def local(moment):
        return timezone.localtime(moment, summit.tz).isoformat()

    flagged = []
    for log in (
        ScanLog.objects.filter(summit=summit, flagged=True)
        .select_related("registration__check_in__by", "by")
        .order_by("created_at")
    ):
        first = getattr(log.registration, "check_in", None) if log.registration else None
        flagged.append(
            {
                "scanned_at": local(log.scanned_at),
                "name": str(log.registration) if log.registration else "",
                "device": log.device,
                "by": staff_label(log.by),
                "result": log.result,
                "reason": log.reason,
                "first_checked_in_at": local(first.checked_in_at) if first else None,
                "first_by": staff_label(first.by) if first else "",
                "first_device": first.device if first else "",
            }
        )
    return flagged
