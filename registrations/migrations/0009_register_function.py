"""Registration's seat decision in one statement on PostgreSQL, and the counts it reads.

registrations_register() (called by registrations.services._register_postgresql) takes the
summit's lock, reads the summit, the ticket type and the chosen groups as they are now, refuses
with a code (the window, an inactive ticket type, a ticket type or group just deleted), counts
the seats held, sets the new registration's status, and inserts the registration, its group
preferences and, when given, the task row of its email; for a waitlisted registration it also
tells its place. Each statement of a PL/pgSQL function takes a new snapshot, so the count sees
every decision committed before the lock was granted. Called outside a transaction block, the
function is its own transaction, and the summit is locked only while it runs. Other databases
decide in Python (services._decide_seat) and have none of this.

The seats held are read from StatusCount, which the triggers below keep for every change of a
registration's status, summit or ticket type, by any path, in the changing transaction: the
count costs the same with 350 seats taken as with none. Open waitlist offers, which end with
time, are counted from the registrations, through their partial index.

The registration and the task row come as JSON objects keyed by column, built in Python from
the models' fields: jsonb_populate_record fills the table's row type, so a column added to the
model later needs no change here. The function sets only the status and its time; the id comes
from the table's identity. (Each statement of a VOLATILE function, the default, takes a new
snapshot: that is what makes the count after the lock see the decisions before it.)
"""

import django.db.models.deletion
from django.db import migrations, models

COUNT_STATUSES = r"""
CREATE OR REPLACE FUNCTION registrations_count_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status <> 'cancelled' THEN
        UPDATE registrations_statuscount SET registrations = registrations - 1
         WHERE summit_id = OLD.summit_id AND ticket_type_id = OLD.ticket_type_id AND status = OLD.status;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status <> 'cancelled' THEN
        INSERT INTO registrations_statuscount AS c (summit_id, ticket_type_id, status, registrations)
        VALUES (NEW.summit_id, NEW.ticket_type_id, NEW.status, 1)
        ON CONFLICT (summit_id, ticket_type_id, status) DO UPDATE SET registrations = c.registrations + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER registrations_count_insert AFTER INSERT ON registrations_registration
    FOR EACH ROW WHEN (NEW.status <> 'cancelled') EXECUTE FUNCTION registrations_count_status();
CREATE TRIGGER registrations_count_delete AFTER DELETE ON registrations_registration
    FOR EACH ROW WHEN (OLD.status <> 'cancelled') EXECUTE FUNCTION registrations_count_status();
CREATE TRIGGER registrations_count_update
    AFTER UPDATE OF status, summit_id, ticket_type_id ON registrations_registration
    FOR EACH ROW WHEN (
        (OLD.status, OLD.summit_id, OLD.ticket_type_id) IS DISTINCT FROM (NEW.status, NEW.summit_id, NEW.ticket_type_id)
    ) EXECUTE FUNCTION registrations_count_status();
INSERT INTO registrations_statuscount (summit_id, ticket_type_id, status, registrations)
SELECT summit_id, ticket_type_id, status, count(*) FROM registrations_registration
 WHERE status <> 'cancelled' GROUP BY summit_id, ticket_type_id, status;
"""

