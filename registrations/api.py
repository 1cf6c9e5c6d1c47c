from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from registrations.services import seats_left
from summit.models import Summit
from summit.serializers import SummitSerializer


class SummitDetailAPI(APIView):
    authentication_classes = []
    permission_classes = []

    @extend_schema(responses=SummitSerializer, summary="Public summit details")
    def get(self, request, slug):
        summit = get_object_or_404(Summit.objects.prefetch_related("ticket_types", "groups"), slug=slug)
        context = {
            "request": request,
            "seats_left": seats_left(summit),
            "payments_enabled": bool(settings.STRIPE_SECRET_KEY),
        }
        return Response(SummitSerializer(summit, context=context).data)
