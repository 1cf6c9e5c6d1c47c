"""The seat decision is Python again, in one module (registrations.seats.rules), on every
database: drop migration 0009's PL/pgSQL function, its triggers and the StatusCount table they
kept."""

import importlib

from django.db import migrations

DROP = """
DROP FUNCTION IF EXISTS registrations_register(bigint, bigint, bigint[], boolean, timestamptz, jsonb, jsonb);
DROP TRIGGER IF EXISTS registrations_count_insert ON registrations_registration;
DROP TRIGGER IF EXISTS registrations_count_delete ON registrations_registration;
DROP TRIGGER IF EXISTS registrations_count_update ON registrations_registration;
DROP FUNCTION IF EXISTS registrations_count_status();
"""


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


def recreate(apps, schema_editor):
    # Back to 0010: the function and triggers as 0009 made them (StatusCount is recreated first,
    # by the reversed DeleteModel below).
    importlib.import_module("registrations.migrations.0009_register_function").create(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0010_partial_link_indexes"),
    ]

    operations = [
        migrations.RunPython(drop, recreate),
        migrations.DeleteModel(name="StatusCount"),
    ]
