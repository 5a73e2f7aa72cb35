"""Imports every domain's models so that `Base.metadata` is complete (Alembic, tests)."""

from app.db import Base
from app.discovery import domain_modules

MODEL_MODULES = domain_modules("models")
metadata = Base.metadata

__all__ = ["metadata", "MODEL_MODULES"]
