"""Jinja templates for the official documents (package data)."""
