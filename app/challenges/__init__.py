"""Challenge calls: authoring, review, lifecycle, outcome targets, prize rules, Q&A and feeds."""
