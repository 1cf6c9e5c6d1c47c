"""Who may do what at which summit. Roles are per summit: a planner of one summit sees
nothing of another."""

from rest_framework.permissions import BasePermission

from summit.models import StaffRole

PLANNER = StaffRole.Role.PLANNER
VOLUNTEER = StaffRole.Role.VOLUNTEER
FACILITATOR = StaffRole.Role.FACILITATOR
NAVIGATOR = StaffRole.Role.NAVIGATOR


def roles_at(user, summit):
    """The set of role names the user holds at this summit (superusers are planners everywhere)."""
    if not user or not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return {PLANNER}
    cache = getattr(user, "_summit_roles_cache", None)
    if cache is None:
        cache = user._summit_roles_cache = {}
    if summit.pk not in cache:
        cache[summit.pk] = set(
            StaffRole.objects.filter(user=user, summit=summit).values_list("role", flat=True)
        )
    return cache[summit.pk]


def remember_roles(user, summit, roles):
    """Record the roles `user` holds at `summit`, read by the caller in a query of its own, so
    that roles_at does not ask again for this request (the cache lives on this user object only)."""
    if not hasattr(user, "_summit_roles_cache"):
        user._summit_roles_cache = {}
    user._summit_roles_cache[summit.pk] = set(roles)


def has_role(user, summit, *roles):
    return bool(roles_at(user, summit) & set(roles))


def facilitated_group_ids(user, summit):
    if not user.is_authenticated:
        return set()
    return set(
        StaffRole.objects.filter(user=user, summit=summit, role=FACILITATOR).values_list(
            "group_id", flat=True
        )
    )


class SummitRolePermission(BasePermission):
    """Grants access when the user holds one of `roles` at the view's summit
    (the view sets `self.summit` in `initial()` before permissions are checked)."""

    roles = ()

    def has_permission(self, request, view):
        summit = getattr(view, "summit", None)
        return summit is not None and has_role(request.user, summit, *self.roles)


def role_permission(*roles):
    return type("HasRole_" + "_".join(roles), (SummitRolePermission,), {"roles": roles})


IsPlanner = role_permission(PLANNER)
IsDoorStaff = role_permission(PLANNER, VOLUNTEER)
IsFacilitatorOrPlanner = role_permission(PLANNER, FACILITATOR)
IsRegistrar = role_permission(PLANNER, NAVIGATOR)
