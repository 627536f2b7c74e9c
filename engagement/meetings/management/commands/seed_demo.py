"""Believable demo data: areas, units, groups, accounts and a year of meetings."""

import random
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from engagement import clock
from engagement.accounts.models import OfficerProfile, Role, Unit, User
from engagement.community.models import Area, CommunityGroup
from engagement.meetings.models import (
    Disclosure,
    DisclosureConfirmation,
    Dispute,
    Meeting,
    ReportBackConfirmation,
    Review,
)
from engagement.meetings.services.follow_up import (
    follow_up_cancel,
    follow_up_complete,
    follow_up_report_back,
    report_back_confirm,
)
from engagement.meetings.services.meeting import (
    MeetingParts,
    meeting_create,
    meeting_update,
    meeting_withdraw,
)
from engagement.meetings.services.review import (
    dispute_escalate,
    disputes_lapse,
    review_submit,
)

DEMO_ACCOUNTS = [
    # username, password, role, first name, last name
    ("officer", "officer-demo-pass", Role.OFFICER, "Sam", "Okafor"),
    ("liaison", "liaison-demo-pass", Role.LIAISON, "Amina", "Rahman"),
    ("admin", "admin-demo-pass", Role.ADMIN, "Jo", "Whitfield"),
]

AREAS = [
    ("Northfield", "NF", Area.RiskLevel.HIGH),
    ("Eastbrook", "EB", Area.RiskLevel.HIGH),
    ("Riverside", "RS", Area.RiskLevel.ELEVATED),
    ("Millbank", "MB", Area.RiskLevel.ELEVATED),
    ("Westgate", "WG", Area.RiskLevel.STANDARD),
    ("Southmoor", "SM", Area.RiskLevel.STANDARD),
]
UNITS = [
    ("Northfield Engagement Team", "NF"),
    ("Eastbrook Neighbourhood Team", "EB"),
    ("Riverside Prevent Engagement", "RS"),
    ("Millbank Neighbourhood Team", "MB"),
    ("West and South Engagement Team", "WG"),
]
GROUP_NAMES = {
    "NF": [
        ("Northfield Central Mosque Committee", CommunityGroup.Kind.FAITH),
        ("Northfield Youth Forum", CommunityGroup.Kind.YOUTH),
        ("Northfield Women's Circle", CommunityGroup.Kind.WOMENS),
        ("Northfield Academy Parents' Group", CommunityGroup.Kind.EDUCATION),
        ("Northfield Traders' Association", CommunityGroup.Kind.BUSINESS),
        ("Northfield Estate Residents", CommunityGroup.Kind.RESIDENTS),
    ],
    "EB": [
        ("Eastbrook Islamic Centre", CommunityGroup.Kind.FAITH),
        ("Eastbrook Gurdwara Committee", CommunityGroup.Kind.FAITH),
        ("Eastbrook Boxing Club Youth Project", CommunityGroup.Kind.YOUTH),
        ("Eastbrook Mothers' Network", CommunityGroup.Kind.WOMENS),
        ("Eastbrook College Students' Union", CommunityGroup.Kind.EDUCATION),
        ("Eastbrook Residents' Association", CommunityGroup.Kind.RESIDENTS),
    ],
    "RS": [
        ("Riverside Interfaith Forum", CommunityGroup.Kind.FAITH),
        ("Riverside Somali Community Association", CommunityGroup.Kind.OTHER),
        ("Riverside Young Leaders", CommunityGroup.Kind.YOUTH),
        ("Riverside Women's Health Group", CommunityGroup.Kind.WOMENS),
        ("Riverside Business Improvement District", CommunityGroup.Kind.BUSINESS),
    ],
    "MB": [
        ("Millbank Synagogue Security Committee", CommunityGroup.Kind.FAITH),
        ("Millbank St Peter's Church Council", CommunityGroup.Kind.FAITH),
        ("Millbank Supplementary School", CommunityGroup.Kind.EDUCATION),
        ("Millbank Youth Club", CommunityGroup.Kind.YOUTH),
        ("Millbank Tenants' Federation", CommunityGroup.Kind.RESIDENTS),
    ],
    "WG": [
        ("Westgate Hindu Temple Trust", CommunityGroup.Kind.FAITH),
        ("Westgate Sixth Form College", CommunityGroup.Kind.EDUCATION),
        ("Westgate Polish Community Club", CommunityGroup.Kind.OTHER),
    ],
    "SM": [
        ("Southmoor Mosque and Community Centre", CommunityGroup.Kind.FAITH),
        ("Southmoor Scouts and Guides", CommunityGroup.Kind.YOUTH),
        ("Southmoor Village Residents", CommunityGroup.Kind.RESIDENTS),
        ("Southmoor Refugee Welcome", CommunityGroup.Kind.OTHER),
    ],
}
OFFICER_NAMES = [
    ("Priya", "Shah"), ("Daniel", "Hughes"), ("Fatima", "Begum"), ("Tom", "Kowalski"),
    ("Grace", "Adeyemi"), ("Imran", "Malik"), ("Helen", "Price"), ("Marcus", "Bell"),
    ("Aisha", "Yusuf"), ("Rhys", "Morgan"), ("Nadia", "Hussain"), ("Owen", "Clarke"),
]  # fmt: skip
LIAISON_NAMES = [
    ("Bilal", "Chaudhry"), ("Ruth", "Cohen"), ("Harjit", "Gill"), ("Mariam", "Ali"),
    ("Kevin", "Doyle"), ("Sunita", "Patel"), ("Yusuf", "Farah"), ("Claire", "Newman"),
]  # fmt: skip
# The other officers (officer2 …) and liaisons (liaison2 …) share one password.
OTHER_PASSWORD = "colleague-demo-pass"
PURPOSES = [
    "Introductory meeting with the committee",
    "Quarterly community reassurance meeting",
    "Briefing after a national incident",
    "Discussion of hate crime reporting",
    "Youth session on online safety",
    "Follow-up on concerns about stop and search",
    "Safety planning for a festival",
    "Explaining the Prevent programme and how referrals work",
    "Listening session on community concerns",
    "Meeting about anti-social behaviour near the centre",
]
TOPICS = [
    "hate crime, reporting",
    "online safety, radicalisation",
    "stop and search",
    "festival safety, crowd management",
    "Prevent, referrals",
    "anti-social behaviour",
    "community cohesion",
    "surveillance fears",
]
NOT_FULL_REASONS = [
    "Introduced by the liaison as a neighbourhood officer; the CT role was not raised.",
    "Joined late and the meeting had already moved on.",
    "Judged that naming the CT role would end the session with young people present.",
    "Attended in a supporting role and was not introduced.",
]
PROMISES = [
    "Send the group the hate crime reporting leaflet",
    "Arrange a follow-up session with the youth workers",
    "Report back on the stop and search figures for the area",
    "Put the committee in touch with the local authority safety team",
    "Explain in writing how Prevent referrals are handled",
]


