"""Issue 22, ``newsmark serve`` and ``newsmark users``: who may sign in, and the door around
the browser sessions (sign-in, Host and Origin checks, the session cap, idle sessions),
tested against a real server on 127.0.0.1 with a real HTTP and websocket client."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
import pytest
from click.testing import CliRunner

from newsmark.annotations.desk import users
from newsmark.corpus.db import connect
from newsmark.tui.cli import main
from newsmark.tui.serve import ServeError, ServeOptions, allowed_origins
from tests.serve_helpers import PASSWORDS, make_desk, running_server

# --- users ------------------------------------------------------------------------------


def test_passwords_are_stored_as_salted_scrypt_hashes(db_path: Path) -> None:
    db = connect(db_path)
    users.add_user(db, "maria", "correct horse")
    users.add_user(db, "root", "correct horse")
    stored = [r[0] for r in db.execute("SELECT password FROM desk_users")]
    assert all(s.startswith("scrypt$16384$8$1$") for s in stored)
    assert stored[0] != stored[1]  # salted: the same password, two hashes
    assert "correct horse" not in "".join(stored)
    assert users.authenticate(db, "maria", "correct horse")
    assert not users.authenticate(db, "maria", "correct horsE")
    assert not users.authenticate(db, "nobody", "correct horse")
    assert not users.authenticate(db, "Robert'); DROP TABLE desk_users;--", "x")


def test_the_users_command_adds_lists_changes_and_removes(db_path: Path) -> None:
    runner = CliRunner()

    def run(*args: str, given: str = "") -> tuple[int, str]:
        result = runner.invoke(main, ["--db", str(db_path), *args], input=given)
        return result.exit_code, result.output

    connect(db_path).close()
    assert run("users") == (0, "no users yet (newsmark users add NAME)\n")
    code, said = run("users", "add", "maria", given="s3cret-pass\ns3cret-pass\n")
    assert code == 0 and "added maria" in said
    code, said = run("users", "add", "maria", "--password-stdin", given="another-pass\n")
    assert code == 1 and "already a user 'maria'" in said
    code, said = run("users", "add", "Maria Luz", "--password-stdin", given="another-pass\n")
    assert code == 1 and "cannot be a user name" in said
    code, said = run("users", "add", "bob", "--password-stdin", given="short\n")
    assert code == 1 and "at least 8 characters" in said
    typed = "first-pass\nother-pass\nfirst-pass\nfirst-pass\n"
    code, said = run("users", "add", "bob", given=typed)
    assert code == 0 and "do not match" in said  # click asks again
    code, said = run("users", "--json")
    assert [u["name"] for u in json.loads(said)] == ["bob", "maria"]
    code, said = run("users", "passwd", "maria", "--password-stdin", given="new-password\n")
    assert code == 0
    assert users.authenticate(connect(db_path), "maria", "new-password")
    code, said = run("users", "remove", "maria")
    assert code == 0 and "their annotations stay" in said
    code, said = run("users", "remove", "maria")
    assert code == 1 and "no user 'maria'" in said
    assert "Traceback" not in said


def test_serve_refuses_to_start_with_no_one_to_sign_in(db_path: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(db_path), "serve"])
    assert result.exit_code == 1
    assert "no one can sign in" in result.output and "newsmark users add" in result.output


def test_listening_beyond_this_machine_needs_the_public_address() -> None:
    with pytest.raises(ServeError, match="needs --public-url"):
        allowed_origins(ServeOptions(Path("x.db"), host="0.0.0.0"))
    with pytest.raises(ServeError, match="not an http"):
        allowed_origins(ServeOptions(Path("x.db"), public_url="desk.example.org"))
    proxied = ServeOptions(Path("x.db"), host="0.0.0.0", public_url="https://Desk.example.org")
    assert allowed_origins(proxied) == {"https://desk.example.org"}
    local = allowed_origins(ServeOptions(Path("x.db"), port=8123))
    assert "http://127.0.0.1:8123" in local and "http://localhost:8123" in local


# --- the door ---------------------------------------------------------------------------


def _client() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))  # 127.0.0.1


async def _sign_in(
    client: aiohttp.ClientSession, base: str, name: str, password: str, origin: str | None = None
) -> aiohttp.ClientResponse:
    headers = {"Origin": origin if origin is not None else base}
    return await client.post(
        f"{base}/login",
        data={"name": name, "password": password},
        headers=headers,
        allow_redirects=False,
    )


async def test_nothing_is_served_without_signing_in(db_path: Path) -> None:
    make_desk(db_path)
    with running_server(db_path) as base:
        async with _client() as client:
            response = await client.get(f"{base}/", allow_redirects=False)
            assert response.status == 303 and response.headers["Location"] == "/login"
            for path in ("/static/js/textual.js", "/ws", "/download/x"):
                assert (await client.get(f"{base}{path}")).status == 401, path
            page = await client.get(f"{base}/login")
            assert page.status == 200 and 'name="password"' in await page.text()
            assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
            # DNS rebinding: a name that resolves here but is not this server's
            rebound = await client.get(f"{base}/login", headers={"Host": "attacker.example"})
            assert rebound.status == 421


async def test_a_wrong_password_is_refused_and_guessing_is_slowed(db_path: Path) -> None:
    make_desk(db_path)
    with running_server(db_path) as base:
        async with _client() as client:
            wrong = await _sign_in(client, base, "maria", "not-her-password")
            assert wrong.status == 401 and "Wrong name or password" in await wrong.text()
            assert "newsmark_session" not in wrong.cookies
            unknown = await _sign_in(client, base, "mallory", "whatever-pass")
            assert unknown.status == 401 and "Wrong name or password" in await unknown.text()
            for _ in range(3):
                await _sign_in(client, base, "maria", "still-wrong")
            throttled = await _sign_in(client, base, "maria", PASSWORDS["maria"])
            assert throttled.status == 429  # five wrong in a minute: even the right one waits


async def test_a_form_from_another_site_cannot_sign_in(db_path: Path) -> None:
    make_desk(db_path)
    with running_server(db_path) as base:
        async with _client() as client:
            forged = await _sign_in(client, base, "maria", PASSWORDS["maria"], "http://evil.test")
            assert forged.status == 403
            missing = await _sign_in(client, base, "maria", PASSWORDS["maria"], origin="")
            assert missing.status == 403


async def test_signing_in_gives_a_strict_cookie_and_the_desk(db_path: Path) -> None:
    make_desk(db_path)
    with running_server(db_path) as base:
        async with _client() as client:
            response = await _sign_in(client, base, "maria", PASSWORDS["maria"])
            assert response.status == 303 and response.headers["Location"] == "/"
            cookie = response.headers["Set-Cookie"]
            assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
            desk = await client.get(f"{base}/")
            text = await desk.text()
            assert desk.status == 200 and ">maria<" in text
            port = base.rsplit(":", 1)[1]
            assert f'data-session-websocket-url="ws://127.0.0.1:{port}/ws"' in text
            assert (await client.get(f"{base}/static/js/textual.js")).status == 200


async def _read_until(socket: aiohttp.ClientWebSocketResponse, wanted: str) -> str:
    """The app's output until ``wanted`` shows (the app draws the reader)."""
    seen = ""
    async with asyncio.timeout(30):
        while wanted not in seen:
            message = await socket.receive()
            if message.type == aiohttp.WSMsgType.BINARY:
                seen += message.data.decode("utf-8", "replace")
            elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                raise AssertionError(f"closed before {wanted!r}: {seen[-300:]!r}")
    return seen


