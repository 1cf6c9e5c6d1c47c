"""Badge endpoints for planners: badge sheets built in the background, and reissuing a
lost badge. Every endpoint is scoped to one summit and refused to anyone who is not one of
its planners."""

from django.core.files.storage import default_storage
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from registrations.badges.codes import reissue_badge
from registrations.badges.sheets import DEFAULT_LAYOUT, LAYOUTS, SORTS, request_badge_sheet, resolve_selection
from registrations.models import BadgeSheetJob, Registration
from summit import audit
from summit.errors import DomainError
from summit.models import Summit
from summit.permissions import IsPlanner


class BadgeSheetRequestSerializer(serializers.Serializer):
    layout = serializers.ChoiceField(choices=list(LAYOUTS), default=DEFAULT_LAYOUT)
    only_unprinted = serializers.BooleanField(default=False, help_text="Only badges not yet printed.")
    group = serializers.SlugField(
        required=False, allow_null=True, help_text="Only this planning group (slug)."
    )
    registration = serializers.UUIDField(
        required=False, allow_null=True, help_text="Only this registration (its id)."
    )
    sort = serializers.ChoiceField(choices=list(SORTS), default="last_name")
    mark_printed = serializers.BooleanField(
        default=True, help_text="Record these badges as printed once the sheet is ready."
    )


class BadgeSheetJobSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    progress = serializers.IntegerField(help_text="0 to 100; 100 once the PDF is ready.")
    group = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    registration = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    download_url = serializers.SerializerMethodField(help_text="The PDF (planners only), once ready.")

    class Meta:
        model = BadgeSheetJob
        fields = [
            "id",
            "status",
            "progress",
            "done",
            "total",
            "layout",
            "only_unprinted",
            "group",
            "registration",
            "sort",
            "mark_printed",
            "created_at",
            "finished_at",
            "error",
            "download_url",
        ]

    def get_download_url(self, obj) -> str | None:
        if obj.status != BadgeSheetJob.Status.DONE:
            return None
        path = reverse("api-badge-sheet-pdf", args=[obj.summit.slug, obj.public_id])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ReissuedBadgeSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    badge_version = serializers.IntegerField()


class PlannerSummitView(APIView):
    permission_classes = [IsPlanner]

    def initial(self, request, *args, **kwargs):
        self.summit = get_object_or_404(Summit, slug=kwargs["slug"])
        super().initial(request, *args, **kwargs)

    def get_job(self, job_id):
        return get_object_or_404(
            BadgeSheetJob.objects.select_related("summit", "group", "registration"),
            summit=self.summit,
            public_id=job_id,
        )


class BadgeSheetListAPI(PlannerSummitView):
    @extend_schema(
        request=BadgeSheetRequestSerializer,
        responses={202: BadgeSheetJobSerializer},
        summary="Build a badge sheet (PDF) in the background",
        description="Answers 202 with the job; poll its URL for `progress`, then fetch `download_url`. "
        "409 `nothing_to_print` when no confirmed badge matches.",
    )
    def post(self, request, slug):
        data = BadgeSheetRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        options = data.validated_data
        group, registration = resolve_selection(
            self.summit, group_slug=options.get("group"), registration_id=options.get("registration")
        )
        job = request_badge_sheet(
            self.summit,
            by=request.user,
            layout=options["layout"],
            only_unprinted=options["only_unprinted"],
            group=group,
            registration=registration,
            sort=options["sort"],
            mark_printed=options["mark_printed"],
        )
        job.refresh_from_db()
        body = BadgeSheetJobSerializer(job, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=BadgeSheetJobSerializer(many=True), summary="The summit's latest badge sheets")
    def get(self, request, slug):
        jobs = BadgeSheetJob.objects.filter(summit=self.summit).select_related(
            "summit", "group", "registration"
        )
        return Response(BadgeSheetJobSerializer(jobs[:50], many=True, context={"request": request}).data)


class BadgeSheetDetailAPI(PlannerSummitView):
    @extend_schema(responses=BadgeSheetJobSerializer, summary="A badge sheet's status and progress")
    def get(self, request, slug, job_id):
        return Response(BadgeSheetJobSerializer(self.get_job(job_id), context={"request": request}).data)


class BadgeSheetPDFAPI(PlannerSummitView):
    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The badge sheet."),
            409: OpenApiResponse(description="`not_ready`: the sheet is still being built or failed."),
            410: OpenApiResponse(description="`expired`: the stored sheet was deleted; build it again."),
        },
        summary="Download a finished badge sheet",
    )
    def get(self, request, slug, job_id):
        return sheet_file_response(self.get_job(job_id), user=request.user)


def sheet_file_response(job, *, user):
    if job.status != BadgeSheetJob.Status.DONE:
        raise DomainError("not_ready", _("This badge sheet is not ready."), status_code=409)
    if not job.file_name or not default_storage.exists(job.file_name):
        raise DomainError("expired", _("This badge sheet was deleted; build it again."), status_code=410)
    response = FileResponse(
        default_storage.open(job.file_name, "rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"badges-{job.summit.slug}-{job.layout}-{job.created_at:%Y%m%d-%H%M}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    audit.record(action="badges.sheet_download", summit=job.summit, user=user, count=job.total)
    return response


class ReissueBadgeAPI(PlannerSummitView):
    @extend_schema(
        request=None,
        responses={200: ReissuedBadgeSerializer},
        summary="Reissue a lost badge: the old code stops working at once",
        description="409 `not_confirmed` unless the registration is confirmed.",
    )
    def post(self, request, slug, registration_id):
        registration = get_object_or_404(Registration, summit=self.summit, public_id=registration_id)
        reissue_badge(registration, by=request.user)
        return Response({"id": registration.public_id, "badge_version": registration.badge_version})
