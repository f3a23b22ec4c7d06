"""Presentational Textual widgets for the desk: they take models and post messages."""
