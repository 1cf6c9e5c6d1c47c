"""Recommendations, voting and exports API: thin edges over the workshops services.

Permissions per group: a planner sees and changes everything of their own summits; a
facilitator only their own group's recommendations, quotes and tallies; nobody anything of
another summit. Objects outside what a user may see answer 404, as if they did not exist.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from registrations.badges.codes import find_registration
from summit import audit
from summit.errors import DomainError
from summit.models import Summit
from summit.permissions import PLANNER, IsFacilitatorOrPlanner, IsPlanner, facilitated_group_ids, has_role
from workshops.models import Recommendation, VotingRound
from workshops.recommendations import exports, voting
from workshops.recommendations import services as recommendations
from workshops.recommendations.serializers import (
    BallotSerializer,
    KioskVoteSerializer,
    MergeSerializer,
    PaperBallotSerializer,
    QuoteInputSerializer,
    QuoteSerializer,
    RecommendationInputSerializer,
    RecommendationSerializer,
    RecommendationUpdateSerializer,
    ResultSerializer,
    RoundInputSerializer,
    RoundSerializer,
    TallySerializer,
)


class SummitAPI(APIView):
    """Resolves `self.summit` from the URL before permissions are checked."""

    permission_classes = [IsFacilitatorOrPlanner]

    def initial(self, request, *args, **kwargs):
        self.summit = get_object_or_404(Summit, slug=kwargs["slug"])
        super().initial(request, *args, **kwargs)

    @property
    def is_planner(self):
        return has_role(self.request.user, self.summit, PLANNER)

    def visible_recommendations(self):
        queryset = (
            Recommendation.objects.filter(summit=self.summit)
            .select_related("group", "pillar", "lever", "merged_into", "paper_tally")
            .prefetch_related("predictors", "dimensions")
        )
        if not self.is_planner:
            queryset = queryset.filter(group__in=facilitated_group_ids(self.request.user, self.summit))
        return queryset

    def recommendation(self, pk):
        return get_object_or_404(self.visible_recommendations(), pk=pk)


def _no_group_access():
    return DomainError(
        "forbidden_group", _("You facilitate another planning group."), field="group", status_code=403
    )


class RecommendationListAPI(SummitAPI):
    @extend_schema(responses=RecommendationSerializer(many=True), summary="Recommendations you may see")
    def get(self, request, slug):
        queryset = self.visible_recommendations()
        if request.query_params.get("group"):
            queryset = queryset.filter(group__slug=request.query_params["group"])
        if request.query_params.get("state"):
            queryset = queryset.filter(state=request.query_params["state"])
        return Response(RecommendationSerializer(queryset, many=True).data)

    @extend_schema(
        request=RecommendationInputSerializer,
        responses={201: RecommendationSerializer},
        summary="Create a recommendation (facilitator of that group, or planner)",
    )
    def post(self, request, slug):
        serializer = RecommendationInputSerializer(data=request.data, context={"summit": self.summit})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        group = data.pop("group")
        if not recommendations.may_work_on_group(request.user, group):
            raise _no_group_access()
        created = recommendations.create_recommendation(group=group, data=data, by=request.user)
        return Response(RecommendationSerializer(created).data, status=status.HTTP_201_CREATED)


class RecommendationDetailAPI(SummitAPI):
    @extend_schema(responses=RecommendationSerializer, summary="One recommendation")
    def get(self, request, slug, pk):
        return Response(RecommendationSerializer(self.recommendation(pk)).data)

    @extend_schema(
        request=RecommendationUpdateSerializer,
        responses=RecommendationSerializer,
        summary="Change a recommendation",
    )
    def patch(self, request, slug, pk):
        rec = self.recommendation(pk)
        serializer = RecommendationUpdateSerializer(
            data=request.data, context={"summit": self.summit}, partial=True
        )
        serializer.is_valid(raise_exception=True)
        rec = recommendations.update_recommendation(rec, data=serializer.validated_data, by=request.user)
        return Response(RecommendationSerializer(self.recommendation(rec.pk)).data)


class QuoteAPI(SummitAPI):
    @extend_schema(responses=QuoteSerializer(many=True), summary="Quotes recorded for a recommendation")
    def get(self, request, slug, pk):
        return Response(QuoteSerializer(self.recommendation(pk).quotes.all(), many=True).data)

    @extend_schema(
        request=QuoteInputSerializer, responses={201: QuoteSerializer}, summary="Add an anonymous quote"
    )
    def post(self, request, slug, pk):
        rec = self.recommendation(pk)
        serializer = QuoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        quote = recommendations.add_quote(group=rec.group, recommendation=rec, **serializer.validated_data)
        return Response(QuoteSerializer(quote).data, status=status.HTTP_201_CREATED)


class TallyAPI(SummitAPI):
    @extend_schema(request=TallySerializer, responses=TallySerializer, summary="Set the paper dot tally")
    def put(self, request, slug, pk):
        rec = self.recommendation(pk)
        serializer = TallySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tally = recommendations.set_paper_tally(rec, dots=serializer.validated_data["dots"], by=request.user)
        return Response({"dots": tally.dots})


class MergeAPI(SummitAPI):
    permission_classes = [IsPlanner]

    @extend_schema(
        request=MergeSerializer,
        responses=RecommendationSerializer,
        summary="Merge duplicates into this one (planner)",
    )
    def post(self, request, slug, pk):
        keep = self.recommendation(pk)
        serializer = MergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = serializer.validated_data["duplicates"]
        duplicates = list(self.visible_recommendations().filter(pk__in=ids))
        if len(duplicates) != len(set(ids)):
            raise DomainError(
                "not_found",
                _("Some of these recommendations do not exist."),
                field="duplicates",
                status_code=400,
            )
        keep = recommendations.merge_recommendations(keep=keep, duplicates=duplicates, by=request.user)
        return Response(RecommendationSerializer(self.recommendation(keep.pk)).data)


class ShortlistAPI(SummitAPI):
    permission_classes = [IsPlanner]

    @extend_schema(
        request=None, responses=RecommendationSerializer, summary="Shortlist a recommendation (planner)"
    )
    def post(self, request, slug, pk):
        rec = recommendations.set_state(
            self.recommendation(pk), state=Recommendation.State.SHORTLISTED, by=request.user
        )
        return Response(RecommendationSerializer(self.recommendation(rec.pk)).data)


# --- Voting ---


class RoundListAPI(SummitAPI):
    @extend_schema(
        responses=RoundSerializer(many=True),
        summary="Voting rounds (a facilitator: the whole summit's and their own group's)",
    )
    def get(self, request, slug):
        rounds = VotingRound.objects.filter(summit=self.summit).select_related("group")
        if not self.is_planner:
            rounds = rounds.filter(
                Q(group__isnull=True) | Q(group__in=facilitated_group_ids(request.user, self.summit))
            )
        return Response(RoundSerializer(rounds, many=True).data)

    @extend_schema(
        request=RoundInputSerializer,
        responses={201: RoundSerializer},
        summary="Open a voting round (planner)",
    )
    def post(self, request, slug):
        if not self.is_planner:
            raise PermissionDenied
        serializer = RoundInputSerializer(data=request.data, context={"summit": self.summit})
        serializer.is_valid(raise_exception=True)
        created = voting.open_round(self.summit, by=request.user, **serializer.validated_data)
        return Response(RoundSerializer(created).data, status=status.HTTP_201_CREATED)


class RoundMixin:
    def voting_round(self, pk):
        voting_round = get_object_or_404(
            VotingRound.objects.select_related("group", "summit"), summit=self.summit, pk=pk
        )
        if (
            voting_round.group_id
            and not self.is_planner
            and voting_round.group_id not in facilitated_group_ids(self.request.user, self.summit)
        ):
            raise Http404
        return voting_round


class RoundCloseAPI(RoundMixin, SummitAPI):
    permission_classes = [IsPlanner]

    @extend_schema(request=None, responses=RoundSerializer, summary="Close a round now (planner)")
    def post(self, request, slug, pk):
        return Response(RoundSerializer(voting.close_round(self.voting_round(pk))).data)


class RoundResultsAPI(RoundMixin, SummitAPI):
    @extend_schema(
        responses={200: ResultSerializer(many=True), 409: OpenApiResponse(description="results_hidden")},
        summary="Results of a round (only once it has closed)",
    )
    def get(self, request, slug, pk):
        rows = voting.round_results(self.voting_round(pk))
        return Response(ResultSerializer(rows, many=True).data)


class KioskVoteAPI(RoundMixin, SummitAPI):
    @extend_schema(
        request=KioskVoteSerializer, responses=BallotSerializer, summary="Set a voter's dots at a kiosk"
    )
    def post(self, request, slug, pk):
        voting_round = self.voting_round(pk)
        serializer = KioskVoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration = find_registration(self.summit, serializer.validated_data["code"])
        voting.check_voter(voting_round, registration)
        rec = get_object_or_404(
            Recommendation, summit=self.summit, pk=serializer.validated_data["recommendation"]
        )
        ballot = voting.set_dots(
            voting_round,
            registration=registration,
            recommendation=rec,
            dots=serializer.validated_data["dots"],
        )
        return Response(BallotSerializer(ballot).data)


class PaperBallotAPI(RoundMixin, SummitAPI):
    @extend_schema(
        request=PaperBallotSerializer, responses={201: BallotSerializer}, summary="Count a paper ballot"
    )
    def post(self, request, slug, pk):
        voting_round = self.voting_round(pk)
        serializer = PaperBallotSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        allocations = {}
        for item in serializer.validated_data["votes"]:
            allocations[item["recommendation"]] = allocations.get(item["recommendation"], 0) + item["dots"]
        ballot = voting.record_paper_ballot(
            voting_round, code=serializer.validated_data["code"], allocations=allocations, by=request.user
        )
        return Response(BallotSerializer(ballot).data, status=status.HTTP_201_CREATED)


# --- Exports (planners) ---


class ExportAPI(SummitAPI):
    permission_classes = [IsPlanner]

    @extend_schema(
        responses={(200, "text/csv"): OpenApiTypes.STR, (200, "application/json"): OpenApiTypes.OBJECT},
        summary="Export recommendations or votes as CSV or JSON (planner; audit-logged)",
    )
    def get(self, request, slug, what, fmt):
        if what not in exports.EXPORTS or fmt not in ("csv", "json"):
            raise Http404
        body, count = exports.export(self.summit, what=what, fmt=fmt)
        audit.record(action=f"export_{what}_{fmt}", summit=self.summit, user=request.user, count=count)
        content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{self.summit.slug}-{what}.{fmt}"'
        response["Cache-Control"] = "no-store"
        return response
