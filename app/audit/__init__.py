"""Append-only record of security events (sign-ins, failures, role changes, tokens)."""
