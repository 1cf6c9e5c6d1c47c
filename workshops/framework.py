"""The Upward Mobility Framework as versioned data.

The JSON file shipped in summit/data/ is loaded by a data migration (and can be re-loaded with
`load_framework`): one FrameworkVersion per `version` code, made current. Loading the same
version again updates names in place and never deletes a pillar a recommendation points at.
"""

import json
from pathlib import Path

from django.apps import apps as live_apps
from django.conf import settings

DATA_FILE = Path(settings.BASE_DIR) / "summit" / "data" / "upward-mobility-framework.json"


def read_framework_file(path=DATA_FILE):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def load_framework(data, *, apps=None):
    """Create or update the framework version described by `data` and make it current.
    `apps` is a migration's app registry (historical models) or None for the live models."""
    if apps is None:
        apps = live_apps
    version_model = apps.get_model("workshops", "FrameworkVersion")
    dimension_model = apps.get_model("workshops", "Dimension")
    pillar_model = apps.get_model("workshops", "Pillar")
    predictor_model = apps.get_model("workshops", "Predictor")
    lever_model = apps.get_model("workshops", "Lever")

    version_model.objects.filter(is_current=True).exclude(code=data["version"]).update(is_current=False)
    version, _ = version_model.objects.update_or_create(
        code=data["version"],
        defaults={
            "name": data["name"]["en"],
            "name_es": data["name"]["es"],
            "source": data.get("source", ""),
            "is_current": True,
        },
    )

    def upsert(model, items, **extra):
        for position, item in enumerate(items):
            obj, _ = model.objects.update_or_create(
                version=version,
                slug=item["slug"],
                defaults={"name": item["en"], "name_es": item["es"], "position": position, **extra},
            )
            yield item, obj

    list(upsert(dimension_model, data["dimensions"]))
    list(upsert(lever_model, data["levers"]))
    position = 0
    for item, pillar in upsert(pillar_model, data["pillars"]):
        for predictor in item["predictors"]:
            predictor_model.objects.update_or_create(
                version=version,
                slug=predictor["slug"],
                defaults={
                    "name": predictor["en"],
                    "name_es": predictor["es"],
                    "position": position,
                    "pillar": pillar,
                },
            )
            position += 1
    return version
