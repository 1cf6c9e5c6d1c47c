"""Core use cases: staff accounts and summit lookup."""

from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework.authtoken.models import Token

from summit.errors import DomainError
from summit.models import PlanningGroup, StaffRole, Summit


@transaction.atomic
def create_staff(*, email, summit, role, group_slug=None):
    """Create or update a staff account with `role` at `summit` and return (user, token key).

    A facilitator needs the planning group they facilitate. The account's token is created once
    and kept across calls, so scripts that saved it keep working.
    """
    email = email.strip().lower()
    if role not in StaffRole.Role.values:
        raise DomainError("invalid_role", f"Unknown role {role!r}.", field="role", status_code=400)
    group = None
    if role == StaffRole.Role.FACILITATOR:
        if not group_slug:
            raise DomainError(
                "group_required", "A facilitator needs --group SLUG.", field="group", status_code=400
            )
        group = PlanningGroup.objects.filter(summit=summit, slug=group_slug).first()
        if group is None:
            raise DomainError(
                "unknown_group", f"No planning group {group_slug!r} at {summit.slug}.", field="group"
            )
    elif group_slug:
        raise DomainError(
            "group_not_allowed", "Only facilitators belong to a group.", field="group", status_code=400
        )

    user_model = get_user_model()
    user = (
        user_model.objects.filter(email__iexact=email).first()
        or user_model.objects.filter(username=email).first()
    )
    if user is None:
        # Only planners use the admin; everyone else signs in at /accounts/login/.
        user = user_model(username=email, email=email, is_staff=role == StaffRole.Role.PLANNER)
        user.set_unusable_password()
        user.save()
    elif role == StaffRole.Role.PLANNER and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    StaffRole.objects.get_or_create(user=user, summit=summit, role=role, group=group)
    if role == StaffRole.Role.PLANNER:
        user.groups.add(planners_admin_group())
    token, _created = Token.objects.get_or_create(user=user)
    return user, token.key


def planners_admin_group():
    """The Django auth group that lets planners use the admin for Summit's own models.
    Which summits they see there is limited per summit by the admin classes."""
    from django.contrib.auth.models import Group, Permission

    group, created = Group.objects.get_or_create(name="Summit planners")
    if created or not group.permissions.exists():
        group.permissions.set(
            Permission.objects.filter(content_type__app_label__in=["summit", "registrations", "workshops"])
        )
    return group


def get_summit(slug):
    summit = Summit.objects.filter(slug=slug).first()
    if summit is None:
        raise DomainError("unknown_summit", f"No summit {slug!r}.", status_code=404)
    return summit
