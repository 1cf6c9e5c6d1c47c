"""API input and output shapes for reports (kept apart)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from workshops.models import ReportSnapshot


class ReportRequestSerializer(serializers.Serializer):
    language = serializers.ChoiceField([("en", "English"), ("es", "Español")], default="en")
    preliminary = serializers.BooleanField(default=False)
    source = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("Re-render this earlier snapshot's data instead of taking fresh data."),
    )


class ReportSnapshotSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportSnapshot
        fields = [
            "id",
            "language",
            "preliminary",
            "sha256",
            "status",
            "progress",
            "error",
            "pages",
            "source",
            "created_at",
            "finished_at",
            "download_url",
        ]

    def get_download_url(self, obj) -> str | None:
        if obj.status != ReportSnapshot.Status.DONE:
            return None
        return f"/api/summits/{obj.summit.slug}/reports/{obj.pk}/download/"
