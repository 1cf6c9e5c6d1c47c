"""Door check-in API: thin edges over registrations.checkin. Volunteers and planners of the summit
(token or session); a revoked or expired door link's account gets 403."""

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.response import Response
from rest_framework.views import APIView

from registrations.door import services as checkin
from registrations.door.links import door_access_allowed
from summit import audit
from summit.models import StaffRole
from summit.permissions import PLANNER, VOLUNTEER, SummitRolePermission, remember_roles
from summit.services import get_summit


def _summit_of(user, roles):
    """The summit of `roles` (`user`'s StaffRole rows at one summit, read with their summit), with
    the roles recorded for this request's permission check; None when there are none."""
    if not roles:
        return None
    summit = roles[0].summit
    remember_roles(user, summit, {role.role for role in roles})
    return summit


class DoorTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, plus, in the same query, the summit named in the URL and the
    account's roles there: a scan spends one query instead of three on who is asking. Nothing is
    kept between requests, so a deleted token, a deactivated account or a removed role counts from
    the next request on. Anything else (no role at this summit, a superuser, a bad token) takes
    DRF's own path and gets its usual answer."""

    summit = None

    def authenticate(self, request):
        self.slug = (request.parser_context or {}).get("kwargs", {}).get("slug")
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        roles = list(
            StaffRole.objects.select_related("user__auth_token", "summit").filter(
                user__auth_token__key=key, summit__slug=self.slug
            )
        )
        if not roles or not roles[0].user.is_active:
            return super().authenticate_credentials(key)
        user = roles[0].user
        self.summit = _summit_of(user, roles)
        return user, user.auth_token


class DoorTokenScheme(OpenApiAuthenticationExtension):
    """In the OpenAPI schema the door token is what it is to clients, DRF's `tokenAuth` (same
    header, same answers), not a second scheme of that name."""

    target_class = DoorTokenAuthentication
    name = []  # defines no scheme of its own

    def get_security_definition(self, auto_schema):
        return []

    def get_security_requirement(self, auto_schema):
        return {"tokenAuth": []}


def _summit_of_signed_in(user, slug):
    """For a signed-in session (a door link's device): the summit `slug` and the user's roles there
    in one query (instead of two), or None when the user holds no role there."""
    return _summit_of(
        user, list(StaffRole.objects.select_related("summit").filter(user=user, summit__slug=slug))
    )


class IsDoorStaffOfSummit(SummitRolePermission):
    roles = (PLANNER, VOLUNTEER)

    def has_permission(self, request, view):
        return super().has_permission(request, view) and door_access_allowed(request.user, view.summit)


class IsPlannerOfSummit(SummitRolePermission):
    roles = (PLANNER,)


class DoorAPIView(APIView):
    # Both are DRF's: its Token (DoorTokenAuthentication only reads it with the summit and roles)
    # for scripts and scanners, its SessionAuthentication for door-link devices. A door link signs
    # its device in with a session, not a Token, because a Token never expires (the link must end
    # with the summit), a browser cannot send it when it opens the door page, and a page would have
    # to keep it where any script can read it (the session cookie is HttpOnly).
    authentication_classes = [DoorTokenAuthentication, SessionAuthentication]
    permission_classes = [IsDoorStaffOfSummit]

    def initial(self, request, *args, **kwargs):
        try:
            authenticator = request.successful_authenticator  # authenticates the request
        except exceptions.AuthenticationFailed:
            get_summit(kwargs["slug"])  # an unknown summit answers 404 before a bad token answers 401
            raise
        summit = None
        if isinstance(authenticator, DoorTokenAuthentication):
            summit = authenticator.summit  # read with the token, when its account has a role there
        elif isinstance(authenticator, SessionAuthentication):
            summit = _summit_of_signed_in(request.user, kwargs["slug"])
        self.summit = summit or get_summit(kwargs["slug"])
        super().initial(request, *args, **kwargs)


class ScanInput(serializers.Serializer):
    code = serializers.CharField(max_length=200, trim_whitespace=True, help_text="The text read from the QR.")
    nonce = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text="Client-chosen id; a retry is answered the same.",
    )
    device = serializers.CharField(max_length=80, required=False, allow_blank=True)
    scanned_at = serializers.DateTimeField(required=False, help_text="When an offline device scanned it.")
    offline = serializers.BooleanField(required=False, default=False)


class BatchInput(serializers.Serializer):
    scans = ScanInput(many=True, allow_empty=False, max_length=500)


