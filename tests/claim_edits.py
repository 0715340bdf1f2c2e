"""A graded-edit set of our own: claims, and the same claims as other outlets print them.

Each claim is two clauses of invented reporting (people, places and figures made up for
Newsmark). An *edit type* turns the claim as one outlet printed it into what another
printed: punctuation and case, words changed, cut or added, clauses swapped, reported
speech, half of it quoted, figures written another way, synonyms, and all of those at once.
Planted into generated articles, they measure which edits linking follows (the benchmark
``tests/bench/bench_claims.py``, and a small labelled fixture in ``tests/test_claims.py``).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

FIRST = [
    "I can tell you that 14 people were treated at Calderwick General Hospital on Monday",
    "we have found no trace of the solvent in any of the 3,000 samples we took",
    "the water authority knew about the discoloured river for at least six days",
    "I am confident that the plant at Brennock met every condition of its permit",
    "our engineers closed the outflow pipe within two hours of the first report",
    "the council will spend 2.5 million crowns on new filters before the winter",
    "we are asking every household on the east bank to boil its water for a week",
    "I have seen the readings and they are twenty times the permitted level",
    "the regional health board has opened an inquiry into the night of the alarm",
    "our own tests show the tap water in Calderwick is safe to drink",
    "the anglers who reported the foam were told to keep away from the weir",
    "we will publish the laboratory results in full as soon as we have them",
]
SECOND = [
    "and nobody at the town hall has explained why the warning came so late",
    "but the company says the discharge was within the limits it was given",
    "although residents queued for bottled water until well after midnight",
    "and the inquiry will report to the minister by the end of March",
    "while two of the patients are still being kept in for observation",
    "because the records from the pumping station were never handed over",
    "and the mayor has promised to drink a glass of it in front of the council",
    "even though the samples were taken by an official who has since resigned",
    "so the fishing season on the lower Brennock has been suspended",
    "after a meeting with the plant's owners that lasted more than four hours",
]
SYNONYMS = {
    "treated": "cared for",
    "people": "residents",
    "found": "detected",
    "trace": "sign",
    "knew": "was aware",
    "confident": "sure",
    "closed": "shut",
    "spend": "invest",
    "asking": "urging",
    "seen": "looked at",
    "opened": "launched",
    "show": "indicate",
    "safe": "fit",
    "told": "warned",
    "publish": "release",
    "explained": "said",
    "says": "insists",
    "queued": "lined up",
    "report": "deliver its findings",
    "promised": "pledged",
    "suspended": "halted",
    "meeting": "talks",
    "records": "logs",
    "resigned": "stepped down",
}
# The same clauses told again in other words, as a second translation of one statement
# would tell them: what each says survives, few of its words do.
RETOLD = {
    "I can tell you that 14 people were treated at Calderwick General Hospital on Monday": (
        "I am able to confirm that on Monday Calderwick General Hospital gave care to 14 patients"
    ),
    "we have found no trace of the solvent in any of the 3,000 samples we took": (
        "not one of the 3,000 samples we collected showed any sign of the solvent"
    ),
    "the water authority knew about the discoloured river for at least six days": (
        "for six days or more the water authority had been aware that the river had changed colour"
    ),
    "I am confident that the plant at Brennock met every condition of its permit": (
        "in my view the Brennock plant complied with each requirement its permit set"
    ),
    "our engineers closed the outflow pipe within two hours of the first report": (
        "less than two hours after the earliest report the outflow pipe was shut by our"
        " engineering staff"
    ),
    "the council will spend 2.5 million crowns on new filters before the winter": (
        "before winter comes the council is to invest 2.5 million crowns in fresh filters"
    ),
    "we are asking every household on the east bank to boil its water for a week": (
        "all homes on the eastern bank are being urged by us to boil their water for seven days"
    ),
    "I have seen the readings and they are twenty times the permitted level": (
        "the readings I looked at show levels twenty times higher than the permitted limit"
    ),
    "the regional health board has opened an inquiry into the night of the alarm": (
        "an investigation into the night the alarm sounded has been launched by the regional"
        " health board"
    ),
    "our own tests show the tap water in Calderwick is safe to drink": (
        "the tests we carried out ourselves indicate that drinking Calderwick tap water"
        " poses no risk"
    ),
    "the anglers who reported the foam were told to keep away from the weir": (
        "fishermen who raised the alarm about the foam were warned to stay clear of the weir"
    ),
    "we will publish the laboratory results in full as soon as we have them": (
        "the full laboratory findings will be made public by us the moment they reach us"
    ),
    "and nobody at the town hall has explained why the warning came so late": (
        "and no one at the town hall has given a reason for such a late warning"
    ),
    "but the company says the discharge was within the limits it was given": (
        "though the firm insists the discharge stayed inside the limits set for it"
    ),
    "although residents queued for bottled water until well after midnight": (
        "even as residents lined up for bottled water long past midnight"
    ),
    "and the inquiry will report to the minister by the end of March": (
        "and the inquiry is due to present its findings to the minister before March is out"
    ),
    "while two of the patients are still being kept in for observation": (
        "with two patients still held in hospital so doctors can observe them"
    ),
    "because the records from the pumping station were never handed over": (
        "since the pumping station logs were not once passed on"
    ),
    "and the mayor has promised to drink a glass of it in front of the council": (
        "and the mayor has pledged to drink a glassful before the assembled council"
    ),
    "even though the samples were taken by an official who has since resigned": (
        "despite the samples having been collected by an official who later stepped down"
    ),
    "so the fishing season on the lower Brennock has been suspended": (
        "and as a result fishing on the lower Brennock has been halted for the season"
    ),
    "after a meeting with the plant's owners that lasted more than four hours": (
        "following talks of over four hours with the owners of the plant"
    ),
}
REPORTED = {
    "i": "he",
    "we": "they",
    "am": "was",
    "are": "were",
    "is": "was",
    "have": "had",
    "has": "had",
    "will": "would",
    "can": "could",
    "our": "their",
    "my": "his",
    "us": "them",
}
NUMBER_WORDS = {
    "14": "fourteen",
    "3,000": "three thousand",
    "2.5 million": "two and a half million",
    "six": "6",
    "two": "2",
    "twenty": "20",
    "four": "4",
}
OTHER_WORDS = [
    "quietly",
    "river",
    "official",
    "statement",
    "ward",
    "evening",
    "market",
    "bridge",
    "county",
    "morning",
    "license",
    "committee",
    "summer",
    "ferry",
    "harbour",
    "lorry",
    "sample",
    "report",
    "minister",
    "village",
]


@dataclass(frozen=True)
class Claim:
    first: str
    second: str

    @property
    def text(self) -> str:
        return f"{self.first[:1].upper()}{self.first[1:]}, {self.second}."


def claims(seed: int = 3) -> list[Claim]:
    """Every pairing of a first and a second clause, in a fixed random order."""
    rng = random.Random(seed)
    pairs = [Claim(a, b) for a in FIRST for b in SECOND]
    rng.shuffle(pairs)
    return pairs


def _words(text: str) -> list[str]:
    return text.split(" ")


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".,")
    return f"{text[:1].upper()}{text[1:]}."


def substitute(share: float) -> Callable[[Claim, random.Random], str]:
    def edit(claim: Claim, rng: random.Random) -> str:
        words = _words(claim.text.rstrip("."))
        for i in rng.sample(range(len(words)), max(1, round(len(words) * share))):
            words[i] = rng.choice(OTHER_WORDS)
        return _sentence(" ".join(words))

    return edit


def delete(share: float) -> Callable[[Claim, random.Random], str]:
    def edit(claim: Claim, rng: random.Random) -> str:
        words = _words(claim.text.rstrip("."))
        drop = set(rng.sample(range(1, len(words)), max(1, round(len(words) * share))))
        return _sentence(" ".join(w for i, w in enumerate(words) if i not in drop))

    return edit


def insert(share: float) -> Callable[[Claim, random.Random], str]:
    def edit(claim: Claim, rng: random.Random) -> str:
        words = _words(claim.text.rstrip("."))
        for _ in range(max(1, round(len(words) * share))):
            words.insert(rng.randrange(1, len(words)), rng.choice(OTHER_WORDS))
        return _sentence(" ".join(words))

    return edit


def _replace_words(text: str, table: dict[str, str]) -> str:
    def swap(m: re.Match[str]) -> str:
        word = m.group(0)
        new = table.get(word.lower())
        if new is None:
            return word
        return new.capitalize() if word[:1].isupper() else new

    return re.sub(r"[A-Za-z']+", swap, text)


def punctuation(claim: Claim, _rng: random.Random) -> str:
    return "\u201c" + claim.text.lower().replace(",", "").rstrip(".") + "\u201d"


def reorder(claim: Claim, _rng: random.Random) -> str:
    second = re.sub(r"^(and|but|although|while|because|even though|so|after) ", "", claim.second)
    return _sentence(f"{second}, and {claim.first}")


def reported(claim: Claim, _rng: random.Random) -> str:
    return _sentence(_replace_words(claim.text, REPORTED))


def first_half(claim: Claim, _rng: random.Random) -> str:
    return _sentence(claim.first)


def second_half(claim: Claim, _rng: random.Random) -> str:
    return _sentence(re.sub(r"^(and|but|so) ", "", claim.second))


def numbers(claim: Claim, _rng: random.Random) -> str:
    text = claim.text
    for a, b in NUMBER_WORDS.items():
        text = re.sub(rf"\b{re.escape(a)}\b", b, text)
    return text


def synonyms(claim: Claim, _rng: random.Random) -> str:
    return _sentence(_replace_words(claim.text, SYNONYMS))


def paraphrase(claim: Claim, rng: random.Random) -> str:
    return reported(Claim(*map(lambda c: _replace_words(c, SYNONYMS), reorder_parts(claim))), rng)


def retold(claim: Claim, _rng: random.Random) -> str:
    return Claim(RETOLD[claim.first], RETOLD[claim.second]).text


def reorder_parts(claim: Claim) -> tuple[str, str]:
    second = re.sub(r"^(and|but|although|while|because|even though|so|after) ", "", claim.second)
    return second, f"and {claim.first}"


@dataclass(frozen=True)
class EditType:
    name: str
    edit: Callable[[Claim, random.Random], str]
    annotated: Callable[[Claim], str] = lambda c: c.text  # what the first outlet's reader tags
    keeps_words: bool = True  # the claim's own words, so a string match should find it


def whole_first(claim: Claim) -> str:
    return _sentence(claim.first)


EDIT_TYPES = [
    EditType("verbatim", lambda c, _r: c.text),
    EditType("punctuation/case", punctuation),
    EditType("5% words changed", substitute(0.05)),
    EditType("10% words changed", substitute(0.10)),
    EditType("20% words changed", substitute(0.20)),
    EditType("30% words changed", substitute(0.30)),
    EditType("10% words cut", delete(0.10)),
    EditType("20% words cut", delete(0.20)),
    EditType("10% words added", insert(0.10)),
    EditType("20% words added", insert(0.20)),
    EditType("clauses swapped", reorder),
    EditType("reported speech", reported),
    EditType("first half quoted", first_half),
    EditType("second half quoted", second_half),
    EditType("annotation is half of it", lambda c, _r: c.text, annotated=whole_first),
    EditType("figures written out", numbers),
    EditType("synonyms", synonyms, keeps_words=False),
    EditType("paraphrase", paraphrase, keeps_words=False),
    EditType("told again (re-translated)", retold, keeps_words=False),
]


SHORT_TYPES = [("5-word quote", 5), ("8-word quote", 8)]


@dataclass
class Plant:
    kind: str
    uuid: str
    target: int
    start: int
    end: int


@dataclass
class Results:
    plants: list[Plant]
    links: list[tuple[str, int, int, int, float]]  # annotation, article, start, end, score

    def found(self, plant: Plant) -> bool:
        return any(
            u == plant.uuid and a == plant.target and s < plant.end and e > plant.start
            for u, a, s, e, _score in self.links
        )

    def recall(self) -> dict[str, float]:
        kinds: dict[str, list[bool]] = {}
        for plant in self.plants:
            kinds.setdefault(plant.kind, []).append(self.found(plant))
        return {k: sum(v) / len(v) for k, v in kinds.items()}

    def false_links(self, kinds: set[str] | None = None) -> list[tuple[str, int, int, int, float]]:
        by_uuid = {p.uuid: p for p in self.plants}
        wrong = []
        for link in self.links:
            plant = by_uuid.get(link[0])
            if plant is None or (kinds is not None and plant.kind not in kinds):
                continue
            right = link[1] == plant.target and link[2] < plant.end and link[3] > plant.start
            if not right:
                wrong.append(link)
        return wrong

    def precision(self) -> float:
        total = sum(1 for link in self.links if link[0] in {p.uuid for p in self.plants})
        return 1.0 if not total else 1 - len(self.false_links()) / total


def plant_and_link(db_path: str, round_index: int, fillers: int) -> Results:
    """One round: ten claims that share no clause, each with one edit type (the types turn
    round by round), each tagged in one article and printed, edited, in another, among
    ``fillers`` other articles; then ``newsmark link`` as a user runs it, links read back."""
    from newsmark.annotations.spans import store
    from newsmark.corpus.articles import NewArticle, add_article
    from newsmark.corpus.db import connect
    from newsmark.tui.cli import main
    from tests.bench.corpus_gen import article_text

    seed = round_index + 1
    rng = random.Random(seed)
    firsts = rng.sample(FIRST, len(SECOND))
    seconds = rng.sample(SECOND, len(SECOND))
    kinds: list[str] = [t.name for t in EDIT_TYPES] + [name for name, _ in SHORT_TYPES]
    by_name = {t.name: t for t in EDIT_TYPES}
    sizes = dict(SHORT_TYPES)
    db = connect(db_path)
    plants: list[Plant] = []
    n = 0

    def article(body: str) -> tuple[int, int]:
        nonlocal n
        n += 1
        before = article_text(60, seed=seed * 10_000 + n) + "\n\n"
        text = before + body + "\n\n" + article_text(60, seed=seed * 10_000 + n + 5_000)
        aid, _ = add_article(db, NewArticle(title=f"Report {n}", text=text))
        return aid, len(before)

    for k, (first, second) in enumerate(zip(firsts, seconds, strict=True)):
        claim = Claim(first, second)
        kind = kinds[(round_index * len(SECOND) + k) % len(kinds)]
        if kind in sizes:
            words = claim.text.split(" ")
            at = rng.randrange(0, len(words) - sizes[kind])
            tagged = " ".join(words[at : at + sizes[kind]]).strip(",.")
            printed = f"They said {tagged} on the night."
        else:
            tagged, printed = by_name[kind].annotated(claim), by_name[kind].edit(claim, rng)
        source, offset = article(tagged)
        target, target_offset = article(printed)
        ann = store.create_annotation(db, source, offset, offset + len(tagged), "claim", "bench")
        plants.append(Plant(kind, ann.uuid, target, target_offset, target_offset + len(printed)))
    for i in range(fillers):
        add_article(db, NewArticle(title=f"Other {i}", text=article_text(300, seed=seed + i)))
    db.close()
    main(["--db", db_path, "link"], standalone_mode=False)
    db = connect(db_path)
    links = [
        (str(r[0]), int(r[1]), int(r[2]), int(r[3]), float(r[4]))
        for r in db.execute(
            'SELECT annotation_uuid, target_article_id, start, "end", score FROM links'
        )
    ]
    db.close()
    return Results(plants, links)


def rounds_for(per_type: int) -> int:
    """Rounds that give every edit type ``per_type`` plants."""
    kinds = len(EDIT_TYPES) + len(SHORT_TYPES)
    return -(-kinds * per_type // len(SECOND))
