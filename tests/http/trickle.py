#!/usr/bin/env python3
"""trickle.py - slow HTTP clients for tests/http/test_slow_clients.sh.

  trickle.py flood PORT --addresses N --per-address M [--interval S]
                        --status FILE
      Opens M connections from each of N loopback addresses (127.0.0.2 and
      up, the client socket bound to each), sends a request head one byte
      every S seconds and never finishes it.  A connection the server closes
      is opened again R seconds later (--retry; an attacker would).  Every 0.2 s FILE gets one line:
      "open=<connected now> opened=<connects> closed=<closed by the server>".
      Runs until killed.

  trickle.py one PORT --what head|body [--interval S] [--limit T]
      One slow client: its head (or, after a prompt head declaring 100
      bytes, its body) one byte every S seconds.  Prints the seconds until
      the server closed the connection, or "open" after T seconds.
"""
import argparse
import errno
import os
import selectors
import socket
import sys
import time

HEAD = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100000


def flood(a):
    sel = selectors.DefaultSelector()
    conns = {}  # socket -> [bytes sent, next send time, connected]
    stats = {"opened": 0, "closed": 0}
    slots = [("127.0.0.%d" % (2 + i), j) for i in range(a.addresses)
             for j in range(a.per_address)]
    pending = list(slots)  # (address, n) waiting to be (re)opened
    owner = {}
    retry_at = {}

    def open_one(slot):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.bind((slot[0], 0))
            s.connect_ex(("127.0.0.1", a.port))
        except OSError:
            s.close()
            return False
        conns[s] = [0, time.monotonic() + a.interval, False]
        owner[s] = slot
        sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
        stats["opened"] += 1
        return True

    def drop(s):
        sel.unregister(s)
        s.close()
        slot = owner.pop(s)
        conns.pop(s)
        stats["closed"] += 1
        retry_at[slot] = time.monotonic() + a.retry
        pending.append(slot)

    last_status = last_trickle = 0.0
    while True:
        now = time.monotonic()
        still = []
        for slot in pending:
            if retry_at.get(slot, 0) > now or not open_one(slot):
                still.append(slot)
        pending[:] = still
        for key, ev in sel.select(timeout=0.05):
            s = key.fileobj
            st = conns[s]
            if ev & selectors.EVENT_READ:
                try:
                    data = s.recv(4096)
                except OSError:
                    data = b""
                if not data:
                    drop(s)
                    continue
            if ev & selectors.EVENT_WRITE and not st[2]:
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    drop(s)
                    continue
                st[2] = True
                sel.modify(s, selectors.EVENT_READ)
                try:
                    s.send(HEAD[0:1])
                    st[0] = 1
                except OSError:
                    drop(s)
                    continue
        now = time.monotonic()
        if now - last_trickle >= 0.25:
            last_trickle = now
            for s, st in list(conns.items()):
                if st[2] and now >= st[1]:
                    st[1] = now + a.interval
                    try:
                        s.send(HEAD[st[0]:st[0] + 1])
                        st[0] += 1
                    except OSError:
                        drop(s)
        if now - last_status >= 0.2:
            last_status = now
            n_open = sum(1 for st in conns.values() if st[2])
            # write and rename: a reader never sees half a line
            with open(a.status + ".tmp", "w") as f:
                f.write("open=%d opened=%d closed=%d\n"
                        % (n_open, stats["opened"], stats["closed"]))
            os.replace(a.status + ".tmp", a.status)


def one(a):
    s = socket.create_connection(("127.0.0.1", a.port))
    s.setblocking(False)
    if a.what == "head":
        data, i = HEAD, 0
    else:
        s.send(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n"
               b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n")
        data, i = b"{" + b" " * 200, 0
    t0 = time.monotonic()
    while time.monotonic() - t0 < a.limit:
        try:
            got = s.recv(4096)
            if not got:
                print("%.1f" % (time.monotonic() - t0))
                return
        except BlockingIOError:
            pass
        except OSError:
            print("%.1f" % (time.monotonic() - t0))
            return
        try:
            s.send(data[i:i + 1])
            i += 1
        except OSError as e:
            if e.errno not in (errno.EAGAIN,):
                print("%.1f" % (time.monotonic() - t0))
                return
        time.sleep(a.interval)
    print("open")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["flood", "one"])
    p.add_argument("port", type=int)
    p.add_argument("--addresses", type=int, default=20)
    p.add_argument("--per-address", type=int, default=60)
    p.add_argument("--interval", type=float, default=1.0)
    p.add_argument("--retry", type=float, default=0.5)
    p.add_argument("--status", default="/dev/null")
    p.add_argument("--what", choices=["head", "body"], default="head")
    p.add_argument("--limit", type=float, default=20.0)
    a = p.parse_args()
    if a.mode == "flood":
        flood(a)
    else:
        one(a)


if __name__ == "__main__":
    sys.exit(main())
