#!/usr/bin/env python3
"""Fails unless docs/po/zh-CN.po translates every message of the English book.

usage: check_po.py FRESH_POT COMMITTED_POT ZH_PO TMPDIR

FRESH_POT is extracted from docs/src just now. The check merges it into a
copy of zh-CN.po (gettext's msgmerge, no fuzzy matching) and fails, listing
each message, when any msgid has no translation, an empty msgstr or a fuzzy
flag — so a Chinese page can never quietly fall back to English. It also fails
when the committed messages.pot is not the one the English source gives.
The fix for both is `bash docs/build.sh --update-po`, then translate.
"""
import re
import subprocess
import sys
from pathlib import Path

import po as pofile

# Words of neither book for the glossary's terms (docs/src/glossary.md): the
# Chinese edition uses only the glossary's. The words of the two Chinese books
# come from the glossary's own table (book_terms below).
NOT_OUR_TERMS = {
    "套接口": "套接字", "信号处理程序": "信号处理函数", "四次挥手": "四分组终止序列",
    "字节顺序": "字节序", "客户机": "客户端", "包装函数": "包裹函数", "封装函数": "包裹函数",
    "报文段": "分节", "孤立进程": "孤儿进程", "已连接的套接字": "已连接套接字",
    "竞争": "竞态", "退出状态": "终止状态",
}
BOOKS_TABLE = "| English | this lab | UNP-zh | Yoon-zh (TCPIP) |"
# A page may name the other book's word like this: (UNP-zh: 僵死进程).
CROSS_REFERENCE = re.compile(r"[（(](?:UNP-zh|Yoon-zh|TCPIP)[:：][^）)]*[）)]")


def book_terms(glossary: Path) -> dict[str, str]:
    """{a word of the UNP-zh or Yoon-zh column: this lab's word} for each row
    of the glossary's table of the two books whose word the lab does not use."""
    lines = glossary.read_text(encoding="utf-8").splitlines()
    start = lines.index(BOOKS_TABLE) + 2  # header, then |---|
    out = {}
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        ours = [w.strip() for part in cells[1].split("、") for w in part.split("/")]
        for cell in cells[2:]:
            for w in (w.strip() for w in cell.split("/")):
                if w and w not in ours and not any(w in o for o in ours):
                    out[w] = cells[1]
    assert out, f"no words read from the table {BOOKS_TABLE!r} in {glossary}"
    return out


def msgids(pot: Path) -> list[str]:
    """The msgids of a po/pot file, in order, without the header."""
    out = subprocess.run(
        ["msgcat", "--no-location", "--no-wrap", "--sort-output", str(pot)],
        check=True, capture_output=True, text=True).stdout
    ids, cur, in_id = [], None, False
    for line in out.splitlines():
        if line.startswith("msgid "):
            cur, in_id = [line[6:]], True
        elif in_id and line.startswith('"'):
            cur.append(line)
        elif in_id:
            ids.append("".join(cur))
            in_id = False
    return [i for i in ids if i != '""']


def main() -> int:
    fresh, committed, po, tmp = map(Path, sys.argv[1:5])
    fail = False
    if not committed.exists() or msgids(fresh) != msgids(committed):
        print(f"docs: {committed} is not the pot of the current English source", file=sys.stderr)
        fail = True
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], check=True)
    merged = tmp / "merged.po"
    subprocess.run(["msgmerge", "--quiet", "--no-fuzzy-matching", "--no-wrap",
                    "-o", str(merged), str(po), str(fresh)], check=True)
    for what, flag in (("without a translation", "--untranslated"),
                       ("marked fuzzy (translation not checked since the English changed)",
                        "--only-fuzzy")):
        bad = subprocess.run(["msgattrib", flag, "--no-obsolete", "--no-wrap", str(merged)],
                             check=True, capture_output=True, text=True).stdout
        entries = [e for e in bad.split("\n\n") if "msgid " in e and not e.startswith('msgid ""\nmsgstr ""\n"')]
        if entries:
            fail = True
            print(f"docs: {len(entries)} message(s) of the English book are {what} "
                  f"in {po.name}:", file=sys.stderr)
            for e in entries:
                print("  " + e.replace("\n", "\n  "), file=sys.stderr)
    entries = pofile.read(merged)[1:]
    glossary = po.parent.parent / "src" / "glossary.md"
    terms = {**NOT_OUR_TERMS, **book_terms(glossary)}
    for e in entries:
        where = " ".join(c[3:] for c in e.comments if c.startswith("#:"))
        if "src/glossary.md" in where.split():
            continue  # the glossary names every word, to say which one the lab uses
        text = CROSS_REFERENCE.sub("", e.msgstr or "")
        for wrong, right in terms.items():
            if wrong in text:
                fail = True
                print(f"docs: {po.name} says {wrong} ({where}); the glossary's term is {right}",
                      file=sys.stderr)
        if e.msgstr != e.msgid:
            for p in pofile.punct_problems(e.msgstr or ""):
                fail = True
                print(f"docs: {po.name}, {where}: {p}; Chinese text takes —— and （）"
                      f" (python3 docs/tools/po.py fix-punct docs/po/zh-CN.po)", file=sys.stderr)
    stats = subprocess.run(["msgfmt", "--statistics", "-o", "/dev/null", str(merged)],
                           capture_output=True, text=True).stderr.strip()
    print(f"docs: zh-CN: {stats}")
    if fail:
        print("docs: the Chinese edition does not follow the English: run "
              "`bash docs/build.sh --update-po`, translate the messages listed above "
              "in docs/po/zh-CN.po (remove each '#, fuzzy' after checking it), and "
              "build again", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
