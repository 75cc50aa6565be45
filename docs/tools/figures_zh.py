#!/usr/bin/env python3
"""Writes the Chinese edition's figures: docs/src/figures/NAME.zh-CN.svg from
NAME.svg, each label replaced by its translation below (tcp-states has its own
generator, tcp_states_svg.py; the ladder-*.svg figures are drawn in both
languages from captures by the ch05-echo test `figures`). docs/po/zh-CN.po points the Chinese pages at
the .zh-CN.svg files; check_links.py fails when one is missing, and when a
Chinese page shows an English figure that has a Chinese one.

  python3 docs/tools/figures_zh.py          write every NAME.zh-CN.svg
  python3 docs/tools/figures_zh.py --check  fail unless each is up to date

After changing an English figure: add the translation of each new label here,
run this, and look at the result (rsvg-convert F.zh-CN.svg -o /tmp/f.png).
"""
import re
import sys
from pathlib import Path

FIGURES = Path(__file__).resolve().parent.parent / "src" / "figures"
FONT = 'font-family="WenQuanYi Micro Hei, Noto Sans CJK SC, DejaVu Sans, Arial, sans-serif"'

# Labels the same in both editions (identifiers, states, pids) need no entry.
ZH = {
    "ch04-fig4-14.svg": {
        "UNP Fig 4.14 — client and server before accept returns": "UNP 图 4.14——accept 返回之前的客户端和服务器",
        "client": "客户端",
        "server (parent)": "服务器（父进程）",
        "connect() returned": "connect() 已返回",
        "blocked in accept()": "阻塞在 accept() 中",
        "connection request": "连接请求",
        "The handshake is already complete (both ends ESTABLISHED): the server's end":
            "三路握手已经完成（两端都是 ESTABLISHED）：服务器一端",
        "waits in the accept queue — listener Recv-Q 1, HELD BY (kernel only).":
            "在 accept 队列中等待——监听套接字 Recv-Q 1，HELD BY (kernel only)。",
    },
    "ch04-fig4-15.svg": {
        "UNP Fig 4.15 — client and server after accept returns": "UNP 图 4.15——accept 返回之后的客户端和服务器",
        "client": "客户端",
        "server (parent)": "服务器（父进程）",
        "connect() returned": "connect() 已返回",
        "accept() returned 5": "accept() 返回了 5",
        "connection (ESTABLISHED)": "连接（ESTABLISHED）",
        "accept returns a NEW descriptor, connfd=5, for the connection;": "accept 为这个连接返回一个新的描述符 connfd=5；",
        "listenfd=3 stays in LISTEN for the next client.": "listenfd=3 仍处于 LISTEN，等待下一个客户。",
    },
    "ch04-fig4-16.svg": {
        "UNP Fig 4.16 — client and server after fork returns": "UNP 图 4.16——fork 返回之后的客户端和服务器",
        "client": "客户端",
        "server (parent)": "服务器（父进程）",
        "server (child)": "服务器（子进程）",
        "connect() returned": "connect() 已返回",
        "fork() returned 0": "fork() 返回了 0",
        "fork() returned the child's pid": "fork() 返回了子进程的 pid",
        "one connection, two descriptors": "一个连接，两个描述符",
        "The child has the same numbers for the same sockets: listenfd=3 and connfd=5":
            "子进程用同样的号码指向同样的套接字：listenfd=3 和 connfd=5",
        "in both processes (HELD BY parent:connfd=5, child:connfd=5). Each socket counts 2.":
            "在两个进程中都有（HELD BY parent:connfd=5, child:connfd=5）。每个套接字的引用计数为 2。",
    },
    "ch04-fig4-17.svg": {
        "UNP Fig 4.17 — after parent and child close the sockets they do not use":
            "UNP 图 4.17——父进程和子进程关闭各自不用的套接字之后",
        "client": "客户端",
        "server (parent)": "服务器（父进程）",
        "server (child)": "服务器（子进程）",
        "connect() returned": "connect() 已返回",
        "connection (ESTABLISHED)": "连接（ESTABLISHED）",
        "The parent's close(5) only dropped a reference: the connection lives on in the":
            "父进程的 close(5) 只是减少了一个引用：连接在子进程中继续存在，",
        "child, which answers the client. Only shutdown() would end it for everyone.":
            "由子进程应答客户端。只有 shutdown() 才会对所有进程结束它。",
    },
    "echo-halfclose.svg": {
        "Half-close: shutdown(SHUT_WR) ends one direction; the echoes keep coming back":
            "半关闭：shutdown(SHUT_WR) 结束一个方向；回射仍在返回",
        "echo_mpclient's socket": "echo_mpclient 的套接字",
        "shared by the writer (child) and the reader (parent)": "由写进程（子进程）和读进程（父进程）共享",
        "tcpserv01 child": "tcpserv01 子进程",
        "writer: sends every line of stdin,": "写进程：发送 stdin 的每一行，",
        "not waiting for echoes;": "不等待回射；",
        "at stdin EOF: shutdown(SHUT_WR)": "stdin 读到 EOF：shutdown(SHUT_WR)",
        "then the writer exits": "然后写进程退出",
        "data 1": "数据 1", "data 2": "数据 2", "data 3": "数据 3",
        "echo 1": "回射 1", "echo 2": "回射 2", "echo 3": "回射 3",
        "read() returns 0 after data 3": "数据 3 之后 read() 返回 0",
        "the child exits: its FIN": "子进程退出：它的 FIN",
        "reader: still reading echoes": "读进程：仍在读回射",
        "reader: read() returns 0 — every echo has arrived": "读进程：read() 返回 0——每个回射都已到达",
        "With close() instead of shutdown() in the writer, the reader (parent) still holds the socket, so its reference count stays above 0":
            "如果写进程用 close() 代替 shutdown()，读进程（父进程）仍持有套接字，引用计数不会降到 0，",
        "so no FIN is sent at all — the server waits for more data, the reader waits for more echoes.":
            "于是根本不发送 FIN——服务器等更多数据，读进程等更多回射。",
    },
    "echo-tcpserv01-zombies.svg": {
        "While two clients are connected": "两个客户端连接期间",
        "After both clients typed Ctrl-D": "两个客户端都按下 Ctrl-D 之后",
        "tcpserv01 parent": "tcpserv01 父进程",
        "child (serves A)": "子进程（服务 A）",
        "child (serves B)": "子进程（服务 B）",
        "pid 7444 · S · never calls wait()": "pid 7444 · S · 从不调用 wait()",
        "pid 7457 · Z · exit status kept": "pid 7457 · Z · 保留终止状态",
        "pid 7460 · Z · exit status kept": "pid 7460 · Z · 保留终止状态",
        "client's FIN → read() = 0": "客户端的 FIN → read() = 0",
        "→ child exit(0) → zombie": "→ 子进程 exit(0) → 僵尸进程",
        "one zombie per finished": "每个结束的客户留下",
        "client, until the parent": "一个僵尸进程，直到父进程",
        "waits or exits (UNP 5.8)": "wait 或退出（UNP 5.8）",
    },
    "echo-termination.svg": {
        "Normal termination (UNP 5.7): tcpcli01 closes first": "正常终止（UNP 5.7）：tcpcli01 先关闭",
        "client (tcpcli01)": "客户端（tcpcli01）",
        "server child (tcpserv01)": "服务器子进程（tcpserv01）",
        "Ctrl-D: str_cli returns,": "Ctrl-D：str_cli 返回，",
        "exit closes the socket": "exit 关闭套接字",
        "Recv-Q 1 (the FIN); the demo holds": "Recv-Q 1（那个 FIN）；演示程序",
        "the child stopped here (step 4)": "在这里停住子进程（第 4 步）",
        "read returns 0, str_echo": "read 返回 0，str_echo",
        "returns, the child exits": "返回，子进程退出",
        "60 s on Linux (2 MSL),": "Linux 上 60 秒（2MSL），",
        "held by the kernel only": "只由内核持有",
        "the child: a zombie (Z) until waited for": "子进程：在被 wait 之前是僵尸进程（Z）",
    },
    "sigchld-coalesce.svg": {
        "Five children exit while the server is stopped (state T)": "服务器被停住（状态 T）时五个子进程退出",
        "child 1 → Z": "子进程 1 → Z", "child 2 → Z": "子进程 2 → Z", "child 3 → Z": "子进程 3 → Z",
        "child 4 → Z": "子进程 4 → Z", "child 5 → Z": "子进程 5 → Z",
        "5 × SIGCHLD sent": "发出 5 个 SIGCHLD",
        "server's pending set": "服务器的待处理信号集",
        "SIGCHLD: 1 (a bit,": "SIGCHLD：1（一个位，",
        "not a counter)": "不是计数器）",
        "SIGCONT": "SIGCONT",
        "sig_chld runs ONCE": "sig_chld 只运行一次",
        "SIGCHLD blocked while it runs,": "运行期间 SIGCHLD 被阻塞，",
        "then accept(2) again (state S)": "然后再次 accept(2)（状态 S）",
        "one wait() → one child reaped": "一次 wait() → 回收一个子进程",
        "4 zombies remain": "留下 4 个僵尸进程",
        "loop until 0 (StillAlive)": "循环直到返回 0（StillAlive）",
        "5 \"child N terminated\" lines": "5 行 \"child N terminated\"",
        "0 zombies": "0 个僵尸进程",
        "(no more signals will come": "（不会再有信号",
        " for them)": "为它们到来）",
        "Without the stop the children exit": "不停住服务器时，子进程在",
        "while the server runs: some signals": "服务器运行期间退出：有些信号",
        "are handled apart, some merge —": "被分别处理，有些被合并——",
        "tcpserv03 leaves 0–4 zombies, at random.": "tcpserv03 随机留下 0–4 个僵尸进程。",
        "while let Ok(st) =": "while let Ok(st) =",  # code
    },
}

