"""The numbers a passage states, however they are written: "14", "fourteen", "3,000",
"three thousand", "2.5 million".

Reports of one story disagree most visibly in their figures, and a search for "fourteen
people" should rank the passage that says 14 above the one that says 17, even though the
words around them are the same.
"""

from __future__ import annotations

import re

_UNITS = {
    word: value
    for value, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ]
    )
}
_TENS = {
    word: 10 * (i + 2)
    for i, word in enumerate(
        ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    )
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_TOKEN = re.compile(rf"{_DIGITS.pattern}|[a-z]+", re.IGNORECASE)


def numbers_in(text: str) -> set[float]:
    """Every number ``text`` states, as a value ("a dozen" and ordinals are not numbers)."""
    found: set[float] = set()
    current: float | None = None  # the number being read, word by word
    total = 0.0
    for token in _TOKEN.findall(text):
        low = token.lower()
        if _DIGITS.fullmatch(token):
            if current is not None:
                found.add(total + current)
            current, total = float(token.replace(",", "")), 0.0
        elif low in _UNITS or low in _TENS:
            value = _UNITS.get(low, _TENS.get(low, 0))
            if current is None or _continues(current, value):
                current = (current or 0.0) + value
            else:  # "five six" are two numbers
                found.add(total + current)
                current, total = float(value), 0.0
        elif low in _SCALES and current is not None:
            scale = _SCALES[low]
            if scale == 100:
                current *= scale
            else:
                total, current = total + current * scale, 0.0
        elif low == "and" and current is not None:
            continue  # "three hundred and five"
        elif current is not None:
            found.add(total + current)
            current, total = None, 0.0
    if current is not None:
        found.add(total + current)
    return found


def _continues(current: float, value: int) -> bool:
    """Whether a number word goes on the number read so far: "twenty" + "five", "three
    hundred" + "five", "two thousand" + "ten", but not "five" + "six"."""
    if current == 0:
        return True  # just after "thousand" or "million"
    if current % 100 == 0 and current >= 100:
        return value < 100
    return 20 <= current < 100 and current % 10 == 0 and value < 10
