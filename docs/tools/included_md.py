#!/usr/bin/env python3
"""Makes a small mdBook of the Markdown files the book includes (the
exercises' hints): gettext then extracts their messages like a page's.

usage: included_md.py DOCS_SRC REPO_ROOT OUT_BOOK_DIR

Each `{{#include PATH.md}}` or `{{#include PATH.md:anchor}}` in a page names
a file; it is copied (without ANCHOR lines) to OUT/src/<path from the repo
root>, and listed in OUT/src/SUMMARY.md. The msgids' locations then name the
real file.
"""
import re
import sys
from pathlib import Path

src, root, out = (Path(a).resolve() for a in sys.argv[1:4])
files = set()
for page in src.rglob("*.md"):
    for m in re.finditer(r"\{\{#include\s+([^}\s:]+\.md)(?::[^}\s]*)?\s*\}\}", page.read_text()):
        f = (page.parent / m[1]).resolve()
        if f.exists():
            files.add(f.relative_to(root))
(out / "src").mkdir(parents=True, exist_ok=True)
(out / "book.toml").write_text('[book]\nsrc = "src"\n')
summary = ["# Summary", ""]
for rel in sorted(files):
    dest = out / "src" / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    lines = (root / rel).read_text().splitlines(keepends=True)
    dest.write_text("".join(l for l in lines if not re.match(r"\s*(<!--\s*)?ANCHOR(_END)?:", l)))
    summary.append(f"- [0]({rel})")
(out / "src" / "SUMMARY.md").write_text("\n".join(summary) + "\n")
print(f"docs: {len(files)} included Markdown files")
