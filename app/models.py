"""Imports every domain's models so that `Base.metadata` is complete (Alembic, tests)."""

from app.accounts import models as accounts_models
from app.audit import models as audit_models
from app.db import Base

metadata = Base.metadata

__all__ = ["metadata", "accounts_models", "audit_models"]
