from rest_framework import serializers

from summit.models import PlanningGroup, Sector, Summit, TicketType


class TicketTypeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")
    price = serializers.DecimalField(max_digits=8, decimal_places=2, coerce_to_string=True)
    available = serializers.SerializerMethodField(help_text="False when a paid type cannot be bought here.")

    class Meta:
        model = TicketType
        fields = ["slug", "name", "price", "currency", "available"]

    def get_available(self, obj) -> bool:
        return obj.is_free or bool(self.context.get("payments_enabled"))


class GroupSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")
    capacity = serializers.IntegerField(source="max_size")

    class Meta:
        model = PlanningGroup
        fields = ["slug", "name", "language", "pillar", "capacity", "room"]


class SummitSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")
    description = serializers.CharField(source="display_description")
    seats_left = serializers.SerializerMethodField()
    registration_open = serializers.BooleanField()
    ticket_types = serializers.SerializerMethodField()
    groups = GroupSerializer(many=True)
    sectors = serializers.SerializerMethodField()

    class Meta:
        model = Summit
        fields = [
            "slug",
            "name",
            "description",
            "starts_at",
            "ends_at",
            "timezone",
            "venue",
            "capacity",
            "seats_left",
            "registration_open",
            "ticket_types",
            "groups",
            "sectors",
        ]

    def get_seats_left(self, obj) -> int:
        return self.context["seats_left"]

    def get_ticket_types(self, obj) -> list[dict]:
        active = [t for t in obj.ticket_types.all() if t.active]
        return TicketTypeSerializer(active, many=True, context=self.context).data

    def get_sectors(self, obj) -> list[dict]:
        return [{"value": value, "label": str(label)} for value, label in Sector.choices]
