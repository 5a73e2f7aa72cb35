"""Blind judging: panels, entry codes, scorecards and normalised results."""
