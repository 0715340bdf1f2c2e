"""Writing files the user names (exports, backups) without ever destroying something else.

A mistyped ``-o`` must not cost the user their work. So every destination is checked first:
never the open database or its ``-wal``/``-shm``/``-journal`` files, never a folder that holds
the database, never a device, FIFO or socket replaced (a device or FIFO is written *through*:
that is what ``-o /dev/stdout`` means), and a folder replaced only when an earlier Newsmark
export made it (it holds :data:`FOLDER_MARKER`).

Temporary files sit beside the destination as ``.NAME.<random>.tmp`` and are ``flock``-ed
while their writer lives: a later write to the same place removes the ones nobody holds (a
killed writer's), as the match index does with its spill folders. Finished files get the
permissions the umask gives an ordinary new file, not ``mkstemp``'s 0600.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from newsmark.corpus.errors import NewsmarkError

try:
    import fcntl
except ImportError:  # Windows: no leftover clean-up
    fcntl = None  # type: ignore[assignment]

FOLDER_MARKER = ".newsmark-export"
DATABASE_SUFFIXES = ("", "-wal", "-shm", "-journal")
_SIDE_FILES = ("-journal", "-wal", "-shm")


class OutputRefused(NewsmarkError):
    """The destination must not be written (or replaced); the message says why."""


@dataclass(frozen=True)
class Target:
    """Where to write: ``path`` is the real file (symbolic links resolved)."""

    path: Path
    through: bool  # an existing device or FIFO: open and write, never replace
    exists: bool


def current_umask() -> int:
    """The process umask, read without changing it (other threads may be creating files)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode() -> int:
    return 0o666 & ~current_umask()


def folder_mode() -> int:
    return 0o777 & ~current_umask()


def file_kind(mode: int) -> str:
    """What a non-regular file is, for messages: "a FIFO", "a character device"..."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path.expanduser()))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _check_not_database(dest: Path, real: Path, database: Path | None) -> None:
    if database is None:
        return
    db_real = _real(database)
    for suffix in DATABASE_SUFFIXES:
        protected = db_real.with_name(db_real.name + suffix)
        if real == protected or _same_file(real, protected):
            what = "the open database" if not suffix else f"the open database's {suffix} file"
            raise OutputRefused(
                f"{dest}: is {what} ({database}); refusing to write over it, whatever --force"
                " says (choose another path)"
            )
    if real == db_real.parent or real in db_real.parents:
        raise OutputRefused(
            f"{dest}: this folder holds the open database ({database}); refusing to replace"
            " it, whatever --force says (choose a new folder)"
        )


def _describe_contents(folder: Path) -> str:
    try:
        names = sorted(p.name for p in folder.iterdir())
    except OSError as exc:
        return f"cannot be listed ({exc.strerror})"
    if not names:
        return "is empty"
    shown = ", ".join(names[:3])
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return f"holds {shown}{more}"


def check_file_target(dest: Path, database: Path | None, force: bool) -> Target:
    """Where a one-file output (export, backup) may go, or :class:`OutputRefused` saying why."""
    if _under_system_folder(dest):
        # /dev/stdout may resolve to "pipe:[123]", which is no path: write to it as named
        named = Path(os.path.abspath(dest.expanduser()))
        try:
            st = os.stat(named)
        except OSError as exc:
            raise OutputRefused(f"{dest}: no such device ({exc.strerror})") from exc
        if not (stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode) or stat.S_ISREG(st.st_mode)):
            raise OutputRefused(f"{dest}: is {file_kind(st.st_mode)}; refusing to write to it")
        _check_not_database(dest, _real(dest), database)
        return Target(named, through=True, exists=True)
    real, st = _existing(dest, database)
    if st is None:
        return Target(real, through=False, exists=False)
    if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        return Target(real, through=True, exists=True)
    if stat.S_ISDIR(st.st_mode):
        raise OutputRefused(f"{dest}: is a folder; this format writes one file")
    if not stat.S_ISREG(st.st_mode):
        raise OutputRefused(f"{dest}: is {file_kind(st.st_mode)}; refusing to replace it")
    if not force:
        raise OutputRefused(f"{dest}: already exists; use --force to replace it")
    return Target(real, through=False, exists=True)


def _existing(dest: Path, database: Path | None) -> tuple[Path, os.stat_result | None]:
    """The real path of ``dest`` (never the database) and its status, ``None`` if missing."""
    real = _real(dest)
    if not real.parent.is_dir():
        raise OutputRefused(f"{dest}: folder {dest.parent} does not exist")
    _check_not_database(dest, real, database)
    try:
        return real, os.stat(real)
    except FileNotFoundError:
        return real, None
    except OSError as exc:
        raise OutputRefused(f"{dest}: cannot be checked ({exc.strerror})") from exc


def _under_system_folder(dest: Path) -> bool:
    """``/dev/stdout`` and ``/proc/self/fd/1`` name whatever standard output is: write to it."""
    absolute = Path(os.path.abspath(dest.expanduser()))
    return absolute.parts[:2] in (("/", "dev"), ("/", "proc"))


def check_folder_target(dest: Path, database: Path | None, force: bool) -> Target:
    """Where a folder output (brat) may go: new, or a folder an earlier export made."""
    real, st = _existing(dest, database)
    if st is None:
        return Target(real, through=False, exists=False)
    if stat.S_ISREG(st.st_mode):
        raise OutputRefused(f"{dest}: is a file; this format writes a folder")
    if not stat.S_ISDIR(st.st_mode):
        raise OutputRefused(f"{dest}: is {file_kind(st.st_mode)}; this format writes a folder")
    if not force:
        raise OutputRefused(f"{dest}: already exists; use --force to replace it")
    if not (real / FOLDER_MARKER).is_file() and any(real.iterdir()):
        raise OutputRefused(
            f"{dest}: not a folder that a Newsmark export made (it {_describe_contents(real)});"
            " refusing to replace it even with --force (choose a new folder)"
        )
    return Target(real, through=False, exists=True)


# --- temporary files and their clean-up ---------------------------------------------------


def _lock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)


def _held(path: Path) -> bool:
    """True when a live writer holds ``path``'s lock (or it cannot be checked)."""
    if fcntl is None:
        return True
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | os.O_NONBLOCK)
    except FileNotFoundError:
        return False
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
    for suffix in _SIDE_FILES:
        Path(str(path) + suffix).unlink(missing_ok=True)


