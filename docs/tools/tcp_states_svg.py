"""Draws docs/src/figures/tcp-states.svg, the TCP state-transition diagram
(after UNP Fig 2.4). Run: python3 docs/tools/tcp_states_svg.py; then look at
it: rsvg-convert docs/src/figures/tcp-states.svg -o /tmp/tcp-states.png"""
import re
from pathlib import Path
W, H = 960, 1000
BW, BH = 150, 40
S = {
 "CLOSED": (480, 60), "LISTEN": (480, 180), "SYN_RCVD": (170, 300), "SYN_SENT": (790, 300),
 "ESTABLISHED": (480, 420), "FIN_WAIT_1": (170, 540), "CLOSING": (480, 540),
 "FIN_WAIT_2": (170, 700), "TIME_WAIT": (480, 700), "CLOSE_WAIT": (790, 540), "LAST_ACK": (790, 680),
}
out = []
def box(n):
    x, y = S[n]
    out.append(f'<rect x="{x-BW/2}" y="{y-BH/2}" width="{BW}" height="{BH}" rx="6" class="st"/>')
    out.append(f'<text x="{x}" y="{y+5}" class="sn">{n}</text>')
def path(pts, cls):
    d = "M" + " L".join(f"{x},{y}" for x, y in pts)
    out.append(f'<path d="{d}" class="{cls}" marker-end="url(#a-{cls})"/>')
def label(x, y, lines, anchor="middle", cls="lb"):
    t = f'<text x="{x}" y="{y}" class="{cls}" text-anchor="{anchor}">'
    for i, l in enumerate(lines):
        t += f'<tspan x="{x}" dy="{0 if i == 0 else (17 if cls == "nt" else 13)}">{l}</tspan>'
    out.append(t + "</text>")
def e(n, side):
    x, y = S[n]
    return {"t": (x, y-BH/2), "b": (x, y+BH/2), "l": (x-BW/2, y), "r": (x+BW/2, y)}[side]
def off(p, dx=0, dy=0): return (p[0]+dx, p[1]+dy)