TEXT = re.compile(r"(<text\b[^>]*>)([^<]*)(</text>)")


def translate(name: str, svg: str) -> str:
    table, missing = ZH[name], []

    def one(m):
        text = m.group(2).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        if text in table:
            zh = table[text].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            return m.group(1) + zh + m.group(3)
        if re.search(r"\b(the|a|an|and|of|to|is|are|by|for|with|while|after|before|returns?|until)\b", text):
            missing.append(text)
        return m.group(0)

    out = TEXT.sub(one, svg)
    if missing:
        sys.exit(f"docs: {name}: no Chinese for {missing} (add them to docs/tools/figures_zh.py)")
    out = re.sub(r'font-family="[^"]*"', FONT, out, count=1)
    if FONT not in out:
        out = out.replace("<svg ", "<svg " + FONT + " ", 1)
    return out


def main() -> int:
    check = sys.argv[1:] == ["--check"]
    stale = []
    for name in sorted(ZH):
        zh = translate(name, (FIGURES / name).read_text(encoding="utf-8"))
        target = FIGURES / name.replace(".svg", ".zh-CN.svg")
        if check:
            if not target.exists() or target.read_text(encoding="utf-8") != zh:
                stale.append(target.name)
        else:
            target.write_text(zh, encoding="utf-8")
    english = {p.name for p in FIGURES.glob("*.svg") if not p.name.endswith(".zh-CN.svg")}
    # ladder-*.svg: drawn in both languages from captures by
    # UNP_BLESS=1 cargo test -p ch05-echo --test echo figures
    generated = {n for n in english if n.startswith("ladder-")}
    untranslated = sorted(english - set(ZH) - {"tcp-states.svg"} - generated)
    if untranslated:
        print(f"docs: figures without a Chinese version: {untranslated} "
              "(add them to docs/tools/figures_zh.py)", file=sys.stderr)
        return 1
    if stale:
        print(f"docs: {stale} not what docs/tools/figures_zh.py makes of the English figures: "
              "run python3 docs/tools/figures_zh.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