async def test_a_websocket_from_another_site_is_refused(db_path: Path) -> None:
    make_desk(db_path)
    with running_server(db_path) as base:
        async with _client() as client:
            await _sign_in(client, base, "maria", PASSWORDS["maria"])
            ws = base.replace("http", "ws") + "/ws?width=100&height=30"
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect(ws, origin="http://evil.test")
            assert refused.value.status == 403
            with pytest.raises(aiohttp.WSServerHandshakeError) as missing:
                await client.ws_connect(ws)  # no Origin at all
            assert missing.value.status == 403
            socket = await client.ws_connect(ws, origin=base)
            await _read_until(socket, "Articles")  # the reader, as maria
            await socket.close()


@pytest.mark.slow
async def test_sessions_are_capped_and_idle_ones_end(db_path: Path) -> None:
    make_desk(db_path)
    with running_server(db_path, "--max-sessions", "1", "--idle-timeout", "0.1") as base:
        async with _client() as client, _client() as other:
            await _sign_in(client, base, "maria", PASSWORDS["maria"])
            await _sign_in(other, base, "root", PASSWORDS["root"])
            ws = base.replace("http", "ws") + "/ws"
            first = await client.ws_connect(ws, origin=base)
            await _read_until(first, "palette")  # the footer: the app is up
            with pytest.raises(aiohttp.WSServerHandshakeError) as full:
                await other.ws_connect(ws, origin=base)
            assert full.value.status == 503
            page = await other.get(f"{base}/")
            assert page.status == 503 and "The desk is full" in await page.text()
            # no key for 6 s (0.1 minutes): the session ends, and its place frees up
            async with asyncio.timeout(30):
                while (await first.receive()).type == aiohttp.WSMsgType.BINARY:
                    pass
            assert first.close_code == 4001
            await _sign_in(other, base, "root", PASSWORDS["root"])  # root idled out too
            for _ in range(50):
                if (await other.get(f"{base}/")).status == 200:
                    break
                await asyncio.sleep(0.2)
            second = await other.ws_connect(ws, origin=base)
            await _read_until(second, "palette")
            await second.close()


