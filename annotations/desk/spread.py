"""How a claim spread: the outlets that carried a cluster, by publication date."""

from __future__ import annotations

from dataclasses import dataclass

from newsmark.annotations.linking.links import Cluster


@dataclass(frozen=True)
class Step:
    date: str  # YYYY-MM-DD
    outlets: list[str]  # those first carrying it that day
    total: int  # outlets carrying it by then
    suggested: int  # of those, only by a suggestion not yet accepted


def spread(cluster: Cluster) -> tuple[list[Step], list[str]]:
    """Day by day, the outlets that carried the claim for the first time, with the running
    count; and the outlets whose articles have no date (not on the timeline). An outlet
    counts from its earliest article; articles without an outlet count by their title."""
    first_day: dict[str, tuple[str, bool]] = {}
    undated: list[str] = []
    for m in cluster.members:
        name = m.outlet or f"\u201c{m.title}\u201d"
        confirmed = m.status != "suggested"
        if not m.published:
            if name not in undated:
                undated.append(name)
            continue
        day = m.published[:10]
        seen = first_day.get(name)
        if seen is None or (day, not confirmed) < (seen[0], not seen[1]):
            first_day[name] = (day, confirmed)
    undated = [n for n in undated if n not in first_day]
    steps: list[Step] = []
    total = suggested = 0
    for day in sorted({d for d, _ in first_day.values()}):
        names = sorted(n for n, (d, _) in first_day.items() if d == day)
        total += len(names)
        suggested += sum(1 for n in names if not first_day[n][1])
        steps.append(Step(day, names, total, suggested))
    return steps, undated
