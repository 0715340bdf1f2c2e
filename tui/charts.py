"""What the charts draw, kept honest: counts are whole numbers, and a running count holds
until it steps (plotext would otherwise label 1.33 outlets and draw slopes between days)."""

from __future__ import annotations

from newsmark.annotations.desk.spread import Step


def step_points(steps: list[Step], values: list[int]) -> tuple[list[str], list[int]]:
    """A running count is a staircase: it holds until the next day, then steps up. A line
    straight from point to point drew counts (2.5 outlets) that never were."""
    dates: list[str] = []
    ys: list[int] = []
    for n, (step, value) in enumerate(zip(steps, values, strict=True)):
        if n:
            dates.append(step.date)
            ys.append(values[n - 1])
        dates.append(step.date)
        ys.append(value)
    return dates, ys


def integer_ticks(top: int, most: int = 6) -> list[int]:
    """Whole numbers from 0 to ``top`` (a count of outlets has no 1.33), at most ``most``."""
    every = max(1, -(-top // (most - 1)))
    return list(range(0, top + 1, every)) + ([top] if top % every else [])