# CLOSED -> LISTEN (server), LISTEN -> CLOSED (other)
path([off(e("CLOSED","b"),-25), off(e("LISTEN","t"),-25)], "srv")
label(447, 110, ["appl: passive open", "send: —"], "end", "ls")
path([off(e("LISTEN","t"),25), off(e("CLOSED","b"),25)], "oth")
label(513, 125, ["appl: close"], "start")
# CLOSED -> SYN_SENT (client)
path([e("CLOSED","r"), (790, 60), e("SYN_SENT","t")], "cli")
label(640, 82, ["appl: active open", "send: SYN"], "middle", "lc")
# SYN_SENT -> CLOSED (other): along right
path([off(e("SYN_SENT","r"),0,-8), (890, 292), (890, 45), off(e("CLOSED","r"),0,-15)], "oth")
label(884, 215, ["appl: close", "or timeout"], "end")
# LISTEN -> SYN_RCVD (server)
path([off(e("LISTEN","l"),0,5), (170, 185), e("SYN_RCVD","t")], "srv")
label(300, 162, ["recv: SYN", "send: SYN, ACK"], "middle", "ls")
# SYN_RCVD -> LISTEN (other)
path([off(e("SYN_RCVD","t"),40), (210, 235), (420, 235), off(e("LISTEN","b"),-60)], "oth")
label(300, 250, ["recv: RST"], "middle")
# LISTEN -> SYN_SENT (other)
path([off(e("LISTEN","r"),0,5), (760, 185), off(e("SYN_SENT","t"),-30)], "oth")
label(640, 162, ["appl: send data", "send: SYN"], "middle")
# SYN_SENT -> SYN_RCVD simultaneous open (other)
path([e("SYN_SENT","l"), e("SYN_RCVD","r")], "oth")
label(480, 292, ["recv: SYN; send: SYN, ACK"], "middle")
label(480, 316, ["(simultaneous open)"], "middle")
# SYN_RCVD -> ESTABLISHED (server)
path([off(e("SYN_RCVD","b"),25), (195, 412), off(e("ESTABLISHED","l"),0,-8)], "srv")
label(205, 370, ["recv: ACK", "send: —"], "start", "ls")
# SYN_SENT -> ESTABLISHED (client)
path([off(e("SYN_SENT","b"),-25), (765, 412), off(e("ESTABLISHED","r"),0,-8)], "cli")
label(755, 370, ["recv: SYN, ACK", "send: ACK"], "end", "lc")
# ESTABLISHED -> FIN_WAIT_1 (client, active close)
path([off(e("ESTABLISHED","l"),0,8), (230, 428), off(e("FIN_WAIT_1","t"),60)], "cli")
label(250, 445, ["appl: close", "send: FIN"], "start", "lc")
# SYN_RCVD -> FIN_WAIT_1 (other)
path([off(e("SYN_RCVD","b"),-40), off(e("FIN_WAIT_1","t"),-40)], "oth")
label(125, 420, ["appl: close", "send: FIN"], "end")
# ESTABLISHED -> CLOSE_WAIT (server, passive close)
path([off(e("ESTABLISHED","r"),0,8), (790, 428), e("CLOSE_WAIT","t")], "srv")
label(680, 448, ["recv: FIN", "send: ACK"], "middle", "ls")
# CLOSE_WAIT -> LAST_ACK (server)
path([e("CLOSE_WAIT","b"), e("LAST_ACK","t")], "srv")
label(800, 605, ["appl: close", "send: FIN"], "start", "ls")
# LAST_ACK -> CLOSED (server) along far right
path([e("LAST_ACK","r"), (930, 680), (930, 30), (480, 30), off(e("CLOSED","t"),0,0)], "srv")
label(925, 500, ["recv: ACK", "send: —"], "end", "ls")
# FIN_WAIT_1 -> FIN_WAIT_2 (client)
path([e("FIN_WAIT_1","b"), e("FIN_WAIT_2","t")], "cli")
label(180, 625, ["recv: ACK", "send: —"], "start", "lc")
# FIN_WAIT_1 -> CLOSING (other)
path([e("FIN_WAIT_1","r"), e("CLOSING","l")], "oth")
label(330, 532, ["recv: FIN; send: ACK"], "middle")
# FIN_WAIT_1 -> TIME_WAIT (other)
path([off(e("FIN_WAIT_1","b"),50), (270, 600), (430, 680)], "oth")
label(350, 600, ["recv: FIN, ACK", "send: ACK"], "start")
# CLOSING -> TIME_WAIT
path([e("CLOSING","b"), e("TIME_WAIT","t")], "oth")
label(490, 625, ["recv: ACK", "send: —"], "start")
# FIN_WAIT_2 -> TIME_WAIT (client)
path([e("FIN_WAIT_2","r"), e("TIME_WAIT","l")], "cli")
label(325, 690, ["recv: FIN; send: ACK"], "middle", "lc")
# TIME_WAIT -> CLOSED (client): along the far left
path([e("TIME_WAIT","b"), (480, 760), (25, 760), (25, 45), off(e("CLOSED","l"),0,-15)], "cli")
label(200, 775, ["2MSL timeout (60 s on Linux)"], "middle", "lc")

for n in S: box(n)
# group labels
label(170, 800, [], "middle")
# legend + lab notes
ly = 820
out.append(f'<line x1="40" y1="{ly}" x2="90" y2="{ly}" class="cli"/>'); label(100, ly+4, ["usual client path (active open, active close)"], "start", "lg")
out.append(f'<line x1="40" y1="{ly+22}" x2="90" y2="{ly+22}" class="srv"/>'); label(100, ly+26, ["usual server path (passive open, passive close)"], "start", "lg")
out.append(f'<line x1="40" y1="{ly+44}" x2="90" y2="{ly+44}" class="oth"/>'); label(100, ly+48, ["other transitions; appl = the application, recv/send = segments"], "start", "lg")
notes = ["What the lab shows (ss -tan, or /proc/net/tcp):",
 "tour — LISTEN, ESTABLISHED, FIN_WAIT_2 / CLOSE_WAIT, TIME_WAIT, CLOSED",
 "session — LISTEN → ESTABLISHED → FIN_WAIT_2 / CLOSE_WAIT → TIME_WAIT",
 "backlog — SYN_SENT on the clients the full queue drops; ESTABLISHED for the rest",
 "hostcrash — ESTABLISHED while the client retransmits, then CLOSED (ETIMEDOUT)",
 "fork_refcount — ESTABLISHED held by parent and child; FIN_WAIT_2 / CLOSE_WAIT after shutdown"]
