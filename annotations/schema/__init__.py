"""JSON Schema of the native JSONL export, shipped with the package for other tools."""
