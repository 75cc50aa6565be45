#!/usr/bin/env python3
"""Fails on a broken link or anchor inside the built book.

usage: check_links.py BOOK_DIR LANG...

For every HTML page of every edition (BOOK_DIR/LANG/): each relative href
and src must name a file that exists, and each #fragment an id (or name) in
the target page. Every page must also exist in every other edition, since
each page links to the same page in the other language.

Images: every <img> must be an SVG that parses (and renders with
rsvg-convert, when it is installed), and a page of a translated edition
(LANG other than en) that shows figures/NAME.svg fails when
figures/NAME.LANG.svg exists: the figure has labels in its language.
"""
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

SKIP_PAGES = {"404.html"}  # mdBook writes it for a web server's root (absolute links)


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.refs = set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ("id", "name") if tag == "a" else ("id",):
            if a.get(k):
                self.ids.add(a[k])
        for k in ("href", "src"):
            if a.get(k):
                self.refs.append((tag, a[k]))


def parse(path: Path, cache: dict) -> Page:
    if path not in cache:
        p = Page()
        p.feed(path.read_text(encoding="utf-8"))
        cache[path] = p
    return cache[path]


def check_image(lang: str, rel: Path, ref: str, target: Path, seen: dict) -> list[str]:
    where = f"{lang}/{rel}: <img> {ref}"
    if lang != "en" and not target.name.endswith(f".{lang}.svg"):
        own = target.with_name(target.stem + f".{lang}.svg")
        if own.exists():
            return [f"{where}: shows the English figure; {own.name} has {lang} labels "
                    "(point the msgstr at it in docs/po)"]
    key = ("img", target)
    if key in seen:
        return seen[key]
    bad = []
    if target.suffix != ".svg":
        bad.append(f"{where}: not an SVG")
    else:
        try:
            ET.parse(target)
        except ET.ParseError as e:
            bad.append(f"{where}: not well-formed XML: {e}")
        if not bad and shutil.which("rsvg-convert"):
            r = subprocess.run(["rsvg-convert", "--format=png", str(target)], capture_output=True)
            if r.returncode != 0 or not r.stdout.startswith(b"\x89PNG"):
                bad.append(f"{where}: rsvg-convert cannot render it: {r.stderr.decode().strip()}")
    seen[key] = bad
    return bad


def main() -> int:
    book, langs = Path(sys.argv[1]), sys.argv[2:]
    cache, problems, checked = {}, [], 0
    for lang in langs:
        base = book / lang
        pages = sorted(p for p in base.rglob("*.html") if p.name not in SKIP_PAGES)
        if not pages:
            problems.append(f"{base}: no pages")
        for page in pages:
            rel = page.relative_to(base)
            for other in langs:
                if other != lang and not (book / other / rel).exists():
                    problems.append(f"{lang}/{rel}: no {other}/{rel} for the language link")
            for tag, ref in parse(page, cache).refs:
                u = urlsplit(ref)
                if u.scheme or ref.startswith("//") or ref.startswith("javascript:"):
                    continue
                checked += 1
                target = (page.parent / unquote(u.path)).resolve() if u.path else page
                if u.path.endswith("/") or (target.is_dir()):
                    target = target / "index.html"
                if not target.exists():
                    problems.append(f"{lang}/{rel}: <{tag}> {ref}: no file {target}")
                    continue
                if u.fragment and target.suffix == ".html":
                    frag = unquote(u.fragment)
                    if frag not in parse(target, cache).ids:
                        problems.append(f"{lang}/{rel}: <{tag}> {ref}: no id '{frag}' in {target.relative_to(book.resolve()) if target.is_relative_to(book.resolve()) else target}")
                if tag == "img":
                    problems += check_image(lang, rel, ref, target, cache)
    problems = list(dict.fromkeys(problems))  # a figure shown twice is one problem
    for p in problems:
        print("docs: broken link: " + p, file=sys.stderr)
    print(f"docs: {checked} links checked in {', '.join(langs)}: {len(problems)} broken")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
