"""Dependencies shared by the inventory's API and pages: the curator guard and list filters."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from app.accounts.deps import require_role
from app.accounts.models import Role, User

CuratorUser = Annotated[User, Depends(require_role(Role.CURATOR, Role.ADMIN))]

Values = Annotated[list[str], Query(max_length=50)]


def mechanism_filters(function: Values = [], sector: Values = [],  # noqa: B006
                      stage: Values = [], group: Values = [], kind: Values = [],  # noqa: B006
                      status: Values = [], verification: Values = [],  # noqa: B006
                      ) -> dict[str, list[str]]:
    """Facet filters of the mechanism list (repeat a parameter to select several values)."""
    return {"function": function, "sector": sector, "stage": stage, "group": group,
            "kind": kind, "status": status, "verification": verification}


def technology_filters(sector: Values = [], stage: Values = [], group: Values = [],  # noqa: B006
                       availability: Values = [], verification: Values = [],  # noqa: B006
                       ) -> dict[str, list[str]]:
    """Facet filters of the technology list."""
    return {"sector": sector, "stage": stage, "group": group, "availability": availability,
            "verification": verification}

