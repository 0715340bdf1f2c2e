"""``newsmark serve`` and ``newsmark users``: the desk in a browser, and who may sign in."""

from __future__ import annotations

import sys

import click

from newsmark.tui.command import Context, main, print_json, say, user_errors


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--public-url",
    metavar="URL",
    help="The address people open, behind a TLS reverse proxy (e.g. https://desk.example.org);"
    " needed to listen beyond this machine.",
)
@click.option(
    "--max-sessions",
    type=click.IntRange(1, 200),
    default=12,
    show_default=True,
    help="Browser sessions open at once (each is one app process).",
)
@click.option(
    "--idle-timeout",
    type=click.FloatRange(0.05, 24 * 60),
    default=30.0,
    show_default=True,
    metavar="MINUTES",
    help="End a session after this long with no key, click or resize.",
)
@click.pass_obj
@user_errors
def serve_command(
    obj: Context,
    host: str,
    port: int,
    public_url: str | None,
    max_sessions: int,
    idle_timeout: float,
) -> None:
    """Serve the reader to a team's browsers: each user signs in (newsmark users add) and
    annotates as themselves, against this one database. Ctrl+C stops it."""
    from newsmark.tui.serve import DeskServer, ServeOptions

    options = ServeOptions(
        db_path=obj.db_path,
        config_path=obj.config_path if obj.config_given else None,
        host=host,
        port=port,
        public_url=public_url,
        max_sessions=max_sessions,
        idle_timeout=idle_timeout * 60,
    )
    server = DeskServer(options)
    where = public_url or f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    say(f"Serving {obj.db_path} at {where} (Ctrl+C stops)", err=True)
    if public_url and not public_url.startswith("https://"):
        say(
            "newsmark: warning: --public-url is not https: passwords and text cross the"
            " network unencrypted (see docs/desk.md: serving behind a TLS proxy)",
            err=True,
        )
    server.run()


@main.command("served-session", hidden=True)
@click.argument("user")
@click.pass_obj
@user_errors
def served_session_command(obj: Context, user: str) -> None:
    """One browser session's app (started by newsmark serve, not by hand)."""
    from newsmark.annotations.desk import users
    from newsmark.tui.app import run_app

    if not users.exists(obj.db, users.check_name(user)):
        raise click.UsageError(f"no user {user!r}")
    run_app(obj.db_path, obj.config, served_as=user)


@main.group("users", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_context
@user_errors
def users_command(ctx: click.Context, as_json: bool) -> None:
    """Who may sign in to newsmark serve (a user's name is the annotator they tag as).
    Without a subcommand, lists them."""
    if ctx.invoked_subcommand is not None:
        return
    from newsmark.annotations.desk.users import list_users

    found = list_users(ctx.find_object(Context).read_db)  # type: ignore[union-attr]
    if as_json:
        print_json([{"name": u.name, "created": u.created} for u in found])
        return
    if not found:
        say("no users yet (newsmark users add NAME)")
    for user in found:
        say(f"{user.name}  (since {user.created[:10]})")


def _password(password_stdin: bool, prompt: str) -> str:
    if password_stdin:  # for scripts: the first line of standard input
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt(prompt, hide_input=True, confirmation_prompt=True))


@users_command.command("add")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_obj
@user_errors
def users_add_command(obj: Context, name: str, password_stdin: bool) -> None:
    """Let NAME sign in (asks for their password twice; stored as a scrypt hash)."""
    from newsmark.annotations.desk.users import add_user, check_name

    check_name(name)
    add_user(obj.db, name, _password(password_stdin, f"Password for {name}"))
    say(f"added {name}: they sign in as {name} and tag as {name}")


@users_command.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_obj
@user_errors
def users_passwd_command(obj: Context, name: str, password_stdin: bool) -> None:
    """Give NAME a new password (their open browser sessions end)."""
    from newsmark.annotations.desk.users import exists, set_password

    if not exists(obj.db, name):
        from newsmark.annotations.desk.users import UserError

        raise UserError(f"there is no user {name!r} (newsmark users lists them)")
    set_password(obj.db, name, _password(password_stdin, f"New password for {name}"))
    say(f"changed {name}'s password")


@users_command.command("remove")
@click.argument("name")
@click.pass_obj
@user_errors
def users_remove_command(obj: Context, name: str) -> None:
    """Stop NAME signing in; what they annotated stays, under their name."""
    from newsmark.annotations.desk.users import remove_user

    remove_user(obj.db, name)
    say(f"removed {name}: they can no longer sign in (their annotations stay)")
