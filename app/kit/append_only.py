"""Triggers that make a table append-only: UPDATE and DELETE (and TRUNCATE on PostgreSQL) are
refused by the database itself, whoever asks, so a bug or a hand-typed statement cannot rewrite
a money record. Used by the migrations that create such tables."""

from __future__ import annotations

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION valleycross_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'restrict_violation';
END $$
"""


def guard(dialect: str, table: str) -> list[str]:
    if dialect == "postgresql":
        return [PG_FUNCTION,
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION valleycross_refuse_change()",
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION valleycross_refuse_change()"]
    if dialect == "sqlite":
        return [f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} BEGIN "
                f"SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END"
                for op in ("UPDATE", "DELETE")]
    raise NotImplementedError(f"no append-only triggers for {dialect}")


def unguard(dialect: str, table: str) -> list[str]:
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
                f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}"]
    return [f"DROP TRIGGER IF EXISTS {table}_no_{op.lower()}" for op in ("UPDATE", "DELETE")]
