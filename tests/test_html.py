"""Web pages in: the body without the page around it, and every detail the page declares."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from newsmark.corpus.db import connect
from newsmark.corpus.html import article_from_html
from newsmark.tui.cli import main

PAGES = Path(__file__).parent / "pages"
BODY = [
    "The harbour authority of Velmor confirmed on Tuesday that the northern pier will stay"
    " closed until the cracked pylons are replaced next spring.",
    "Engineers found the damage during a routine dive in February",
    '"We will not reopen a structure we cannot vouch for," said Tomas Reyl',
    "Local traders said the closure would hurt the spring season",
]
BOILERPLATE = [
    "cookies",
    "Subscribe for one crown",
    "Weather in Velmor",
    "Related articles",
    "Ferry prices rise",
    "Commenter Bram",
    "Commenter Lidia",
    "trackEverything",
    "font-family",
    "All rights reserved",
    "By Ines Marlowe",
]


def _import(tmp_path: Path, *paths: Path) -> tuple[CliRunner, Path, object]:
    db = tmp_path / "h.db"
    runner = CliRunner()
    result = runner.invoke(main, ["--db", str(db), "import", *map(str, paths)])
    return runner, db, result


def test_a_page_is_imported_with_its_body_and_details(tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    shutil.copy(PAGES / "harbour-gazette.html", folder / "pier.htm")
    runner, db_path, result = _import(tmp_path, folder)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    db = connect(db_path)
    row = db.execute(
        "SELECT title, outlet, url, published, author, language, path, text FROM articles"
    ).fetchone()
    title, outlet, url, published, author, language, path, text = row
    assert title == "Pier closed until spring, harbour authority says"
    assert outlet == "The Velmor Harbour Gazette"
    assert url == "https://gazette.example/news/2026/03/pier-closed"
    assert published == "2026-03-14"
    assert author == "Ines Marlowe"
    assert language == "en"
    assert path.endswith("pier.htm")
    for snippet in BODY:
        assert snippet in text
    for snippet in BOILERPLATE:
        assert snippet not in text, snippet
    assert "\n\n" in text and "\r" not in text  # paragraphs, as in a .txt
    listed = json.loads(runner.invoke(main, ["--db", str(db_path), "articles", "--json"]).output)
    assert listed[0]["author"] == "Ines Marlowe"
    table = runner.invoke(main, ["--db", str(db_path), "articles"]).output
    assert "author" in table.splitlines()[0] and "Ines Marlowe" in table
    # the same page again adds nothing
    again = runner.invoke(main, ["--db", str(db_path), "import", str(folder)])
    assert "0 articles imported, 1 already present" in again.output


def test_hostile_details_are_stored_harmless() -> None:
    page = (
        "<html><head><title>Safe\x1b[2J\x1b]0;pwned\x07 title \u202ereversed</title>"
        '<meta name="author" content="A\x1b[31mred\x1b[0m Writer"></head><body><article>'
        "<p>"
        + "A paragraph of plain reporting about the Velmor pier and its repair. "
        * 3
        + "</p><script>alert('x')</script><p>Second paragraph with more words in it.</p>"
        '<a href="javascript:alert(1)">click</a></article></body></html>'
    )
    article = article_from_html(page, "hostile.html")
    for value in (article.title, article.author or "", article.text):
        assert "\x1b" not in value and "\u202e" not in value and "\x07" not in value
    assert "alert" not in article.text
    assert "Second paragraph" in article.text


def test_a_page_without_an_article_is_a_clear_error(tmp_path: Path) -> None:
    empty = tmp_path / "menu.html"
    empty.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    _runner, _db_path, result = _import(tmp_path, empty)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "menu.html: no article text found in the page" in result.output  # type: ignore[attr-defined]
    assert "Traceback" not in result.output  # type: ignore[attr-defined]


def test_details_are_edited_and_the_text_and_annotations_stay(tmp_path: Path) -> None:
    from newsmark.annotations.spans import store
    from tests.fts_helpers import fts_hits

    runner, db_path, _ = _import(tmp_path, PAGES / "harbour-gazette.html")
    db = connect(db_path)
    text = db.execute("SELECT text FROM articles WHERE id = 1").fetchone()[0]
    start = text.index("Engineers")
    store.create_annotation(db, 1, start, start + 9, "source", "t")
    db.close()

    def edit(*args: str) -> object:
        return runner.invoke(main, ["--db", str(db_path), "edit", *args])

    result = edit(
        "1",
        "--title",
        "Velmor pier \x1b[2Jstays shut",
        "--outlet",
        "",
        "--author",
        "I. Marlowe",
        "--published",
        "2026-03-15",
    )
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "title: Velmor pier \ufffd[2Jstays shut" in result.output  # type: ignore[attr-defined]
    db = connect(db_path)
    row = db.execute("SELECT title, outlet, author, published, text FROM articles").fetchone()
    assert row[:4] == ("Velmor pier \ufffd[2Jstays shut", None, "I. Marlowe", "2026-03-15")
    assert row[4] == text
    ann = store.list_annotations(db, 1)[0]
    assert text[ann.start : ann.end] == ann.quote == "Engineers"
    assert [a.id for a in fts_hits(db, "shut")] == [1]  # full text follows
    db.close()
    for args, message in [
        (["1", "--published", "last Tuesday"], "--published: 'published' is not an ISO 8601"),
        (["1", "--title", ""], "the title cannot be empty"),
        (["7", "--title", "X"], "no article with id 7"),
        (["1"], "name at least one detail"),
    ]:
        bad = edit(*args)
        assert bad.exit_code != 0, args  # type: ignore[attr-defined]
        assert message in bad.output, bad.output  # type: ignore[attr-defined]
        assert "Traceback" not in bad.output  # type: ignore[attr-defined]


def test_outlet_and_date_given_on_import_fill_what_a_text_file_does_not_say(
    tmp_path: Path,
) -> None:
    plain = tmp_path / "plain.txt"
    headline = "Velmor council votes " + "to rebuild the northern pier and widen the quay " * 4
    plain.write_text(f"{headline.strip()}\n\nThe council voted on Monday night by nine to four.\n")
    said = tmp_path / "said.md"
    said.write_text("---\noutlet: Osk Island Courier\n---\nFerry news\n\nThe ferry runs.\n")
    runner = CliRunner()
    db_path = tmp_path / "o.db"
    args = ["--db", str(db_path), "import", "--outlet", "Gazette", "--published", "2026-03-14"]
    result = runner.invoke(main, [*args, str(plain), str(said)])
    assert result.exit_code == 0, result.output
    rows = connect(db_path).execute("SELECT title, outlet, published FROM articles ORDER BY id")
    long_title, *_ = rows.fetchone()
    assert long_title == headline.strip()  # a long headline is still the title
    assert rows.fetchone() == ("Ferry news", "Osk Island Courier", "2026-03-14")
    bad = runner.invoke(main, [*args[:-1], "yesterday", str(plain)])
    assert bad.exit_code == 2 and "--published" in bad.output


STORY = (
    "<p>"
    + (
        "The ferry operator of Osk Island said on Monday that crossings would resume next week"
        " once the southern quay has been inspected after the storm. "
    )
    * 4
    + "</p>"
)


def _page(head: str, body: str = STORY, extra: str = "") -> str:
    return f"<html><head>{head}</head><body>{extra}<article>{body}</article></body></html>"


def test_a_cms_name_is_no_title_and_og_tags_fill_in() -> None:
    html = _page(
        '<meta name="generator" content="Escenic Content Studio">'
        '<meta property="og:site_name" content="escenic">'
        '<script type="application/ld+json">{"@context": "https://schema.org",'
        ' "@type": "NewsArticle", "headline": "escenic", "url": "https://courier.example/f",'
        ' "author": [{"@type": "Person", "name": "Pell Andor"}],'
        ' "publisher": {"@type": "Organization", "name": "Osk Island Courier"}}</script>'
        "<title>escenic</title>"
        '<meta property="og:title" content="Ferries to resume after the storm">'
    )
    article = article_from_html(html, "saved.html")
    assert article.title == "Ferries to resume after the storm"
    assert article.outlet == "Osk Island Courier"
    assert article.url == "https://courier.example/f"  # from JSON-LD, as og:url is absent
    assert article.author == "Pell Andor"
    assert article.warnings == ()


def test_og_url_fills_a_missing_address() -> None:
    html = _page(
        "<title>Ferries to resume</title>"
        '<meta property="og:url" content="https://courier.example/ferries">'
    )
    assert article_from_html(html, "saved.html").url == "https://courier.example/ferries"


def test_placeholder_bylines_are_refused() -> None:
    for byline in ("No Author", "admin", "Unknown"):
        html = _page(f'<title>Ferries</title><meta name="author" content="{byline}">')
        assert article_from_html(html, "saved.html").author is None, byline
    cbs = _page(
        '<title>Ferries</title><meta property="og:site_name" content="Osk Courier">',
        extra='<p class="byline">By Osk Courier February 3, 2026</p>',
    )
    assert article_from_html(cbs, "saved.html").author is None
    for name in ("April Ryan", "Theresa May"):  # a month alone is no reason
        html = _page(f'<title>Ferries</title><meta name="author" content="{name}">')
        assert article_from_html(html, "saved.html").author == name


def test_a_caption_from_a_big_page_is_imported_with_a_warning(tmp_path: Path) -> None:
    caption = (
        "<p>Passengers wait on the southern quay of Velmor as the first ferry in a week"
        " arrives on Monday morning, photographed by our staff.</p>"
    )
    links = "".join(
        f'<li><a href="/n/{i}">Island headline {i}, in brief</a></li>' for i in range(150)
    )
    aside = f"<nav><ul>{links}</ul></nav>"  # a page of other stories' links around a caption
    page = tmp_path / "gallery.html"
    page.write_text(_page("<title>Ferries resume</title>", body=caption, extra=aside))
    _runner, _db, result = _import(tmp_path, page)
    out = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 0, out  # type: ignore[attr-defined]
    assert f"{page}: warning: only 129 characters" in out and "perhaps a caption" in out
    assert "1 article imported, 0 already present, 0 rejected, 1 to check" in out
