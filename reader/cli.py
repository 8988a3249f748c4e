"""The ``coverage-reader`` command line: the same core as the window, for scripting.

Exit codes: 0 success; 1 some inputs failed (the rest were imported) or a check found
problems; 2 usage errors; 75 the library is in use by another process (try again later);
130 interrupted.

Commands that only read (list, show, search, …) work beside a running window: they open
the library for reading when another process is changing it. Commands that change it
wait a few seconds for the other process, then say who is using the library.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import signal
import sys
import threading
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from reader import __version__
from reader.core.annotations.model import COLORS, DEFAULT_COLOR, Highlight
from reader.core.errors import (
    ArticleNotFound,
    CoverageReaderError,
    LibraryReadOnly,
    QueryError,
    WriteFailed,
)
from reader.core.library import ImportProgress, ImportReport, ImportStopped, Library, LibraryInUse
from reader.core.models import ArticleFilter, ArticleSummary, StoredArticle

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_USAGE = 2
EXIT_BUSY = 75  # EX_TEMPFAIL
EXIT_INTERRUPTED = 130

#: How long a command that changes the library waits for another process to let it go.
WRITE_WAIT_S = 10.0


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse exits with 2 as well; keep the text
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--library",
        metavar="DIR",
        type=Path,
        default=argparse.SUPPRESS,
        help="library folder (default: $COVERAGE_READER_LIBRARY or the per-user data folder)",
    )
    parser = _Parser(
        prog="coverage-reader",
        description="Read, search and annotate news coverage offline.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"coverage-reader {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check that this copy works (a temporary library, the seeds, a search and "
        "the window offscreen), then exit",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    sub.add_parser("gui", parents=[common], help="open the window (the default)")

    p = sub.add_parser("import", parents=[common], help="import files or folders")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--json", action="store_true", help="print a JSON summary")

    p = sub.add_parser("list", parents=[common], help="list the articles")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--sort", choices=["date", "title", "source", "added"], default="date")
    p.add_argument("--limit", type=_positive_int, default=None)
    p.add_argument("--lang", metavar="CODE", help="only articles in this language (ru, zh, …)")

    p = sub.add_parser("show", parents=[common], help="show one article")
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("search", parents=[common], help="search the library")
    p.add_argument("query", metavar="QUERY", nargs="+")
    p.add_argument("--limit", type=_positive_int, default=20)
    p.add_argument("--sort", choices=["relevance", "date"], default="relevance")
    p.add_argument(
        "--all-spellings",
        action="store_true",
        help="search every spelling of the names typed (Putin, Путин, 普京; see aliases)",
    )
    p.add_argument("--json", action="store_true", help="one JSON object per line")

    p = sub.add_parser("language", parents=[common], help="show or correct an article's language")
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("code", nargs="?", metavar="CODE", help="the language (en, ru, zh, …)")
    p.add_argument(
        "--detect", action="store_true", help="forget a correction: detect it from the text"
    )

    p = sub.add_parser(
        "aliases",
        parents=[common],
        help="the table of name spellings (alias:KEY in queries)",
    )
    p.add_argument("key", nargs="?", metavar="KEY", help="show only this group")
    p.add_argument("--add", nargs=2, metavar=("KEY", "NAME"), help="add a spelling to a group")
    p.add_argument(
        "--kind", choices=["person", "place", "organisation"], help="the kind of a new group"
    )
    p.add_argument(
        "--remove", nargs=2, metavar=("KEY", "NAME"), help="take a spelling out of a group"
    )
    p.add_argument("--json", action="store_true", help="one JSON object per line")

    p = sub.add_parser("check", parents=[common], help="verify the database and the index")
    p.add_argument("--repair", action="store_true", help="rebuild the index if it disagrees")

    p = sub.add_parser("similar", parents=[common], help="articles like this one")
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("--limit", type=_positive_int, default=10)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("timeline", parents=[common], help="articles over time")
    p.add_argument("--by", choices=["source", "tag"], help="split each period by source or tag")
    p.add_argument("--query", metavar="Q", help="only the articles this search finds")
    p.add_argument(
        "--step", choices=["day", "week", "month"], help="the period (default: chosen by the span)"
    )
    p.add_argument(
        "--all-spellings", action="store_true", help="search every spelling of names in --query"
    )
    p.add_argument("--json", action="store_true", help="one JSON object per line")

    p = sub.add_parser("statements", parents=[common], help="who said what")
    p.add_argument("id", type=int, nargs="?", metavar="ARTICLE_ID", help="only this article")
    p.add_argument("--speaker", metavar="NAME", help="only this speaker (any spelling)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")

    p = sub.add_parser(
        "entities", parents=[common], help="people, places and organisations named, with counts"
    )
    p.add_argument("id", type=int, nargs="?", metavar="ARTICLE_ID", help="only this article")
    p.add_argument("--kind", choices=["person", "place", "organisation"], help="only this kind")
    p.add_argument("--query", metavar="Q", help="counted over the articles this search finds")
    p.add_argument(
        "--all-spellings", action="store_true", help="search every spelling of names in --query"
    )
    p.add_argument("--limit", type=_positive_int, help="at most this many, the most named first")
    p.add_argument("--json", action="store_true", help="one JSON object per line")

    p = sub.add_parser(
        "stories", parents=[common], help="articles telling the same story (copies, events)"
    )
    p.add_argument("id", type=int, nargs="?", metavar="ARTICLE_ID", help="only this one's story")
    p.add_argument("--json", action="store_true", help="one JSON object per line")

    p = sub.add_parser("compare", parents=[common], help="two articles side by side")
    p.add_argument("first", type=int, metavar="A")
    p.add_argument("second", type=int, metavar="B")
    p.add_argument("--json", action="store_true", help="one JSON object per sentence")

    p = sub.add_parser("imports", parents=[common], help="the import log (manifest)")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("highlight", parents=[common], help="highlight a passage of an article")
    p.add_argument("id", type=int, metavar="ARTICLE_ID")
    p.add_argument("--quote", required=True, help="the exact text to highlight")
    p.add_argument(
        "--occurrence", type=_positive_int, default=1, help="which appearance of the quote"
    )
    p.add_argument("--color", choices=COLORS, default=DEFAULT_COLOR)
    p.add_argument("--note", default="", help="a note (plain text or Markdown)")
    p.add_argument("--tag", action="append", default=[], help="a tag (repeatable)")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("highlights", parents=[common], help="list highlights")
    p.add_argument("id", type=int, nargs="?", metavar="ARTICLE_ID")
    p.add_argument("--orphans", action="store_true", help="only highlights that lost their text")
    p.add_argument("--json", action="store_true", help="one JSON object per line")

    p = sub.add_parser("export", parents=[common], help="export highlights")
    p.add_argument("--format", required=True, choices=["markdown", "json", "csv", "html"])
    p.add_argument("--query", help="only the highlights of articles matching this search")
    p.add_argument("--article", type=int, action="append", help="only this article (repeatable)")
    p.add_argument("--out", type=Path, metavar="FILE", help="write to FILE instead of stdout")

    p = sub.add_parser(
        "import-annotations", parents=[common], help="import W3C Web Annotation JSON"
    )
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--json", action="store_true")
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_test:
        from reader.selftest import run_self_test

        return run_self_test()
    if args.command in (None, "gui"):
        from reader.ui.app import run_gui

        return run_gui(getattr(args, "library", None))
    out = sys.stdout
    try:
        with _open_library(args) as library:
            for notice in library.notices:
                print(f"note: {notice}", file=sys.stderr)
            handler = _COMMANDS[args.command]
            return handler(library, args, out)
    except KeyboardInterrupt:
        print("interrupted; everything imported so far is kept", file=sys.stderr)
        return EXIT_INTERRUPTED
    except QueryError as exc:
        print(f"coverage-reader: bad query: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ArticleNotFound as exc:
        print(f"coverage-reader: {exc}", file=sys.stderr)
        return EXIT_PARTIAL
    except LibraryInUse as exc:
        print(f"coverage-reader: {exc}; nothing was changed. Try again when it is done.",
              file=sys.stderr)  # fmt: skip
        return EXIT_BUSY
    except CoverageReaderError as exc:
        print(f"coverage-reader: {exc}", file=sys.stderr)
        return EXIT_PARTIAL
    except OSError as exc:  # the core says what it can; this is the last word
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"coverage-reader: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_PARTIAL


def _changes_library(args: argparse.Namespace) -> bool:
    return (
        args.command in ("import", "highlight", "import-annotations")
        or bool(getattr(args, "repair", False))
        or (args.command == "language" and (bool(args.code) or args.detect))
        or (args.command == "aliases" and bool(args.add or args.remove))
    )


def _open_library(args: argparse.Namespace) -> Library:
    """The library, to change it (waiting a little for another process that is changing
    it) or, for commands that only read, beside such a process or in a read-only folder."""
    path = getattr(args, "library", None)
    program = f"the command 'coverage-reader {args.command}'"
    try:
        return Library.open(path, program=program)
    except LibraryInUse as exc:
        if not _changes_library(args):
            return Library.open_read_only(path, why=str(exc))
        print(f"coverage-reader: {exc}; waiting up to {WRITE_WAIT_S:.0f} s", file=sys.stderr)
        return Library.open(path, program=program, wait=WRITE_WAIT_S)
    except (LibraryReadOnly, WriteFailed) as exc:
        # A read-only folder, or a full disk that stopped the library catching up:
        # reading works all the same.
        if _changes_library(args):
            raise
        return Library.open_read_only(path, why=str(exc))


# -- commands ------------------------------------------------------------------------


def cmd_import(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    missing = [p for p in args.paths if not p.exists() and not p.is_symlink()]
    for path in missing:
        print(f"coverage-reader: {path}: no such file or folder", file=sys.stderr)
    bar = _ProgressBar() if sys.stderr.isatty() else None
    # Ctrl+C asks the import to stop after the file it is reading (so the summary counts
    # exactly what was kept); a second Ctrl+C stops at once (still without damage).
    stop = threading.Event()

    def on_interrupt(signum: int, frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous = signal.signal(signal.SIGINT, on_interrupt)
    stopped: ImportStopped | None = None
    try:
        report = library.import_paths(
            [p for p in args.paths if p not in missing],
            progress=bar.update if bar else None,
            cancelled=stop.is_set,
        )
    except ImportStopped as exc:  # the disk is full: say what was kept
        stopped = exc
        report = exc.report
    finally:
        signal.signal(signal.SIGINT, previous)
        if bar:
            bar.close()
    failed = [{"path": str(p), "reason": "no such file or folder"} for p in missing]
    failed += [{"path": f.path, "reason": f.reason} for f in report.failed]
    _print_import(report, failed, args.json, out, stopped)
    if stopped is not None:
        print(f"coverage-reader: {stopped}", file=sys.stderr)
        return EXIT_PARTIAL
    if report.index_error:
        print(f"warning: {report.index_error}", file=sys.stderr)
    if report.cancelled:
        print("interrupted; everything imported so far is kept", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_PARTIAL if failed or report.problems or report.index_error else EXIT_OK


def _print_import(
    report: ImportReport,
    failed: list[dict[str, str]],
    as_json: bool,
    out: TextIO,
    stopped: ImportStopped | None,
) -> None:
    if as_json:
        summary = report.as_dict()
        summary["failed"] = failed
        if stopped is not None:
            summary["stopped"] = str(stopped)
        print(json.dumps(summary, ensure_ascii=False), file=out)
    else:
        print(
            f"imported {report.imported}, updated {report.updated}, "
            f"duplicates {report.duplicates}, failed {len(failed)}",
            file=out,
        )
        for item in failed:
            print(f"failed: {item['path']}: {item['reason']}", file=sys.stderr)
        for problem in report.problems:
            print(f"warning: {problem}", file=sys.stderr)


def cmd_list(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    where = None
    if args.lang:
        where = ArticleFilter(language=args.lang.strip().lower().split("-")[0])
    rows = library.list_articles(
        sort=args.sort, descending=args.sort != "title", limit=args.limit, where=where
    )
    if args.json:
        for row in rows:
            print(json.dumps(_summary_json(row), ensure_ascii=False), file=out)
        return EXIT_OK
    if not rows:
        print("The library is empty. Import files with: coverage-reader import PATH", file=out)
        return EXIT_OK
    for row in rows:
        date = row.date.isoformat()[:10] if row.date else "----------"
        source = _fit(row.source or "", 24)
        print(f"{row.id:>6}  {date}  {source}  {row.title}", file=out)
    return EXIT_OK


def cmd_show(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    article = library.get_article(args.id)
    if args.json:
        data = _article_json(article)
        data["paragraphs"] = list(article.paragraphs)
        print(json.dumps(data, ensure_ascii=False), file=out)
        return EXIT_OK
    print(article.title, file=out)
    meta = " · ".join(
        part
        for part in (
            article.source,
            article.dateline,
            article.date.isoformat().replace("T", " ") if article.date else None,
            article.url,
        )
        if part
    )
    if meta:
        print(meta, file=out)
    print(file=out)
    print("\n\n".join(article.paragraphs), file=out)
    return EXIT_OK


def cmd_search(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    query = " ".join(args.query)
    page = library.search(query, limit=args.limit, sort=args.sort, all_spellings=args.all_spellings)
    articles = {a.id: a for a in library.get_articles([h.article_id for h in page.hits])}
    if args.json:
        for hit in page.hits:
            article = articles.get(hit.article_id)
            if article is None:
                continue
            data = _article_json(article)
            data["score"] = round(hit.score, 4)
            data["snippet"] = hit.snippet
            data["matched_in"] = list(hit.matched_in)
            print(json.dumps(data, ensure_ascii=False), file=out)
    else:
        tty = out.isatty()
        count = f"{page.total}" if page.total_is_exact else f"about {page.total}"
        print(f"{count} result{'s' if page.total != 1 else ''} for {query!r}", file=out)
        for hit in page.hits:
            article = articles.get(hit.article_id)
            if article is None:
                continue
            date = article.date.isoformat()[:10] if article.date else ""
            meta = " · ".join(p for p in (article.source, date) if p)
            where = [w for w in hit.matched_in if w in ("note", "highlight", "tags", "color")]
            if where:
                meta = " · ".join(p for p in (meta, "in your " + ", ".join(where)) if p)
            print(f"\n[{article.id}] {article.title}" + (f"  ({meta})" if meta else ""), file=out)
            print(f"    {_render_snippet(hit.snippet, tty)}", file=out)
    for notice in page.notices:
        print(f"note: {notice}", file=sys.stderr)
    if page.suggestion:
        print(f"Did you mean: {page.suggestion}", file=sys.stderr)
    return EXIT_OK


def cmd_check(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    report = library.check(repair=args.repair)
    print(f"{report.articles} articles in the library, {report.indexed} in the index", file=out)
    for problem in report.problems:
        print(f"problem: {problem}", file=out)
    if report.repaired:
        after = library.check()
        if after.ok:
            print("repaired: the index was rebuilt from the library", file=out)
            return EXIT_OK
        for problem in after.problems:
            print(f"still wrong: {problem}", file=out)
        return EXIT_PARTIAL
    if report.ok:
        print("ok", file=out)
        return EXIT_OK
    print("run 'coverage-reader check --repair' to rebuild the index", file=out)
    return EXIT_PARTIAL


def cmd_similar(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    similar = library.more_like_this(args.id, limit=args.limit)
    articles = {a.id: a for a in library.get_articles([i for i, _ in similar])}
    for article_id, score in similar:
        article = articles.get(article_id)
        if article is None:
            continue
        if args.json:
            data = _article_json(article)
            data["score"] = round(score, 4)
            print(json.dumps(data, ensure_ascii=False), file=out)
        else:
            print(f"{article.id:>6}  {score:6.2f}  {article.title}", file=out)
    return EXIT_OK


def cmd_imports(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    for row in library.import_log():
        if args.json:
            print(json.dumps(row, ensure_ascii=False), file=out)
        else:
            reason = f"  ({row['message']})" if row["message"] else ""
            print(f"{row['logged_at']}  {row['outcome']:<9}  {row['path']}{reason}", file=out)
    return EXIT_OK


def cmd_highlight(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    highlight = library.highlight_quote(
        args.id,
        args.quote,
        occurrence=args.occurrence,
        color=args.color,
        note=args.note,
        tags=args.tag,
    )
    if args.json:
        print(json.dumps(_highlight_json(highlight), ensure_ascii=False), file=out)
    else:
        print(
            f"highlight {highlight.id}: {highlight.color}, characters "
            f"{highlight.start}-{highlight.end} of article {args.id}",
            file=out,
        )
    return EXIT_OK


def cmd_highlights(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if args.id is not None:
        library.get_article(args.id)
    found = library.orphans() if args.orphans else library.highlights(args.id)
    if args.orphans and args.id is not None:
        found = [h for h in found if h.article_id == args.id]
    for h in found:
        if args.json:
            print(json.dumps(_highlight_json(h), ensure_ascii=False), file=out)
            continue
        where = f"article {h.article_id}" if h.article_id is not None else "no article"
        status = h.anchor if h.anchor == "exact" else f"{h.anchor} {h.confidence:.2f}"
        print(f"{h.id:>6}  {h.color:<7} {where}, {h.start}-{h.end} ({status})", file=out)
        print(f"        “{h.exact}”", file=out)
        if h.note:
            print(f"        note: {h.note}", file=out)
        if h.tags:
            print(f"        tags: {', '.join(h.tags)}", file=out)
    if not found and not args.json:
        print("No highlights.", file=out)
    return EXIT_OK


def cmd_export(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    text = library.export_highlights(args.format, query=args.query, article_ids=args.article)
    if args.out is None:
        out.write(text)
        return EXIT_OK
    tmp = args.out.with_name(args.out.name + ".part")
    try:
        tmp.write_text(text, encoding="utf-8", newline="")
        tmp.replace(args.out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        print(f"coverage-reader: {args.out}: cannot write: {exc.strerror}", file=sys.stderr)
        return EXIT_PARTIAL
    return EXIT_OK


def cmd_import_annotations(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    report = library.import_annotations(args.file)
    if args.json:
        data = {
            "imported": report.imported,
            "duplicates": report.duplicates,
            "orphans": list(report.orphans),
        }
        print(json.dumps(data, ensure_ascii=False), file=out)
    else:
        print(
            f"imported {report.imported}, duplicates {report.duplicates}, "
            f"orphans {len(report.orphans)}",
            file=out,
        )
        for orphan in report.orphans:
            print(f"orphan: {orphan}", file=sys.stderr)
    return EXIT_OK


def cmd_language(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if args.code and args.detect:
        print("coverage-reader: give a language or --detect, not both", file=sys.stderr)
        return EXIT_USAGE
    if args.code or args.detect:
        library.set_language(args.id, None if args.detect else args.code)
    article = library.get_article(args.id)
    print(article.language or "unknown", file=out)
    return EXIT_OK


def cmd_aliases(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if args.add and args.remove:
        print("coverage-reader: --add or --remove, one at a time", file=sys.stderr)
        return EXIT_USAGE
    if args.add:
        library.add_alias(args.add[0], args.add[1], kind=args.kind)
    elif args.remove:
        library.remove_alias(args.remove[0], args.remove[1])
    table = library.alias_table()
    groups = list(table.groups.values())
    chosen = args.key or (args.add or args.remove or [None])[0]
    if chosen:
        groups = [g for g in groups if g.key == chosen.strip().lower().replace(" ", "-")]
        if not groups and args.key:
            print(f"coverage-reader: there is no name group “{args.key}”", file=sys.stderr)
            return EXIT_PARTIAL
    for group in groups:
        if args.json:
            data = {
                "key": group.key,
                "kind": group.kind,
                "names": list(group.names),
                "added": list(group.added),
                "removed": list(group.removed),
            }
            print(json.dumps(data, ensure_ascii=False), file=out)
        else:
            kind = f" ({group.kind})" if group.kind else ""
            print(f"{group.key}{kind}: {', '.join(group.names) or '(no names)'}", file=out)
    return EXIT_OK


def cmd_statements(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    found = library.statements(args.id, speaker=args.speaker)
    for st in found:
        if args.json:
            row = {
                "article_id": st.article_id,
                "speaker": st.speaker,
                "kind": st.kind,
                "verb": st.verb,
                "text": st.text,
                "start": st.start,
                "end": st.end,
                "quote": st.quote,
                "date": st.date,
            }
            print(json.dumps(row, ensure_ascii=False), file=out)
        else:
            shown = f"“{st.text}”" if st.quote else st.text
            print(f"{st.article_id:>6}  {st.speaker} ({st.verb}): {shown}", file=out)
    if not args.json:
        who = f" by {args.speaker}" if args.speaker else ""
        print(f"{len(found):,} statement{'s' if len(found) != 1 else ''}{who}", file=sys.stderr)
    return EXIT_OK


def cmd_entities(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if args.id is not None:
        if args.query:
            print("coverage-reader: give an ARTICLE_ID or --query, not both", file=sys.stderr)
            return EXIT_USAGE
        found = library.article_entities(args.id)
        if args.kind:
            found = [e for e in found if e.kind == args.kind]
        count_name = "mentions"
    else:
        found = library.entities(args.kind, query=args.query, all_spellings=args.all_spellings)
        count_name = "articles"
    if args.limit is not None:
        found = found[: args.limit]
    for entity in found:
        if args.json:
            row = {
                "kind": entity.kind,
                "key": entity.key,
                "name": entity.name,
                count_name: entity.articles,
                "query": entity.query,
            }
            print(json.dumps(row, ensure_ascii=False), file=out)
        else:
            print(f"{entity.articles:>6}  {entity.name:<32}  {entity.query}", file=out)
    if not args.json:
        print(f"{len(found):,} named; the count is of {count_name}", file=sys.stderr)
    return EXIT_OK


def cmd_stories(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if args.id is not None:
        one = library.story_of(args.id)
        found = [one] if one is not None else []
    else:
        found = library.stories()
    for number, group in enumerate(found, start=1):
        summaries = {s.id: s for s in library.summaries(list(group.article_ids))}
        if args.json:
            row = {
                "story": group.article_ids[0],
                "article_ids": list(group.article_ids),
                "sources": sorted({str(summaries[i].source) for i in group.article_ids
                                   if summaries[i].source}),
                "relations": list(group.relations),
                "links": [
                    {"a": link.a, "b": link.b, "relation": link.relation,
                     "similarity": round(link.similarity, 3)}
                    for link in group.links
                ],
            }  # fmt: skip
            print(json.dumps(row, ensure_ascii=False), file=out)
        else:
            print(f"story {number} ({', '.join(group.relations)}):", file=out)
            for i in group.article_ids:
                s = summaries[i]
                when = s.date.isoformat()[:10] if s.date else "no date"
                print(f"{i:>8}  {when}  {s.source or '(no source)'}: {s.title}", file=out)
    if not args.json:
        print(f"{len(found):,} stor{'ies' if len(found) != 1 else 'y'}", file=sys.stderr)
    return EXIT_OK


def cmd_compare(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    left, right = library.compare(args.first, args.second)
    texts = {i: library.get_article(i).text for i in (args.first, args.second)}
    for article_id, passages in ((args.first, left), (args.second, right)):
        text = texts[article_id]
        for p in passages:
            if args.json:
                row = {"article_id": article_id, "start": p.start, "end": p.end,
                       "shared": p.shared, "text": text[p.start : p.end]}  # fmt: skip
                print(json.dumps(row, ensure_ascii=False), file=out)
        if not args.json:
            shared = sum(1 for p in passages if p.shared)
            print(f"== {article_id}: {shared} of {len(passages)} sentences shared", file=out)
            for p in passages:
                print(f"{'=' if p.shared else '+'} {text[p.start : p.end]}", file=out)
    return EXIT_OK


#: Width of the longest bar of ``timeline``, in terminal cells.
TIMELINE_BAR = 40


def cmd_timeline(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    timeline = library.timeline(
        by=args.by, query=args.query, step=args.step, all_spellings=args.all_spellings
    )
    if args.json:
        # One object a period (empty ones too, for plotting); split, one a period and
        # group that has articles in it.
        for bucket in timeline.buckets:
            if args.by is None:
                row: dict[str, Any] = {"period": bucket.period, "count": bucket.count}
                print(json.dumps(row, ensure_ascii=False), file=out)
                continue
            for group in timeline.groups:
                count = bucket.groups.get(group, 0)
                if count:
                    row = {"period": bucket.period, args.by: group, "count": count}
                    print(json.dumps(row, ensure_ascii=False), file=out)
        return EXIT_OK
    if not timeline.buckets:
        what = "the search finds no dated articles" if args.query else "no article has a date"
        print(f"Nothing to show: {what}.", file=out)
        return EXIT_OK
    peak = max(b.count for b in timeline.buckets) or 1
    width = max(len(b.period) for b in timeline.buckets)
    for bucket in timeline.buckets:
        bar = "█" * round(bucket.count * TIMELINE_BAR / peak) if bucket.count else ""
        line = f"{bucket.period:<{width}}  {bucket.count:>5}  {bar}"
        if args.by is not None and bucket.count:
            parts = [
                f"{group if group is not None else '(none)'} {bucket.groups[group]}"
                for group in timeline.groups
                if bucket.groups.get(group)
            ]
            line = f"{line}  {' · '.join(parts)}"
        print(line.rstrip(), file=out)
    total = f"{timeline.total:,} article{'s' if timeline.total != 1 else ''} by {timeline.step}"
    undated = f"; {timeline.undated:,} without a date" if timeline.undated else ""
    print(f"{total}{undated}", file=sys.stderr)
    return EXIT_OK


_COMMANDS = {
    "language": cmd_language,
    "aliases": cmd_aliases,
    "highlight": cmd_highlight,
    "highlights": cmd_highlights,
    "export": cmd_export,
    "import-annotations": cmd_import_annotations,
    "import": cmd_import,
    "list": cmd_list,
    "show": cmd_show,
    "search": cmd_search,
    "check": cmd_check,
    "similar": cmd_similar,
    "imports": cmd_imports,
    "timeline": cmd_timeline,
    "statements": cmd_statements,
    "entities": cmd_entities,
    "stories": cmd_stories,
    "compare": cmd_compare,
}


# -- helpers -------------------------------------------------------------------------


def _cells(char: str) -> int:
    """Terminal cells a character takes: two for wide (Chinese, Japanese, Korean) and
    full-width forms, none for combining marks."""
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _fit(text: str, width: int) -> str:
    """``text`` cut and padded to exactly ``width`` terminal cells, so that columns after
    it line up whatever the script."""
    used = 0
    kept: list[str] = []
    for char in text:
        cells = _cells(char)
        if used + cells > width:
            break
        kept.append(char)
        used += cells
    return "".join(kept) + " " * (width - used)


def _summary_json(row: ArticleSummary | StoredArticle) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "date": row.date.isoformat() if row.date else None,
        "source": row.source,
        "dateline": row.dateline,
        "language": row.language,
        "url": row.url,
        "tags": list(row.tags),
        "read": row.is_read,
    }


def _highlight_json(h: Highlight) -> dict[str, Any]:
    return {
        "id": h.id,
        "uid": h.uid,
        "article_id": h.article_id,
        "color": h.color,
        "quote": h.exact,
        "note": h.note,
        "tags": list(h.tags),
        "start": h.start,
        "end": h.end,
        "anchor": h.anchor,
        "confidence": round(h.confidence, 4),
        "created": h.created_at.isoformat(),
        "modified": h.modified_at.isoformat(),
    }


def _article_json(article: StoredArticle) -> dict[str, Any]:
    data = _summary_json(article)
    data["author"] = article.author
    data["version"] = article.version
    data["content_hash"] = article.content_hash
    return data


_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def _render_snippet(snippet: str, tty: bool) -> str:
    if tty:
        text = _MARK.sub(lambda m: f"\x1b[1;7m{m[1]}\x1b[0m", snippet)
    else:
        text = _MARK.sub(lambda m: f"[{m[1]}]", snippet)
    return html.unescape(text)


class _ProgressBar:
    """A terminal progress bar (files, articles/s, ETA) on stderr."""

    def __init__(self) -> None:
        from tqdm import tqdm

        # tqdm reads the terminal's size and hides the bar on a 0-row terminal (a bare
        # pty, some CI consoles): give it the size with a sensible fallback.
        size = shutil.get_terminal_size((100, 24))
        self._bar = tqdm(
            total=0,
            unit="file",
            file=sys.stderr,
            ncols=size.columns or 100,
            nrows=size.lines or 24,
            leave=False,
        )

    def update(self, progress: ImportProgress) -> None:
        if self._bar.total != progress.files_total:
            self._bar.total = progress.files_total
            self._bar.refresh()
        self._bar.n = progress.files_done
        self._bar.set_postfix_str(
            f"{progress.articles} articles, {progress.articles_per_second:.0f}/s", refresh=False
        )
        self._bar.refresh()

    def close(self) -> None:
        self._bar.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
