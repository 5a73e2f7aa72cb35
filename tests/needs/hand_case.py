"""The issue's small hand-built case: 3 countries, 4 mechanisms, 6 needs.

Countries and their groups today (reference data):
  NPL  WORLD, Asia, Southern Asia, LDC, LLDC  vulnerability 1 + 1/2 + 1/4 = 7/4
  FJI  WORLD, Oceania, Melanesia, SIDS         vulnerability 1 + 1/2       = 3/2
  KEN  WORLD, Africa, Eastern Africa, ...      vulnerability 1

Mechanisms (effective stages = declared stages for which a function counts):
  M1 LDC fund          active, scope LDC, energy_supply, stages demonstration + diffusion,
                       functions finance + knowledge_sharing → effective {demonstration, diffusion}
  M2 Africa R&D        active, scope Africa (M49-002) + FJI, energy_supply + water,
                       stages research + demonstration, rd_cooperation → effective both
  M3 Global platform   active, scope WORLD, energy_supply + water, stages demonstration +
                       diffusion, knowledge_sharing only → effective {diffusion}
  M4 SIDS programme    CLOSED, scope SIDS + KEN, water, demonstration, technical_assistance +
                       rd_cooperation (would cover N3 and N4 if it were active)
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.inventory.models import Mechanism, MechanismStatus
from app.needs.models import Need
from tests.needs.factories import make_mechanism, make_need


@dataclass
class HandCase:
    m1: Mechanism
    m2: Mechanism
    m3: Mechanism
    m4: Mechanism
    needs: dict[str, Need]


def build(db: Session) -> HandCase:
    m1 = make_mechanism(db, name="LDC fund", acronym="LDCF", scope=["LDC"],
                        sectors=["energy_supply"], stages=["demonstration", "diffusion"],
                        functions=["finance", "knowledge_sharing"], budget=(1_000_000, "USD"))
    m2 = make_mechanism(db, name="Africa R&D", scope=["M49-002", "FJI"],
                        sectors=["energy_supply", "water"], stages=["research", "demonstration"],
                        functions=["rd_cooperation"], budget=(1001, "EUR"))
    m3 = make_mechanism(db, name="Global platform", acronym="GP", scope=["WORLD"],
                        sectors=["energy_supply", "water"], stages=["demonstration", "diffusion"],
                        functions=["knowledge_sharing"], budget=(500, "JPY"))
    m4 = make_mechanism(db, name="SIDS programme", scope=["SIDS", "KEN"], sectors=["water"],
                        stages=["demonstration"],
                        functions=["technical_assistance", "rd_cooperation"],
                        status=MechanismStatus.CLOSED, budget=(777, "USD"))
    needs = {
        "N1": make_need(db, country="NPL", sector="energy_supply", stage="demonstration",
                        priority="high", technology="Mini-grids"),
        "N2": make_need(db, country="NPL", sector="energy_supply", stage="diffusion",
                        priority="medium", technology="Solar home systems"),
        "N3": make_need(db, country="KEN", sector="water", stage="demonstration",
                        priority="high", technology="Solar desalination"),
        "N4": make_need(db, country="FJI", sector="water", stage="demonstration",
                        priority="low", technology="Rainwater harvesting"),
        "N5": make_need(db, country="FJI", sector="energy_supply", stage="market_formation",
                        priority="high", technology="Ocean energy"),
        "N6": make_need(db, country="KEN", sector="water", stage="diffusion",
                        priority="medium", technology="Drip irrigation"),
    }
    db.commit()
    return HandCase(m1, m2, m3, m4, needs)
