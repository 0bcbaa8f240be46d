"""Diagnostics reported to people and machines: terminal text, JSON, SARIF, GitLab, JUnit."""
