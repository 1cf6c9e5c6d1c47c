from workshops.framework import load_framework, read_framework_file
from workshops.models import Dimension, FrameworkVersion, Lever, Pillar, Predictor


def test_the_framework_ships_with_three_dimensions_five_pillars_and_six_levers(db):
    version = FrameworkVersion.current()

    assert version.code == "UMF-2"
    assert list(Dimension.objects.filter(version=version).values_list("slug", flat=True)) == [
        "economic-success",
        "power-autonomy",
        "dignity-belonging",
    ]
    assert Pillar.objects.filter(version=version).count() == 5
    assert Lever.objects.filter(version=version).count() == 6
    assert Predictor.objects.get(slug="housing-stability").pillar.slug == "inclusive-neighborhoods"


def test_framework_names_are_in_english_and_spanish(db):
    pillar = Pillar.objects.get(slug="rewarding-work")

    assert (pillar.name, pillar.name_es) == ("Rewarding work", "Trabajo gratificante")


def test_loading_a_new_version_keeps_the_old_one_for_old_recommendations(db):
    data = read_framework_file()
    data["version"] = "UMF-3"

    load_framework(data)

    assert FrameworkVersion.current().code == "UMF-3"
    assert Pillar.objects.filter(slug="rewarding-work").count() == 2
