"""The checker: diagnostics over the typed tree, and the one resolved plan every later stage takes."""
