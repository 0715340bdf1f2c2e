"""The "same claim" decision on a public paraphrase benchmark: fit on MRPC train, report on
MRPC test.

MRPC (Microsoft Research Paraphrase Corpus; research use) is not shipped with Newsmark: bring
the two files yourself (tab separated: Quality, #1 ID, #2 ID, #1 String, #2 String; several
public repositories hold them) and pass their paths. The model is
:mod:`newsmark.annotations.linking.decision`'s logistic regression, fitted here by Newton's method
with a small L2 penalty on standardised features; ``--print-weights`` prints the weights
with the standardisation folded in, as ``decision.WEIGHTS`` holds them.

Run: ``python tests/bench/bench_mrpc.py --train msr_paraphrase_train.txt
--test msr_paraphrase_test.txt [--print-weights]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from newsmark.annotations.linking.decision import (  # noqa: E402
    FEATURES,
    WEIGHTS,
    confidence_of,
    features,
)
from newsmark.annotations.linking.meaning import embedder  # noqa: E402


def load(path: Path) -> list[tuple[int, str, str]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines()):
        parts = line.split("\t")
        if number == 0 and parts[0].strip().lower() == "quality":
            continue
        if len(parts) >= 5 and parts[0].strip() in ("0", "1"):
            rows.append((int(parts[0]), parts[3], parts[4]))
    return rows


def matrix(rows: list[tuple[int, str, str]]) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """Features of every pair, and the CPU time each pair took (embedding included)."""
    model = embedder("wordllama")
    model.embed(["warm up"])
    xs, per_pair = [], []
    for _label, a, b in rows:
        started = time.process_time()
        va, vb = model.embed([a, b])
        xs.append(features(a, b, float(va @ vb)))
        per_pair.append((time.process_time() - started) * 1000)
    return np.array(xs), np.array([r[0] for r in rows], float), per_pair


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0) -> np.ndarray:
    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-x @ w))
        gradient = x.T @ (p - y) + l2 * w
        hessian = (x.T * (p * (1 - p))) @ x + l2 * np.eye(len(w))
        w -= np.linalg.solve(hessian, gradient)
    return w


def scores(predicted: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    tp = float((predicted & (y == 1)).sum())
    fp = float((predicted & (y == 0)).sum())
    fn = float((~predicted & (y == 1)).sum())
    return 100 * 2 * tp / (2 * tp + fp + fn), 100 * float((predicted == (y == 1)).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--test", type=Path, required=True)
    parser.add_argument("--print-weights", action="store_true")
    args = parser.parse_args()
    train, test = load(args.train), load(args.test)
    x_train, y_train, _ = matrix(train)
    x_test, y_test, cpu = matrix(test)
    mu, sd = x_train.mean(0), x_train.std(0) + 1e-9
    ones = np.ones((len(x_train), 1))
    w = fit(np.hstack([(x_train - mu) / sd, ones]), y_train)
    folded = np.append(w[:-1] / sd, w[-1] - float((w[:-1] * mu / sd).sum()))
    fitted = tuple(float(v) for v in folded)
    print(f"MRPC: fitted on {len(train)} train pairs, reported on {len(test)} test pairs")
    for name, weights in (("fitted now", fitted), ("decision.WEIGHTS", WEIGHTS)):
        if not weights:
            continue
        p = np.array([confidence_of(list(v), weights) for v in x_test]) >= 0.5
        f1, accuracy = scores(p, y_test)
        print(f"  {name:18s} F1 {f1:.1f}  accuracy {accuracy:.1f}")
    f1, accuracy = scores(np.ones(len(y_test), bool), y_test)
    print(f"  {'every pair same':18s} F1 {f1:.1f}  accuracy {accuracy:.1f}")
    print(
        f"  CPU per pair (features and both embeddings): min {min(cpu):.2f} /"
        f" median {statistics.median(cpu):.2f} / max {max(cpu):.2f} ms"
    )
    if args.print_weights:
        print("WEIGHTS = (")
        for name, value in zip([*FEATURES, "intercept"], fitted, strict=True):
            print(f"    {value:+.6f},  # {name}")
        print(")")


if __name__ == "__main__":
    main()
