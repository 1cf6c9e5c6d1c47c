"""Registration API: thin edges over registrations.services."""

import django_filters
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from registrations.models import Registration
from registrations.payments import stripe_client
from registrations.seats import exports, idempotency, rules, services
from registrations.seats.serializers import (
    RegistrationCreatedSerializer,
    RegistrationInputSerializer,
    RegistrationListSerializer,
)
from summit import audit
from summit.errors import DomainError
from summit.models import Summit
from summit.net import ratelimit_key
from summit.permissions import IsPlanner
from summit.serializers import SummitSerializer

REGISTRATION_RATE = "30/m"


class SummitScopedMixin:
    """Resolves `self.summit` from the URL before permissions are checked."""

    summits = Summit.objects.all()

    def initial(self, request, *args, **kwargs):
        self.summit = get_object_or_404(self.summits, slug=kwargs["slug"])
        super().initial(request, *args, **kwargs)


def check_rate(request, group, rate):
    if is_ratelimited(request, group=group, key=ratelimit_key, rate=rate, method="POST", increment=True):
        raise DomainError(
            "rate_limited",
            _("Too many attempts from this connection. Please wait a minute and try again."),
            status_code=429,
        )


class SummitDetailAPI(APIView):
    authentication_classes = []
    permission_classes = []

    @extend_schema(responses=SummitSerializer, summary="Public summit details")
    def get(self, request, slug):
        summit = get_object_or_404(Summit.objects.prefetch_related("ticket_types", "groups"), slug=slug)
        context = {
            "request": request,
            "seats_left": rules.seats_left(summit),
            "payments_enabled": stripe_client.payments_enabled(),
        }
        return Response(SummitSerializer(summit, context=context).data)


class RegistrationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Registration.Status.choices)
    sector = django_filters.CharFilter()
    ticket_type = django_filters.CharFilter(field_name="ticket_type__slug")
    group = django_filters.CharFilter(field_name="group__slug")

    class Meta:
        model = Registration
        fields = ["status", "sector", "ticket_type", "group"]


def planner_registrations(summit):
    queryset = (
        Registration.objects.filter(summit=summit)
        .select_related("ticket_type", "group")
        .select_related("check_in")
        .prefetch_related("preferences__group")
        .order_by("created_at", "id")
    )
    return queryset


def created_body(registration, *, checkout_url=None):
    body = {
        "id": str(registration.public_id),
        "status": registration.status,
        "waitlist_position": rules.waitlist_position(registration),
    }
    if checkout_url:
        body["checkout_url"] = checkout_url
    return body


class RegistrationListCreateAPI(SummitScopedMixin, generics.ListAPIView):
    serializer_class = RegistrationListSerializer
    filterset_class = RegistrationFilter

    def _is_public_post(self):
        request = getattr(self, "request", None)
        return request is not None and request.method == "POST"

    @property
    def summits(self):
        if self._is_public_post():  # a registration names the summit's ticket types and groups
            return Summit.objects.prefetch_related("ticket_types", "groups")
        return Summit.objects.all()

    def get_permissions(self):
        return [] if self._is_public_post() else [IsPlanner()]

    def get_authenticators(self):
        # Public registration needs no account; skipping session auth also skips CSRF for it.
        return [] if self._is_public_post() else super().get_authenticators()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Registration.objects.none()
        return planner_registrations(self.summit)

    @extend_schema(summary="Registrations of this summit (planner)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Register for this summit (public)",
        request=RegistrationInputSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Retries with the same key get the first answer and create nothing new (kept 48 h).",
            )
        ],
        responses={
            201: OpenApiResponse(
                RegistrationCreatedSerializer,
                description="Registered. An email that already has a live registration gets the answer a new "
                "registration would get at this moment (the status the seats give now, a fresh `id` that names "
                "no registration, and for a paid ticket a `checkout_url` that leads to no payment); nothing "
                "is written, and the owner of the email is sent their private link.",
            ),
            400: OpenApiResponse(description="Errors keyed by field name"),
            409: OpenApiResponse(
                description="Registration closed or not open yet (`registration_closed`, `registration_not_open`) "
                "or payments unavailable (`payments_unavailable`)"
            ),
            422: OpenApiResponse(description="Idempotency-Key reused with a different body"),
            429: OpenApiResponse(description="Rate limited"),
        },
    )
    def post(self, request, *args, **kwargs):
        if settings.RATE_LIMITS:
            check_rate(request, "registration", REGISTRATION_RATE)
        data = request.data
        if not isinstance(data, dict):
            raise DomainError("invalid", _("Send the registration as a JSON object."), status_code=400)
        summit = self.summit

        def register():
            serializer = RegistrationInputSerializer(data=data, context={"summit": summit})
            serializer.is_valid(raise_exception=True)
            registration, _created = services.register_attendee(summit, data=serializer.validated_data)
            return status.HTTP_201_CREATED, created_body(
                registration, checkout_url=getattr(registration, "checkout_url", None)
            )

        key = request.headers.get("Idempotency-Key", "").strip()
        status_code, body = idempotency.run_once(f"registration:{summit.pk}", key, data, register)
        return Response(body, status=status_code)


class RegistrationExportAPI(SummitScopedMixin, APIView):
    permission_classes = [IsPlanner]

    @extend_schema(
        summary="Registrations as CSV (planner; audit-logged)",
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request, slug):
        queryset = RegistrationFilter(request.GET, queryset=planner_registrations(self.summit)).qs
        content, count = exports.registrations_csv(queryset)
        audit.record(action="registrations.export_csv", summit=self.summit, user=request.user, count=count)
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.summit.slug}-registrations.csv"'
        return response
