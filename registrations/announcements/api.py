"""Announcements API (planner): preview, send and list bilingual messages to attendees."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from registrations.announcements import services
from registrations.announcements.serializers import (
    AnnouncementAnswerSerializer,
    AnnouncementInputSerializer,
    AnnouncementSerializer,
)
from registrations.seats.api import SummitScopedMixin
from summit.permissions import IsPlanner


class AnnouncementListAPI(SummitScopedMixin, APIView):
    permission_classes = [IsPlanner]

    @extend_schema(
        summary="Announcements sent to attendees, newest first (planner)",
        responses=AnnouncementSerializer(many=True),
    )
    def get(self, request, slug):
        announcements = services.with_counts(self.summit.announcements.all())
        return Response(AnnouncementSerializer(announcements, many=True).data)

    @extend_schema(
        summary="Preview or send an announcement to attendees (planner; audit-logged)",
        request=AnnouncementInputSerializer,
        responses={
            200: OpenApiResponse(
                AnnouncementAnswerSerializer, description="Preview (`send: false`): the count only"
            ),
            201: OpenApiResponse(
                AnnouncementAnswerSerializer,
                description="Stored and queued: each attendee is sent the text of their language",
            ),
            400: OpenApiResponse(description="`invalid`: `errors` names the field (`audience.status`, ...)"),
        },
    )
    def post(self, request, slug):
        serializer = AnnouncementInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        audience, send = data.pop("audience"), data.pop("send")
        if not send:
            audience, count = services.preview(self.summit, audience)
            return Response({"id": None, "count": count, "audience": audience})
        announcement = services.send_announcement(self.summit, texts=data, audience=audience, by=request.user)
        announcement = services.with_counts(self.summit.announcements.filter(pk=announcement.pk)).get()
        return Response(
            {
                "id": announcement.pk,
                "count": announcement.count,
                "sent": announcement.sent,
                "failed": announcement.failed,
                "audience": announcement.audience,
            },
            status=status.HTTP_201_CREATED,
        )
