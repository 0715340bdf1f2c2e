"""Issue 22, ``newsmark serve`` in a real headless Chromium (Playwright driving Debian's
chromium): sign in, tag, see a teammate's tag appear, sign out; a wrong password and a
websocket opened by another site's page are refused.

Skipped where no Chromium is installed, unless NEWSMARK_BROWSER_TESTS=required (CI sets it
after installing Debian's chromium, so there it cannot be skipped).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsmark.annotations.spans import store
from newsmark.corpus.db import connect
from tests.serve_helpers import (
    BROWSER_ARGS,
    PASSWORDS,
    SCREEN_TAP,
    chromium,
    free_port,
    make_desk,
    running_server,
)

pytestmark = pytest.mark.slow

BROWSER = chromium()
if BROWSER is None:
    if os.environ.get("NEWSMARK_BROWSER_TESTS") == "required":
        raise RuntimeError("NEWSMARK_BROWSER_TESTS=required but no Chromium was found")
    pytest.skip("no Chromium here (Debian: apt-get install chromium)", allow_module_level=True)

from playwright import sync_api  # noqa: E402  (in the test extra; only Chromium may be missing)


def _screen(page: object) -> str:
    return str(page.evaluate("window.__screen"))  # type: ignore[attr-defined]


def _wait_for(page: object, wanted: str, after: int = 0, timeout: float = 30) -> None:
    """Until the app has drawn ``wanted`` (after the first ``after`` characters drawn).
    Polled from here: the desk's CSP (rightly) forbids the eval Playwright's own waits use."""
    deadline = time.monotonic() + timeout
    while wanted not in _screen(page)[after:]:
        if time.monotonic() > deadline:
            raise AssertionError(f"{wanted!r} never drawn; last: {_screen(page)[-400:]!r}")
        time.sleep(0.1)


@pytest.fixture
def desk(db_path: Path) -> Iterator[str]:
    make_desk(db_path)
    with running_server(db_path) as base:
        yield base


@pytest.fixture
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=BROWSER, args=BROWSER_ARGS)
        yield launched
        launched.close()


def _open(browser: object, base: str, name: str, password: str, errors: list[str]) -> object:
    context = browser.new_context(viewport={"width": 1200, "height": 760})  # type: ignore[attr-defined]
    page = context.new_page()
    page.add_init_script(SCREEN_TAP)
    page.on(
        "console", lambda m: m.type == "error" and "401" not in m.text and errors.append(m.text)
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/")
    assert page.url == f"{base}/login"  # nothing without signing in
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def test_two_users_tag_and_see_each_other_then_sign_out(
    desk: str, browser: object, db_path: Path
) -> None:
    errors: list[str] = []
    wrong = _open(browser, desk, "maria", "not-her-password", errors)
    assert "Wrong name or password" in wrong.inner_text("main")  # type: ignore[attr-defined]
    assert wrong.url == f"{desk}/login"  # type: ignore[attr-defined]

    maria = _open(browser, desk, "maria", PASSWORDS["maria"], errors)
    root = _open(browser, desk, "root", PASSWORDS["root"], errors)
    assert maria.inner_text("#user") == "maria"  # type: ignore[attr-defined]
    for page in (maria, root):
        _wait_for(page, "Articles")
        page.focus("textarea.xterm-helper-textarea")  # type: ignore[attr-defined]  (no click)
    time.sleep(0.5)
    drawn = len(_screen(root))
    for key in ("g", "v", "e", "e", "e", "3"):  # select "Mayor Ilse Varga", tag it source
        maria.keyboard.press(key)  # type: ignore[attr-defined]
        time.sleep(0.15)
    _wait_for(root, "source", after=drawn)  # root sees maria's tag appear, unasked
    db = connect(db_path)
    (tagged,) = store.list_annotations(db, 1)
    assert (tagged.annotator, tagged.label, tagged.quote) == ("maria", "source", "Mayor Ilse Varga")

    maria.click("#signout")  # type: ignore[attr-defined]
    maria.wait_for_load_state()  # type: ignore[attr-defined]
    assert maria.url == f"{desk}/login?bye"  # type: ignore[attr-defined]
    assert "You are signed out" in maria.inner_text("main")  # type: ignore[attr-defined]
    maria.goto(f"{desk}/")  # type: ignore[attr-defined]
    assert maria.url == f"{desk}/login"  # type: ignore[attr-defined]
    assert not [e for e in errors if "Content Security Policy" in e or "Uncaught" in e], errors


class _Attacker(BaseHTTPRequestHandler):
    """A page on another origin that tries to open the desk's websocket."""

    target = ""

    def do_GET(self) -> None:
        body = (
            "<!DOCTYPE html><title>waiting</title><script>"
            f"const s = new WebSocket('{self.target}');"
            "s.onopen = () => { document.title = 'opened'; };"
            "s.onclose = (e) => { if (document.title !== 'opened') document.title = 'refused'; };"
            "</script>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_another_sites_page_cannot_open_a_signed_in_users_websocket(
    desk: str, browser: object
) -> None:
    errors: list[str] = []
    maria = _open(browser, desk, "maria", PASSWORDS["maria"], errors)
    _wait_for(maria, "Articles")
    _Attacker.target = desk.replace("http", "ws") + "/ws"
    port = free_port()  # same host, another port: same *site*, so the cookie goes along
    server = ThreadingHTTPServer(("127.0.0.1", port), _Attacker)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        evil = maria.context.new_page()  # type: ignore[attr-defined]
        evil.goto(f"http://127.0.0.1:{port}/")
        deadline = time.monotonic() + 15
        while evil.title() == "waiting" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert evil.title() == "refused"
    finally:
        server.shutdown()