# How often a liaison answers yes / partly / no / unsure, by the level the officer recorded.
CONFIRMATION_WEIGHTS: dict[str, list[int]] = {
    Disclosure.Level.FULL: [85, 7, 3, 5],
    Disclosure.Level.PARTIAL: [15, 60, 15, 10],
    Disclosure.Level.NONE: [5, 10, 70, 15],
}


class Command(BaseCommand):
    help = (
        "Create demo data: areas of every risk level, units, about 30 community groups, "
        "officer, liaison and admin accounts, and about a year of meetings with "
        "disclosures, follow-ups and reviews. Running it again creates nothing twice. "
        "Refuses to run with DEBUG off unless --allow-production is given, because the "
        "demo accounts have published passwords."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the database already holds any meeting.",
        )
        parser.add_argument(
            "--meetings", type=int, default=420, help="How many meetings to create (default 420)."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DEBUG off (never on a real deployment).",
        )

    def handle(self, *args, if_empty, meetings, seed, allow_production, **options):
        if not (settings.DEBUG or allow_production):
            raise CommandError(
                "seed_demo creates accounts with published passwords: it runs only with "
                "DEBUG=true, or with --allow-production on a throwaway database."
            )
        if meetings < 0:
            raise CommandError("--meetings must be zero or more.")
        if if_empty and Meeting.objects.exists():
            self.stdout.write("The database already has meetings: demo data left as it is.")
            self.print_accounts()
            return
        with transaction.atomic():
            builder = DemoBuilder(random.Random(seed), timezone.localdate())
            builder.reference_data()
            if Meeting.objects.filter(author__in=builder.officers).exists():
                self.stdout.write("Demo meetings already exist: none added.")
            else:
                builder.meetings(meetings)
                self.stdout.write(f"Created {meetings} demo meetings.")
        self.print_accounts()

    def print_accounts(self):
        self.stdout.write(self.style.SUCCESS("Demo accounts (username / password):"))
        for username, password, role, *_ in DEMO_ACCOUNTS:
            self.stdout.write(f"  {role.label:<8} {username} / {password}")
        self.stdout.write(
            f"  Colleagues: officer2 … officer{len(OFFICER_NAMES) + 1} and liaison2 … "
            f"liaison{len(LIAISON_NAMES) + 1}, each with the password {OTHER_PASSWORD}"
        )


