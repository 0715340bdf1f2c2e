"""Hostile text end to end (import -> TUI in a real pseudo-terminal -> export), and queries."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsmark.annotations.spans import store, textnav
from newsmark.annotations.spans.limits import MAX_QUERY_CHARS
from newsmark.corpus.db import connect
from newsmark.corpus.normalise import REPLACEMENT
from newsmark.tui.cli import main

ROOT = Path(__file__).resolve().parent.parent
PAYLOADS = {
    "osc52": "copy\x1b]52;c;ZXZpbCBjbGlwYm9hcmQ=\x07done",
    "osc8": "link\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\done",
    "osc0": "title\x1b]0;pwned\x07done",
    "csi": "clear\x1b[2Jdone",
    "c1csi": "eight\x9b2Jdone",
    "bidi": "user\u202egnp.exe",
    "nul": "nul\x00done",
}
MARKUP = "[/] [bold]bold?[/bold] [@click=app.quit]quit?[/] [link=http://evil.example]l[/link]"
UNICODE = (
    "Families \U0001f469\u200d\U0001f469\u200d\U0001f467 cafe\u0301 "
    "\u0928\u092e\u0938\u094d\u0924\u0947"
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _hostile_corpus(tmp_path: Path) -> Path:
    body = "Hostile article\n\n" + "\n".join(PAYLOADS.values()) + "\n" + MARKUP + "\n" + UNICODE
    f = tmp_path / "hostile.jsonl"
    f.write_text(json.dumps({"title": "Hostile [bold]title[/] \x1b]0;t\x07", "text": body}) + "\n")
    big = tmp_path / "big.txt"
    big.write_text("Big one\n\n" + ("a long line of words " * 250_000))  # ~5 MB, one line
    return tmp_path


def _run_in_pty(args: list[str], keys: list[bytes], seconds: float) -> bytes:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    env.pop("TEXTUAL", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from newsmark.tui.cli import main; sys.exit(main())",
            *args,
        ],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=ROOT,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    out = bytearray()
    deadline = time.monotonic() + seconds
    sent = 0
    while time.monotonic() < deadline or sent < len(keys):
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                out += os.read(master, 65536)
            except OSError:
                break
        elif time.monotonic() > deadline - seconds / 2 and sent < len(keys):
            os.write(master, keys[sent])
            sent += 1
            time.sleep(0.4)
    os.write(master, b"q")
    end = time.monotonic() + 10
    while proc.poll() is None and time.monotonic() < end:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                out += os.read(master, 65536)
            except OSError:
                break
    if proc.poll() is None:
        proc.kill()
    os.close(master)
    return bytes(out)


@pytest.mark.slow
def test_hostile_text_end_to_end(tmp_path: Path) -> None:
    corpus = _hostile_corpus(tmp_path)
    db_path = tmp_path / "h.db"
    code, _, err = run("--db", str(db_path), "import", str(corpus))
    assert code == 0, err
    db = connect(db_path)
    aid, text = db.execute("SELECT id, text FROM articles WHERE title LIKE 'Hostile%'").fetchone()
    for payload in PAYLOADS.values():
        assert payload not in text
    for bad in ("\x1b", "\x07", "\x9b", "\u202e", "\x00"):
        assert bad not in text
    assert MARKUP in text and REPLACEMENT in text
    start = text.index("Families")
    store.create_annotation(db, aid, start, len(text), "claim", "t")
    db.execute("INSERT INTO app_state (key, value) VALUES ('last_article', ?)", [str(aid)])

    screen = _run_in_pty(["--db", str(db_path)], [b"?", b"\x1b", b"w", b"v", b"e", b"1"], 8.0)
    assert b"Hostile" in screen  # the app really drew the article
    for marker in (
        b"\x1b]52",
        b"\x1b]0;pwned",
        b"\x1b]0;t",
        b"\x1b]8;;http",
        b"\xc2\x9b",
        b"\xe2\x80\xae",
        b"clear\x1b[2J",
        b"\x00done",
    ):
        assert marker not in screen, marker
    assert b"quit?" in screen or b"[@click" in screen  # markup shown as text
    db = connect(db_path)
    for ann in store.list_annotations(db, aid):
        assert text[ann.start : ann.end] == ann.quote

    code, out, _ = run("--db", str(db_path), "export")
    assert code == 0
    for line in out.splitlines()[1:]:
        record = json.loads(line)
        assert "\x1b" not in record["quote"] and "\u202e" not in record["quote"]
        assert text[record["start"] : record["end"]] == record["quote"]

    big_id = db.execute("SELECT id FROM articles WHERE title = 'Big one'").fetchone()[0]
    assert (
        db.execute("SELECT length(text) FROM articles WHERE id = ?", [big_id]).fetchone()[0]
        > 5_000_000
    )
    db.execute("UPDATE app_state SET value = ? WHERE key = 'last_article'", [str(big_id)])
    screen = _run_in_pty(["--db", str(db_path)], [b"G"], 10.0)
    assert b"soft wrap is off" in screen.replace(b"\r\n", b"") or b"Very long line" in screen


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.text(max_size=400))
def test_in_article_search_never_raises_and_finds_only_real_matches(needle: str, hay: str) -> None:
    for start in textnav.find_all(hay, needle):
        assert (
            hay[start : start + len(needle)].lower() == needle.lower()
            or hay[start : start + len(needle)].casefold() == needle.casefold()
        )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=5000))
def test_very_long_and_odd_queries(tmp_path: Path, query: str) -> None:
    db_path = tmp_path / "q.db"
    if not db_path.exists():
        run("--db", str(db_path), "import", "--sample")
    # "--" ends the options, as for any command, so a query may start with "-"
    code, out, err = run("--db", str(db_path), "search", "--json", "--limit", "3", "--", query)
    if len(query) > MAX_QUERY_CHARS:
        assert code == 2 and f"at most {MAX_QUERY_CHARS:,}" in err
        return
    assert code == 0
    assert isinstance(json.loads(out or "[]"), list)


@pytest.mark.slow
async def test_article_list_filter_takes_any_text(tmp_path: Path) -> None:
    from newsmark.annotations.settings.config import Config
    from newsmark.tui.app import NewsmarkApp
    from tests.tui_helpers import SIZE, seed

    db_path = tmp_path / "f.db"
    seed(
        db_path,
        [
            ("[bold]Markup[/] title", "O'Brien & Co", "Text one here."),
            ("Plain title", None, "Text two here."),
        ],
    )
    app = NewsmarkApp(db_path, Config(annotator="t"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("shift+tab")
        for typed, expected in (
            ("[bold]", 1),
            ("o'brien", 1),
            ("%", 0),
            ("\\", 0),
            ("'; drop table articles; --", 0),
            ("title", 2),
        ):
            await pilot.press("escape", *typed)
            assert app.reader_screen.article_list.count == expected, typed
        await pilot.press("escape")
        assert app.reader_screen.article_list.count == 2
        assert app.is_running