def remove_leftovers(dest: Path, folder: bool = False) -> list[Path]:
    """Remove what killed writers left beside ``dest``; restore ``dest`` if a swap was cut.

    ``.NAME.*.tmp`` (files or folders) and ``.NAME.old-*`` (a replaced brat folder) that no
    live process holds are removed. For a ``folder`` output, if ``dest`` itself is missing
    while an ``old`` folder holds the previous export, that folder is put back instead: an
    interrupted swap never leaves the user's export only under a hidden name.
    """
    real = _real(dest)
    parent = real.parent
    pattern = glob.escape(str(parent / f".{real.name}.")) + "*"
    removed: list[Path] = []
    for found in sorted(glob.glob(pattern)):
        path = Path(found)
        name = path.name
        if name.endswith(_SIDE_FILES):
            owner = Path(found[: found.rfind("-")])
            if not owner.exists():
                path.unlink(missing_ok=True)
                removed.append(path)
            continue
        if not (name.endswith(".tmp") or ".old-" in name):
            continue
        if _held(path):
            continue
        if folder and ".old-" in name and not os.path.lexists(real) and path.is_dir():
            try:
                os.rename(path, real)
                continue
            except OSError:
                pass
        _remove(path)
        removed.append(path)
    return removed


@contextmanager
def temp_file(target: Path) -> Iterator[tuple[int, Path]]:
    """A locked temporary file beside ``target``; removed unless the caller renamed it."""
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputRefused(f"{target}: cannot write in {target.parent} ({exc.strerror})") from exc
    tmp = Path(name)
    try:
        _lock(fd)
        os.fchmod(fd, file_mode())
        yield fd, tmp
    finally:
        if tmp.exists():
            _remove(tmp)
        os.close(fd)


@contextmanager
def temp_folder(target: Path) -> Iterator[Path]:
    """A locked temporary folder beside ``target`` (marked as ours); removed unless renamed."""
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    except OSError as exc:
        raise OutputRefused(f"{target}: cannot write in {target.parent} ({exc.strerror})") from exc
    fd = os.open(tmp, os.O_RDONLY)
    try:
        _lock(fd)
        os.chmod(tmp, folder_mode())
        (tmp / FOLDER_MARKER).write_text(
            "Written by a Newsmark export: `--force` may replace this folder.\n", encoding="utf-8"
        )
        yield tmp
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        os.close(fd)


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where that is not available."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    c_int, c_path = ctypes.c_int, ctypes.c_char_p
    renameat2.argtypes = [c_int, c_path, c_int, c_path, ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def replace_folder(tmp: Path, dest: Path) -> None:
    """Put the finished folder ``tmp`` at ``dest``; the old ``dest`` is removed afterwards.

    With an atomic exchange ``dest`` is never missing. Without one, the old folder is first
    renamed to ``.NAME.old-PID``; if this process dies before the second rename,
    :func:`remove_leftovers` puts it back.
    """
    if not dest.exists():
        os.rename(tmp, dest)
        fsync_dir(dest.parent)
        return
    if _exchange(tmp, dest):
        fsync_dir(dest.parent)
        shutil.rmtree(tmp, ignore_errors=True)
        return
    old = dest.parent / f".{dest.name}.old-{os.getpid()}"
    os.rename(dest, old)
    os.rename(tmp, dest)
    fsync_dir(dest.parent)
    shutil.rmtree(old, ignore_errors=True)


def open_through(target: Path) -> int:
    """Open an existing device or FIFO (or standard output by name) for writing."""
    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | os.O_APPEND
    try:
        fd = os.open(target, flags)
    except OSError as exc:
        raise OutputRefused(f"{target}: cannot be opened for writing ({exc.strerror})") from exc
    st = os.fstat(fd)
    if not (stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode) or stat.S_ISREG(st.st_mode)):
        os.close(fd)
        raise OutputRefused(f"{target}: is {file_kind(st.st_mode)}; cannot write to it")
    return fd
