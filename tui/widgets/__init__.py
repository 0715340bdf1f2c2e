"""Reusable widgets of the Newsmark app."""
