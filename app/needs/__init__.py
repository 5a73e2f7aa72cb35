"""Countries' technology needs, the gap analysis and the coordination view."""
