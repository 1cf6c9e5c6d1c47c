"""The report API (planners of the summit): request a report, follow it, download its PDF."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from summit import audit
from summit.errors import DomainError
from summit.models import Summit
from summit.permissions import IsPlanner
from workshops.models import ReportSnapshot
from workshops.report import services
from workshops.report.serializers import ReportRequestSerializer, ReportSnapshotSerializer


class ReportAPI(APIView):
    # drf-spectacular shows this docstring as each endpoint's description, as it does for the
    # recommendations API's SummitAPI: kept word for word so that the schema stays the same.
    """Resolves `self.summit` from the URL before permissions are checked."""

    permission_classes = [IsPlanner]

    def initial(self, request, *args, **kwargs):
        self.summit = get_object_or_404(Summit, slug=kwargs["slug"])
        super().initial(request, *args, **kwargs)


class ReportListAPI(ReportAPI):
    @extend_schema(responses=ReportSnapshotSerializer(many=True), summary="Past report snapshots (planner)")
    def get(self, request, slug):
        snapshots = ReportSnapshot.objects.filter(summit=self.summit).select_related("summit").defer("data")
        return Response(ReportSnapshotSerializer(snapshots, many=True).data)

    @extend_schema(
        request=ReportRequestSerializer,
        responses={202: ReportSnapshotSerializer},
        summary="Build a report in the background (planner)",
    )
    def post(self, request, slug):
        serializer = ReportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        source_id = serializer.validated_data.pop("source", None)
        source = get_object_or_404(ReportSnapshot, summit=self.summit, pk=source_id) if source_id else None
        if source is not None and source.data is None:
            raise DomainError("not_ready", _("That snapshot has no data yet."), field="source")
        snapshot = services.request_report(
            self.summit, source=source, by=request.user, **serializer.validated_data
        )
        snapshot = ReportSnapshot.objects.select_related("summit").get(pk=snapshot.pk)
        return Response(ReportSnapshotSerializer(snapshot).data, status=status.HTTP_202_ACCEPTED)


class ReportDetailAPI(ReportAPI):
    @extend_schema(responses=ReportSnapshotSerializer, summary="A report's status and progress (planner)")
    def get(self, request, slug, pk):
        snapshot = get_object_or_404(
            ReportSnapshot.objects.select_related("summit").defer("data"), summit=self.summit, pk=pk
        )
        return Response(ReportSnapshotSerializer(snapshot).data)


def report_file_response(request, summit, pk):
    """The PDF of a finished report, audit-logged (callers check that the user is a planner)."""
    snapshot = get_object_or_404(ReportSnapshot.objects.defer("data"), summit=summit, pk=pk)
    if snapshot.status != ReportSnapshot.Status.DONE or not snapshot.pdf:
        raise Http404
    audit.record(action="report_download", summit=summit, user=request.user, detail=f"snapshot {snapshot.pk}")
    kind = "preliminary" if snapshot.preliminary else "final"
    response = FileResponse(
        snapshot.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{summit.slug}-report-{kind}-{snapshot.language}-{snapshot.pk}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


class ReportDownloadAPI(ReportAPI):
    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY}, summary="Download a report PDF (planner)"
    )
    def get(self, request, slug, pk):
        return report_file_response(request, self.summit, pk)
