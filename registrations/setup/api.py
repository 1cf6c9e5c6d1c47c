"""The planners' setup and management API: a summit's setup, its ticket types, planning groups and
promo codes, and a registration cancelled or offered a seat. Thin edges over
registrations.setup.services and registrations.seats.services; every endpoint is refused to anyone
who is not a planner of the summit in the URL."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from registrations.models import Registration
from registrations.payments import stripe_client
from registrations.seats import rules
from registrations.seats import services as seats
from registrations.seats.api import SummitDetailAPI, SummitScopedMixin, planner_registrations
from registrations.seats.serializers import RegistrationListSerializer
from registrations.setup import services as setup
from registrations.setup.serializers import (
    PlanningGroupInputSerializer,
    PlanningGroupSetupSerializer,
    PromoCodeInputSerializer,
    PromoCodeSetupSerializer,
    SummitSetupAnswerSerializer,
    SummitSetupInputSerializer,
    TicketTypeAnswerSerializer,
    TicketTypeInputSerializer,
    TicketTypeSetupSerializer,
)
from summit.models import PlanningGroup, PromoCode, Summit, TicketType
from summit.permissions import IsPlanner

REFUSED = {
    401: OpenApiResponse(description="`not_authenticated`: no or a wrong token"),
    403: OpenApiResponse(description="`permission_denied`: not a planner of this summit"),
    404: OpenApiResponse(description="`not_found`: no such summit (or object of it)"),
}
INVALID = OpenApiResponse(
    description="`invalid` (or `duplicate` for a slug or code taken): `errors` names the field"
)
DEACTIVATED = OpenApiResponse(description="Deactivated (kept: registrations refer to it)")


def _input(serializer_class, request, *, summit, partial=False):
    serializer = serializer_class(data=request.data, partial=partial, context={"summit": summit})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class PlannerAPI(SummitScopedMixin, APIView):
    permission_classes = [IsPlanner]


# -- the summit -----------------------------------------------------------------------------


# GET: the public details, as SummitDetailAPI answers them (no sign-in). PATCH: a planner's setup.
# (A comment, not a docstring: the schema would take a docstring as the GET's description too.)
class SummitAPI(SummitDetailAPI):
    def _is_public(self):
        request = getattr(self, "request", None)  # None while the schema generator builds its request
        return request is not None and request.method in SAFE_METHODS

    def get_authenticators(self):
        return [] if self._is_public() else [auth() for auth in api_settings.DEFAULT_AUTHENTICATION_CLASSES]

    def get_permissions(self):
        return [] if self._is_public() else [IsPlanner()]

    def initial(self, request, *args, **kwargs):
        if not self._is_public():
            self.summit = get_object_or_404(Summit, slug=kwargs["slug"])
        super().initial(request, *args, **kwargs)

    @extend_schema(
        summary="Change the summit's setup (planner)",
        description="Send only the fields that change. Every change runs the seat rules: a capacity "
        "raised offers the new seats to the waitlist at once, in order, and emails those people "
        "(`seats_offered`); a capacity below the seats held is refused (400 `capacity_below_held`, "
        "field `capacity`). Unknown and read-only fields (`slug`) are ignored.",
        request=SummitSetupInputSerializer,
        responses={
            200: SummitSetupAnswerSerializer,
            400: OpenApiResponse(
                description="`invalid` (e.g. `ends_at` not after `starts_at`) or `capacity_below_held`; "
                "`errors` names the field"
            ),
            **REFUSED,
        },
    )
    def patch(self, request, slug):
        data = _input(SummitSetupInputSerializer, request, summit=self.summit, partial=True)
        summit, offers = setup.update_summit(self.summit, data=data)
        context = {
            "seats_left": rules.seats_left(summit),
            "payments_enabled": stripe_client.payments_enabled(),
            "offers": offers,
        }
        return Response(SummitSetupAnswerSerializer(summit, context=context).data)


# -- ticket types ---------------------------------------------------------------------------


class TicketTypeListAPI(PlannerAPI):
    @extend_schema(
        summary="The summit's ticket types, on sale or not (planner)",
        responses={200: TicketTypeSetupSerializer(many=True), **REFUSED},
    )
    def get(self, request, slug):
        return Response(TicketTypeSetupSerializer(self.summit.ticket_types.all(), many=True).data)

    @extend_schema(
        summary="Add a ticket type (planner)",
        request=TicketTypeInputSerializer,
        responses={201: TicketTypeAnswerSerializer, 400: INVALID, **REFUSED},
    )
    def post(self, request, slug):
        data = _input(TicketTypeInputSerializer, request, summit=self.summit)
        ticket_type, offers = setup.save_ticket_type(self.summit, data=data)
        body = TicketTypeAnswerSerializer(ticket_type, context={"offers": offers}).data
        return Response(body, status=status.HTTP_201_CREATED)


class TicketTypeAPI(PlannerAPI):
    def ticket_type(self, ticket_slug):
        return get_object_or_404(TicketType, summit=self.summit, slug=ticket_slug)

    @extend_schema(summary="A ticket type (planner)", responses={200: TicketTypeSetupSerializer, **REFUSED})
    def get(self, request, slug, ticket_slug):
        return Response(TicketTypeSetupSerializer(self.ticket_type(ticket_slug)).data)

    @extend_schema(
        summary="Change a ticket type (planner)",
        description="Send only the fields that change. A quota raised offers the freed seats to the "
        "waitlist at once (`seats_offered`); below the seats of this type held, it is refused (400 "
        "`quota_below_held`, field `quota`). `active: false` takes it off sale.",
        request=TicketTypeInputSerializer,
        responses={
            200: TicketTypeAnswerSerializer,
            400: OpenApiResponse(
                description="`invalid`, `duplicate` or `quota_below_held`; `errors` names the field"
            ),
            **REFUSED,
        },
    )
    def patch(self, request, slug, ticket_slug):
        data = _input(TicketTypeInputSerializer, request, summit=self.summit, partial=True)
        ticket_type, offers = setup.save_ticket_type(
            self.summit, ticket_type=self.ticket_type(ticket_slug), data=data
        )
        return Response(TicketTypeAnswerSerializer(ticket_type, context={"offers": offers}).data)

    @extend_schema(
        summary="Take a ticket type off sale (planner)",
        description="Deactivates it (as `active: false`); it is not deleted, as registrations keep it.",
        responses={204: DEACTIVATED, **REFUSED},
    )
    def delete(self, request, slug, ticket_slug):
        setup.save_ticket_type(self.summit, ticket_type=self.ticket_type(ticket_slug), data={"active": False})
        return Response(status=status.HTTP_204_NO_CONTENT)


# -- planning groups ------------------------------------------------------------------------


class PlanningGroupListAPI(PlannerAPI):
    @extend_schema(
        summary="The summit's planning groups (planner)",
        responses={200: PlanningGroupSetupSerializer(many=True), **REFUSED},
    )
    def get(self, request, slug):
        return Response(PlanningGroupSetupSerializer(self.summit.groups.all(), many=True).data)

    @extend_schema(
        summary="Add a planning group (planner)",
        request=PlanningGroupInputSerializer,
        responses={201: PlanningGroupSetupSerializer, 400: INVALID, **REFUSED},
    )
    def post(self, request, slug):
        group = setup.save_planning_group(
            self.summit, data=_input(PlanningGroupInputSerializer, request, summit=self.summit)
        )
        return Response(PlanningGroupSetupSerializer(group).data, status=status.HTTP_201_CREATED)


class PlanningGroupAPI(PlannerAPI):
    def group(self, group_slug):
        return get_object_or_404(PlanningGroup, summit=self.summit, slug=group_slug)

    @extend_schema(
        summary="A planning group (planner)", responses={200: PlanningGroupSetupSerializer, **REFUSED}
    )
    def get(self, request, slug, group_slug):
        return Response(PlanningGroupSetupSerializer(self.group(group_slug)).data)

    @extend_schema(
        summary="Change a planning group (planner)",
        description="Send only the fields that change (`max_size` at least `min_size`).",
        request=PlanningGroupInputSerializer,
        responses={200: PlanningGroupSetupSerializer, 400: INVALID, **REFUSED},
    )
    def patch(self, request, slug, group_slug):
        data = _input(PlanningGroupInputSerializer, request, summit=self.summit, partial=True)
        group = setup.save_planning_group(self.summit, group=self.group(group_slug), data=data)
        return Response(PlanningGroupSetupSerializer(group).data)

    @extend_schema(
        summary="Delete a planning group nothing refers to yet (planner)",
        responses={
            204: OpenApiResponse(description="Deleted"),
            409: OpenApiResponse(
                description="`group_in_use`: registrations, preferences, facilitators, assignments, "
                "recommendations or voting rounds refer to it (`references` lists their kinds); it stays"
            ),
            **REFUSED,
        },
    )
    def delete(self, request, slug, group_slug):
        setup.delete_planning_group(self.group(group_slug))
        return Response(status=status.HTTP_204_NO_CONTENT)


# -- promo codes ----------------------------------------------------------------------------


class PromoCodeListAPI(PlannerAPI):
    @extend_schema(
        summary="The summit's promo codes (planner)",
        responses={200: PromoCodeSetupSerializer(many=True), **REFUSED},
    )
    def get(self, request, slug):
        promos = self.summit.promo_codes.prefetch_related("ticket_types")
        return Response(PromoCodeSetupSerializer(promos, many=True).data)

    @extend_schema(
        summary="Add a promo code (planner)",
        request=PromoCodeInputSerializer,
        responses={201: PromoCodeSetupSerializer, 400: INVALID, **REFUSED},
    )
    def post(self, request, slug):
        promo = setup.save_promo_code(
            self.summit, data=_input(PromoCodeInputSerializer, request, summit=self.summit)
        )
        return Response(PromoCodeSetupSerializer(promo).data, status=status.HTTP_201_CREATED)


class PromoCodeAPI(PlannerAPI):
    def promo(self, promo_id):
        return get_object_or_404(PromoCode, summit=self.summit, pk=promo_id)

    @extend_schema(
        summary="A promo code, by its id (planner)", responses={200: PromoCodeSetupSerializer, **REFUSED}
    )
    def get(self, request, slug, promo_id):
        return Response(PromoCodeSetupSerializer(self.promo(promo_id)).data)

    @extend_schema(
        summary="Change a promo code, by its id (planner)",
        description="Send only the fields that change; to switch the kind of discount, send the new one "
        "and null for the other. `ticket_types` replaces the list. `active: false` takes it out of use.",
        request=PromoCodeInputSerializer,
        responses={200: PromoCodeSetupSerializer, 400: INVALID, **REFUSED},
    )
    def patch(self, request, slug, promo_id):
        data = _input(PromoCodeInputSerializer, request, summit=self.summit, partial=True)
        promo = setup.save_promo_code(self.summit, promo=self.promo(promo_id), data=data)
        return Response(PromoCodeSetupSerializer(promo).data)

    @extend_schema(
        summary="Take a promo code out of use (planner)",
        description="Deactivates it (as `active: false`); it is not deleted, as registrations keep it.",
        responses={204: DEACTIVATED, **REFUSED},
    )
    def delete(self, request, slug, promo_id):
        setup.save_promo_code(self.summit, promo=self.promo(promo_id), data={"active": False})
        return Response(status=status.HTTP_204_NO_CONTENT)


# -- one registration -----------------------------------------------------------------------


class RegistrationActionAPI(PlannerAPI):
    def registration(self, registration_id):
        return get_object_or_404(Registration, summit=self.summit, public_id=registration_id)

    def answer(self, registration):
        shown = planner_registrations(self.summit).get(pk=registration.pk)
        return Response(RegistrationListSerializer(shown).data)


class CancelRegistrationAPI(RegistrationActionAPI):
    @extend_schema(
        summary="Cancel a registration (planner)",
        description="What was paid is refunded (before the refund deadline; else nothing), its seat is "
        "offered to the waitlist, and the attendee is emailed. Cancelling twice changes nothing. "
        "Answers the registration as the planner list shows it.",
        request=None,
        responses={200: RegistrationListSerializer, **REFUSED},
    )
    def post(self, request, slug, registration_id):
        registration = seats.cancel_registration(self.registration(registration_id), by=request.user)
        return self.answer(registration)


class OfferSeatAPI(RegistrationActionAPI):
    @extend_schema(
        summary="Offer a seat to one waitlisted person now, ahead of the line (planner)",
        description="The offer holds a free seat for the summit's `offer_hours` and is emailed. "
        "Offering again while an offer is open changes nothing.",
        request=None,
        responses={
            200: RegistrationListSerializer,
            409: OpenApiResponse(
                description="`not_waitlisted`, or `summit_full`: no seat is free for its ticket type"
            ),
            **REFUSED,
        },
    )
    def post(self, request, slug, registration_id):
        return self.answer(seats.offer_seat(self.registration(registration_id)))
