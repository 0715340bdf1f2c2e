"""The one place Newsmark's version is written (pyproject.toml reads it from here)."""

VERSION = "0.1.0"
