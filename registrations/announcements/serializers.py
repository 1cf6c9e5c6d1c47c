from rest_framework import serializers

from registrations.models import Announcement
from summit.validators import validate_multi_line, validate_single_line


def _subject():
    return serializers.CharField(max_length=200, trim_whitespace=True, validators=[validate_single_line])


def _body():
    return serializers.CharField(max_length=10000, trim_whitespace=True, validators=[validate_multi_line])


class AnnouncementInputSerializer(serializers.Serializer):
    subject_en = _subject()
    body_en = _body()
    subject_es = _subject()
    body_es = _body()
    audience = serializers.JSONField(
        required=False,
        default=dict,
        help_text="Filters that must all hold: `status` (list of registration statuses, default "
        '`["confirmed"]`), `ticket_type` and `group` (slugs; group: the assigned planning group), '
        "`language` (`en` or `es`), `need` (`dietary`, `childcare`, `interpretation`, `access`). People who "
        "stopped announcements are left out.",
    )
    send = serializers.BooleanField(
        required=False,
        default=False,
        help_text="false: a preview and the count only; nothing stored or sent.",
    )


class AnnouncementSerializer(serializers.ModelSerializer):
    count = serializers.IntegerField(read_only=True, help_text="Attendees it goes to")
    sent = serializers.IntegerField(read_only=True)
    failed = serializers.IntegerField(read_only=True)

    class Meta:
        model = Announcement
        fields = [
            "id",
            "subject_en",
            "subject_es",
            "audience",
            "count",
            "sent",
            "failed",
            "created_at",
            "finished_at",
        ]


class AnnouncementAnswerSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="null for a preview")
    count = serializers.IntegerField()
    sent = serializers.IntegerField(required=False)
    failed = serializers.IntegerField(required=False)
    audience = serializers.JSONField(help_text="The filters as applied (status filled in)")
