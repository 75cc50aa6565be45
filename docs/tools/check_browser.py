#!/usr/bin/env python3
"""Loads every page of every edition in headless Chromium; fails on a JavaScript
error, a resource that failed to load, or an image that did not render.

usage: check_browser.py BOOK_DIR LANG...

One browser, driven over the DevTools protocol on a pipe
(--remote-debugging-pipe: we write JSON+NUL on its fd 3, read on its fd 4), so
each page costs a navigation, not a browser start. Every wait has a deadline.
Keeps one screenshot per edition: BOOK_DIR/screenshot-LANG.png.
"""
import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PAGE_DEADLINE = 20.0  # seconds for one page to load and be checked
SCREENSHOT_PAGE = "ch05-echo/session.html"


class Browser:
    def __init__(self, exe: str, profile: str):
        to_browser_r, self.wfd = os.pipe()
        self.rfd, from_browser_w = os.pipe()
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                 "--remote-debugging-pipe", "about:blank"]

        def fds():  # in the child: fd 3 = our writes, fd 4 = its writes
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)
            os.closerange(5, 4096)
            os.set_inheritable(3, True)  # dup2(3, 3) would leave CLOEXEC set
            os.set_inheritable(4, True)

        self.proc = subprocess.Popen([exe, *flags], preexec_fn=fds,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(profile, "chromium.log"), "wb"), close_fds=False)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.buf, self.next_id, self.events = b"", 0, []

    def _read_msgs(self, deadline: float):
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("chromium did not answer in time")
            r, _, _ = select.select([self.rfd], [], [], left)
            if r:
                chunk = os.read(self.rfd, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed its DevTools pipe")
                self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=None, deadline=None):
        self.next_id += 1
        mid = self.next_id
        m = {"id": mid, "method": method, "params": params or {}}
        if session:
            m["sessionId"] = session
        os.write(self.wfd, json.dumps(m).encode() + b"\0")
        deadline = deadline or time.monotonic() + PAGE_DEADLINE
        while True:
            msg = self._read_msgs(deadline)
            if msg.get("id") == mid:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_event(self, method, deadline):
        while True:
            for i, e in enumerate(self.events):
                if e.get("method") == method:
                    return self.events.pop(i)
            self.events.append(self._read_msgs(deadline))

    def close(self):
        try:
            os.close(self.wfd)  # chromium exits when its pipe closes
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def problems_in(events):
    out = []
    for e in events:
        m, p = e.get("method"), e.get("params", {})
        if m == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            out.append(f"JavaScript error: {d.get('exception', {}).get('description') or d.get('text')}"
                       f" ({d.get('url', '')}:{d.get('lineNumber', '?')})")
        elif m == "Runtime.consoleAPICalled" and p.get("type") == "error":
            out.append("console.error: " + " ".join(str(a.get("value", a.get("description")))
                                                  for a in p.get("args", [])))
        elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
            out.append(f"{p['entry'].get('source')}: {p['entry'].get('text')} {p['entry'].get('url', '')}")
        elif m == "Network.loadingFailed" and not p.get("canceled"):
            out.append(f"failed to load: {p.get('errorText')} (request {p.get('requestId')})")
    return out


CHECK_JS = """(() => {
  const bad = [...document.images].filter(i => !i.complete || i.naturalWidth === 0)
      .map(i => i.getAttribute('src'));
  const sw = document.getElementById('unp-lang-switch');
  return JSON.stringify({bad, lang: sw ? sw.getAttribute('href') : null,
                         title: document.title});
})()"""


def main() -> int:
    book, langs = Path(sys.argv[1]).resolve(), sys.argv[2:]
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not exe:
        print("docs: chromium is not installed", file=sys.stderr)
        return 1
    problems, n = [], 0
    with tempfile.TemporaryDirectory(prefix="unp-docs-chromium-") as profile:
        b = Browser(exe, profile)
        try:
            start = time.monotonic() + 60
            tid = b.call("Target.createTarget", {"url": "about:blank"}, deadline=start)["targetId"]
            s = b.call("Target.attachToTarget", {"targetId": tid, "flatten": True},
                       deadline=start)["sessionId"]
            for dom in ("Page", "Runtime", "Log", "Network"):
                b.call(f"{dom}.enable", session=s, deadline=start)
            b.call("Emulation.setDeviceMetricsOverride",
                   {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False},
                   session=s, deadline=start)
            for lang in langs:
                for page in sorted((book / lang).rglob("*.html")):
                    rel = page.relative_to(book / lang)
                    if rel.name in ("404.html", "toc.html"):
                        continue
                    n += 1
                    deadline = time.monotonic() + PAGE_DEADLINE
                    b.events.clear()
                    b.call("Page.navigate", {"url": page.as_uri()}, session=s, deadline=deadline)
                    b.wait_event("Page.loadEventFired", deadline)
                    # let the page's own scripts finish one frame after load
                    b.call("Runtime.evaluate", {"expression":
                           "new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))",
                           "awaitPromise": True}, session=s, deadline=deadline)
                    r = json.loads(b.call("Runtime.evaluate", {"expression": CHECK_JS,
                                          "returnByValue": True}, session=s,
                                          deadline=deadline)["result"]["value"])
                    found = problems_in(b.events)
                    found += [f"image did not render: {src}" for src in r["bad"]]
                    if rel.name != "print.html" and not r["lang"]:
                        found.append("no link to the other language (#unp-lang-switch)")
                    problems += [f"{lang}/{rel}: {p}" for p in found]
                    if str(rel) == SCREENSHOT_PAGE:
                        png = b.call("Page.captureScreenshot", {"format": "png"}, session=s,
                                     deadline=deadline)["data"]
                        (book / f"screenshot-{lang}.png").write_bytes(base64.b64decode(png))
        finally:
            b.close()
    for p in problems:
        print("docs: browser: " + p, file=sys.stderr)
    shots = ", ".join(f"docs/book/screenshot-{lang}.png" for lang in langs)
    print(f"docs: chromium loaded {n} pages: {len(problems)} problems; screenshots {shots}")
    return 1 if problems or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
