"""Append-only record of security events (sign-ins, failures, role changes, tokens) and of the
steps that decide a prize (challenge transitions, panel changes, appeals, award computations)."""
