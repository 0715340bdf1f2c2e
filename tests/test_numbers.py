"""Numbers however written: the figures reports disagree on."""

from __future__ import annotations

import pytest

from newsmark.annotations.linking.numbers import numbers_in


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fourteen people were treated", {14}),
        ("14 people were treated", {14}),
        ("3,000 litres, 3000 litres or three thousand litres", {3000}),
        ("twenty-five samples in 2026", {25, 2026}),
        ("three hundred and five homes", {305}),
        ("three thousand five hundred", {3500}),
        ("2.5 million crowns", {2_500_000}),
        ("readings of 5, 6 and 7", {5, 6, 7}),
        ("no figures here at all", set()),
        ("", set()),
    ],
)
def test_numbers_in(text: str, expected: set[float]) -> None:
    assert numbers_in(text) == expected
