"""Machine-readable specifications, shipped in the package as `ssjlang.spec` (the record JSON Schema)."""
