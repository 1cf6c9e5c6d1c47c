import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.db.models import EmailField
from django.utils import timezone

from registrations.badges.codes import set_badge_code
from registrations.models import GroupPreference, Registration
from summit.models import PlanningGroup, StaffRole, Summit, TicketType


class SummitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Summit
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"summit-{n}")
    name = factory.Sequence(lambda n: f"Mobility Summit {n}")
    name_es = factory.Sequence(lambda n: f"Cumbre de Movilidad {n}")
    venue = "Community Center"
    timezone = "America/Los_Angeles"
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=8))
    capacity = 350
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


class TicketTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketType

    summit = factory.SubFactory(SummitFactory)
    slug = factory.Sequence(lambda n: f"ticket-{n}")
    name = "Community resident"
    name_es = "Residente de la comunidad"
    price = Decimal("0.00")


class PlanningGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanningGroup

    summit = factory.SubFactory(SummitFactory)
    slug = factory.Sequence(lambda n: f"group-{n}")
    name = factory.Sequence(lambda n: f"Group {n}")
    name_es = factory.Sequence(lambda n: f"Grupo {n}")
    language = "en"
    pillar = "rewarding-work"
    min_size = 0
    max_size = 40
    room = factory.Sequence(lambda n: f"Room {100 + n}")


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration
        skip_postgeneration_save = True

    summit = factory.SubFactory(SummitFactory)
    ticket_type = factory.SubFactory(TicketTypeFactory, summit=factory.SelfAttribute("..summit"))
    status = Registration.Status.CONFIRMED
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    sector = "resident"
    language = "en"
    confirmed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def badge(obj, create, extracted, **kwargs):
        set_badge_code(obj)
        if create:
            obj.save(update_fields=["badge_code_hash"])

    @factory.post_generation
    def checked_in(obj, create, extracted, **kwargs):
        """RegistrationFactory(checked_in=True): admitted at the door."""
        if create and extracted:
            from registrations.models import CheckIn

            CheckIn.objects.create(
                registration=obj, summit=obj.summit, checked_in_at=timezone.now(), device="test"
            )


class GroupPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupPreference

    registration = factory.SubFactory(RegistrationFactory)
    group = factory.SubFactory(PlanningGroupFactory, summit=factory.SelfAttribute("..registration.summit"))
    rank = 1


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"staff{n}@example.org")
    email = factory.LazyAttribute(lambda o: o.username)


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory)
    summit = factory.SubFactory(SummitFactory)
    role = StaffRole.Role.PLANNER


def confirmed_attendees(summit, names, **fields):
    """Confirmed registrations with the given (first name, last name) pairs."""
    return [
        RegistrationFactory(summit=summit, first_name=first, last_name=last, **fields)
        for first, last in names
    ]


def personal_canaries(tag="Zqxcanary"):
    """A distinct value for every field a person gives (Registration.GIVEN_FIELDS: every personal
    field but search_name, which is made from the names), each containing `tag` and accepted by
    the registration API: plant them, then look for the tag."""
    values = {}
    for name in Registration.GIVEN_FIELDS:
        field = Registration._meta.get_field(name)
        value = f"{tag}.{name}@example.org".lower() if isinstance(field, EmailField) else f"{tag} {name}"
        values[name] = value[: field.max_length]
    return values


def current_pillar(slug="rewarding-work"):
    from workshops.models import FrameworkVersion, Pillar

    return Pillar.objects.get(version=FrameworkVersion.current(), slug=slug)


class RecommendationFactory(factory.django.DjangoModelFactory):
    """Goes through the service so references are numbered as in real use."""

    class Meta:
        model = "workshops.Recommendation"

    group = factory.SubFactory(PlanningGroupFactory)
    title = factory.Sequence(lambda n: f"Recommendation {n}")
    barrier = "Families cannot find housing they can afford."
    action = "Fund a county-wide rental assistance pool."
    state = "submitted"

    @classmethod
    def _create(cls, model_class, group, **kwargs):
        from workshops.recommendations.services import create_recommendation

        kwargs.setdefault("pillar", current_pillar(group.pillar or "rewarding-work"))
        return create_recommendation(group=group, data=kwargs)


class VotingRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "workshops.VotingRound"

    summit = factory.SubFactory(SummitFactory)
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(minutes=5))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(hours=1))
