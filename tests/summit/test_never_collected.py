"""Data we do not hold cannot leak or be demanded: no field anywhere asks for these.

"Anywhere" is every model field of ours, every form and serializer class in our apps (their
field names, labels and hints), every URL however deeply it is included, every field and query
parameter of the API schema, and every input in the templates. A registration holds exactly the
fields listed below: a new one fails the test until someone decides it belongs.
"""

import importlib
import re
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

from registrations.models import Registration
from registrations.seats.forms import RegistrationForm
from registrations.seats.serializers import RegistrationInputSerializer

# Field names, parameter names and URL routes (identifiers).
DENY = re.compile(
    r"immigra|citizen|nationality|country_of_birth|birth_?country|birth_?date|date_of_birth|\bdob\b|ssn|"
    r"social_security|itin|passport|id_number|license|licence|home_address|street|zip_?code|postal|"
    r"criminal|conviction|arrest|probation_status|parole|justice|incarcerat|income|salary|wage",
    re.IGNORECASE,
)
# Labels and hints (words people read).
DENY_WORDS = re.compile(
    r"immigra|citizen|nationality|country of birth|place of birth|date of birth|birth ?date|birthday|"
    r"\bdob\b|\bssn\b|social security|\bitin\b|passport|licen[cs]e number|driver'?s licen[cs]e|"
    r"(?<!email )(?<!e-mail )\baddress\b|\bstreet\b|zip code|postal code|criminal|conviction|\barrest|"
    r"probation|parole|incarcerat|\bjail\b|\bprison\b|income|salary|\bwages?\b",
    re.IGNORECASE,
)
OUR_APPS = ("summit", "registrations", "workshops")

# Everything a registration may hold. Adding a field to Registration fails this test on purpose:
# decide that the summit needs it (and that it is not on the deny list), then add it here.
REGISTRATION_FIELDS = {
    "id",
    "public_id",
    "summit",
    "ticket_type",
    "status",
    "first_name",
    "last_name",
    "badge_name",
    "pronouns",
    "email",
    "phone",
    "sector",
    "organization",
    "role_title",
    "language",
    "accessibility_needs",
    "interpretation_needs",
    "dietary_needs",
    "childcare_needs",
    "share_with_group",
    "photo_consent",
    "search_name",  # the names folded for search (registrations.search), purged with them
    "group",
    "promo_code",
    "fee_waived",
    "registered_by",
    "badge_code_hash",
    "badge_version",
    "badge_printed_at",
    "link_version",
    "hold_expires_at",
    "offer_expires_at",
    "waitlisted_at",
    "confirmed_at",
    "cancelled_at",
    "unsubscribed_at",  # when the attendee stopped announcements (registrations.announcements)
    "created_at",
    "updated_at",
}


def offending(names):
    return sorted(name for name in names if DENY.search(name))


def offending_words(texts):
    return sorted(text for text in texts if DENY_WORDS.search(text))


def our_modules():
    """Every module of our apps, imported, so that every form and serializer class exists."""
    for app in OUR_APPS:
        root = Path(apps.get_app_config(app).path)
        for path in sorted(root.rglob("*.py")):
            if "migrations" in path.relative_to(root).parts:
                continue
            name = ".".join((app, *path.relative_to(root).with_suffix("").parts)).removesuffix(".__init__")
            yield importlib.import_module(name)


def subclasses(base):
    found, todo = set(), [base]
    while todo:
        for cls in todo.pop().__subclasses__():
            if cls not in found:
                found.add(cls)
                todo.append(cls)
    return {cls for cls in found if cls.__module__.split(".")[0] in OUR_APPS}


def serializer_fields(serializer, prefix=""):
    """(dotted name, label, help text) of a serializer's fields, nested serializers included."""
    if isinstance(serializer, serializers.ListSerializer):
        serializer = serializer.child
    for name, field in serializer.fields.items():
        yield f"{prefix}{name}", str(field.label or ""), str(field.help_text or "")
        child = getattr(field, "child", None)
        if isinstance(field, serializers.BaseSerializer):
            yield from serializer_fields(field, f"{prefix}{name}.")
        elif isinstance(child, serializers.BaseSerializer):
            yield from serializer_fields(child, f"{prefix}{name}.")


def every_form_and_serializer_field():
    list(our_modules())
    fields = []
    for form_class in subclasses(forms.BaseForm):
        for name, field in getattr(form_class, "base_fields", {}).items():
            fields.append(
                (f"{form_class.__qualname__}.{name}", str(field.label or ""), str(field.help_text or ""))
            )
    for serializer_class in subclasses(serializers.BaseSerializer):
        try:
            instance = serializer_class()
            found = list(serializer_fields(instance, f"{serializer_class.__qualname__}."))
        except Exception:  # needs arguments or context to build its fields: take the declared ones
            found = [
                (
                    f"{serializer_class.__qualname__}.{name}",
                    str(field.label or ""),
                    str(field.help_text or ""),
                )
                for name, field in getattr(serializer_class, "_declared_fields", {}).items()
            ]
        fields.extend(found)
    return fields


