"""Revision history of curated records (mechanisms, technologies, needs): who, what, when."""