class TapInput(serializers.Serializer):
    id = serializers.UUIDField(help_text="The registration's opaque id from a name search.")
    nonce = serializers.CharField(max_length=64, required=False, allow_blank=True)
    device = serializers.CharField(max_length=80, required=False, allow_blank=True)


class UndoInput(serializers.Serializer):
    id = serializers.UUIDField(required=False, help_text="Only undo if the last check-in is this person's.")
    device = serializers.CharField(max_length=80, required=False, allow_blank=True)


AttendeeOutput = inline_serializer(
    "DoorAttendee",
    {
        "id": serializers.UUIDField(),
        "name": serializers.CharField(help_text="First name and last initial."),
        "group": serializers.CharField(allow_null=True),
        "room": serializers.CharField(allow_null=True),
        "attention": serializers.BooleanField(help_text="Has a need to look after (never which)."),
    },
)
ScanOutput = inline_serializer(
    "CheckInAnswer",
    {
        "result": serializers.ChoiceField(["ok", "already_checked_in", "unknown", "not_admitted"]),
        "detail": serializers.CharField(),
        "reason": serializers.ChoiceField(["cancelled", "waitlisted", "unpaid"], required=False),
        "attendee": AttendeeOutput,
        "checked_in_at": serializers.DateTimeField(required=False),
        "by": serializers.CharField(required=False),
        "device": serializers.CharField(required=False),
        "offline": serializers.BooleanField(required=False),
        "flagged": serializers.BooleanField(required=False),
        "replayed": serializers.BooleanField(required=False),
    },
)

REASONS = {
    "cancelled": lambda: _("Registration cancelled"),
    "waitlisted": lambda: _("On the waitlist, no seat"),
    "unpaid": lambda: _("Payment not completed"),
}


def answer_body(result):
    """The JSON for one check-in answer: display name, group, room and attention flag only."""
    messages = {
        checkin.OK: _("Admitted"),
        checkin.ALREADY: _("Already checked in"),
        checkin.UNKNOWN: _("Unknown badge"),
        checkin.NOT_ADMITTED: _("Not admitted"),
    }
    body = {"result": result.result, "detail": messages[result.result]}
    registration = result.registration
    if result.result != checkin.UNKNOWN and registration is not None:
        group = registration.group
        body["attendee"] = {
            "id": str(registration.public_id),
            "name": registration.short_name,
            "group": group.display_name if group else None,
            "room": (group.room or None) if group else None,
            "attention": registration.has_needs,
        }
    if result.result == checkin.NOT_ADMITTED:
        body["reason"] = result.reason
        body["reason_text"] = REASONS.get(result.reason, lambda: result.reason)()
    if result.check_in is not None and result.result in (checkin.OK, checkin.ALREADY):
        body["checked_in_at"] = result.check_in.checked_in_at.isoformat()
        body["by"] = checkin.staff_label(result.check_in.by)
        body["device"] = result.check_in.device
        body["offline"] = result.check_in.offline
    if result.flagged:
        body["flagged"] = True
    if result.replayed:
        body["replayed"] = True
    return body


def _scan(summit, user, data):
    return checkin.check_in(
        data["code"],
        summit=summit,
        by=user,
        device=data.get("device", ""),
        nonce=data.get("nonce") or None,
        scanned_at=data.get("scanned_at"),
        offline=data.get("offline", False),
    )


class CheckInAPI(DoorAPIView):
    @extend_schema(
        request=ScanInput,
        responses={201: ScanOutput, 200: ScanOutput, 404: ScanOutput, 409: ScanOutput},
        summary="Check a badge in at the door",
        description="`201` ok, `200` already_checked_in (with the first time and who), `404` unknown "
        "(forged, altered, revoked or another summit's code), `409` not_admitted with a `reason` "
        "(cancelled, waitlisted, unpaid). The same `nonce` again gets the same answer.",
    )
    def post(self, request, slug):
        data = _valid(ScanInput, request)
        result = _scan(self.summit, request.user, data)
        return Response(answer_body(result), status=result.status_code)


class CheckInBatchAPI(DoorAPIView):
    @extend_schema(
        request=BatchInput,
        responses={
            200: inline_serializer(
                "CheckInBatchAnswer", {"results": serializers.ListField(child=serializers.DictField())}
            )
        },
        summary="Upload scans queued offline",
        description="Each scan is decided as a single check-in would be, in order; the answer lists one "
        "result per scan (with its `nonce`). Offline scans the server refuses are flagged for planners.",
    )
    def post(self, request, slug):
        data = _valid(BatchInput, request)
        results = []
        for scan in data["scans"]:
            body = answer_body(_scan(self.summit, request.user, scan))
            body["nonce"] = scan.get("nonce", "")
            results.append(body)
        return Response({"results": results})


