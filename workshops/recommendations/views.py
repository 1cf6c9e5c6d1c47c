"""Server-rendered pages: facilitator, planner review, voting (attendee link and kiosk) and paper
ballots (reports: workshops/report/views.py). Every page works without JavaScript; the facilitator page's script only
adds autosave and keeps typed text in the browser while the connection is down."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.timezone import make_aware
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from registrations.badges.codes import find_registration
from registrations.models import Registration
from registrations.seats.links import registration_from_token
from summit.errors import DomainError
from summit.models import PlanningGroup, Sector, Summit
from summit.permissions import FACILITATOR, PLANNER, VOLUNTEER, facilitated_group_ids, has_role
from workshops.models import (
    Dimension,
    FrameworkVersion,
    Lever,
    Pillar,
    Recommendation,
    VotingRound,
)
from workshops.recommendations import services as recommendations
from workshops.recommendations import voting
from workshops.recommendations.forms import RecommendationForm
from workshops.recommendations.serializers import (
    RecommendationInputSerializer,
    RecommendationUpdateSerializer,
)


def _wants_json(request):
    return request.headers.get("X-Requested-With") == "fetch"


def _framework_choices():
    version = FrameworkVersion.current()
    pillars = list(Pillar.objects.filter(version=version).prefetch_related("predictors"))
    return {
        "pillars": pillars,
        "dimensions": list(Dimension.objects.filter(version=version)),
        "levers": list(Lever.objects.filter(version=version)),
        "horizons": Recommendation.Horizon.choices,
        "sectors": Sector.choices,
    }


def _summit_staff(request, slug, *roles):
    summit = get_object_or_404(Summit, slug=slug)
    if not has_role(request.user, summit, *roles):
        raise PermissionDenied
    return summit


# --- Facilitator page ---


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def facilitate(request, slug, group_slug):
    summit = get_object_or_404(Summit, slug=slug)
    group = get_object_or_404(PlanningGroup.objects.select_related("summit"), summit=summit, slug=group_slug)
    if not recommendations.may_work_on_group(request.user, group):
        raise PermissionDenied
    framework = _framework_choices()
    # A refused form is shown again as it was sent, its errors beside its fields and, linked to
    # them, in the summary at the top: nothing typed is lost.
    refused = {"rec_form": None, "quote": None, "tally": None}
    summary, status, edited = [], 200, None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "save":
                edited, rec_form = _save_recommendation(request, group, framework)
                if rec_form is not None:
                    refused["rec_form"], summary = rec_form, rec_form.error_summary()
            elif action == "quote":
                _save_quote(request, group)
            elif action == "tally":
                _save_tally(request, group)
            else:
                summary = [("", "", _("Unknown action."))]
        except DomainError as exc:
            summary, status = _refused_entry(group, action, request.POST, exc, refused), exc.status_code
        if summary and status == 200:
            status = 400
        if _wants_json(request):
            return JsonResponse(
                {
                    "ok": not summary,
                    "id": edited.pk if edited and not summary else None,
                    "reference": edited.reference if edited and not summary else None,
                    "errors": [f"{label}: {text}" if label else text for _id, label, text in summary],
                },
                status=status,
            )
        if not summary:
            return redirect(f"{request.path}?saved=1")
    recs = list(
        Recommendation.objects.filter(group=group)
        .select_related("pillar", "lever", "paper_tally")
        .prefetch_related("predictors", "dimensions", "quotes")
    )
    forms, new_form = _recommendation_forms(group, recs, framework, refused=refused["rec_form"])
    roster = Registration.objects.filter(group=group, status=Registration.Status.CONFIRMED)
    shared = list(
        roster.filter(share_with_group=True)
        .order_by("first_name", "last_name")
        .values("first_name", "last_name", "organization")
    )
    context = {
        "summit": summit,
        "group": group,
        "recommendations": recs,
        "forms": forms,
        "new_form": new_form,
        "roster": shared,
        "not_shared": roster.count() - len(shared),
        "error_summary": summary,
        "refused": refused,
        "message": _("Saved.") if request.GET.get("saved") and not summary else None,
        "is_planner": has_role(request.user, summit, PLANNER),
        **framework,
    }
    return render(request, "workshops/facilitate.html", context, status=status)


def _recommendation_forms(group, recs, framework, *, refused):
    """A form for each recommendation and one for a new one; the refused form takes its place."""

    def form_for(rec):
        if refused is not None and refused.recommendation == rec:
            return refused
        return RecommendationForm(group=group, recommendation=rec, framework=framework)

    return [{"rec": rec, "form": form_for(rec)} for rec in recs], form_for(None)


def _refused_entry(group, action, post, exc, refused):
    """The error summary of a refused quote or tally, linked to its field; what was sent is
    kept in `refused`, to be shown again in its form."""
    text = str(exc.message)
    if action == "quote":
        refused["quote"] = {"values": post, "error": text}
        return [("quote-text", _("Quote"), text)]
    if action == "tally":
        rec = _group_recommendation(group, post.get("recommendation"))
        refused["tally"] = {"rec": rec.pk, "dots": post.get("dots", ""), "error": text}
        return [(f"tally-{rec.pk}", f"{rec.reference} {rec.title}", text)]
    return [("", "", text)]


def _get_by_id(queryset, pk):
    """The row with this id, as sent by a form, or a 404 (also for an id that is not a number)."""
    if not (pk or "").isdigit():
        raise Http404
    return get_object_or_404(queryset, pk=pk)


def _group_recommendation(group, pk):
    return _get_by_id(Recommendation.objects.filter(group=group), pk)


def _save_recommendation(request, group, framework):
    """(the recommendation, None) once saved; (the recommendation or None, the form with the
    serializer's errors) when refused."""
    rec_id = request.POST.get("recommendation_id")
    rec = _group_recommendation(group, rec_id) if rec_id else None
    form = RecommendationForm(request.POST, group=group, recommendation=rec, framework=framework)
    data = form.as_input()
    if rec is not None:
        serializer = RecommendationUpdateSerializer(data=data, context={"summit": group.summit}, partial=True)
        if not serializer.is_valid():
            form.add_serializer_errors(serializer.errors)
            return rec, form
        return recommendations.update_recommendation(
            rec, data=serializer.validated_data, by=request.user
        ), None
    data["group"] = group.slug
    serializer = RecommendationInputSerializer(data=data, context={"summit": group.summit})
    if not serializer.is_valid():
        form.add_serializer_errors(serializer.errors)
        return None, form
    validated = dict(serializer.validated_data)
    validated.pop("group")
    return recommendations.create_recommendation(group=group, data=validated, by=request.user), None


def _save_quote(request, group):
    text = (request.POST.get("text") or "").strip()
    sector = request.POST.get("speaker_sector")
    if not text or sector not in Sector.values:
        raise DomainError(
            "invalid", _("Write the quote and choose the speaker's sector."), field="text", status_code=400
        )
    rec_id = request.POST.get("recommendation")
    rec = _group_recommendation(group, rec_id) if rec_id else None
    recommendations.add_quote(
        group=group,
        recommendation=rec,
        text=text[:2000],
        speaker_sector=sector,
        is_resident=request.POST.get("is_resident") == "on",
        consent_to_quote=request.POST.get("consent_to_quote") == "on",
    )


def _save_tally(request, group):
    rec = _group_recommendation(group, request.POST.get("recommendation"))
    try:
        dots = int(request.POST.get("dots", ""))
    except ValueError:
        raise DomainError(
            "invalid", _("Enter a whole number of dots."), field="dots", status_code=400
        ) from None
    recommendations.set_paper_tally(rec, dots=dots, by=request.user)


# --- Planner review ---


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def review(request, slug):
    summit = _summit_staff(request, slug, PLANNER)
    error, status = None, 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "state":
                rec = get_object_or_404(Recommendation, summit=summit, pk=request.POST.get("recommendation"))
                state = request.POST.get("state")
                if state not in Recommendation.State.values:
                    raise DomainError("invalid", _("Unknown state."), field="state", status_code=400)
                recommendations.set_state(rec, state=state, by=request.user)
            elif action == "merge":
                keep = get_object_or_404(Recommendation, summit=summit, pk=request.POST.get("keep"))
                ids = [int(i) for i in request.POST.getlist("duplicates") if i.isdigit()]
                duplicates = list(Recommendation.objects.filter(summit=summit, pk__in=ids))
                recommendations.merge_recommendations(keep=keep, duplicates=duplicates, by=request.user)
            elif action == "open_round":
                _open_round(request, summit)
            elif action == "close_round":
                voting.close_round(
                    get_object_or_404(VotingRound, summit=summit, pk=request.POST.get("round"))
                )
            else:
                raise DomainError("invalid", _("Unknown action."), status_code=400)
            return redirect(request.path)
        except DomainError as exc:
            error, status = str(exc.message), exc.status_code
    recs = list(
        Recommendation.objects.filter(summit=summit)
        .select_related("group", "pillar", "merged_into", "paper_tally")
        .order_by("group__position", "group__name", "number")
    )
    rounds = []
    for voting_round in VotingRound.objects.filter(summit=summit).select_related("group"):
        results = voting.round_results(voting_round) if voting_round.is_closed() else None
        rounds.append({"round": voting_round, "results": results})
    context = {
        "summit": summit,
        "recommendations": recs,
        "states": Recommendation.State.choices,
        "groups": PlanningGroup.objects.filter(summit=summit),
        "rounds": rounds,
        "error": error,
    }
    return render(request, "workshops/review.html", context, status=status)


def _open_round(request, summit):
    closes = parse_datetime(request.POST.get("closes_at") or "")
    if closes is None:
        raise DomainError("invalid", _("Give the time the round closes."), field="closes_at", status_code=400)
    if closes.tzinfo is None:
        closes = make_aware(closes, summit.tz)
    group_slug = request.POST.get("group") or ""
    group = get_object_or_404(PlanningGroup, summit=summit, slug=group_slug) if group_slug else None
    try:
        dots = int(request.POST.get("dots_per_person") or 5)
        per_item = int(request.POST.get("max_per_item") or 2)
    except ValueError:
        raise DomainError(
            "invalid", _("Enter whole numbers."), field="dots_per_person", status_code=400
        ) from None
    voting.open_round(
        summit,
        group=group,
        closes_at=closes,
        dots_per_person=dots,
        max_per_item=per_item,
        title=request.POST.get("title", "")[:200],
        by=request.user,
    )


# --- Voting: the attendee's own link, the kiosk, paper ballots ---


def _ballot(voting_round, registration):
    """One round's ballot for one voter, as the page shows it and as a vote's JSON answer."""
    mine, left, source = voting.my_dots(voting_round, registration)
    recs = voting.eligible_recommendations(voting_round).select_related("group").order_by("reference")
    items = []
    for rec in recs:
        dots = mine.get(rec.pk, 0)
        can_add = bool(left) and dots < voting_round.max_per_item
        items.append({"rec": rec, "dots": dots, "can_add": can_add, "can_remove": dots > 0})
    left_text = ngettext("You have %(left)s dot left.", "You have %(left)s dots left.", left) % {"left": left}
    at_most = _("At most %(max)s on one recommendation.") % {"max": voting_round.max_per_item}
    return {
        "round": voting_round,
        "items": items,
        "left": left,
        "left_text": f"{left_text} {at_most}",
        "paper": source == "paper",
    }


def _ballot_answer(voting_round, registration, *, error=None, status=200):
    """The JSON answer to a dot sent by the page's script: the round's ballot as it now is."""
    ballot = _ballot(voting_round, registration)
    return JsonResponse(
        {
            "ok": error is None,
            "error": error,
            "left_text": ballot["left_text"],
            "items": [
                {"id": i["rec"].pk, "dots": i["dots"], "can_add": i["can_add"], "can_remove": i["can_remove"]}
                for i in ballot["items"]
            ],
        },
        status=status,
    )


def _vote_posted(request, registration):
    """Put the posted number of dots on the posted recommendation: (the round, the refusal's
    message or None, the status)."""
    summit = registration.summit
    voting_round = _get_by_id(VotingRound.objects.filter(summit=summit), request.POST.get("round"))
    rec = _get_by_id(Recommendation.objects.filter(summit=summit), request.POST.get("recommendation"))
    try:
        dots = int(request.POST.get("dots", ""))
    except ValueError:
        return voting_round, _("Enter a whole number of dots."), 400
    try:
        voting.set_dots(voting_round, registration=registration, recommendation=rec, dots=dots)
    except DomainError as exc:
        return voting_round, str(exc.message), exc.status_code
    return voting_round, None, 200


def _refusal_beside(ballots, post, refusal):
    """Put a refused dot's message beside its recommendation, where the page comes back to (the
    form's anchor); returns it for the top of the page when that recommendation is not shown."""
    for ballot in ballots:
        for item in ballot["items"]:
            if (str(ballot["round"].pk), str(item["rec"].pk)) == (
                post.get("round"),
                post.get("recommendation"),
            ):
                item["error"] = refusal
                return None
    return refusal


@never_cache
@require_http_methods(["GET", "POST"])
def vote(request, token):
    """Without JavaScript each button posts its form and the page comes back at the same
    recommendation (the form's action ends with its anchor); with it, vote.js sends the same
    form and updates the ballot from the JSON answer."""
    registration = registration_from_token(token)
    if registration is None:
        raise Http404
    translation.activate(registration.language)
    request.LANGUAGE_CODE = registration.language
    error, refusal, status = None, None, 200
    if request.method == "POST":
        voting_round, refusal, status = _vote_posted(request, registration)
        if _wants_json(request):
            return _ballot_answer(voting_round, registration, error=refusal, status=status)
        if refusal is None:
            return redirect(request.path)
    rounds = list(voting.rounds_for(registration))
    may_vote = bool(rounds)
    if rounds:
        try:
            voting.check_voter(rounds[0], registration)
        except DomainError as exc:
            may_vote, error = False, str(exc.message)
    ballots = [_ballot(r, registration) for r in rounds] if may_vote else []
    context = {
        "summit": registration.summit,
        "registration": registration,
        "ballots": ballots,
        "error": error or _refusal_beside(ballots, request.POST, refusal),
        "manage_url": reverse("registrations:manage", kwargs={"token": token}),
    }
    return render(request, "workshops/vote.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def kiosk(request, slug):
    """A shared screen: scan or type a badge code, vote, finish. The code travels in a hidden
    field between the steps; nothing stays on the device after "Done"."""
    summit = _summit_staff(request, slug, PLANNER, VOLUNTEER, FACILITATOR)
    code = (request.POST.get("code") or "").strip()
    error, refusal, status, registration = None, None, 200, None
    if request.method == "POST" and code:
        registration = find_registration(summit, code)
        if registration is None:
            error, status = _("We do not recognise this badge."), 404
        elif request.POST.get("action") == "vote":
            voting_round, refusal, status = _vote_posted(request, registration)
            if _wants_json(request):
                return _ballot_answer(voting_round, registration, error=refusal, status=status)
    ballots = []
    if registration is not None:
        rounds = list(voting.rounds_for(registration))
        try:
            for voting_round in rounds:
                voting.check_voter(voting_round, registration)
            ballots = [_ballot(r, registration) for r in rounds]
            if not rounds:
                error = _("No voting round is open for this person now.")
        except DomainError as exc:
            error, status, registration = str(exc.message), exc.status_code, None
    error = error or _refusal_beside(ballots, request.POST, refusal)
    code_field = format_html('<input type="hidden" name="code" value="{}">', code) if registration else ""
    context = {
        "summit": summit,
        "registration": registration,
        "code_field": code_field,
        "ballots": ballots,
        "error": error,
    }
    return render(request, "workshops/kiosk.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def paper_ballots(request, slug):
    summit = _summit_staff(request, slug, PLANNER, FACILITATOR)
    rounds = VotingRound.objects.filter(summit=summit).select_related("group")
    if not has_role(request.user, summit, PLANNER):
        rounds = rounds.filter(group__in=facilitated_group_ids(request.user, summit))
    rounds = list(rounds)
    selected = next(
        (r for r in rounds if str(r.pk) == (request.POST.get("round") or request.GET.get("round"))), None
    )
    error, message, status = None, None, 200
    if request.method == "POST" and selected is not None:
        allocations = {}
        for key, value in request.POST.items():
            if key.startswith("dots-") and value.strip():
                try:
                    allocations[int(key[5:])] = int(value)
                except ValueError:
                    error, status = _("Enter whole numbers of dots."), 400
        if error is None:
            try:
                voting.record_paper_ballot(
                    selected, code=request.POST.get("code", ""), allocations=allocations, by=request.user
                )
                message = _("Ballot counted.")
            except DomainError as exc:
                error, status = str(exc.message), exc.status_code
    items = list(voting.eligible_recommendations(selected).order_by("reference")) if selected else []
    context = {
        "summit": summit,
        "rounds": rounds,
        "selected": selected,
        "items": items,
        "error": error,
        "message": message,
    }
    return render(request, "workshops/paper_ballots.html", context, status=status)
