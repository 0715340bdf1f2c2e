"""Who may sign in to ``newsmark serve``: names and scrypt password hashes, in the database.

A signed-in user *is* the annotator: their login name is written into every tag, note and
decision they make in the browser. The hashes live in the database file (one file to back
up, no second file to keep beside it) but never leave it: exports carry no users.

Passwords are hashed with scrypt (``hashlib``, n=2**14, r=8, p=1: about 50 ms and 16 MiB
per check, so guessing is slow) with a random 16-byte salt. A check of an unknown name
still runs scrypt once, so the time taken does not tell which names exist.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsmark.corpus.dates import now_iso
from newsmark.corpus.db import write
from newsmark.corpus.errors import NewsmarkError

if TYPE_CHECKING:
    import sqlite_utils

#: A name is typed in a login form and shown on every tag: short, plain, unambiguous.
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,31}")
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1024  # scrypt's cost grows with the input: refuse a megabyte "password"

_N, _R, _P = 2**14, 8, 1
_DUMMY = "scrypt$16384$8$1$" + "A" * 22 + "$" + "A" * 43  # for unknown names (same cost)


class UserError(NewsmarkError):
    """A name or password that cannot be used, or a user that does not exist."""


@dataclass(frozen=True)
class User:
    name: str
    created: str


def check_name(name: str) -> str:
    """The name as stored, or a :class:`UserError` saying what a name may be."""
    if not NAME_PATTERN.fullmatch(name):
        raise UserError(
            f"{name!r} cannot be a user name: use 1-32 lower-case letters, digits, '.', '_'"
            " or '-', starting with a letter or digit"
        )
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_CHARS:
        raise UserError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise UserError(f"a password may have at most {MAX_PASSWORD_CHARS} characters")
    return password


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt$hash``: the cost travels with the hash, so it can be raised later
    without locking anyone out."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, maxmem=64 * 1024 * 1024, dklen=32
    )
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def matches(password: str, stored: str) -> bool:
    """Whether ``password`` hashes to ``stored`` (compared in constant time)."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        given = hashlib.scrypt(
            password.encode("utf-8")[: MAX_PASSWORD_CHARS * 4],
            salt=_unb64(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=64 * 1024 * 1024,
            dklen=len(_unb64(digest)),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(given, _unb64(digest))


def add_user(db: sqlite_utils.Database, name: str, password: str) -> User:
    check_name(name)
    check_password(password)
    created = now_iso()
    hashed = hash_password(password)
    with write(db):
        if _stored(db, name) is not None:
            raise UserError(f"there is already a user {name!r} (newsmark users passwd changes it)")
        db.execute(
            "INSERT INTO desk_users (name, password, created) VALUES (?, ?, ?)",
            [name, hashed, created],
        )
    return User(name, created)


def set_password(db: sqlite_utils.Database, name: str, password: str) -> None:
    check_password(password)
    hashed = hash_password(password)
    with write(db):
        if _stored(db, name) is None:
            raise UserError(f"there is no user {name!r} (newsmark users lists them)")
        db.execute("UPDATE desk_users SET password = ? WHERE name = ?", [hashed, name])


def remove_user(db: sqlite_utils.Database, name: str) -> None:
    """The login goes; everything the user annotated stays, under their name."""
    with write(db):
        if _stored(db, name) is None:
            raise UserError(f"there is no user {name!r} (newsmark users lists them)")
        db.execute("DELETE FROM desk_users WHERE name = ?", [name])


def list_users(db: sqlite_utils.Database) -> list[User]:
    return [
        User(name, created)
        for name, created in db.execute("SELECT name, created FROM desk_users ORDER BY name")
    ]


def exists(db: sqlite_utils.Database, name: str) -> bool:
    return _stored(db, name) is not None


def authenticate(db: sqlite_utils.Database, name: str, password: str) -> bool:
    """Whether this name and password sign in. Unknown names cost the same time."""
    return verify(password, password_hash(db, name))


def password_hash(db: sqlite_utils.Database, name: str) -> str | None:
    """The stored hash (``None``: no such user). A server reads it on its own thread, then
    runs :func:`verify` (50 ms of scrypt) on another, so one sign-in stalls nobody."""
    return _stored(db, name) if NAME_PATTERN.fullmatch(name) else None


def verify(password: str, stored: str | None) -> bool:
    ok = matches(password, stored or _DUMMY)
    return ok and stored is not None


def _stored(db: sqlite_utils.Database, name: str) -> str | None:
    row = db.execute("SELECT password FROM desk_users WHERE name = ?", [name]).fetchone()
    return row[0] if row else None