def every_route(resolver=None, prefix=""):
    """Each URL's full route, however deeply it is included. (Their views' forms and
    serializers are among the classes every_form_and_serializer_field reads.)"""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from every_route(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def schema_fields(node):
    """(name, description) of every property and parameter anywhere in the OpenAPI document."""
    if isinstance(node, list):
        return [found for value in node for found in schema_fields(value)]
    if not isinstance(node, dict):
        return []
    found = [
        (name, str(spec.get("description", "")) if isinstance(spec, dict) else "")
        for name, spec in node.get("properties", {}).items()
    ]
    found += [
        (parameter["name"], str(parameter.get("description", "")))
        for parameter in node.get("parameters", [])
        if isinstance(parameter, dict) and "name" in parameter
    ]
    return found + [found_below for value in node.values() for found_below in schema_fields(value)]


def template_inputs():
    """Names of the inputs written by hand in templates, and the text of their labels."""
    names, labels = [], []
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(folder).rglob("*.html")):
            text = path.read_text()
            names += re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"{]+)"', text)
            for label in re.findall(r"<(label|legend)[^>]*>(.*?)</\1>", text, re.S):
                words = re.sub(r'\{% (?:translate|blocktranslate) "?([^"%]*)"?[^%]*%\}', r" \1 ", label[1])
                labels.append(" ".join(re.sub(r"<[^>]+>|\{[%{].*?[%}]\}", " ", words).split()))
    return names, [label for label in labels if label]


def test_no_model_field_of_ours_matches_the_deny_list():
    names = [
        f"{model._meta.label}.{field.name}"
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
    ]

    assert len(names) > 30
    assert offending(names) == []


def test_a_registration_holds_exactly_the_fields_we_decided_on():
    held = {field.name for field in (*Registration._meta.concrete_fields, *Registration._meta.many_to_many)}

    assert held == REGISTRATION_FIELDS


@pytest.mark.django_db
def test_the_registration_form_and_api_ask_for_none_of_it(summit):
    form = RegistrationForm(summit=summit)
    api = RegistrationInputSerializer(context={"summit": summit})
    labels = [str(field.label or "") + " " + str(field.help_text or "") for field in form.fields.values()]

    assert "first_name" in form.fields and "first_name" in api.fields
    assert offending([*form.fields, *api.fields]) == []
    assert offending_words([*labels, form.as_div()]) == []


def test_no_form_or_serializer_anywhere_asks_for_it():
    fields = every_form_and_serializer_field()
    names = {name for name, _label, _hint in fields}

    assert {"RegistrationForm.first_name", "RegistrationInputSerializer.first_name"} <= names
    assert len(names) > 100
    assert offending(name.rsplit(".", 1)[-1] for name in names) == []
    assert offending_words(f"{label} | {hint}" for _name, label, hint in fields) == []


def test_no_url_asks_for_it_either_however_deeply_it_is_included():
    paths = list(every_route())

    assert "api/summits/<slug:slug>/registrations/" in paths  # an included route, seen whole
    assert offending(paths) == []


def test_no_api_field_or_query_parameter_asks_for_it():
    fields = schema_fields(SchemaGenerator().get_schema(request=None, public=True))
    names = [name for name, _description in fields]

    assert "first_name" in names and "limit" in names
    assert offending(names) == []
    assert offending_words(description for _name, description in fields) == []


def test_no_input_written_in_a_template_asks_for_it():
    names, labels = template_inputs()

    assert "action" in names
    assert offending(names) == []
    assert offending_words(labels) == []


def test_the_deny_lists_catch_what_they_should():
    # Guards the tests above against a pattern that matches nothing.
    assert offending(
        [
            "immigration_status",
            "date_of_birth",
            "ssn",
            "home_address",
            "criminal_history",
            "household_income",
            "first_name",
            "organization",
        ]
    ) == [
        "criminal_history",
        "date_of_birth",
        "home_address",
        "household_income",
        "immigration_status",
        "ssn",
    ]
    assert offending_words(
        [
            "Your immigration status",
            "Date of birth",
            "Social Security number",
            "Home address",
            "Have you ever been arrested?",
            "Email address",
            "A nickname is fine.",
            "Waiting to start",
        ]
    ) == [
        "Date of birth",
        "Have you ever been arrested?",
        "Home address",
        "Social Security number",
        "Your immigration status",
    ]
