"""The two HTML pages ``newsmark serve`` writes: the sign-in form and the desk (a terminal).

Built with :func:`html.escape` on every value; no template engine, no inline script, no
resource from another site (the page's Content-Security-Policy forbids them anyway).
"""

from __future__ import annotations

from html import escape

_STYLE = """
:root { color-scheme: dark; }
body { margin: 0; background: #0f1a20; color: #e8eef2;
       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
main.signin { max-width: 22rem; margin: 12vh auto; padding: 2rem;
              background: #172831; border-radius: 8px; }
h1 { font-size: 1.3rem; margin: 0 0 1rem; }
label { display: block; margin-top: 0.8rem; }
input { width: 100%; box-sizing: border-box; padding: 0.45rem; margin-top: 0.2rem;
        font: inherit; color: inherit; background: #0f1a20; border: 1px solid #3b5563;
        border-radius: 4px; }
button { margin-top: 1.2rem; padding: 0.45rem 1.2rem; font: inherit; color: #fff;
         background: #2f6f8f; border: 0; border-radius: 4px; cursor: pointer; }
p.error { color: #ffb4a8; }
p.note { color: #9fb3bf; font-size: 0.9rem; }
"""

_DESK_STYLE = """
@font-face { font-family: "Roboto Mono";
             src: url("/static/fonts/RobotoMono-VariableFont_wght.ttf"); }
body { overflow: hidden; }
header { display: flex; gap: 1rem; align-items: center; justify-content: flex-end;
         height: 28px; padding: 0 0.8rem; background: #172831; font-size: 0.85rem; }
header form { margin: 0; }
header button { margin: 0; padding: 0.1rem 0.7rem; }
.textual-terminal { width: 100vw; height: calc(100vh - 28px); }
.ended { display: none; position: absolute; inset: 28px 0 0 0; background: #0f1a20ee;
         align-items: center; justify-content: center; flex-direction: column; }
body.-closed .ended { display: flex; }
.ended a { color: #8fd0f0; }
"""


def signin_page(error: str = "", note: str = "", name: str = "") -> str:
    """The sign-in form; ``error`` says what went wrong, ``name`` keeps what was typed."""
    said = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    noted = f'<p class="note">{escape(note)}</p>' if note else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign in - Newsmark</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{_STYLE}</style></head>
<body><main class="signin">
<h1>Newsmark</h1>
{noted}{said}
<form method="post" action="/login">
<label>Name <input name="name" autocomplete="username" required autofocus
  value="{escape(name)}"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"
  required></label>
<button type="submit">Sign in</button>
</form>
<p class="note">Your name is written on everything you tag here.</p>
</main></body></html>
"""


def desk_page(user: str, websocket_url: str, font_size: int = 16) -> str:
    """The desk: a bar with who is signed in and a sign-out button, and the terminal the
    bundled client (textual-serve's) draws the app into."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Newsmark - {escape(user)}</title>
<link rel="stylesheet" href="/static/css/xterm.css">
<script src="/static/js/textual.js"></script>
<style>{_STYLE}{_DESK_STYLE}</style></head>
<body>
<header><span>Signed in as <strong id="user">{escape(user)}</strong></span>
<form method="post" action="/logout"><button type="submit" id="signout">Sign out</button></form>
</header>
<div id="terminal" class="textual-terminal"
  data-session-websocket-url="{escape(websocket_url)}" data-font-size="{font_size}"></div>
<div class="ended"><p>This session has ended (idle too long, signed out, or the server
stopped). Your work is saved.</p><p><a href="/">Start again</a></p></div>
</body></html>
"""


def message_page(title: str, message: str) -> str:
    """A plain page for a refusal a person will read (the desk is full, say)."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{escape(title)} - Newsmark</title>
<style>{_STYLE}</style></head>
<body><main class="signin"><h1>{escape(title)}</h1><p>{escape(message)}</p>
<p><a href="/">Try again</a></p></main></body></html>
"""
