#!/usr/bin/env python3
"""A minimal reader/writer for gettext .po files, and the one automatic step of
`bash docs/build.sh --update-po`:

  po.py fix-punct PO   Chinese punctuation in Chinese text: —— for an English
                       dash, （） for parentheses around or after Chinese text
                       (what check_po.py's punct_problems checks)
  po.py fill-code PO   copy msgid to msgstr for messages with nothing to
                       translate: a fenced code block (commands, program
                       output, includes), or text with no letters outside
                       `code spans` (e.g. "`tcpserv01` → `tcpserv02`").

Everything else is translated by a person; build.sh fails until it is.
"""
import re
import sys
from pathlib import Path


def unquote(s: str) -> str:
    s = s.strip()
    assert s.startswith('"') and s.endswith('"'), s
    out, i, body = [], 0, s[1:-1]
    esc = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    while i < len(body):
        c = body[i]
        if c == "\\":
            out.append(esc[body[i + 1]])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def quote(s: str) -> str:
    s = s.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    parts = s.split("\n")
    lines = [p + "\\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    if len(lines) <= 1:
        return '"' + (lines[0] if lines else "") + '"'
    return '""\n' + "\n".join('"' + l + '"' for l in lines)


class Entry:
    def __init__(self):
        self.comments, self.flags = [], []
        self.msgid = self.msgstr = None
        self.obsolete = False

    @property
    def fuzzy(self):
        return "fuzzy" in self.flags

    def render(self) -> str:
        out = list(self.comments)
        if self.flags:
            out.append("#, " + ", ".join(self.flags))
        out.append("msgid " + quote(self.msgid))
        out.append("msgstr " + quote(self.msgstr or ""))
        return "\n".join(out)


def read(path: Path) -> list[Entry]:
    entries, cur, field = [], Entry(), None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.rstrip("\n")
        if not line.strip():
            if cur.msgid is not None:
                entries.append(cur)
            cur, field = Entry(), None
        elif line.startswith("#~"):
            cur.obsolete = True
        elif line.startswith("#,"):
            cur.flags += [f.strip() for f in line[2:].split(",") if f.strip()]
        elif line.startswith("#"):
            cur.comments.append(line)
        elif line.startswith("msgid "):
            cur.msgid, field = unquote(line[6:]), "msgid"
        elif line.startswith("msgstr "):
            cur.msgstr, field = unquote(line[7:]), "msgstr"
        elif line.startswith('"'):
            setattr(cur, field, getattr(cur, field) + unquote(line))
    return [e for e in entries if not e.obsolete]


def write(path: Path, entries: list[Entry]):
    path.write_text("\n\n".join(e.render() for e in entries) + "\n", encoding="utf-8")


def nothing_to_translate(msgid: str) -> bool:
    s = msgid.strip()
    if s.startswith("```") or s.startswith("~~~"):
        return True
    s = re.sub(r"`[^`]*`", "", s)                 # code spans
    s = re.sub(r"\]\([^)]*\)", "]", s)            # link targets
    s = re.sub(r"\{\{#[^}]*\}\}", "", s)          # mdBook directives
    s = re.sub(r"<[^>]*>", "", s)                  # HTML tags (anchors)
    return not re.search(r"[A-Za-z]", s)


CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
CJK_OR_PUNCT = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
# What is not prose: code spans, fenced blocks, link targets, mdBook
# directives, HTML tags. Their dashes and parentheses stay as they are.
NOT_PROSE = re.compile(r"```.*?```|`[^`]*`|\]\([^)]*\)|\{\{#[^}]*\}\}|<[^>]*>", re.S)


def _prose_spans(s: str):
    """(start, end) of the prose pieces of s, between the NOT_PROSE matches."""
    pos = 0
    for m in NOT_PROSE.finditer(s):
        yield pos, m.start()
        pos = m.end()
    yield pos, len(s)


def _bad_parens(s: str, a: int, b: int) -> list[tuple[int, int]]:
    """ASCII parentheses in s[a:b] that enclose Chinese text or follow it."""
    out, stack = [], []
    for i in range(a, b):
        if s[i] == "(":
            stack.append(i)
        elif s[i] == ")" and stack:
            o = stack.pop()
            inner = NOT_PROSE.sub("", s[o + 1:i])
            before = s[o - 1] if o > 0 else ""
            if CJK.search(inner) or CJK_OR_PUNCT.match(before or " "):
                out.append((o, i))
    return out


def punct_problems(msgstr: str) -> list[str]:
    """Chinese text with English punctuation: an em dash that is not the
    Chinese double dash ——, parentheses around or after Chinese text."""
    if not CJK.search(NOT_PROSE.sub("", msgstr)):
        return []
    bad = []
    for a, b in _prose_spans(msgstr):
        piece = msgstr[a:b]
        for m in re.finditer("\u2014+", piece):
            if len(m.group()) != 2:
                bad.append(f"English dash near '{piece[max(0, m.start() - 8):m.end() + 8]}'")
        for o, c in _bad_parens(msgstr, a, b):
            bad.append(f"English parentheses in '{msgstr[max(o - 8, 0):c + 1]}'")
    return bad


def fix_punct(msgstr: str) -> str:
    if not CJK.search(NOT_PROSE.sub("", msgstr)):
        return msgstr
    chars = list(msgstr)
    for a, b in _prose_spans(msgstr):
        for o, c in _bad_parens(msgstr, a, b):
            chars[o], chars[c] = "（", "）"
    s = "".join(chars)
    out, pos = [], 0
    for a, b in list(_prose_spans(s)):
        out.append(s[pos:a])
        piece = re.sub(" ?\u2014+ ?", "——", s[a:b])
        out.append(re.sub(" ?（ ?", "（", re.sub(" ?） ?", "）", piece)))
        pos = b
    out.append(s[pos:])
    return "".join(out)


def fill_code(path: Path) -> int:
    entries, n = read(path), 0
    for e in entries[1:]:
        if nothing_to_translate(e.msgid) and (not e.msgstr or e.fuzzy):
            e.msgstr = e.msgid
            e.flags = [f for f in e.flags if f != "fuzzy"]
            n += 1
    write(path, entries)
    return n


if __name__ == "__main__":
    if sys.argv[1:2] == ["fix-punct"]:
        entries = read(Path(sys.argv[2]))
        n = 0
        for e in entries[1:]:
            if e.msgstr and e.msgstr != e.msgid and fix_punct(e.msgstr) != e.msgstr:
                e.msgstr, n = fix_punct(e.msgstr), n + 1
        write(Path(sys.argv[2]), entries)
        print(f"docs: Chinese punctuation in {n} message(s)")
    elif sys.argv[1:2] == ["fill-code"]:
        print(f"docs: {fill_code(Path(sys.argv[2]))} message(s) with nothing to translate copied as they are")
    else:
        sys.exit(__doc__)
