"""Planner API for the planning-group assignment (token or session; planner of that summit)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from registrations.models import Registration
from summit.errors import DomainError
from summit.models import PlanningGroup, Summit
from summit.permissions import IsPlanner
from workshops.assignment import services
from workshops.assignment.serializers import (
    AssignmentSerializer,
    MoveInputSerializer,
    PublishSerializer,
    RunInputSerializer,
    RunSerializer,
)
from workshops.models import Assignment, AssignmentRun


class PlannerAPIView(GenericAPIView):
    permission_classes = [IsPlanner]

    def initial(self, request, *args, **kwargs):
        # The summit is known before permissions are checked (IsPlanner reads self.summit).
        self.summit = get_object_or_404(Summit, slug=kwargs["slug"])
        super().initial(request, *args, **kwargs)


class AssignmentRunsAPI(PlannerAPIView):
    serializer_class = RunSerializer
    queryset = AssignmentRun.objects.none()
    pagination_class = None

    @extend_schema(
        summary="List assignment runs with their status and quality figures",
        responses=RunSerializer(many=True),
    )
    def get(self, request, slug):
        runs = list(AssignmentRun.objects.filter(summit=self.summit).select_related("created_by")[:50])
        done = [run for run in runs if run.status == AssignmentRun.Status.DONE]
        comparison = {
            run.pk: services.compare_snapshots(
                done[i + 1].snapshot if i + 1 < len(done) else {}, run.snapshot
            )
            for i, run in enumerate(done)
        }
        return Response(RunSerializer(runs, many=True, context={"comparison": comparison}).data)

    @extend_schema(
        summary="Run the assignment in the background (or preview it at once with dry_run)",
        description="Answers 202 with the queued run; poll its URL until `status` is `done` (with its "
        "figures) or `failed` (with `error` and `error_text`). 409 `already_running` while another "
        "run of the summit is queued or running. A dry run is solved at once and answers 200 with "
        '`"id": null`, saving nothing.',
        request=RunInputSerializer,
        responses={202: RunSerializer, 200: RunSerializer},
    )
    def post(self, request, slug):
        data = RunInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        options = data.validated_data
        if options.pop("dry_run"):
            run = services.run_assignment(self.summit, by=request.user, dry_run=True, **options)
            return Response(RunSerializer(run, context={"detail": True}).data, status=status.HTTP_200_OK)
        run = services.request_assignment_run(self.summit, by=request.user, **options)
        run.refresh_from_db()  # the immediate backend (demo) has already solved it
        return Response(RunSerializer(run, context={"detail": True}).data, status=status.HTTP_202_ACCEPTED)


class AssignmentRunDetailAPI(PlannerAPIView):
    serializer_class = RunSerializer
    queryset = AssignmentRun.objects.none()

    @extend_schema(summary="One assignment run: its status, then its figures compared with the run before")
    def get(self, request, slug, run_id):
        run = get_object_or_404(AssignmentRun, summit=self.summit, pk=run_id)
        done = run.status == AssignmentRun.Status.DONE
        context = {
            "detail": True,
            "comparison": {run.pk: services.compare_with_previous(run) if done else None},
        }
        return Response(RunSerializer(run, context=context).data)


class AssignmentsAPI(PlannerAPIView):
    serializer_class = AssignmentSerializer

    def get_queryset(self):
        queryset = (
            Assignment.objects.filter(registration__summit=self.summit, registration__status="confirmed")
            .select_related("registration", "registration__group", "group")
            .order_by("group__position", "group__name", "registration__pk")
        )
        group = self.request.query_params.get("group")
        if group:
            queryset = queryset.filter(group__slug=group)
        return queryset

    @extend_schema(
        summary="List the draft assignment",
        operation_id="summits_assignments_list",
        parameters=[OpenApiParameter("group", str, description="Only this group (slug).")],
    )
    def get(self, request, slug):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(AssignmentSerializer(page, many=True).data)


class AssignmentDetailAPI(PlannerAPIView):
    serializer_class = AssignmentSerializer
    queryset = Assignment.objects.none()

    def _registration(self, registration_id):
        return get_object_or_404(Registration, summit=self.summit, public_id=registration_id)

    @extend_schema(summary="One attendee's draft group", operation_id="summits_assignment_retrieve")
    def get(self, request, slug, registration_id):
        draft = get_object_or_404(
            Assignment.objects.select_related("registration", "group"),
            registration=self._registration(registration_id),
        )
        return Response(AssignmentSerializer(draft).data)

    @extend_schema(
        summary="Move an attendee to a group (locked unless locked=false), or lock/unlock them",
        request=MoveInputSerializer,
        responses=AssignmentSerializer,
    )
    def patch(self, request, slug, registration_id):
        registration = self._registration(registration_id)
        data = MoveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if "group" in values:
            group = PlanningGroup.objects.filter(summit=self.summit, slug=values["group"]).first()
            if group is None:
                raise DomainError(
                    "unknown_group",
                    _("No such planning group at this summit."),
                    field="group",
                    status_code=400,
                )
            draft = services.move_attendee(
                registration, group, by=request.user, lock=values.get("locked", True)
            )
        elif values["locked"]:
            current = Assignment.objects.filter(registration=registration).select_related("group").first()
            if current is None:
                raise DomainError("not_assigned", _("This attendee has no group yet."), status_code=404)
            draft = services.move_attendee(registration, current.group, by=request.user, lock=True)
        else:
            draft = services.unlock(registration, by=request.user)
        draft = Assignment.objects.select_related("registration", "group", "registration__group").get(
            pk=draft.pk
        )
        return Response(AssignmentSerializer(draft).data)

    @extend_schema(
        summary="Move an attendee to a group (same as PATCH)",
        request=MoveInputSerializer,
        responses=AssignmentSerializer,
    )
    def post(self, request, slug, registration_id):
        return self.patch(request, slug, registration_id)


class PublishAPI(PlannerAPIView):
    serializer_class = PublishSerializer

    @extend_schema(
        summary="Publish the draft assignment to attendees", request=None, responses=PublishSerializer
    )
    def post(self, request, slug):
        outcome = services.publish_assignment(self.summit, by=request.user)
        outcome["run"] = outcome["run"].pk if outcome["run"] else None
        return Response(PublishSerializer(outcome).data)