class DemoBuilder:
    def __init__(self, rng: random.Random, today):
        self.rng = rng
        self.today = today
        self.officers: list[User] = []
        self.units: dict[str, Unit] = {}
        self.officers_by_unit: dict[int, list[User]] = {}
        self.groups_by_area: dict[int, list[CommunityGroup]] = {}
        self.hashes: dict[str, str] = {}

    def user(self, username, password, role, first, last, **extra) -> User:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                # A reserved domain: the worker prints the demo's emails to its console.
                "email": f"{username}@example.org",
                **extra,
            },
        )
        if created:
            # Hashing is slow on purpose; the many extra accounts share one hash.
            if password not in self.hashes:
                self.hashes[password] = make_password(password)
            user.password = self.hashes[password]
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        return user

    def reference_data(self) -> None:
        areas = {}
        for name, code, risk in AREAS:
            areas[code], _ = Area.objects.get_or_create(
                code=code, defaults={"name": name, "risk_level": risk}
            )
        for name, code in UNITS:
            self.units[code], _ = Unit.objects.get_or_create(
                name=name, defaults={"area": areas[code]}
            )
        liaisons = [self.user(*DEMO_ACCOUNTS[1][:5])] + [
            self.user(f"liaison{i + 2}", OTHER_PASSWORD, Role.LIAISON, first, last)
            for i, (first, last) in enumerate(LIAISON_NAMES)
        ]
        admin = self.user(*DEMO_ACCOUNTS[2][:5], is_staff=True, is_superuser=True)
        assert admin.is_superuser
        officer_rows = [("officer", "officer-demo-pass", "Sam", "Okafor")] + [
            (f"officer{i + 2}", OTHER_PASSWORD, first, last)
            for i, (first, last) in enumerate(OFFICER_NAMES)
        ]
        unit_codes = [code for _, code in UNITS]
        for i, (username, password, first, last) in enumerate(officer_rows):
            officer = self.user(username, password, Role.OFFICER, first, last)
            unit = self.units[unit_codes[i % len(unit_codes)]]
            OfficerProfile.objects.get_or_create(
                user=officer,
                defaults={
                    "unit": unit,
                    "collar_number": f"CT{1001 + i}",
                    "role_title": "CT engagement officer" if i % 3 else "Neighbourhood officer",
                },
            )
            self.officers.append(officer)
        for officer in self.officers:
            self.officers_by_unit.setdefault(officer.officer_profile.unit_id, []).append(officer)
        index = 0
        for code, rows in GROUP_NAMES.items():
            for name, kind in rows:
                group, created = CommunityGroup.objects.get_or_create(
                    name=name,
                    defaults={
                        "kind": kind,
                        "area": areas[code],
                        "contact_cadence_days": self.rng.choice([30, 60, 90, 90, 120]),
                    },
                )
                if created:
                    # The demo liaison speaks for the first groups of the high-risk areas.
                    group.liaisons.add(liaisons[0] if index % 4 == 0 else liaisons[index % 9])
                    if name == "Riverside Somali Community Association":
                        group.declined_engagement_from = self.today - timedelta(days=60)
                        group.save()
                index += 1
                self.groups_by_area.setdefault(group.area_id, []).append(group)

    def meetings(self, count: int) -> None:
        for index in range(count):
            # The last two are years old, so the admins' retention review queue shows
            # meetings due (RETENTION_REVIEW_YEARS, 6 by default, after their date).
            old = count >= 20 and index >= count - 2
            self.meeting(days_ago=6 * 365 + 60 + 300 * (count - index) if old else None)
        # Disputes corrected long ago and never re-reviewed end as they would in use.
        disputes_lapse()

    def when(self, day, *, latest_days_after: int) -> datetime:
        moment = datetime.combine(day, time(9)) + timedelta(
            days=self.rng.randint(0, latest_days_after), hours=self.rng.randint(0, 10)
        )
        return min(timezone.make_aware(moment), timezone.now())

    def later(self, moment: datetime, *, days: int) -> datetime:
        return min(moment + timedelta(days=self.rng.randint(1, days)), timezone.now())

    def meeting(self, *, days_ago: int | None = None) -> None:
        """One meeting's life, replayed through the services at the moments it happened;
        within the last year unless `days_ago` says when."""
        rng = self.rng
        unit = rng.choice(list(self.units.values()))
        officers = self.officers_by_unit[unit.pk]
        groups = self.groups_by_area.get(unit.area_id) or []
        if not groups:
            return
        day = self.today - timedelta(days=rng.randint(0, 364) if days_ago is None else days_ago)
        chosen = rng.sample(groups, k=min(len(groups), rng.choice([1, 1, 1, 2])))
        author = rng.choice(officers)
        attending = [
            author,
            *rng.sample([o for o in officers if o != author], k=rng.choice([0, 0, 1])),
        ]
        age = (self.today - day).days
        stage = self.stage_for(age)
        created = self.when(day, latest_days_after=2)
        parts = MeetingParts(
            fields=self.meeting_fields(day, unit.area),
            groups=chosen,
            disclosures=[{"officer": officer, **self.disclosure()} for officer in attending],
            follow_ups=self.promises(day, chosen, attending) if rng.random() < 0.5 else [],
        )
        self.ask_for_a_response(parts, day, chosen, attending)
        with clock.replaying_at(created):
            meeting = meeting_create(by=author, parts=parts, submit=False)
        if stage == "draft":
            return
        # Later saves of the form name the actions it created, as the edit form does.
        parts.follow_ups = [
            {**values, "instance": action}
            for values, action in zip(
                parts.follow_ups, meeting.follow_ups.order_by("pk"), strict=True
            )
        ]
        submitted = max(self.when(day, latest_days_after=6), created)
        with clock.replaying_at(submitted):
            meeting = meeting_update(
                meeting=meeting,
                by=author,
                parts=parts,
                expected_version=meeting.version,
                submit=True,
            )
        if stage == "withdrawn":
            with clock.replaying_at(self.later(submitted, days=10)):
                meeting_withdraw(meeting=meeting, by=author, reason="Logged twice by mistake.")
            return
        self.work_on_follow_ups(meeting, day, after=submitted)
        if stage == "reviewed":
            reviewed = self.later(submitted, days=25)
            meeting = self.review(meeting, chosen, reviewed)
            if meeting.status == Meeting.Status.DISPUTED:
                self.answer_dispute(meeting, parts, author, chosen, reviewed)

    def stage_for(self, age_days: int) -> str:
        roll = self.rng.random()
        if age_days <= 21 and roll < 0.25:
            return "draft"
        # Most reviews come within weeks; a few meetings wait far longer.
        if age_days <= 10 or (age_days <= 60 and roll < 0.30) or roll < 0.05:
            return "submitted"
        if roll > 0.98:
            return "withdrawn"
        return "reviewed"

    def meeting_fields(self, day, area) -> dict:
        rng = self.rng
        attendees = rng.randint(3, 40)
        under_25 = rng.randint(0, attendees) if rng.random() < 0.4 else 0
        under_18 = rng.randint(0, under_25) if under_25 and rng.random() < 0.5 else 0
        passed_on = rng.random() < 0.12
        concerns = {topic: rng.random() < 0.15 for topic in Meeting.ConcernTopic.values}
        if area.risk_level == Area.RiskLevel.HIGH and rng.random() < 0.3:
            concerns["concern_surveillance"] = True
        return {
            "date": day,
            "start_time": time(rng.choice([10, 13, 17, 18, 19]), rng.choice([0, 30])),
            "duration_minutes": rng.choice([45, 60, 60, 90, 120]),
            "venue_kind": rng.choice(Meeting.VenueKind.values),
            "area": area,
            "initiated_by": rng.choice(Meeting.InitiatedBy.values),
            "focus": Meeting.Focus.COMMUNITY_FOCUSED
            if rng.random() < 0.7
            else Meeting.Focus.TARGETED,
            "purpose": rng.choice(PURPOSES),
            "topics": rng.choice(TOPICS),
            "attendee_count": attendees,
            "under_25_count": under_25,
            "under_18_count": under_18,
            "responsible_adult_present": (rng.random() < 0.9) if under_18 else None,
            "information_shared": "Explained the team's role, how to report concerns and how "
            "information from meetings like this one is handled.",
            "concerns_raised": "Worries about being watched and about young people being "
            "referred without their families knowing."
            if concerns["concern_surveillance"]
            else "",
            **concerns,
            "passed_on": passed_on,
            "passed_on_kind": rng.choice(Meeting.PassedOnKind.values) if passed_on else "",
            "passed_on_reason": "A safeguarding concern about a vulnerable adult."
            if passed_on
            else "",
            "community_told_passed_on": (rng.random() < 0.6) if passed_on else None,
            "summary": "A constructive meeting. The group asked for clearer information on "
            "how to report hate incidents and for regular updates.",
            "internal_notes": "Relationship improving; keep the same officers where possible.",
        }

    def disclosure(self) -> dict:
        roll = self.rng.random()
        level = (
            Disclosure.Level.FULL
            if roll < 0.65
            else Disclosure.Level.PARTIAL
            if roll < 0.9
            else Disclosure.Level.NONE
        )
        return {
            "level": level,
            "method": self.rng.choice(Disclosure.Method.values),
            "timing": self.rng.choice(
                [Disclosure.Timing.START, Disclosure.Timing.START, Disclosure.Timing.DURING]
            ),
            "reason": "" if level == Disclosure.Level.FULL else self.rng.choice(NOT_FULL_REASONS),
        }

    def ask_for_a_response(self, parts: MeetingParts, day, groups, attending) -> None:
        """Now and then the group asks for an answer to a concern, and one is promised."""
        raised = [topic for topic in Meeting.ConcernTopic.values if parts.fields[topic]]
        if not raised or self.rng.random() >= 0.4:
            return
        topic = raised[0]
        parts.fields["concerns_needing_response"] = [topic]
        label = Meeting.ConcernTopic(topic).label.lower()
        parts.follow_ups.append(
            {
                "description": f"Answer the group's concern about {label} in writing",
                "owner": attending[0],
                "owed_to": groups[0],
                "answers_concern": topic,
                "due_date": day + timedelta(days=self.rng.randint(7, 30)),
            }
        )

    def promises(self, day, groups, attending) -> list[dict]:
        return [
            {
                "description": self.rng.choice(PROMISES),
                "owner": self.rng.choice(attending),
                "owed_to": self.rng.choice(groups),
                "due_date": day + timedelta(days=self.rng.randint(7, 60)),
            }
            for _ in range(self.rng.choice([1, 1, 2]))
        ]

    def work_on_follow_ups(self, meeting, day, *, after: datetime) -> None:
        """Owners do, cancel or report back what is due; the liaisons answer report-backs."""
        rng = self.rng
        for action in meeting.follow_ups.select_related("owner", "owed_to", "meeting"):
            roll = rng.random()
            if action.due_date >= self.today or roll >= 0.8:
                continue
            if roll >= 0.7:
                at = self.moment(action.due_date, after=after)
                with clock.replaying_at(at):
                    follow_up_cancel(
                        action=action,
                        by=action.owner,
                        reason="The group asked us not to go ahead.",
                        expected_version=action.version,
                    )
                continue
            completed_on = min(
                max(action.due_date + timedelta(days=rng.randint(-10, 8)), day), self.today
            )
            with clock.replaying_at(self.moment(completed_on, after=after)):
                action = follow_up_complete(
                    action=action,
                    by=action.owner,
                    outcome="Done and shared with the group.",
                    completed_on=completed_on,
                    expected_version=action.version,
                )
            if rng.random() >= 0.6:
                continue
            reported = min(completed_on + timedelta(days=rng.randint(0, 14)), self.today)
            with clock.replaying_at(self.moment(reported, after=after)):
                action = follow_up_report_back(
                    action=action,
                    by=action.owner,
                    reported_back_on=reported,
                    expected_version=action.version,
                )
            liaisons = list(action.owed_to.liaisons.all())
            if liaisons and rng.random() < 0.7:
                answer = rng.choices(ReportBackConfirmation.Answer.values, [75, 15, 10])[0]
                with clock.replaying_at(self.later(self.moment(reported, after=after), days=10)):
                    report_back_confirm(
                        action=action,
                        by=rng.choice(liaisons),
                        answer=answer,
                        comment="" if answer == "yes" else "Not everyone in the group heard.",
                        expected_version=action.version,
                    )

    def moment(self, day, *, after: datetime) -> datetime:
        """Late afternoon of `day`, but never before `after` nor after now."""
        at = max(timezone.make_aware(datetime.combine(day, time(16))), after)
        return min(at, timezone.now())

    def review(self, meeting, groups, at: datetime) -> Meeting:
        rng = self.rng
        liaisons = [liaison for group in groups for liaison in group.liaisons.all()]
        if not liaisons:
            return meeting
        accuracy = rng.choices(Review.Accuracy.values, weights=[80, 15, 5], k=1)[0]
        with clock.replaying_at(at):
            review_submit(
                meeting=meeting,
                by=rng.choice(liaisons),
                accuracy=accuracy,
                trust_effect=rng.choices(Review.TrustEffect.values, weights=[45, 45, 10])[0],
                comments="Matches our notes of the meeting."
                if accuracy == Review.Accuracy.ACCURATE
                else "Some points are not how we remember them.",
                confirmations={d.pk: self.confirmation(d.level) for d in meeting.disclosures.all()},
                expected_version=meeting.version,
            )
        meeting.refresh_from_db()
        return meeting

    def answer_dispute(self, meeting, parts, author, groups, disputed_at) -> None:
        """Most disputes are corrected; some are then confirmed, some escalated."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.25 or disputed_at > timezone.now() - timedelta(days=5):
            return  # still waiting for the officer
        if roll < 0.35:
            dispute = meeting.disputes.get(status=Dispute.Status.OPEN)
            with clock.replaying_at(self.later(disputed_at, days=10)):
                dispute_escalate(
                    dispute=dispute,
                    by=author,
                    reason="We and the group remember the introductions differently.",
                )
            return
        corrected = self.later(disputed_at, days=7)
        for disclosure in parts.disclosures:
            if disclosure["level"] == Disclosure.Level.FULL:
                disclosure["timing"] = Disclosure.Timing.DURING
        with clock.replaying_at(corrected):
            meeting = meeting_update(
                meeting=meeting,
                by=author,
                parts=parts,
                expected_version=meeting.version,
                submit=True,
                note="The role was explained during the meeting, not at the start.",
            )
        if roll < 0.8:
            self.review(meeting, groups, self.later(corrected, days=10))

    def confirmation(self, level: str) -> str:
        weights = CONFIRMATION_WEIGHTS[level]
        return self.rng.choices(DisclosureConfirmation.Answer.values, weights=weights, k=1)[0]
