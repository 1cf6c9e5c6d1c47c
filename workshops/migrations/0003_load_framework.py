"""Ships the Upward Mobility Framework (summit/data/upward-mobility-framework.json) as data.
A later version of the file gets a migration of its own that calls load_framework again; the
older version's rows stay, so old recommendations keep their pillars."""

from django.db import migrations


def load(apps, schema_editor):
    from workshops.framework import load_framework, read_framework_file

    load_framework(read_framework_file(), apps=apps)


class Migration(migrations.Migration):
    dependencies = [("workshops", "0002_recommendations_votes_reports")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
