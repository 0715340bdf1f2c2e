"""Carrying annotations in and out: our JSONL, Prodigy, W3C, brat, UIMA CAS XMI, Label
Studio, Datasette's metadata, and the import that re-anchors."""
