"""The documentation (package data): installed with ssjlang so diagnostic help links work offline."""