REGISTER = r"""
CREATE OR REPLACE FUNCTION registrations_register(
    p_summit bigint,
    p_ticket_type bigint,
    p_groups bigint[],
    p_paid boolean,
    p_now timestamptz,
    p_registration jsonb,
    p_task jsonb,
    OUT refused text,
    OUT new_id bigint,
    OUT new_status text,
    OUT new_hold_expires_at timestamptz,
    OUT decided_at timestamptz,
    OUT waitlist_position integer
) LANGUAGE plpgsql AS $$
DECLARE
    summit_state record;
    taken bigint;
    taken_of_type bigint;
    moment timestamptz;
    reg registrations_registration;
BEGIN
    -- The lock serializes seat decisions for this summit (NO KEY UPDATE: it does not make a
    -- new row's foreign key check on the summit wait). The ticket type and groups as they are now.
    SELECT s.capacity, s.hold_minutes, s.registration_opens_at, s.registration_closes_at, s.ends_at,
           t.quota, t.active,
           (SELECT count(*) FROM summit_planninggroup g
             WHERE g.summit_id = s.id AND g.id = ANY (p_groups)) AS groups_found
      INTO summit_state
      FROM summit_summit s JOIN summit_tickettype t ON t.summit_id = s.id AND t.id = p_ticket_type
     WHERE s.id = p_summit
       FOR NO KEY UPDATE OF s;
    IF NOT FOUND
       OR summit_state.groups_found <> (SELECT count(DISTINCT g) FROM unnest(p_groups) AS g) THEN
        refused := 'choices_changed';
        RETURN;
    END IF;
    -- The moment of the decision, taken under the lock (unless the caller gives one), so that
    -- the waitlist's order is the order in which seats were decided.
    moment := coalesce(p_now, clock_timestamp());
    -- The registration window (summit.models.registration_state).
    IF summit_state.registration_opens_at IS NOT NULL AND moment < summit_state.registration_opens_at THEN
        refused := 'registration_not_open';
        RETURN;
    END IF;
    IF moment >= coalesce(summit_state.registration_closes_at, summit_state.ends_at) THEN
        refused := 'registration_closed';
        RETURN;
    END IF;
    IF NOT summit_state.active THEN
        refused := 'ticket_type_unavailable';
        RETURN;
    END IF;
    -- Seats held (RegistrationQuerySet.holding_seats): confirmed or waiting for payment, from
    -- the counts; then waitlisted with an offer still open, through the open-offers partial
    -- index (`status || ''` keeps the status index, which would read the waitlist, away).
    SELECT coalesce(sum(held.n), 0), coalesce(sum(held.n) FILTER (WHERE held.ticket_type_id = p_ticket_type), 0)
      INTO taken, taken_of_type
      FROM (
        SELECT c.ticket_type_id, c.registrations AS n FROM registrations_statuscount c
         WHERE c.summit_id = p_summit AND c.status IN ('confirmed', 'pending_payment')
        UNION ALL
        SELECT r.ticket_type_id, 1 FROM registrations_registration r
         WHERE r.summit_id = p_summit AND r.offer_expires_at > moment AND r.status || '' = 'waitlisted'
      ) AS held;

    reg := jsonb_populate_record(NULL::registrations_registration, p_registration);
    IF taken < summit_state.capacity AND (summit_state.quota IS NULL OR taken_of_type < summit_state.quota) THEN
        IF p_paid THEN
            reg.status := 'pending_payment';
            reg.hold_expires_at := moment + make_interval(mins => summit_state.hold_minutes);
        ELSE
            reg.status := 'confirmed';
            reg.confirmed_at := moment;
        END IF;
    ELSE
        reg.status := 'waitlisted';
        reg.waitlisted_at := moment;
    END IF;
    -- The id from the table's own identity sequence (the record's is null).
    INSERT INTO registrations_registration OVERRIDING USER VALUE SELECT reg.* RETURNING id INTO reg.id;
    INSERT INTO registrations_grouppreference (registration_id, group_id, rank)
    SELECT reg.id, chosen.group_id, chosen.rank
      FROM unnest(p_groups) WITH ORDINALITY AS chosen (group_id, rank);
    IF p_task IS NOT NULL THEN
        -- The task's first argument is the registration's id, known only now.
        INSERT INTO django_tasks_database_dbtaskresult
        SELECT * FROM jsonb_populate_record(
            NULL::django_tasks_database_dbtaskresult,
            jsonb_set(p_task, '{args_kwargs,args,0}', to_jsonb(reg.id))
        );
    END IF;
    IF reg.status = 'waitlisted' THEN
        -- Counted by the triggers, this one included: everyone waiting now was put on the
        -- waitlist before it, under this lock.
        SELECT sum(c.registrations) INTO waitlist_position
          FROM registrations_statuscount c
         WHERE c.summit_id = p_summit AND c.status = 'waitlisted';
    END IF;
    new_id := reg.id;
    new_status := reg.status;
    new_hold_expires_at := reg.hold_expires_at;
    decided_at := moment;
END
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS registrations_register(bigint, bigint, bigint[], boolean, timestamptz, jsonb, jsonb);
DROP TRIGGER IF EXISTS registrations_count_insert ON registrations_registration;
DROP TRIGGER IF EXISTS registrations_count_delete ON registrations_registration;
DROP TRIGGER IF EXISTS registrations_count_update ON registrations_registration;
DROP FUNCTION IF EXISTS registrations_count_status();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(COUNT_STATUSES)
        schema_editor.execute(REGISTER)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0008_status_waitlist_index"),
        ("summit", "0005_aggregate_figures"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.CreateModel(
            name="StatusCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending_payment", "Waiting for payment"),
                            ("confirmed", "Confirmed"),
                            ("waitlisted", "On the waitlist"),
                            ("cancelled", "Cancelled"),
                        ],
                        max_length=20,
                    ),
                ),
                ("registrations", models.IntegerField(default=0)),
                (
                    "summit",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="summit.summit",
                    ),
                ),
                (
                    "ticket_type",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="summit.tickettype",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("summit", "ticket_type", "status"), name="status_count_unique")
                ],
            },
        ),
        migrations.RunPython(create, drop),
    ]