class TapCheckInAPI(DoorAPIView):
    @extend_schema(
        request=TapInput,
        responses={201: ScanOutput, 200: ScanOutput, 404: ScanOutput, 409: ScanOutput},
        summary="Check in a person found by name search (one tap)",
    )
    def post(self, request, slug):
        data = _valid(TapInput, request)
        result = checkin.check_in_registration(
            data["id"],
            summit=self.summit,
            by=request.user,
            device=data.get("device", ""),
            nonce=data.get("nonce") or None,
        )
        return Response(answer_body(result), status=result.status_code)


class UndoCheckInAPI(DoorAPIView):
    @extend_schema(
        request=UndoInput,
        responses={
            200: inline_serializer(
                "UndoAnswer", {"result": serializers.CharField(), "attendee": AttendeeOutput}
            )
        },
        summary="Undo your own last check-in (within two minutes)",
    )
    def post(self, request, slug):
        data = _valid(UndoInput, request)
        registration = checkin.undo_check_in(
            summit=self.summit, by=request.user, device=data.get("device", ""), public_id=data.get("id")
        )
        return Response(
            {
                "result": "undone",
                "detail": _("Check-in undone"),
                "attendee": {"id": str(registration.public_id), "name": registration.short_name},
            }
        )


class AttendeeSearchAPI(DoorAPIView):
    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="Three or more letters of the name.")],
        responses={
            200: inline_serializer(
                "DoorSearchAnswer",
                {
                    "results": inline_serializer(
                        "DoorSearchResult",
                        {
                            "id": serializers.UUIDField(),
                            "name": serializers.CharField(),
                            "organization": serializers.CharField(),
                            "group": serializers.CharField(allow_null=True),
                        },
                        many=True,
                    )
                },
            )
        },
        summary="Find an attendee by name (first name, last initial, organization, group)",
    )
    def get(self, request, slug):
        query = request.query_params.get("q", "")[:100]
        results = checkin.search_attendees(self.summit, query, by=request.user)
        return Response({"results": results})


class DoorListAPI(DoorAPIView):
    @extend_schema(
        responses={
            200: inline_serializer(
                "DoorList",
                {
                    "summit": serializers.CharField(),
                    "generated_at": serializers.DateTimeField(),
                    "expires_at": serializers.DateTimeField(),
                    "checked_in": serializers.IntegerField(),
                    "expected": serializers.IntegerField(),
                    "entries": serializers.ListField(child=serializers.DictField()),
                },
            )
        },
        summary="The door list a device keeps for offline scanning",
        description="Per badge: `h` (SHA-256 hex of the code), `name` (first name, last initial), `group`, "
        "`room`, `status`, `reason`, `checked_in`, `attention`. Never codes, emails, phones or needs.",
    )
    def get(self, request, slug):
        from django.utils import timezone

        entries = checkin.door_list(self.summit)
        # The list names everyone expected at the door: each download is in the audit log.
        audit.record(action="door.list_download", summit=self.summit, user=request.user, count=len(entries))
        return Response(
            {
                "summit": self.summit.slug,
                "generated_at": timezone.now().isoformat(),
                "expires_at": self.summit.ends_at.isoformat(),
                **checkin.door_counts(self.summit),
                "entries": entries,
            }
        )


class DoorStatsAPI(DoorAPIView):
    @extend_schema(
        responses={
            200: inline_serializer(
                "DoorCounts",
                {"checked_in": serializers.IntegerField(), "expected": serializers.IntegerField()},
            )
        },
        summary="Running count at the door: checked in and expected",
    )
    def get(self, request, slug):
        return Response(checkin.door_counts(self.summit))


class DoorDashboardAPI(DoorAPIView):
    permission_classes = [IsPlannerOfSummit]

    @extend_schema(
        responses={
            200: inline_serializer(
                "DoorDashboard",
                {
                    "checked_in": serializers.IntegerField(),
                    "expected": serializers.IntegerField(),
                    "over_time": serializers.ListField(child=serializers.DictField()),
                    "by_sector": serializers.ListField(child=serializers.DictField()),
                    "by_group": serializers.ListField(child=serializers.DictField()),
                    "no_shows": serializers.ListField(child=serializers.DictField()),
                    "flagged": serializers.ListField(child=serializers.DictField()),
                },
            )
        },
        summary="Planner figures for the door (over time, by sector and group, no-shows, flags)",
    )
    def get(self, request, slug):
        return Response(checkin.door_dashboard(self.summit))


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data if isinstance(request.data, dict) else {})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
