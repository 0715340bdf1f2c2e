"""How many link suggestions are right, on one story told by several outlets (our own text).

Three invented outlets report the same harbour fire. Every sentence carries a key: sentences
with the same key say the same thing (verbatim, edited or reworded); a key ending in ``!``
is the same statement with a figure changed or a "not" added (a suggestion to it is right
only when the panel says so: ``figure differs``, ``negation differs``); sentences with no
key say something of their own, often with the same names. Every sentence of every article
is tagged as a claim and linked as ``newsmark link`` would, with the meaning signal on.

Reported: suggestions right / wrong, by tier, and the claims whose top-ranked suggestion
is wrong (in the order the queue offers them: surest first), and how many are kept, and
right, at several ``--min-confidence`` settings. Run: ``python tests/bench/bench_story.py``.
"""

# ruff: noqa: E501  (the story is a table: one sentence a line, to read it as one)
from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

import newsmark.annotations  # noqa: E402, F401  (the full schema)
from newsmark.annotations.linking import links  # noqa: E402
from newsmark.annotations.linking.decision import differences  # noqa: E402
from newsmark.annotations.linking.index import index_pending  # noqa: E402
from newsmark.annotations.linking.matching import Matcher  # noqa: E402
from newsmark.annotations.spans import store  # noqa: E402
from newsmark.corpus.articles import NewArticle, add_article  # noqa: E402
from newsmark.corpus.db import connect  # noqa: E402

Story = list[tuple[str | None, str]]

COURIER: Story = [
    (None, "Fire on the Velmor docks"),
    (
        "fire",
        "A fire broke out in a grain warehouse on the northern quay of Velmor late on Sunday night.",
    ),
    (
        "crews",
        "Eleven fire crews fought the blaze for six hours before it was brought under control.",
    ),
    (
        "hurt",
        "Three dock workers were taken to the Osk Island hospital with burns, the harbour office said.",
    ),
    (
        "cause",
        "Harbour master Ilsa Brennick said the fire started in an electrical cabinet and was not set on purpose.",
    ),
    ("ships", "Two cargo ships were moved out of the harbour as a precaution."),
    (
        "quote",
        '"We will rebuild the warehouse before the autumn harvest arrives," said Tomas Reyl, who owns it.',
    ),
    (
        None,
        "Ilsa Brennick has been harbour master of Velmor since the storm of the previous winter.",
    ),
    (
        "closed",
        "The northern quay will stay closed to traffic until Wednesday while engineers check the pier.",
    ),
]
HERALD: Story = [
    (None, "Velmor warehouse destroyed"),
    (
        "fire",
        "Late on Sunday night fire swept through a grain warehouse on Velmor's northern quay.",
    ),
    (
        "crews!",
        "Nine fire crews fought the blaze for six hours before it was brought under control.",
    ),
    (
        "hurt",
        "According to the harbour office, three dock workers were treated for burns at the hospital on Osk Island.",
    ),
    (
        "cause!",
        "Harbour master Ilsa Brennick said the fire started in an electrical cabinet and may have been set on purpose.",
    ),
    (
        "quote",
        '"We will rebuild the warehouse before the autumn harvest arrives," owner Tomas Reyl told the Herald.',
    ),
    (None, "Tomas Reyl also owns two fishing boats and a bakery on the southern quay of Velmor."),
    (None, "The harbour office of Velmor will publish its yearly report on shipping next month."),
]
WIRE: Story = [
    (None, "Blaze hits Velmor harbour"),
    ("fire", "A grain warehouse on the northern quay in Velmor caught fire on Sunday night."),
    ("crews", "It took eleven crews six hours to bring the fire under control."),
    ("ships", "As a precaution, two cargo vessels were moved out of the harbour."),
    (
        "closed",
        "Engineers will check the pier, and the northern quay stays closed to traffic until Wednesday.",
    ),
    (None, "Grain prices on the Osk market rose slightly on Monday morning after the fire."),
    (
        None,
        "Harbour master Ilsa Brennick did not say when the northern quay would reopen to ferries.",
    ),
]
OUTLETS = {"The Courier": COURIER, "The Herald": HERALD, "Wire": WIRE}


