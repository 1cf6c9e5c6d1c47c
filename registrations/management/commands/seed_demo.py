import datetime
import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from registrations import demo_data
from registrations.badges.codes import set_badge_code
from registrations.models import GroupPreference, Registration
from summit.models import PlanningGroup, PromoCode, Summit, TicketType


class Command(BaseCommand):
    help = "Create (or top up) a realistic demo summit. Running it twice creates nothing twice."

    def add_arguments(self, parser):
        parser.add_argument("--summit", default="demo", metavar="SLUG")
        parser.add_argument("--attendees", type=int, default=350, metavar="N")
        parser.add_argument("--capacity", type=int, default=350, metavar="N")

    def handle(self, *args, summit, attendees, capacity, **options):
        if attendees < 0 or capacity < 1:
            raise CommandError("--attendees must be 0 or more and --capacity at least 1.")
        with transaction.atomic():
            summit_obj = self.seed_summit(summit, capacity)
            groups = self.seed_groups(summit_obj, capacity)
            tickets = self.seed_ticket_types(summit_obj)
            created = self.seed_registrations(summit_obj, groups, tickets, attendees)
        counts = {
            status: Registration.objects.filter(summit=summit_obj, status=status).count()
            for status in Registration.Status.values
        }
        self.stdout.write(
            f"Summit {summit_obj.slug!r}: {len(groups)} planning groups, {len(tickets)} ticket types, "
            f"{created} new registrations ({counts['confirmed']} confirmed, {counts['waitlisted']} waitlisted)."
        )

    def seed_summit(self, slug, capacity):
        today = timezone.localdate()
        starts = datetime.datetime.combine(
            today + datetime.timedelta(days=30), datetime.time(8, 30), tzinfo=datetime.UTC
        ) + datetime.timedelta(hours=8)  # 8:30 in Pacific time
        summit, created = Summit.objects.get_or_create(
            slug=slug,
            defaults={
                "name": "Upward Mobility Summit" if slug == "demo" else f"Upward Mobility Summit ({slug})",
                "name_es": "Cumbre de Movilidad Ascendente",
                "description": "Residents, partner organizations, officials and funders sit together in planning "
                "groups and draft recommendations so more families in our county can move up and out of poverty.",
                "description_es": "Residentes, organizaciones, funcionarios y fundaciones se sientan juntos en grupos "
                "de planificación y escriben recomendaciones para que más familias del condado salgan de la pobreza.",
                "venue": "Community Center, 123 Main Street",
                "timezone": "America/Los_Angeles",
                "starts_at": starts,
                "ends_at": starts + datetime.timedelta(hours=8),
                "capacity": capacity,
                "registration_opens_at": timezone.now() - datetime.timedelta(days=7),
                "registration_closes_at": starts - datetime.timedelta(days=1),
                "contact_email": "summit@example.org",
            },
        )
        if not created and summit.capacity != capacity:
            summit.capacity = capacity
            summit.save(update_fields=["capacity"])
        return summit

    def seed_groups(self, summit, capacity):
        per_group = max(capacity // len(demo_data.GROUPS), 1)
        groups = []
        for position, (slug, name, name_es, pillar, language, _weight, room) in enumerate(demo_data.GROUPS):
            group, _ = PlanningGroup.objects.update_or_create(
                summit=summit,
                slug=slug,
                defaults={
                    "name": name,
                    "name_es": name_es,
                    "pillar": pillar,
                    "language": language,
                    "min_size": max(per_group // 2, 0),
                    "max_size": per_group + max(per_group // 3, 2),
                    "room": room,
                    "position": position,
                },
            )
            groups.append(group)
        return groups

    def seed_ticket_types(self, summit):
        specs = [
            ("community-resident", "Community resident", "Residente de la comunidad", "0.00", None),
            ("partner", "Partner organization", "Organización aliada", "40.00", None),
            ("sponsor", "Sponsor", "Patrocinador", "150.00", 25),
        ]
        tickets = {}
        for position, (slug, name, name_es, price, quota) in enumerate(specs):
            tickets[slug], _ = TicketType.objects.update_or_create(
                summit=summit,
                slug=slug,
                defaults={
                    "name": name,
                    "name_es": name_es,
                    "price": price,
                    "quota": quota,
                    "position": position,
                },
            )
        self.seed_promo_codes(summit, tickets)
        return tickets

    def seed_promo_codes(self, summit, tickets):
        community, _ = PromoCode.objects.update_or_create(
            summit=summit,
            code="COMMUNITY-PARTNER",
            defaults={"percent_off": 100, "amount_off": None, "max_uses": 20,
                      "description": "Waiver for small community organizations"},
        )  # fmt: skip
        community.ticket_types.set([tickets["partner"]])
        PromoCode.objects.update_or_create(
            summit=summit,
            code="EARLYBIRD",
            defaults={"percent_off": None, "amount_off": "10.00", "max_uses": 100, "description": "$10 off"},
        )

    def seed_registrations(self, summit, groups, tickets, attendees):
        existing = set(Registration.objects.filter(summit=summit).values_list("email", flat=True))
        seats = summit.capacity - Registration.objects.filter(summit=summit).holding_seats().count()
        weights = [spec[5] for spec in demo_data.GROUPS]
        sectors, sector_weights = zip(*demo_data.SECTOR_MIX, strict=True)
        now = timezone.now()
        new, preferences = [], []
        for index in range(attendees):
            email = f"attendee{index + 1:05d}@{summit.slug}.example.org"
            if email in existing:
                continue
            rng = random.Random(f"{summit.slug}-{index}")
            sector = rng.choices(sectors, sector_weights)[0]
            spanish = rng.random() < (0.35 if sector == "resident" else 0.1)
            first = rng.choice(
                demo_data.FIRST_NAMES_ES if spanish or rng.random() < 0.2 else demo_data.FIRST_NAMES_EN
            )
            last = rng.choice(
                demo_data.LAST_NAMES_ES if spanish or rng.random() < 0.2 else demo_data.LAST_NAMES_EN
            )
            if sector in ("resident", "undisclosed"):
                organization, ticket = "", tickets["community-resident"]
            else:
                matching = [name for name, org_sector in demo_data.ORGANIZATIONS if org_sector == sector]
                organization = rng.choice(matching or [name for name, _ in demo_data.ORGANIZATIONS])
                ticket = (
                    tickets["sponsor"]
                    if sector == "philanthropy" and rng.random() < 0.5
                    else tickets["partner"]
                )
            status = Registration.Status.CONFIRMED if seats > 0 else Registration.Status.WAITLISTED
            seats -= status == Registration.Status.CONFIRMED
            registration = Registration(
                summit=summit,
                ticket_type=ticket,
                status=status,
                first_name=first,
                last_name=last,
                email=email,
                organization=organization,
                sector=sector,
                language="es" if spanish and rng.random() < 0.75 else "en",
                share_with_group=rng.random() < 0.8,
                photo_consent=rng.random() < 0.6,
                dietary_needs="Vegetarian" if rng.random() < 0.1 else "",
                confirmed_at=now if status == Registration.Status.CONFIRMED else None,
                waitlisted_at=now if status == Registration.Status.WAITLISTED else None,
            )
            new.append(set_badge_code(registration))
            if registration.language == "es":
                # Taking part in Spanish: the Spanish and the interpreted groups are the ones to rank.
                eligible = [g for g in groups if g.language in ("es", "bilingual")]
            else:
                eligible = [g for g in groups if g.language != "es"]
            ranked = []
            for _ in range(rng.choice([3, 3, 3, 2, 1, 0])):
                pick = rng.choices(eligible, [weights[groups.index(g)] for g in eligible])[0]
                if pick not in ranked:
                    ranked.append(pick)
            preferences.append(ranked)
        Registration.objects.bulk_create(new, batch_size=500)
        # bulk_create sets primary keys on PostgreSQL and SQLite alike.
        GroupPreference.objects.bulk_create(
            [
                GroupPreference(registration=registration, group=group, rank=rank)
                for registration, ranked in zip(new, preferences, strict=True)
                for rank, group in enumerate(ranked, start=1)
            ],
            batch_size=1000,
        )
        return len(new)
