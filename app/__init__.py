"""Valleycross: outcome-based challenge prizes for clean technologies."""
