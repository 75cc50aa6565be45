//! A captured connection drawn as the book draws one (UNP Fig 2.5, the
//! ch.5 figures): the client's column on the left, the server's on the
//! right, one slanted arrow per segment labelled with its flags and its
//! relative seq, ack and payload length, and the TCP state of each end
//! written beside its column where a segment moves it.
//!
//! Only what is the same in every run is drawn: the order, direction and
//! flags of the segments, their lengths, seq and ack relative to each
//! end's first sequence number — never times or ports. The states are
//! not read from /proc: they are RFC 9293's state machine applied to the
//! segments drawn ([`states`]), which is what the kernel's ends went
//! through when the capture holds every segment of the connection.
//! The figures of the docs are made from fresh captures by
//! `UNP_BLESS=1 cargo test -p ch05-echo --test echo figures`, in English
//! and in Chinese ([`Lang`]).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::SocketAddr;

use super::packets::{ACK, FIN, RST, SYN, Segment};

/// The edition a figure is drawn for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    ZhCn,
}

/// A text in both editions.
#[derive(Clone, Copy, Debug)]
pub struct Text {
    pub en: &'static str,
    pub zh: &'static str,
}

impl Text {
    fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::ZhCn => self.zh,
        }
    }
}

/// Which column a note belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Client,
    Server,
}

/// What a program did between two segments (an exit, a kill, a write),
/// written beside its column before segment `before` (`segs.len()`: after
/// the last).
#[derive(Clone, Copy, Debug)]
pub struct Note {
    pub before: usize,
    pub side: Side,
    pub text: Text,
}

/// The words of one figure.
#[derive(Clone, Debug)]
pub struct Figure {
    pub title: Text,
    pub client: Text,
    pub server: Text,
    pub notes: Vec<Note>,
}

