"""Exports and backups never destroy what a mistyped path names (issue 10)."""

from __future__ import annotations

import fcntl
import json
import os
import socket
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmark.annotations.spans import store
from newsmark.corpus import outputs
from newsmark.corpus.articles import NewArticle, add_article
from newsmark.corpus.db import connect
from newsmark.tui.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A folder holding a database with one annotated article, and an unrelated file."""
    folder = tmp_path / "work"
    folder.mkdir()
    db = connect(folder / "news.db")
    aid, _ = add_article(db, NewArticle(title="One", text="The minister denied everything."))
    store.create_annotation(db, aid, 4, 12, "claim", "sam", note="first")
    db.close()
    (folder / "notes.txt").write_text("my own notes\n")
    return folder


def _drain(fd: int) -> bytes:
    """What has been written to a pseudo-terminal so far."""
    import select

    out = b""
    while select.select([fd], [], [], 0.2)[0]:
        out += os.read(fd, 65536)
    return out


def _intact(home: Path) -> None:
    db = connect(home / "news.db")
    assert db.execute("SELECT count(*) FROM annotations").fetchone()[0] == 1
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    assert (home / "notes.txt").read_text() == "my own notes\n"


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_export_never_writes_over_the_database(home: Path, suffix: str) -> None:
    db = str(home / "news.db")
    for fmt in ("jsonl", "w3c", "prodigy"):
        code, _, err = run("--db", db, "export", "--format", fmt, "-o", db + suffix, "--force")
        assert code == 1
        assert "refusing to write over it" in err and "open database" in err
        assert "Traceback" not in err
    _intact(home)


def test_export_through_a_symlink_to_the_database_is_refused(home: Path) -> None:
    link = home / "innocent.jsonl"
    link.symlink_to(home / "news.db")
    code, _, err = run("--db", str(home / "news.db"), "export", "-o", str(link), "--force")
    assert code == 1 and "open database" in err
    _intact(home)


def test_brat_never_replaces_the_folder_holding_the_database(home: Path) -> None:
    db = str(home / "news.db")
    for dest in (home, home.parent):
        code, _, err = run("--db", db, "export", "--format", "brat", "-o", str(dest), "--force")
        assert code == 1
        assert "holds the open database" in err
    _intact(home)


def test_brat_force_refuses_a_folder_it_did_not_make(home: Path, tmp_path: Path) -> None:
    other = tmp_path / "thesis"
    other.mkdir()
    for name in ("chapter1.md", "chapter2.md", "data.csv", "refs.bib"):
        (other / name).write_text(name)
    code, _, err = run(
        "--db", str(home / "news.db"), "export", "--format", "brat", "-o", str(other), "--force"
    )
    assert code == 1
    assert "not a folder that a Newsmark export made" in err
    assert "chapter1.md, chapter2.md, data.csv and 1 more" in err
    assert sorted(p.name for p in other.iterdir()) == [
        "chapter1.md",
        "chapter2.md",
        "data.csv",
        "refs.bib",
    ]


def test_brat_force_replaces_its_own_earlier_export(home: Path, tmp_path: Path) -> None:
    dest = tmp_path / "brat"
    db = str(home / "news.db")
    assert run("--db", db, "export", "--format", "brat", "-o", str(dest))[0] == 0
    assert (dest / outputs.FOLDER_MARKER).is_file()
    (dest / "stale.ann").write_text("old")
    code, _, err = run("--db", db, "export", "--format", "brat", "-o", str(dest), "--force")
    assert code == 0, err
    assert not (dest / "stale.ann").exists()
    assert (dest / "1.ann").exists() and (dest / "annotation.conf").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".brat.")]


def test_devices_and_fifos_are_written_through_never_replaced(home: Path, tmp_path: Path) -> None:
    db = str(home / "news.db")
    # A pseudo-terminal is a character device anyone can open (never /dev/null: on the old
    # code this test replaced the device it named). Reached as /dev/pts/N and through a link.
    master, slave = os.openpty()
    tty = os.ttyname(slave)
    link = tmp_path / "tty"
    link.symlink_to(tty)
    try:
        for dest in (tty, str(link)):
            code, _, err = run("--db", db, "export", "-o", dest, "--force")
            assert code == 0, err
            assert stat.S_ISCHR(os.stat(tty).st_mode) and link.is_symlink()
            assert b'"format": "newsmark-annotations"' in _drain(master)
    finally:
        os.close(slave)
        os.close(master)

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    code, _, err = run("--db", db, "export", "-o", str(fifo), "--force")
    reader.join(10)
    assert code == 0, err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    lines = received[0].decode().splitlines()
    assert json.loads(lines[0])["format"] == "newsmark-annotations" and len(lines) == 2

    for fmt in ("brat",):
        code, _, err = run("--db", db, "export", "--format", fmt, "-o", str(fifo), "--force")
        assert code == 1 and "a FIFO" in err
    code, _, err = run("--db", db, "backup", str(fifo), "--force")
    assert code == 1 and "not a regular file" in err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_socket_is_refused(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        code, _, err = run("--db", str(home / "news.db"), "export", "-o", str(path), "--force")
        assert code == 1 and "is a socket" in err
        assert stat.S_ISSOCK(os.stat(path).st_mode)
    finally:
        server.close()


def test_backup_refuses_the_database_it_copies(home: Path) -> None:
    db = str(home / "news.db")
    for dest in (db, db + "-wal"):
        code, _, err = run("--db", db, "backup", dest, "--force")
        assert code == 1 and "open database" in err
    _intact(home)


def test_outputs_get_the_usual_permissions(home: Path, tmp_path: Path, umask_022: None) -> None:
    db = str(home / "news.db")
    assert run("--db", db, "export", "-o", str(tmp_path / "a.jsonl"))[0] == 0
    assert run("--db", db, "export", "--format", "brat", "-o", str(tmp_path / "b"))[0] == 0
    assert run("--db", db, "backup", str(tmp_path / "c.db"))[0] == 0
    assert stat.S_IMODE(os.stat(tmp_path / "a.jsonl").st_mode) == 0o644
    assert stat.S_IMODE(os.stat(tmp_path / "b").st_mode) == 0o755
    assert stat.S_IMODE(os.stat(tmp_path / "b" / "1.ann").st_mode) == 0o644
    assert stat.S_IMODE(os.stat(tmp_path / "c.db").st_mode) == 0o644


def test_leftovers_of_dead_writers_are_removed_live_ones_kept(home: Path, tmp_path: Path) -> None:
    db = str(home / "news.db")
    dest = tmp_path / "out.jsonl"
    dead_file = tmp_path / ".out.jsonl.abc123.tmp"
    dead_file.write_text("half")
    (tmp_path / ".out.jsonl.abc123.tmp-journal").write_text("j")
    dead_old = tmp_path / ".out.jsonl.old-99999"
    dead_old.mkdir()
    (dead_old / "1.ann").write_text("x")
    live = tmp_path / ".out.jsonl.live.tmp"
    live.write_text("busy")
    fd = os.open(live, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    unrelated = tmp_path / ".other.tmp"
    unrelated.write_text("not ours")
    try:
        assert run("--db", db, "export", "-o", str(dest))[0] == 0
        left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
        assert left == [".other.tmp", ".out.jsonl.live.tmp"]
    finally:
        os.close(fd)
    assert run("--db", db, "backup", str(tmp_path / "b.db"))[0] == 0
    (tmp_path / ".b.db.x1.tmp").write_bytes(b"SQLite format 3\x00")
    (tmp_path / ".b.db.x1.tmp-journal").write_bytes(b"j")
    assert run("--db", db, "backup", str(tmp_path / "b.db"), "--force")[0] == 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".b.db")]


def test_a_cut_folder_swap_is_repaired_by_the_next_export(home: Path, tmp_path: Path) -> None:
    """Killed between the two renames of the fallback swap: the export is only under a
    hidden name. The next export puts it back before anything else."""
    db = str(home / "news.db")
    dest = tmp_path / "brat"
    assert run("--db", db, "export", "--format", "brat", "-o", str(dest))[0] == 0
    os.rename(dest, tmp_path / ".brat.old-99999")
    outputs.remove_leftovers(dest, folder=True)
    assert (dest / "1.ann").exists()
    assert not (tmp_path / ".brat.old-99999").exists()


def test_dev_stdout_is_written_through_whatever_it_is(home: Path, tmp_path: Path) -> None:
    """A pipe, a file (``> out``): ``-o /dev/stdout`` writes there; nothing is made in /dev."""
    import subprocess
    import sys

    db = str(home / "news.db")
    code = "import sys; from newsmark.tui.cli import main; sys.exit(main())"
    args = [sys.executable, "-c", code, "--db", db, "export", "-o", "/dev/stdout"]
    piped = subprocess.run(args, capture_output=True, check=True)
    assert piped.stdout.startswith(b'{"format": "newsmark-annotations"')
    with (tmp_path / "redirected.jsonl").open("wb") as fh:
        subprocess.run(args, stdout=fh, check=True)
    assert (tmp_path / "redirected.jsonl").read_bytes() == piped.stdout
    made = subprocess.run(
        [*args[:-1], "/dev/newsmark-typo"], capture_output=True, text=True, check=False
    )
    assert made.returncode == 1 and "no such device" in made.stderr
    assert not os.path.exists("/dev/newsmark-typo")
