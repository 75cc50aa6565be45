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
import subprocess
import sys
from pathlib import Path

# Words other translations use for the glossary's terms (docs/src/glossary.md,
# after the Chinese UNP): the Chinese edition uses only the glossary's.
NOT_OUR_TERMS = {
    "套接口": "套接字", "僵死进程": "僵尸进程", "信号处理程序": "信号处理函数",
    "信号处理器": "信号处理函数", "三次握手": "三路握手", "四次挥手": "四分组终止序列",
    "字节顺序": "字节序", "客户机": "客户端", "包装函数": "包裹函数", "封装函数": "包裹函数",
    "报文段": "分节", "孤立进程": "孤儿进程", "已连接的套接字": "已连接套接字",
}


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
    text = merged.read_text(encoding="utf-8")
    msgstrs = "\n".join(part.split("msgstr", 1)[1] for part in text.split("\n\n") if "msgstr" in part)
    for wrong, right in NOT_OUR_TERMS.items():
        if wrong in msgstrs:
            fail = True
            print(f"docs: {po.name} says {wrong}; the glossary's term is {right}", file=sys.stderr)
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