/// The state of each end after each segment: `(client, server)` before the
/// first segment, then one pair per segment. An end starts CLOSED (the
/// client) or LISTEN (the server); a state unchanged by a segment repeats.
pub fn states(segs: &[Segment], server_port: u16) -> Vec<(&'static str, &'static str)> {
    // Per end: its state and the sequence number that acknowledges its FIN.
    let mut st: HashMap<bool, (&'static str, Option<u32>)> = HashMap::new();
    st.insert(false, ("CLOSED", None)); // the client
    st.insert(true, ("LISTEN", None)); // the server
    let mut out = vec![("CLOSED", "LISTEN")];
    for s in segs {
        let from_server = s.from(server_port);
        // The sender.
        let (state, fin) = st[&from_server];
        let sent = if s.has(RST) {
            ("CLOSED", fin)
        } else if s.has(SYN) && !s.has(ACK) {
            ("SYN_SENT", fin)
        } else if s.has(FIN) {
            match state {
                "ESTABLISHED" | "SYN_RCVD" => ("FIN_WAIT_1", Some(s.next_seq())),
                "CLOSE_WAIT" => ("LAST_ACK", Some(s.next_seq())),
                other => (other, fin),
            }
        } else {
            (state, fin)
        };
        st.insert(from_server, sent);
        // The receiver: the ACK first, then SYN or FIN (RFC 9293 3.10.7).
        let (mut state, fin) = st[&!from_server];
        if s.has(RST) {
            state = "CLOSED";
        } else {
            let fin_acked = s.has(ACK) && fin == Some(s.ack);
            state = match (state, fin_acked) {
                ("SYN_SENT", _) if s.has(SYN) && s.has(ACK) => "ESTABLISHED",
                ("LISTEN", _) if s.has(SYN) => "SYN_RCVD",
                ("SYN_RCVD", _) if s.has(ACK) => "ESTABLISHED",
                ("FIN_WAIT_1", true) => "FIN_WAIT_2",
                ("CLOSING", true) => "TIME_WAIT",
                ("LAST_ACK", true) => "CLOSED",
                (other, _) => other,
            };
            if s.has(FIN) {
                state = match state {
                    "ESTABLISHED" => "CLOSE_WAIT",
                    "FIN_WAIT_1" => "CLOSING",
                    "FIN_WAIT_2" => "TIME_WAIT",
                    other => other,
                };
            }
        }
        st.insert(!from_server, (state, fin));
        out.push((st[&false].0, st[&true].0));
    }
    out
}

/// seq and ack of each segment, relative to each direction's first
/// sequence number (as [`super::packets::ladder`] and tcpdump print them).
fn relative(segs: &[Segment]) -> Vec<(u32, u32)> {
    let mut isn: HashMap<(SocketAddr, SocketAddr), u32> = HashMap::new();
    segs.iter()
        .map(|s| {
            let own = *isn.entry((s.src, s.dst)).or_insert(s.seq);
            let ack = match isn.get(&(s.dst, s.src)) {
                Some(i) if s.has(ACK) => s.ack.wrapping_sub(*i),
                _ => 0,
            };
            (s.seq.wrapping_sub(own), ack)
        })
        .collect()
}

fn esc(t: &str) -> String {
    t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

const WIDTH: i32 = 760;
const CX: i32 = 210; // the client's column
const SX: i32 = 550; // the server's column
const ROW: i32 = 44; // from one segment to the next
const SLANT: i32 = 20; // how far an arrow falls
const NOTE: i32 = 16; // one line of a note

/// The SVG of one connection's segments (`segs`, all of one connection,
/// in capture order; the server is the end on `server_port`).
pub fn svg(segs: &[Segment], server_port: u16, fig: &Figure, lang: Lang) -> String {
    let zh = lang == Lang::ZhCn;
    let font = if zh {
        "WenQuanYi Micro Hei, Noto Sans CJK SC, DejaVu Sans, Arial, sans-serif"
    } else {
        "DejaVu Sans, Arial, sans-serif"
    };
    let states = states(segs, server_port);
    let rel = relative(segs);
    let mut body = String::new();
    let mut y = 84;
    let state_at = |body: &mut String, side: Side, y: i32, st: &str| {
        let (x, anchor) = match side {
            Side::Client => (CX - 10, "end"),
            Side::Server => (SX + 10, "start"),
        };
        let _ = writeln!(
            body,
            r#"  <text x="{x}" y="{y}" class="state" text-anchor="{anchor}">{st}</text>"#
        );
    };
    state_at(&mut body, Side::Client, y, states[0].0);
    state_at(&mut body, Side::Server, y, states[0].1);
    y += 20;
    for i in 0..=segs.len() {
        for n in fig.notes.iter().filter(|n| n.before == i) {
            let (x, anchor) = match n.side {
                Side::Client => (CX - 10, "end"),
                Side::Server => (SX + 10, "start"),
            };
            for line in n.text.get(lang).split('\n') {
                y += NOTE;
                let _ = writeln!(
                    body,
                    r#"  <text x="{x}" y="{y}" class="event" text-anchor="{anchor}">{}</text>"#,
                    esc(line)
                );
            }
            y += 6;
        }
        let Some(s) = segs.get(i) else { break };
        let to_server = s.to(server_port);
        let (x0, x1) = if to_server { (CX, SX) } else { (SX, CX) };
        let (y0, y1) = (y + 8, y + 8 + SLANT);
        let _ = writeln!(
            body,
            r#"  <path d="M{x0},{y0} L{x1},{y1}" class="seg" marker-end="url(#arr)"/>"#
        );
        let mid = (CX + SX) / 2;
        let _ = writeln!(
            body,
            r#"  <text x="{mid}" y="{}" class="flags" text-anchor="middle">{}</text>"#,
            y0 + SLANT / 2 - 5,
            s.label()
        );
        let (seq, ack) = rel[i];
        let nums = if zh {
            format!("序列号 {seq}  确认号 {ack}  长度 {}", s.len)
        } else {
            format!("seq {seq}  ack {ack}  len {}", s.len)
        };
        let _ = writeln!(
            body,
            r#"  <text x="{mid}" y="{}" class="nums" text-anchor="middle">{nums}</text>"#,
            y0 + SLANT / 2 + 16
        );
        let (before, after) = (states[i], states[i + 1]);
        let (sender, receiver) = if to_server {
            (
                (Side::Client, before.0 != after.0, after.0),
                (Side::Server, before.1 != after.1, after.1),
            )
        } else {
            (
                (Side::Server, before.1 != after.1, after.1),
                (Side::Client, before.0 != after.0, after.0),
            )
        };
        if sender.1 {
            state_at(&mut body, sender.0, y0 + 4, sender.2);
        }
        if receiver.1 {
            state_at(&mut body, receiver.0, y1 + 4, receiver.2);
        }
        y += ROW;
    }
    y += 12;
    let foot = if zh {
        "序列号和确认号从各方向的第一个序列号算起；长度：载荷字节数。状态：RFC 9293 的状态机作用于这些分节。"
    } else {
        "seq and ack count from each direction's first sequence number; len: payload bytes. \
         States: RFC 9293's state machine applied to these segments."
    };
    let foot_lines: Vec<String> = if zh {
        foot.split_inclusive('。').map(str::to_string).collect()
    } else {
        foot.split_inclusive(". ")
            .map(|l| l.trim_end().to_string())
            .collect()
    };
    let life_end = y - 4;
    let mut foot_svg = String::new();
    for l in &foot_lines {
        y += 15;
        let _ = writeln!(
            foot_svg,
            r#"  <text x="20" y="{y}" class="note">{}</text>"#,
            esc(l)
        );
    }
    let height = y + 14;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="{font}" font-size="13">"#
    );
    out += r##"  <defs>
    <marker id="arr" markerWidth="10" markerHeight="8" refX="9" refY="4" orient="auto">
      <path d="M0,0 L10,4 L0,8 z" fill="#333"/>
    </marker>
  </defs>
  <style>
    .title { font-weight: bold; font-size: 15px; }
    .head { font-weight: bold; }
    .life { stroke: #888; stroke-width: 1.5; }
    .seg { stroke: #333; stroke-width: 1.6; fill: none; }
    .flags { font-weight: bold; font-size: 12px; }
    .nums { font-size: 11px; fill: #555; }
    .state { font-weight: bold; fill: #2b6cb0; font-size: 12px; }
    .note { font-size: 11px; fill: #555; }
    .event { font-size: 12px; fill: #b7791f; }
  </style>
"##;
    let _ = writeln!(
        out,
        r#"  <text x="20" y="24" class="title">{}</text>"#,
        esc(fig.title.get(lang))
    );
    let _ = writeln!(
        out,
        r#"  <text x="{CX}" y="56" class="head" text-anchor="middle">{}</text>"#,
        esc(fig.client.get(lang))
    );
    let _ = writeln!(
        out,
        r#"  <text x="{SX}" y="56" class="head" text-anchor="middle">{}</text>"#,
        esc(fig.server.get(lang))
    );
    let _ = writeln!(
        out,
        r#"  <line x1="{CX}" y1="66" x2="{CX}" y2="{life_end}" class="life"/>"#
    );
    let _ = writeln!(
        out,
        r#"  <line x1="{SX}" y1="66" x2="{SX}" y2="{life_end}" class="life"/>"#
    );
    out += &body;
    out += &foot_svg;
    out += "</svg>\n";
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    fn seg(to_server: bool, flags: u8, seq: u32, ack: u32, len: usize) -> Segment {
        let c: SocketAddr = "127.0.0.1:40000".parse().unwrap();
        let s: SocketAddr = "127.0.0.1:9877".parse().unwrap();
        let (src, dst) = if to_server { (c, s) } else { (s, c) };
        Segment {
            time: UNIX_EPOCH,
            src,
            dst,
            seq,
            ack,
            flags,
            len,
        }
    }

    #[test]
    fn the_four_segment_close_moves_both_ends_as_fig_2_5_says() {
        let segs = [
            seg(true, SYN, 100, 0, 0),
            seg(false, SYN | ACK, 500, 101, 0),
            seg(true, ACK, 101, 501, 0),
            seg(true, FIN | ACK, 101, 501, 0),
            seg(false, ACK, 501, 102, 0),
            seg(false, FIN | ACK, 501, 102, 0),
            seg(true, ACK, 102, 502, 0),
        ];
        let s = states(&segs, 9877);
        assert_eq!(
            s,
            [
                ("CLOSED", "LISTEN"),
                ("SYN_SENT", "SYN_RCVD"),
                ("ESTABLISHED", "SYN_RCVD"),
                ("ESTABLISHED", "ESTABLISHED"),
                ("FIN_WAIT_1", "CLOSE_WAIT"),
                ("FIN_WAIT_2", "CLOSE_WAIT"),
                ("TIME_WAIT", "LAST_ACK"),
                ("TIME_WAIT", "CLOSED"),
            ]
        );
    }

    #[test]
    fn an_rst_closes_both_ends_and_a_fin_crossing_a_fin_is_closing() {
        let segs = [
            seg(true, SYN, 100, 0, 0),
            seg(false, SYN | ACK, 500, 101, 0),
            seg(true, ACK, 101, 501, 0),
            seg(true, FIN | ACK, 101, 501, 0),
            seg(false, FIN | ACK, 501, 101, 0), // crosses: acks nothing of the FIN
            seg(false, ACK, 502, 102, 0),
            seg(true, RST, 102, 0, 0),
        ];
        let s = states(&segs, 9877);
        assert_eq!(s[5], ("CLOSING", "LAST_ACK"));
        assert_eq!(s[6], ("TIME_WAIT", "LAST_ACK"));
        assert_eq!(s[7], ("CLOSED", "CLOSED"));
    }

    #[test]
    fn the_svg_has_one_arrow_per_segment_and_no_absolute_numbers() {
        let segs = [
            seg(true, SYN, 123_456, 0, 0),
            seg(false, RST | ACK, 0, 123_457, 0),
        ];
        let fig = Figure {
            title: Text {
                en: "t", zh: "标题"
            },
            client: Text {
                en: "client",
                zh: "客户端",
            },
            server: Text {
                en: "server",
                zh: "服务器",
            },
            notes: vec![],
        };
        for lang in [Lang::En, Lang::ZhCn] {
            let svg = svg(&segs, 9877, &fig, lang);
            assert_eq!(svg.matches("class=\"seg\"").count(), 2, "{svg}");
            assert!(
                !svg.contains("123456") && !svg.contains("9877") && !svg.contains("40000"),
                "{svg}"
            );
        }
        let zh = svg(&segs, 9877, &fig, Lang::ZhCn);
        assert!(zh.contains("客户端") && zh.contains("确认号 1"), "{zh}");
    }
}
