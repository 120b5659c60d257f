"""Screenshots of TensorBoard pages with headless Chromium, waiting in real time for the charts.

Usage: tb_shot.py OUT.png URL [--wait SECONDS] [--height PIXELS] [--full] [--clip X,Y,W,H] [--js EXPR]...

`chromium --headless --screenshot` shoots at the load event or after a virtual time budget, before
TensorBoard's charts have fetched and drawn their data. This drives Chromium through the DevTools
protocol instead (standard library only: a minimal WebSocket client): open URL, wait, run each
--js expression (a click, a scroll) with a wait after it, then capture the viewport or, with
--full, the whole page. Chromium: `apt-get install chromium`.
"""
import argparse
import base64
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request


class Cdp:
    """One DevTools WebSocket connection (text frames; the server's frames are unmasked)."""

    def __init__(self, url):
        u = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=120)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {u.path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        assert b" 101 " in head.split(b"\r\n")[0], head
        self.next_id = 0

    def _recv_exact(self, n):
        out = b""
        while len(out) < n:
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                raise EOFError("DevTools closed the connection")
            out += chunk
        return out

    def _recv_message(self):
        data = b""
        while True:
            b0, b1 = self._recv_exact(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._recv_exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._recv_exact(8))[0]
            data += self._recv_exact(n)
            if b0 & 0x80:
                return data

    def call(self, method, **params):
        self.next_id += 1
        payload = json.dumps({"id": self.next_id, "method": method, "params": params}).encode()
        mask = os.urandom(4)
        n = len(payload)
        head = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack(">H", n)
                               if n < 65536 else bytes([0x80 | 127]) + struct.pack(">Q", n))
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
        while True:
            msg = json.loads(self._recv_message())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("url")
    ap.add_argument("--wait", type=float, default=12)
    ap.add_argument("--height", type=int, default=1200)
    ap.add_argument("--width", type=int, default=1600)
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--js", action="append", default=[])
    ap.add_argument("--clip", help="x,y,width,height: only this part of the page, at full resolution")
    a = ap.parse_args()
    profile = tempfile.mkdtemp()
    chrome = subprocess.Popen(
        ["chromium", "--headless", "--no-sandbox", "--use-gl=angle", "--use-angle=swiftshader",
         "--enable-unsafe-swiftshader", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
         f"--window-size={a.width},{a.height}", "--remote-debugging-port=0", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for line in chrome.stderr:
            m = re.search(r"DevTools listening on (ws://\S+)", line)
            if m:
                break
        browser = m.group(1)
        port = urllib.parse.urlparse(browser).port
        # Chromium keeps logging to stderr (D-Bus is absent here): drain it so it never blocks.
        threading.Thread(target=lambda: [None for _ in chrome.stderr], daemon=True).start()
        targets = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/json").read())
        page = Cdp(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"])
        page.call("Page.enable")
        page.call("Emulation.setDeviceMetricsOverride", width=a.width, height=a.height, deviceScaleFactor=1,
                  mobile=False)
        page.call("Page.navigate", url=a.url)
        time.sleep(a.wait)
        for js in a.js:
            page.call("Runtime.evaluate", expression=js, awaitPromise=True)
            time.sleep(a.wait / 2)
        extra = {}
        if a.clip:
            x, y, w, h = (float(v) for v in a.clip.split(","))
            extra["clip"] = {"x": x, "y": y, "width": w, "height": h, "scale": 1}
        shot = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=a.full, **extra)
        with open(a.out, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
    finally:
        chrome.terminate()
        chrome.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