label(40, ly+85, notes, "start", "nt")
svg = f'''<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
<title>TCP state transition diagram (after UNP Fig 2.4)</title>
<style>
.st {{ fill: #f6f8fa; stroke: #333; stroke-width: 1.5; }}
.sn {{ font-size: 15px; font-weight: bold; text-anchor: middle; fill: #111; }}
.cli {{ fill: none; stroke: #1f5fbf; stroke-width: 3; }}
.srv {{ fill: none; stroke: #c0392b; stroke-width: 3; stroke-dasharray: 9 5; }}
.oth {{ fill: none; stroke: #777; stroke-width: 1.3; }}
.lb {{ font-size: 11px; fill: #444; }}
.lc {{ font-size: 11px; fill: #1f5fbf; }}
.ls {{ font-size: 11px; fill: #c0392b; }}
.lg {{ font-size: 12px; fill: #222; }}
.nt {{ font-size: 13px; fill: #222; }}
</style>
<defs>
<marker id="a-cli" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#1f5fbf"/></marker>
<marker id="a-srv" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#c0392b"/></marker>
<marker id="a-oth" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#777"/></marker>
</defs>
<rect width="{W}" height="{H}" fill="#fff"/>
''' + "\n".join(out) + "\n</svg>\n"
figures = Path(__file__).parent.parent / "src/figures"
(figures / "tcp-states.svg").write_text(svg)

# The Chinese edition's copy (zh-CN.po points its image there): the same
# drawing, its words in the glossary's terms and UNP's Chinese Fig 2.4.
ZH = [
    ("usual client path (active open, active close)", "客户端的通常路径（主动打开、主动关闭）"),
    ("usual server path (passive open, passive close)", "服务器的通常路径（被动打开、被动关闭）"),
    ("other transitions; appl = the application, recv/send = segments",
     "其他转换；应用进程 = 应用程序的调用，接收/发送 = 分节"),
    ("What the lab shows (ss -tan, or /proc/net/tcp):", "本实验展示的状态（ss -tan 或 /proc/net/tcp）："),
    ("tour — LISTEN, ESTABLISHED, FIN_WAIT_2 / CLOSE_WAIT, TIME_WAIT, CLOSED",
     "tour — LISTEN、ESTABLISHED、FIN_WAIT_2 / CLOSE_WAIT、TIME_WAIT、CLOSED"),
    ("backlog — SYN_SENT on the clients the full queue drops; ESTABLISHED for the rest",
     "backlog — 被已满的队列丢弃的客户端处于 SYN_SENT；其余为 ESTABLISHED"),
    ("hostcrash — ESTABLISHED while the client retransmits, then CLOSED (ETIMEDOUT)",
     "hostcrash — 客户端重传期间为 ESTABLISHED，然后 CLOSED（ETIMEDOUT）"),
    ("fork_refcount — ESTABLISHED held by parent and child; FIN_WAIT_2 / CLOSE_WAIT after shutdown",
     "fork_refcount — ESTABLISHED 由父子进程共同持有；shutdown 之后为 FIN_WAIT_2 / CLOSE_WAIT"),
    ("2MSL timeout (60 s on Linux)", "2MSL 超时（Linux 上为 60 秒）"),
    ("(simultaneous open)", "（同时打开）"),
    ("TCP state transition diagram (after UNP Fig 2.4)", "TCP 状态转换图（依据 UNP 图 2.4）"),
    ("appl: passive open", "应用进程：被动打开"), ("appl: active open", "应用进程：主动打开"),
    ("appl: send data", "应用进程：发送数据"), ("appl: close", "应用进程：关闭"),
    ("or timeout", "或超时"), ("recv: ", "接收："), ("send: ", "发送："),
    ('font-family="DejaVu Sans,', 'font-family="WenQuanYi Micro Hei, Noto Sans CJK SC, DejaVu Sans,'),
]
zh = svg
for en, cn in ZH:
    assert en in zh, en
    zh = zh.replace(en, cn)
zh = re.sub(r"(<tspan[^>]*>)([^<]*)", lambda m: m[1] + m[2].replace("; ", "；"), zh)
(figures / "tcp-states.zh-CN.svg").write_text(zh)
