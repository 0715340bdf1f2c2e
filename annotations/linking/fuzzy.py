"""rapidfuzz's ``fuzz`` and ``process``, loaded on first use.

Importing rapidfuzz takes ~10 ms (it loads every scorer's compiled module), and the reader's
first screen needs none of it: the modules that align and score text import these stand-ins,
whose first attribute read imports rapidfuzz and keeps the real function, so every later
call is a plain attribute look-up.
"""

from __future__ import annotations

import importlib
from typing import Any


class _OnFirstUse:
    def __init__(self, module: str) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        value = getattr(importlib.import_module(self._module), name)
        setattr(self, name, value)
        return value


fuzz: Any = _OnFirstUse("rapidfuzz.fuzz")
process: Any = _OnFirstUse("rapidfuzz.process")
