#!/usr/bin/env python3
"""Marks every fenced code block of the Markdown files under DIR with
mdbook-i18n-helpers' `<!-- i18n:skip -->`, in place.

usage: skip_code.py DIR

build.sh runs it on a copy of docs/src before extracting messages.pot: the
book's code, commands, configuration and program output are never
translated, so no comment or string inside a code block becomes a message
(mdbook-xgettext would otherwise extract them, e.g. a YAML file's keys).
"""
import re
import sys
from pathlib import Path

FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})")
for md in Path(sys.argv[1]).rglob("*.md"):
    out, fence = [], None
    for line in md.read_text(encoding="utf-8").splitlines(keepends=True):
        m = FENCE.match(line)
        if fence is None and m:
            fence = m[2]
            out.append(f"{m[1]}<!-- i18n:skip -->\n")
        elif fence is not None and m and m[2].startswith(fence[0] * len(fence)) and not line.strip().strip(fence[0]):
            fence = None
        out.append(line)
    md.write_text("".join(out), encoding="utf-8")
