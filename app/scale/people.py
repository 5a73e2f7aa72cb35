"""The scale data's accounts (an admin, sponsors, judges, verifiers, solvers) and solvers' teams.

Their number does not follow `factor`: a challenge's entrants are distinct people, so the
solvers bound the entries per challenge, and a few hundred accounts cost nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from app.accounts.models import Role, User, UserRole
from app.scale.bulk import Row, Writer, moment, rng
from app.scale.world import World
from app.teams.models import Team, TeamMember, TeamRole

DOMAIN = "scale.example"
CURATORS, SPONSORS, JUDGES, VERIFIERS, SOLVERS = 3, 20, 30, 10, 500
TEAM_POOL = 70  # the last solvers form teams and enter only with them
FIRST = ["Amina", "Tavita", "Chidi", "Mei", "Rahel", "Kofi", "Ana", "Bilal", "Sione", "Noor",
         "Lwazi", "Priya", "Mateo", "Fatou", "Hoang", "Ines", "Kwabena", "Leilani", "Omar",
         "Zanele", "Dorji", "Yara", "Tupou", "Samir", "Achieng", "Raúl", "Thandiwe", "Mahsa"]
LAST = ["Okafor", "Faleolo", "Mensah", "Wang", "Tesfaye", "Boateng", "Ferreira", "Hassan",
        "Vaipulu", "Rahman", "Dlamini", "Nair", "Quispe", "Diallo", "Nguyen", "Morales", "Owusu",
        "Kahale", "Haddad", "Ndlovu", "Wangchuk", "Saleh", "Taufa", "Karimi", "Otieno"]
FUNDS = ["Green Futures Fund", "Blue Horizon Trust", "Sahel Resilience Foundation",
         "Pacific Climate Partnership", "Andes Clean Tech Fund", "Mekong Water Trust",
         "Great Lakes Energy Fund", "Island Adaptation Facility", "Savanna Solar Alliance",
         "Delta Futures Fund"]


@dataclass
class Solver:
    id: int
    country: str
    name: str
    organisation: str | None


@dataclass
class ScaleTeam:
    id: int
    name: str
    lead: Solver
    members: list[Solver]  # the lead included

    @property
    def countries(self) -> set[str]:
        return {m.country for m in self.members}


@dataclass
class People:
    admin: int
    curators: list[int]
    sponsors: list[tuple[int, str]]  # id, organisation
    judges: list[int]
    verifiers: list[int]
    solvers: list[Solver]  # entering alone
    teams: list[ScaleTeam] = field(default_factory=list)


def _name(rnd: random.Random) -> str:
    return f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"


def make_people(w: Writer, world: World, *, seed: int, anchor: dt.datetime,
                password_hash: str | None) -> People:
    rnd = rng(seed, "people")
    developing = sorted(set(world.members("LDC", anchor.date()))
                        | set(world.members("SIDS", anchor.date()))
                        | set(world.members("LLDC", anchor.date())))
    plan: list[tuple[str, list[Role], str | None]] = [("admin", [Role.ADMIN], None)]
    plan += [(f"curator{i:02d}", [Role.CURATOR], None) for i in range(CURATORS)]
    plan += [(f"sponsor{i:02d}", [Role.SPONSOR], FUNDS[i % len(FUNDS)] + f" {i // 10 + 1}")
             for i in range(SPONSORS)]
    plan += [(f"judge{i:02d}", [Role.JUDGE], None) for i in range(JUDGES)]
    plan += [(f"verifier{i:02d}", [Role.VERIFIER], "Scale Verification Services")
             for i in range(VERIFIERS)]
    plan += [(f"solver{i:03d}", [Role.SOLVER], None) for i in range(SOLVERS)]
    ids = w.ids(User, len(plan))
    admin_id = ids[0]
    users: list[Row] = []
    roles: list[Row] = []
    for user_id, (local, user_roles, organisation) in zip(ids, plan, strict=True):
        # Before any scale challenge opened (200 days back at most) and any team formed.
        created = moment(rnd, anchor - dt.timedelta(days=720), anchor - dt.timedelta(days=210))
        if local.startswith("solver"):
            country = rnd.choice(developing if rnd.random() < 0.6 else world.countries)
            if rnd.random() < 0.3:
                organisation = f"{rnd.choice(LAST)} Clean Energy Cooperative"
        else:
            country = rnd.choice(world.countries)
        users.append({
            "id": user_id, "email": f"{local}@{DOMAIN}", "email_normalized": f"{local}@{DOMAIN}",
            "display_name": "Scale Admin" if local == "admin" else _name(rnd),
            "organisation": organisation, "country_code": country,
            "locale": "zh-Hans" if rnd.random() < 0.1 else None,
            "password_hash": password_hash, "is_active": True, "created_at": created,
            "email_verified_at": created})  # generated accounts stand for proven ones
        for role in user_roles:
            roles.append({"user_id": user_id, "role": role.value,
                          "granted_by_id": None if user_id == admin_id else admin_id,
                          "granted_at": created})
    w.insert(User, users)
    w.insert(UserRole, roles)

    by_local = {local: row for (local, _, _), row in zip(plan, users, strict=True)}
    solvers = [Solver(row["id"], row["country_code"], row["display_name"], row["organisation"])
               for local, row in by_local.items() if local.startswith("solver")]
    people = People(
        admin=admin_id,
        curators=[row["id"] for local, row in by_local.items() if local.startswith("curator")],
        sponsors=[(row["id"], row["organisation"]) for local, row in by_local.items()
                  if local.startswith("sponsor")],
        judges=[row["id"] for local, row in by_local.items() if local.startswith("judge")],
        verifiers=[row["id"] for local, row in by_local.items() if local.startswith("verifier")],
        solvers=solvers[:-TEAM_POOL])
    _make_teams(w, rnd, people, solvers[-TEAM_POOL:], anchor)
    return people


def _make_teams(w: Writer, rnd: random.Random, people: People, pool: list[Solver],
                anchor: dt.datetime) -> None:
    sizes: list[int] = []
    left = len(pool)
    while left >= 2:
        size = min(left, rnd.randint(2, 5))
        if left - size == 1:
            size += 1
        sizes.append(size)
        left -= size
    ids = w.ids(Team, len(sizes))
    teams: list[Row] = []
    members: list[Row] = []
    at = 0
    for team_id, size in zip(ids, sizes, strict=True):
        group = pool[at:at + size]
        at += size
        name = f"Scale Team {team_id:03d} ({group[0].country})"
        formed = moment(rnd, anchor - dt.timedelta(days=205), anchor - dt.timedelta(days=201))
        teams.append({"id": team_id, "name": name, "created_by_id": group[0].id,
                      "created_at": formed})
        for i, solver in enumerate(group):
            members.append({"team_id": team_id, "user_id": solver.id,
                            "role": (TeamRole.LEAD if i == 0 else TeamRole.MEMBER).value,
                            "joined_at": formed + dt.timedelta(hours=i)})
        people.teams.append(ScaleTeam(team_id, name, group[0], group))
    w.insert(Team, teams)
    w.insert(TeamMember, members)
