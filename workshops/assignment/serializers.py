from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workshops.assignment.services import failure_text
from workshops.models import Assignment, AssignmentRun


class RunInputSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(default=False, help_text="Preview the figures without saving.")
    fresh = serializers.BooleanField(default=False, help_text="Ignore current draft groups (no stability).")
    rules = serializers.DictField(
        required=False,
        allow_null=True,
        default=None,
        help_text='Engine rules, e.g. {"org_cap": 3, "sector_ceiling": 0.4, "resident_floor_margin": 0.1}; '
        "omitted: the last run's rules.",
    )


class RunSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, allow_null=True)
    created_by = serializers.SerializerMethodField()
    error_text = serializers.SerializerMethodField(help_text="Why the run failed, in words.")
    comparison = serializers.SerializerMethodField(help_text="Changes since the previous run.")

    class Meta:
        model = AssignmentRun
        fields = [
            "id",
            "created_at",
            "created_by",
            "status",
            "started_at",
            "finished_at",
            "error",
            "error_text",
            "solver_status",
            "method",
            "relaxed",
            "solve_seconds",
            "published_at",
            "parameters",
            "figures",
            "comparison",
        ]

    def get_created_by(self, obj) -> str | None:
        return obj.created_by.email if obj.created_by_id else None

    def get_error_text(self, obj) -> str:
        return failure_text(obj.error)

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_comparison(self, obj):
        comparison = self.context.get("comparison", {}).get(obj.pk) or getattr(obj, "comparison", None)
        if comparison is None:
            return None
        return {
            key: value for key, value in comparison.items() if key != "moves" or self.context.get("detail")
        }


class AssignmentSerializer(serializers.ModelSerializer):
    registration = serializers.UUIDField(source="registration.public_id", read_only=True)
    first_name = serializers.CharField(source="registration.first_name", read_only=True)
    last_name = serializers.CharField(source="registration.last_name", read_only=True)
    sector = serializers.CharField(source="registration.sector", read_only=True)
    organization = serializers.CharField(source="registration.organization", read_only=True)
    language = serializers.CharField(source="registration.language", read_only=True)
    group = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    reason_text = serializers.CharField(read_only=True, help_text="The reason in the attendee's language.")
    published_group = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "registration",
            "first_name",
            "last_name",
            "sector",
            "organization",
            "language",
            "group",
            "locked",
            "reason",
            "reason_text",
            "rank",
            "published_group",
        ]

    def get_published_group(self, obj) -> str | None:
        return obj.registration.group.slug if obj.registration.group_id else None


class MoveInputSerializer(serializers.Serializer):
    group = serializers.SlugField(
        required=False, help_text="Slug of the planning group to move the attendee to."
    )
    locked = serializers.BooleanField(required=False, help_text="Lock (default when moving) or unlock.")

    def validate(self, attrs):
        if "group" not in attrs and "locked" not in attrs:
            raise serializers.ValidationError({"group": ["Give a group, or locked."]})
        return attrs


class PublishSerializer(serializers.Serializer):
    published = serializers.IntegerField()
    changed = serializers.IntegerField()
    cleared = serializers.IntegerField()
    unassigned = serializers.IntegerField()
    run = serializers.IntegerField(allow_null=True)
