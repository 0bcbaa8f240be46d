"""Lark grammar of the .ssj language (package data)."""