async def test_signing_out_or_a_new_password_ends_the_session(db_path: Path) -> None:
    make_desk(db_path)
    with running_server(db_path) as base:
        async with _client() as client:
            await _sign_in(client, base, "maria", PASSWORDS["maria"])
            ws = base.replace("http", "ws") + "/ws?width=120&height=36"
            socket = await client.ws_connect(ws, origin=base)
            await _read_until(socket, "Articles")
            forged = await client.post(
                f"{base}/logout", headers={"Origin": "http://evil.test"}, allow_redirects=False
            )
            assert forged.status == 403  # another site cannot sign you out either
            out = await client.post(
                f"{base}/logout", headers={"Origin": base}, allow_redirects=False
            )
            assert out.status == 303 and out.headers["Location"] == "/login?bye"
            async with asyncio.timeout(20):
                while (await socket.receive()).type == aiohttp.WSMsgType.BINARY:
                    pass
            assert (await client.get(f"{base}/", allow_redirects=False)).status == 303
            await _sign_in(client, base, "root", PASSWORDS["root"])
            assert (await client.get(f"{base}/")).status == 200
            users.set_password(connect(db_path), "root", "changed-password")
            assert (await client.get(f"{base}/", allow_redirects=False)).status == 303


# --- the app as a served session --------------------------------------------------------


async def test_a_served_app_tags_as_the_login_and_exports_as_a_download(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Signed in as maria: switching annotator is refused, and an export is handed to the
    browser (a file name, never a place on the server's disk; brat as a zip)."""
    import io
    import zipfile

    from textual.widgets import Input, Select

    from newsmark.annotations.settings.config import Config
    from newsmark.tui.app import NewsmarkApp
    from newsmark.tui.screens.export import ExportScreen
    from tests.tui_helpers import seed

    seed(db_path)
    monkeypatch.chdir(tmp_path)
    app = NewsmarkApp(db_path, Config(annotator="sam"), served_as="maria")
    delivered: list[tuple[str, bytes]] = []

    def deliver(file: io.BufferedReader, *, save_filename: str, **_: object) -> str:
        delivered.append((save_filename, file.read()))
        file.close()
        return "key"

    monkeypatch.setattr(app, "deliver_binary", deliver)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.reader_screen
        await pilot.press("g", "v", "e", "1")
        await pilot.pause()
        assert [a.annotator for a in screen.annotations] == ["maria"]
        screen.action_switch_annotator()
        await pilot.pause()
        assert app.screen is screen and app.config.annotator == "maria"
        for fmt, name in (("jsonl", "../../etc/mine.jsonl"), ("brat", "corpus")):
            app.action_export()
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, ExportScreen)
            dialog.query_one("#format", Select).value = fmt
            dialog.query_one("#path", Input).value = name
            dialog.query_one("#path", Input).focus()
            await pilot.press("enter")
            for _ in range(100):
                await pilot.pause(0.05)
                if app.screen is not dialog:
                    break
    assert [n for n, _ in delivered] == ["mine.jsonl", "corpus.zip"]
    assert b'"annotator": "maria"' in delivered[0][1]
    with zipfile.ZipFile(io.BytesIO(delivered[1][1])) as archive:
        assert any(n.endswith(".ann") for n in archive.namelist())
    written = {p.name for p in tmp_path.rglob("*")}
    assert not written & {"mine.jsonl", "corpus", "corpus.zip"}  # nothing on the server
    assert not Path("/etc/mine.jsonl").exists()
