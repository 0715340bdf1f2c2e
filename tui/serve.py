"""``newsmark serve``: the reader in a browser for a team, one app process per connection.

textual-serve's :class:`AppService` runs each connection's app (``newsmark served-session
NAME``, the app with the login as its annotator) and its bundled client draws it; this
module is the door around it:

- nothing but the sign-in form is served without a session cookie (random, HttpOnly,
  SameSite=Strict, Secure behind https); passwords are checked off the event loop;
- the Host header must name this server and a websocket's or form's Origin must be this
  server's own (a page on another site cannot drive a signed-in user's app, and DNS
  rebinding gets nowhere);
- a cap on open sessions; a session with no key, click or resize for the idle timeout ends;
- repeated wrong passwords from one address are slowed to a stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import shlex
import sys
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from ipaddress import ip_address
from pathlib import Path
from urllib.parse import urlsplit

import textual_serve
from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from newsmark.annotations.desk import users
from newsmark.corpus.db import connect
from newsmark.corpus.errors import NewsmarkError
from newsmark.tui.serve_pages import desk_page, message_page, signin_page

COOKIE = "newsmark_session"
STATIC = Path(textual_serve.__file__).parent / "static"  # its client: xterm.js and glue
FAILURES_ALLOWED = 5  # wrong passwords from one address per FAILURE_WINDOW before a pause
FAILURE_WINDOW = 60.0
IDLE_CLOSE = 4001  # the websocket close code for "idle too long"
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
        " img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws: wss:;"
        " frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # no-referrer would make a form's Origin "null"
    "Cache-Control": "no-store",
}


class ServeError(NewsmarkError):
    """The server cannot start as asked (no users yet, an address it cannot use)."""


@dataclass(frozen=True)
class ServeOptions:
    db_path: Path
    config_path: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None  # what people type, behind a reverse proxy (https://...)
    max_sessions: int = 12
    idle_timeout: float = 30 * 60.0  # seconds
    session_lifetime: float = 12 * 3600.0


@dataclass
class Session:
    token: str
    user: str
    password_hash: str  # as at sign-in: a changed password or a removed user ends it
    created: float
    last_seen: float
    sockets: set[web.WebSocketResponse] = field(default_factory=set)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_origins(options: ServeOptions) -> frozenset[str]:
    """The origins (scheme://host:port) this server's own pages have."""
    if options.public_url:
        parts = urlsplit(options.public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ServeError(
                f"--public-url {options.public_url!r} is not an http(s) address"
                " (e.g. https://desk.example.org)"
            )
        return frozenset({f"{parts.scheme}://{parts.netloc}".lower()})
    if not is_loopback(options.host):
        raise ServeError(
            f"serving on {options.host} needs --public-url, the address people open (e.g."
            " https://desk.example.org behind a TLS proxy): the server checks that pages and"
            " websockets come from it"
        )
    names = {"127.0.0.1", "localhost", "[::1]", options.host}
    return frozenset(f"http://{name}:{options.port}" for name in names)


class DeskServer:
    """One process serving one database to a team; see the module's docstring."""

    def __init__(self, options: ServeOptions) -> None:
        self.options = options
        self.origins = allowed_origins(options)
        self.hosts = frozenset(urlsplit(o).netloc for o in self.origins)
        self.secure = any(o.startswith("https://") for o in self.origins)
        self.db = connect(options.db_path)
        if not users.list_users(self.db):
            raise ServeError(
                f"no one can sign in to {options.db_path}: add a user first"
                " (newsmark users add NAME)"
            )
        self.sessions: dict[str, Session] = {}
        self.open = 0  # app processes running or starting
        self.failures: dict[str, deque[float]] = defaultdict(deque)
        self.downloads = DownloadManager()
        self.services: dict[AppService, Session] = {}

    # --- the aiohttp application --------------------------------------------------------

    def make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard], client_max_size=64 * 1024)
        app.add_routes(
            [
                web.get("/login", self.signin_form),
                web.post("/login", self.signin),
                web.post("/logout", self.signout),
                web.get("/", self.desk),
                web.get("/ws", self.websocket),
                web.get("/download/{key}", self.download),
                web.static("/static", STATIC),
            ]
        )
        app.on_shutdown.append(self._close_all)
        return app

    def run(self) -> None:
        web.run_app(
            self.make_app(),
            host=self.options.host,
            port=self.options.port,
            print=lambda *_: None,
            access_log=None,
        )

    @web.middleware
    async def _guard(self, request: web.Request, handler):  # type: ignore[no-untyped-def]
        """Every request: the Host names us; everything but sign-in needs a session."""
        if request.host.lower() not in self.hosts:
            return self._headers(
                web.Response(
                    status=421,
                    text=f"Open this desk at {sorted(self.origins)[0]}/ (not {request.host}).",
                )
            )
        if request.path != "/login" and self.session_of(request) is None:
            if request.path == "/" and request.method == "GET":
                raise web.HTTPSeeOther("/login", headers=HEADERS)
            return self._headers(web.Response(status=401, text="Sign in first: /login"))
        response = await handler(request)
        return self._headers(response)

    def _headers(self, response: web.StreamResponse) -> web.StreamResponse:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    # --- sessions -------------------------------------------------------------------------

    def session_of(self, request: web.Request) -> Session | None:
        token = request.cookies.get(COOKIE, "")
        session = self.sessions.get(token)
        if session is None:
            return None
        now = time.monotonic()
        expired = (
            now - session.created > self.options.session_lifetime
            or (not session.sockets and now - session.last_seen > self.options.idle_timeout)
            or users.password_hash(self.db, session.user) != session.password_hash
        )
        if expired:
            self.sessions.pop(token, None)
            return None
        return session

    def origin_ok(self, request: web.Request) -> bool:
        origin = request.headers.get("Origin", "").lower()
        return origin in self.origins

    def _client(self, request: web.Request) -> str:
        return request.remote or "?"

    def _throttled(self, client: str) -> bool:
        recent = self.failures[client]
        while recent and time.monotonic() - recent[0] > FAILURE_WINDOW:
            recent.popleft()
        return len(recent) >= FAILURES_ALLOWED

    # --- pages ----------------------------------------------------------------------------

    async def signin_form(self, request: web.Request) -> web.Response:
        note = "You are signed out." if "bye" in request.query else ""
        return web.Response(text=signin_page(note=note), content_type="text/html")

    async def signin(self, request: web.Request) -> web.Response:
        if not self.origin_ok(request):
            return web.Response(status=403, text="Sign-in refused: the form came from elsewhere.")
        client = self._client(request)
        if self._throttled(client):
            page = signin_page(error="Too many wrong passwords from here: wait a minute.")
            return web.Response(status=429, text=page, content_type="text/html")
        form = await request.post()
        name = str(form.get("name", "")).strip().lower()[:64]
        password = str(form.get("password", ""))[: users.MAX_PASSWORD_CHARS]
        stored = users.password_hash(self.db, name)
        loop = asyncio.get_running_loop()
        ok = await loop.run_in_executor(None, users.verify, password, stored)
        if not ok or stored is None:
            self.failures[client].append(time.monotonic())
            page = signin_page(error="Wrong name or password.", name=name)
            return web.Response(status=401, text=page, content_type="text/html")
        token = secrets.token_urlsafe(32)
        now = time.monotonic()
        self.sessions[token] = Session(token, name, stored, now, now)
        response = web.HTTPSeeOther("/")
        response.set_cookie(
            COOKIE, token, httponly=True, samesite="Strict", secure=self.secure, path="/"
        )
        raise response

    async def signout(self, request: web.Request) -> web.Response:
        if not self.origin_ok(request):
            return web.Response(status=403, text="Sign-out refused: the form came from elsewhere.")
        session = self.session_of(request)
        if session is not None:
            self.sessions.pop(session.token, None)
            for socket in list(session.sockets):
                await socket.close(code=WSCloseCode.GOING_AWAY, message=b"signed out")
        response = web.HTTPSeeOther("/login?bye")
        response.del_cookie(COOKIE, path="/")
        raise response

    async def desk(self, request: web.Request) -> web.Response:
        session = self.session_of(request)
        assert session is not None  # the guard let it through
        if self.open >= self.options.max_sessions:
            page = message_page(
                "The desk is full",
                f"{self.open} sessions are open, the most this server allows."
                " Try again when someone signs out.",
            )
            return web.Response(status=503, text=page, content_type="text/html")
        origin = next(o for o in sorted(self.origins) if urlsplit(o).netloc == request.host.lower())
        ws_url = ("wss" if origin.startswith("https") else "ws") + origin[origin.index(":") :]
        size = request.query.get("fontsize", "16")
        font = int(size) if size.isdigit() and 8 <= int(size) <= 32 else 16
        page = desk_page(session.user, ws_url + "/ws", font)
        return web.Response(text=page, content_type="text/html")

    async def download(self, request: web.Request) -> web.StreamResponse:
        session = self.session_of(request)
        key = request.match_info["key"]
        try:
            meta = await self.downloads.get_download_metadata(key)
        except KeyError:
            raise web.HTTPNotFound(text="No such download (each link works once).") from None
        if self.services.get(meta.app_service) is not session:
            raise web.HTTPNotFound(text="No such download (each link works once).")
        response = web.StreamResponse()
        response.content_type = meta.mime_type
        if meta.encoding:
            response.charset = meta.encoding
        name = meta.file_name.replace('"', "")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        self._headers(response)
        await response.prepare(request)
        async for chunk in self.downloads.download(key):
            await response.write(chunk)
        await response.write_eof()
        return response

    # --- the app, over a websocket ----------------------------------------------------------

    def command(self, user: str) -> str:
        parts = [sys.executable, "-m", "newsmark.tui.cli", "--db", str(self.options.db_path)]
        if self.options.config_path is not None:
            parts += ["--config", str(self.options.config_path)]
        return shlex.join([*parts, "served-session", users.check_name(user)])

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        session = self.session_of(request)
        assert session is not None
        if not self.origin_ok(request):
            raise web.HTTPForbidden(text="Refused: this websocket was opened by another site.")
        if self.open >= self.options.max_sessions:
            raise web.HTTPServiceUnavailable(text="The desk is full: try again later.")
        self.open += 1  # taken before the first await: two at the cap cannot both pass
        socket = web.WebSocketResponse(heartbeat=20, max_msg_size=1024 * 1024)
        service: AppService | None = None
        try:
            await socket.prepare(request)
            session.sockets.add(socket)
            service = AppService(
                self.command(session.user),
                write_bytes=socket.send_bytes,
                write_str=socket.send_str,
                close=socket.close,
                download_manager=self.downloads,
            )
            self.services[service] = session
            width = _size(request.query.get("width"), 80)
            height = _size(request.query.get("height"), 24)
            await service.start(width, height)
            await self._relay(socket, service, session)
        except asyncio.CancelledError:
            pass
        finally:
            self.open -= 1
            session.sockets.discard(socket)
            session.last_seen = time.monotonic()
            if service is not None:
                self.services.pop(service, None)
                with contextlib.suppress(Exception):
                    await service.stop()
            await socket.close()
        return socket

    async def _relay(
        self, socket: web.WebSocketResponse, service: AppService, session: Session
    ) -> None:
        """The browser's keys, clicks and size to the app, until it closes or idles out."""
        idle = self.options.idle_timeout
        last_input = time.monotonic()
        while True:
            left = idle - (time.monotonic() - last_input)
            try:
                message = await asyncio.wait_for(socket.receive(), timeout=max(left, 0.01))
            except TimeoutError:
                await socket.close(code=IDLE_CLOSE, message=b"idle")
                return
            if message.type != WSMsgType.TEXT:
                if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED):
                    return
                continue
            try:
                kind, *rest = json.loads(message.data)
            except (ValueError, TypeError):
                continue
            if kind == "stdin" and rest and isinstance(rest[0], str):
                last_input = session.last_seen = time.monotonic()
                await service.send_bytes(rest[0].encode("utf-8"))
            elif kind == "resize" and rest and isinstance(rest[0], dict):
                last_input = time.monotonic()
                await service.set_terminal_size(
                    _size(rest[0].get("width"), 80), _size(rest[0].get("height"), 24)
                )
            elif kind == "ping" and rest:
                await socket.send_json(["pong", rest[0]])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()

    async def _close_all(self, _app: web.Application) -> None:
        for session in list(self.sessions.values()):
            for socket in list(session.sockets):
                await socket.close(code=WSCloseCode.GOING_AWAY, message=b"server stopping")


def _size(value: object, default: int) -> int:
    """A terminal dimension from the browser, kept sane (1-1000 cells)."""
    try:
        number = int(str(value))
    except ValueError:
        return default
    return min(max(number, 1), 1000)
