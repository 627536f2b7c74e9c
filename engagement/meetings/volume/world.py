"""The world the meetings happen in: areas, units, groups and accounts, force by force.

A force is DISTRICTS_PER_FORCE copies of seed_demo's world (its areas, units, groups,
officers and liaisons, with its officers per unit and liaisons per group) and one admin.
A few thousand rows at most, so they go through the ORM's bulk_create.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from engagement.accounts.models import OfficerProfile, Role, Unit, User
from engagement.community.models import Area, CommunityGroup
from engagement.meetings.management.commands.seed_demo import (
    AREAS,
    DEMO_ACCOUNTS,
    GROUP_NAMES,
    LIAISON_NAMES,
    OFFICER_NAMES,
    UNITS,
)

DISTRICTS_PER_FORCE = 4
# Every generated account's email is at this reserved domain: that is how a later run
# tells the meetings it made from meetings people logged.
VOLUME_EMAIL_DOMAIN = "volume.invalid"
VOLUME_USERNAME_PREFIX = "volume-"
# seed_demo's first officer and liaison lead each district's lists, as they do there.
DEMO_OFFICER_NAME = DEMO_ACCOUNTS[0][3:5]
DEMO_LIAISON_NAME = DEMO_ACCOUNTS[1][3:5]
# The group seed_demo has decline counter-terrorism engagement 60 days ago.
DECLINING_GROUP = "Riverside Somali Community Association"


@dataclass(eq=False)
class OfficerRef:
    id: int
    name: str


@dataclass(eq=False)
class GroupRef:
    id: int
    name: str
    liaisons: list[int]


@dataclass(eq=False)
class AreaRef:
    """An area, with the groups a meeting there may involve."""

    id: int
    name: str
    risk_level: str
    groups: list[GroupRef] = field(default_factory=list)


@dataclass(eq=False)
class UnitRef:
    """A unit, the area it works in and its officers."""

    id: int
    area: AreaRef
    officers: list[OfficerRef] = field(default_factory=list)


@dataclass
class World:
    units: list[UnitRef]
    forces: list[int]
    counts: dict[str, int]


def next_force_number() -> int:
    """Forces are numbered across runs, so names and codes never collide."""
    numbers = [
        int(code[1:5])
        for code in Area.objects.filter(code__startswith="V").values_list("code", flat=True)
        if len(code) == 8 and code[1:5].isdigit()
    ]
    return max(numbers, default=0) + 1


def build_world(
    *, first_force: int, forces: int, rng: random.Random, today: date, password: str | None
) -> World:
    numbers = list(range(first_force, first_force + forces))
    role_groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role}
    shared_hash = make_password(password) if password else None

    areas: list[Area] = []
    units: list[Unit] = []
    unit_area: list[int] = []
    groups: list[CommunityGroup] = []
    users: list[User] = []
    roles: list[Role] = []
    # Rows that need others' ids first: (unit, user, collar number, role title) and
    # (group, liaison), as indexes into the lists above.
    profiles: list[tuple[int, int, str, str]] = []
    group_liaisons: list[tuple[int, int]] = []

    def account(username: str, name: tuple[str, str], role: Role, **extra) -> int:
        users.append(
            User(
                username=username,
                first_name=name[0],
                last_name=name[1],
                email=f"{username}@{VOLUME_EMAIL_DOMAIN}",
                # Without a password given, an unusable one: nobody signs in as these.
                password=shared_hash or make_password(None),
                **extra,
            )
        )
        roles.append(role)
        return len(users) - 1

    for force in numbers:
        account(
            f"{VOLUME_USERNAME_PREFIX}f{force:04d}-admin",
            ("Force", f"Admin {force}"),
            Role.ADMIN,
            is_staff=True,
        )
        for district in range(1, DISTRICTS_PER_FORCE + 1):
            suffix = f" {district}, force {force}"
            area_at = {}
            for name, code, risk in AREAS:
                area_at[code] = len(areas)
                areas.append(
                    Area(name=name + suffix, code=f"V{force:04d}{code}{district}", risk_level=risk)
                )
            unit_at = []
            for name, code in UNITS:
                unit_at.append(len(units))
                unit_area.append(area_at[code])
                units.append(Unit(name=name + suffix))
            prefix = f"{VOLUME_USERNAME_PREFIX}f{force:04d}-d{district}-"
            liaisons = [
                account(f"{prefix}liaison{j + 1}", full_name, Role.LIAISON)
                for j, full_name in enumerate([DEMO_LIAISON_NAME, *LIAISON_NAMES])
            ]
            for i, full_name in enumerate([DEMO_OFFICER_NAME, *OFFICER_NAMES]):
                # seed_demo's rule: officers dealt to the units in turn.
                profiles.append(
                    (
                        unit_at[i % len(UNITS)],
                        account(f"{prefix}officer{i + 1}", full_name, Role.OFFICER),
                        f"V{force:04d}{district}{i + 1:02d}",
                        "CT engagement officer" if i % 3 else "Neighbourhood officer",
                    )
                )
            index = 0
            for code, rows in GROUP_NAMES.items():
                for name, kind in rows:
                    group = CommunityGroup(
                        name=name + suffix,
                        kind=kind,
                        area=areas[area_at[code]],
                        contact_cadence_days=rng.choice([30, 60, 90, 90, 120]),
                    )
                    if name == DECLINING_GROUP:
                        group.declined_engagement_from = today - timedelta(days=60)
                    # seed_demo's rule: the first liaison speaks for every fourth group.
                    liaison = liaisons[0] if index % 4 == 0 else liaisons[index % len(liaisons)]
                    group_liaisons.append((len(groups), liaison))
                    groups.append(group)
                    index += 1

    Area.objects.bulk_create(areas)
    for unit, area_index in zip(units, unit_area, strict=True):
        unit.area = areas[area_index]
    Unit.objects.bulk_create(units)
    CommunityGroup.objects.bulk_create(groups)
    User.objects.bulk_create(users)
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=user.pk, group_id=role_groups[role].pk)
        for user, role in zip(users, roles, strict=True)
    )
    OfficerProfile.objects.bulk_create(
        OfficerProfile(user=users[u], unit=units[x], collar_number=collar, role_title=title)
        for x, u, collar, title in profiles
    )
    CommunityGroup.liaisons.through.objects.bulk_create(
        CommunityGroup.liaisons.through(communitygroup_id=groups[g].pk, user_id=users[u].pk)
        for g, u in group_liaisons
    )

    places = {area.pk: AreaRef(area.pk, area.name, area.risk_level) for area in areas}
    liaisons_of: dict[int, list[int]] = {}
    for g, u in group_liaisons:
        liaisons_of.setdefault(groups[g].pk, []).append(users[u].pk)
    for group in groups:
        places[group.area.pk].groups.append(
            GroupRef(group.pk, group.name, liaisons_of.get(group.pk, []))
        )
    teams = {unit.pk: UnitRef(unit.pk, places[unit.area.pk]) for unit in units}
    for x, u, _, _ in profiles:
        teams[units[x].pk].officers.append(OfficerRef(users[u].pk, str(users[u])))
    return World(
        units=list(teams.values()),
        forces=numbers,
        counts={
            "areas": len(areas),
            "units": len(units),
            "community groups": len(groups),
            "officers": len(profiles),
            "liaisons": roles.count(Role.LIAISON),
            "admins": roles.count(Role.ADMIN),
        },
    )
