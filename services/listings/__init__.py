"""Keeping listings true: capacity, verification, suggested edits, reminders and duplicates."""
