"""API input and output shapes for recommendations and votes (kept apart)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from summit.models import PlanningGroup, Sector
from workshops.models import (
    Dimension,
    FrameworkVersion,
    Lever,
    Pillar,
    Predictor,
    Recommendation,
    ResidentQuote,
    VotingRound,
)


@extend_schema_field(OpenApiTypes.STR)
class FrameworkSlugField(serializers.SlugRelatedField):
    """A slug of the current framework version (pillar, lever, predictor, dimension)."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(slug_field="slug", **kwargs)

    def get_queryset(self):
        return self.model.objects.filter(version=FrameworkVersion.current())

    def to_internal_value(self, data):
        # A NUL can match no slug, and PostgreSQL refuses it in a query (a 500): answer as for
        # any other unknown slug, naming the field.
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


class RecommendationInputSerializer(serializers.Serializer):
    group = serializers.SlugField(help_text=_("Planning group slug."))
    title = serializers.CharField(max_length=200)
    barrier = serializers.CharField(max_length=4000)
    action = serializers.CharField(max_length=4000)
    pillar = FrameworkSlugField(Pillar, help_text=_("Pillar slug of the framework, e.g. rewarding-work."))
    rationale = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    predictors = FrameworkSlugField(Predictor, many=True, required=False)
    dimensions = FrameworkSlugField(Dimension, many=True, required=False)
    lever = FrameworkSlugField(Lever, required=False, allow_null=True)
    lead_organization = serializers.CharField(max_length=200, required=False, allow_blank=True)
    partners = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    horizon = serializers.ChoiceField(Recommendation.Horizon.choices, required=False, allow_blank=True)
    resources = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    success_measure = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    state = serializers.ChoiceField(Recommendation.State.choices, required=False)

    def validate_group(self, value):
        group = PlanningGroup.objects.filter(summit=self.context["summit"], slug=value).first()
        if group is None:
            raise serializers.ValidationError(_("No planning group with this slug at this summit."))
        return group

    def validate(self, attrs):
        pillar = attrs.get("pillar")
        predictors = attrs.get("predictors")
        if pillar and predictors and any(p.pillar_id != pillar.pk for p in predictors):
            raise serializers.ValidationError(
                {"predictors": [_("Each predictor must belong to the chosen pillar.")]}
            )
        return attrs


class RecommendationUpdateSerializer(RecommendationInputSerializer):
    group = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class RecommendationSerializer(serializers.ModelSerializer):
    group = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    pillar = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    lever = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    predictors = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    dimensions = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    merged_into = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    paper_dots = serializers.SerializerMethodField()

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "reference",
            "group",
            "title",
            "barrier",
            "action",
            "rationale",
            "pillar",
            "predictors",
            "dimensions",
            "lever",
            "lead_organization",
            "partners",
            "horizon",
            "resources",
            "success_measure",
            "state",
            "merged_into",
            "paper_dots",
            "created_at",
            "updated_at",
        ]

    def get_paper_dots(self, obj) -> int:
        tally = getattr(obj, "paper_tally", None)
        return tally.dots if tally else 0


class QuoteInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)
    speaker_sector = serializers.ChoiceField(Sector.choices)
    is_resident = serializers.BooleanField(default=False)
    consent_to_quote = serializers.BooleanField(default=False)


class QuoteSerializer(serializers.ModelSerializer):
    recommendation = serializers.SlugRelatedField(slug_field="reference", read_only=True)

    class Meta:
        model = ResidentQuote
        fields = [
            "id",
            "recommendation",
            "text",
            "speaker_sector",
            "is_resident",
            "consent_to_quote",
            "created_at",
        ]


class TallySerializer(serializers.Serializer):
    dots = serializers.IntegerField(min_value=0, max_value=100000)


class MergeSerializer(serializers.Serializer):
    duplicates = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=50)


class RoundInputSerializer(serializers.Serializer):
    group = serializers.SlugField(required=False, allow_null=True, help_text=_("Empty: the whole summit."))
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    dots_per_person = serializers.IntegerField(min_value=1, max_value=50, default=5)
    max_per_item = serializers.IntegerField(min_value=1, max_value=50, default=2)
    opens_at = serializers.DateTimeField(required=False)
    closes_at = serializers.DateTimeField()

    def validate_group(self, value):
        if not value:
            return None
        group = PlanningGroup.objects.filter(summit=self.context["summit"], slug=value).first()
        if group is None:
            raise serializers.ValidationError(_("No planning group with this slug at this summit."))
        return group


class RoundSerializer(serializers.ModelSerializer):
    group = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    is_open = serializers.SerializerMethodField()
    is_closed = serializers.SerializerMethodField()

    class Meta:
        model = VotingRound
        fields = [
            "id",
            "title",
            "group",
            "dots_per_person",
            "max_per_item",
            "opens_at",
            "closes_at",
            "is_open",
            "is_closed",
        ]

    def get_is_open(self, obj) -> bool:
        return obj.is_open()

    def get_is_closed(self, obj) -> bool:
        return obj.is_closed()


class KioskVoteSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=100, help_text=_("The badge code read from the QR."))
    recommendation = serializers.IntegerField()
    dots = serializers.IntegerField(min_value=0, max_value=50)


class PaperVoteSerializer(serializers.Serializer):
    recommendation = serializers.IntegerField()
    dots = serializers.IntegerField(min_value=0, max_value=50)


class PaperBallotSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=100, help_text=_("The badge code printed on the ballot."))
    votes = PaperVoteSerializer(many=True, max_length=200)


class BallotSerializer(serializers.Serializer):
    dots_used = serializers.IntegerField()
    dots_allowed = serializers.IntegerField()
    source = serializers.CharField()


class ResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    dots = serializers.IntegerField()
    supporters = serializers.IntegerField()