def build(db_path: Path) -> tuple[object, dict[int, list[tuple[int, int, str | None]]]]:
    db = connect(db_path)
    keys: dict[int, list[tuple[int, int, str | None]]] = {}
    for outlet, story in OUTLETS.items():
        text = story[0][1] + "\n\n" + " ".join(s for _, s in story[1:])
        article_id, _ = add_article(db, NewArticle(title=story[0][1], text=text, outlet=outlet))
        places = []
        at = 0
        for key, sentence in story:
            start = text.index(sentence, at)
            places.append((start, start + len(sentence), key))
            at = start + len(sentence)
        keys[article_id] = places
    for i in range(300):  # other news of the island, so that the indexes have a corpus
        filler = (
            f"Report {i}: the Osk ferry timetable changes for market day number {i}, and the"
            f" council of Velmor meets on the {i % 28 + 1}th to discuss the roads."
        )
        add_article(db, NewArticle(title=f"Notes {i}", text=filler, outlet="Osk Notes"))
    index_pending(db)
    return db, keys


def key_at(places: list[tuple[int, int, str | None]], start: int, end: int) -> set[str | None]:
    return {k for s, e, k in places if s < end and start < e}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db, keys = build(Path(tmp) / "story.db")
        matcher = Matcher(db)
        verdicts: Counter[tuple[str, str]] = Counter()
        wrong_top: list[str] = []
        claims = 0
        rated: list[tuple[float | None, bool]] = []
        for article_id, places in keys.items():
            text = db.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()[0]
            for start, end, key in places[1:]:
                claims += 1
                ann = store.create_annotation(db, article_id, start, end, "claim", "bench")
                found = sorted(links.suggest(db, matcher, ann), key=links.surest_first)
                for rank, link in enumerate(found):
                    if link.target_article_id not in keys:
                        verdict = "wrong"
                    else:
                        there = key_at(keys[link.target_article_id], link.start, link.end)
                        base = (key or "").rstrip("!")
                        same = {k.rstrip("!") for k in there if k} & {base} if base else set()
                        variant = any(k and k.endswith("!") for k in there) or (key or "").endswith(
                            "!"
                        )
                        if same and not variant:
                            verdict = "right"
                        elif same and differences(text[start:end], link.text):
                            verdict = "right (difference shown)"
                        else:
                            verdict = "wrong"
                    tier = "meaning" if link.meaning is not None else "strings"
                    verdicts[(tier, verdict)] += 1
                    rated.append((link.confidence, verdict.startswith("right")))
                    if verdict == "wrong":
                        print(
                            f"  wrong: {link.score} {text[start:end][:50]!r} -> {link.text[:60]!r}"
                        )
                    if rank == 0 and verdict == "wrong":
                        wrong_top.append(f"{text[start:end][:60]!r} -> {link.text[:60]!r}")
        total = sum(verdicts.values())
        right = sum(n for (_, v), n in verdicts.items() if v.startswith("right"))
        print(f"{claims} claims tagged (every sentence of 3 outlets), {total} suggestions")
        for (tier, verdict), n in sorted(verdicts.items()):
            print(f"  {tier:8s} {verdict:26s} {n}")
        print(f"right: {right} of {total} ({100 * right / max(1, total):.0f}%)")
        print(f"claims whose top suggestion is wrong (surest first): {len(wrong_top)}")
        for line in wrong_top:
            print("  " + line)
        print("kept at --min-confidence P: suggestions, right")
        for floor in (0.0, 0.3, 0.5, 0.7, 0.9):
            kept = [ok for sure, ok in rated if sure is None or sure >= floor]
            share = 100 * sum(kept) / max(1, len(kept))
            print(f"  {floor:.1f}: {len(kept)}, {sum(kept)} ({share:.0f}%)")


if __name__ == "__main__":
    main()
