"""The facilitator page's recommendation form. It only describes the fields for rendering (labels,
widgets, what was typed); validation is RecommendationInputSerializer's, shared with the API, and
its errors are put back on this form field by field, so that each shows under its own label."""

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from workshops.models import Recommendation

# The page's "action" field says which of its forms was sent, so the proposed action travels
# as "action_text": serializer field name -> form field name.
FORM_FIELDS = {"action": "action_text"}
MULTIPLE = ("predictors", "dimensions")
EDITABLE_STATES = (Recommendation.State.DRAFT, Recommendation.State.SUBMITTED)


def _text(label, *, max_length, required=False, rows=None):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget)


def _choices(label, *, many=False):
    if many:
        return forms.MultipleChoiceField(label=label, required=False, widget=forms.CheckboxSelectMultiple)
    return forms.ChoiceField(label=label, required=False)


class RecommendationForm(forms.Form):
    title = _text(_("Title"), max_length=200, required=True)
    barrier = _text(_("Barrier it addresses"), max_length=4000, required=True, rows=3)
    action_text = _text(_("Proposed action"), max_length=4000, required=True, rows=3)
    rationale = _text(_("Rationale"), max_length=4000, rows=2)
    pillar = _choices(_("Pillar"))
    predictors = _choices(_("Predictors (optional)"), many=True)
    dimensions = _choices(_("Dimensions it advances"), many=True)
    lever = _choices(_("Lever of change"))
    lead_organization = _text(_("Lead organization"), max_length=200)
    partners = _text(_("Partners"), max_length=1000)
    horizon = _choices(_("Horizon"))
    resources = _text(_("Resources or funding asked"), max_length=2000, rows=2)
    success_measure = _text(_("How success would be measured"), max_length=2000, rows=2)
    state = _choices(_("State"))

    def __init__(self, data=None, *, group, recommendation=None, framework):
        """`framework`: the page's pillars (with their predictors), dimensions and levers, loaded once
        for all the page's forms. Each form's ids start with rec-<id>- (rec-new- for a new one)."""
        rec = recommendation
        super().__init__(
            data, initial=self._initial(rec, group), auto_id=f"rec-{rec.pk if rec else 'new'}-%s"
        )
        self.recommendation = rec
        none = [("", "—")]
        self.fields["pillar"].choices = [(p.slug, p.display_name) for p in framework["pillars"]]
        self.fields["predictors"].choices = [
            (predictor.slug, predictor.display_name)
            for pillar in framework["pillars"]
            for predictor in pillar.predictors.all()
        ]
        self.fields["dimensions"].choices = [(d.slug, d.display_name) for d in framework["dimensions"]]
        self.fields["lever"].choices = none + [(lv.slug, lv.display_name) for lv in framework["levers"]]
        self.fields["horizon"].choices = none + list(Recommendation.Horizon.choices)
        states = [(state.value, state.label) for state in EDITABLE_STATES]
        if rec and rec.state not in EDITABLE_STATES:  # shortlisted, adopted...: a planner's decision
            states.append((rec.state, rec.get_state_display()))
        self.fields["state"].choices = states

    @staticmethod
    def _initial(rec, group):
        if rec is None:
            return {"pillar": group.pillar, "state": Recommendation.State.DRAFT}
        return {
            "title": rec.title,
            "barrier": rec.barrier,
            "action_text": rec.action,
            "rationale": rec.rationale,
            "pillar": rec.pillar.slug,
            "predictors": [p.slug for p in rec.predictors.all()],
            "dimensions": [d.slug for d in rec.dimensions.all()],
            "lever": rec.lever.slug if rec.lever else "",
            "lead_organization": rec.lead_organization,
            "partners": rec.partners,
            "horizon": rec.horizon,
            "resources": rec.resources,
            "success_measure": rec.success_measure,
            "state": rec.state,
        }

    def as_input(self):
        """What was sent, in the serializer's shape (and the API's field names). Fields the
        browser did not send stay out, so that an update changes only what was sent."""
        data = {}
        for name in self.fields:
            if name in MULTIPLE:
                data[name] = self.data.getlist(name)
            elif name in self.data:
                data[name] = self.data[name]
        if "action_text" in data:
            data["action"] = data.pop("action_text")
        if data.get("lever") == "":
            data["lever"] = None
        return data

    def add_serializer_errors(self, errors):
        # Validation is the serializer's: start from its errors only, never the form's own.
        self.cleaned_data = {}
        self._errors = ErrorDict(renderer=self.renderer)
        for field, messages in errors.items():
            name = FORM_FIELDS.get(field, field)
            for message in messages if isinstance(messages, list) else [messages]:
                self.add_error(name if name in self.fields else None, str(message))

    def error_summary(self):
        """[(id of the field, its label, the message)] in the order of the form; the id is
        empty for an error about the whole recommendation."""
        entries = [("", "", str(message)) for message in self.non_field_errors()]
        for field in self:
            for message in field.errors:
                target = f"{field.auto_id}_0" if field.name in MULTIPLE else field.auto_id
                entries.append((target, str(field.label), str(message)))
        return entries
