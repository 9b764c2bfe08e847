#!/usr/bin/env python3
"""soak.py - crash soak for tests/http/test_soak.sh and `make soak`.

  soak.py --hamgan BIN --db DB --web-root DIR --dir TMP
          [--seconds S] [--kills N] [--clients K] [--seed X]
          [--preload LIB] [--power-cut]

Starts `hamgan serve` on a fixed free loopback port over DB (already seeded
with the users of tests/http/lib.sh's h_seed, every password
correct-horse-battery).  K client threads register messages as the operator
(POST /api/v1/messages) without pause; one more thread refers each
acknowledged message to region-12 as the operator and answers it as staff
st12.  A code (or a transition) is recorded only once its 2xx answer has
been read in full.  N times, at a random moment, the server is killed with
SIGKILL and started again at once; the clients keep going (a refused or
cut request is simply not acknowledged).

--preload LIB runs every server but the last with LD_PRELOAD=LIB (the
power-loss shim, tests/power/lossy.c) and --power-cut sends it SIGUSR1
instead of SIGKILL: the shim drops every write not yet synced and kills the
process, as a power cut would.

At the end a server without the shim (started again if the last one was
cut) is asked for every acknowledged code (GET /api/v1/messages/CODE) and
must know it, in the state acknowledged last (or the next one, when a
transition was cut before its answer); it is then stopped with SIGTERM.
Prints one JSON summary line and exits 0 when nothing was missing.
"""
import argparse
import atexit
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time

PW = "correct-horse-battery"
ERRORS = (OSError, http.client.HTTPException, ValueError)


def free_port():
    """A free port below the ephemeral range: while the server is down, a
    client's connect() must never be given it as its own local port (a
    socket connected to itself would then keep the server from binding)."""
    lo = 32768
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            lo = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        pass
    rnd = random.Random()
    for _ in range(200):
        port = rnd.randrange(10000, max(lo, 10001))
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            s.close()
    sys.exit("no free port below the ephemeral range")


class Server:
    def __init__(self, a, port):
        self.a = a
        self.port = port
        self.proc = None
        self.starts = 0

    def start(self, preload=None):
        env = dict(os.environ)
        env.pop("LD_PRELOAD", None)
        if preload:
            env["LD_PRELOAD"] = preload
        self.starts += 1
        out = os.path.join(self.a.dir, "serve.%d.out" % self.starts)
        err = os.path.join(self.a.dir, "serve.%d.err" % self.starts)
        with open(out, "w") as fo, open(err, "w") as fe:
            self.proc = subprocess.Popen(
                [self.a.hamgan, "serve", "--listen", "127.0.0.1:%d" % self.port,
                 "--db", self.a.db, "--web-root", self.a.web_root,
                 "--set", "login_rate=100000"],
                stdout=fo, stderr=fe, env=env)
        deadline = time.time() + 60
        while time.time() < deadline:
            with open(out) as f:
                if "listening on http://" in f.read():
                    return
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        with open(err) as f:
            sys.exit("server did not start: " + f.read()[:600])

    def kill(self, sig):
        self.proc.send_signal(sig)
        self.proc.wait()
        return self.proc.returncode

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait()


class Client:
    """One keep-alive connection; any failure closes it and returns None."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def call(self, method, path, token=None, body=None):
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            headers = {"Content-Type": "application/json"}
            if token:
                headers["Authorization"] = "Bearer " + token
            data = json.dumps(body).encode() if body is not None else None
            self.conn.request(method, path, body=data, headers=headers)
            r = self.conn.getresponse()
            raw = r.read()
            if r.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            return r.status, (json.loads(raw) if raw else {})
        except ERRORS:
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            return None, None


class Tokens:
    """Bearer tokens by user, signed in again after a 401."""

    def __init__(self, port):
        self.port = port
        self.lock = threading.Lock()
        self.tok = {}

    def get(self, user, stop):
        with self.lock:
            if user in self.tok:
                return self.tok[user]
        c = Client(self.port)
        while not stop.is_set():
            st, b = c.call("POST", "/api/v1/auth/login", None,
                           {"username": user, "password": PW, "bearer": True})
            if st == 200:
                with self.lock:
                    self.tok[user] = b["token"]
                return b["token"]
            time.sleep(0.05)
        return None

    def drop(self, user):
        with self.lock:
            self.tok.pop(user, None)


class Book:
    """What the server acknowledged: code -> (state acknowledged, maybe)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.state = {}
        self.maybe = {}
        self.transitions = 0
        self.tried = 0
        self.unacked = 0

    def ack(self, code, state):
        with self.lock:
            self.state[code] = state
            self.maybe.pop(code, None)

    def transition(self, code, state):
        with self.lock:
            self.state[code] = state
            self.maybe.pop(code, None)
            self.transitions += 1

    def unsure(self, code, state):
        with self.lock:
            self.maybe[code] = state


def submitter(port, n, tokens, book, stop, rnd):
    c = Client(port)
    i = 0
    while not stop.is_set():
        tok = tokens.get("op", stop)
        i += 1
        body = {"kind": "complaint", "category": "roads",
                "subject": "سوک %d-%d" % (n, i),
                "body": "پیام آزمون پایداری شمارهٔ %d از کاربر %d" % (i, n),
                "mobile": "0912%07d" % rnd.randrange(10**7)}
        with book.lock:
            book.tried += 1
        st, b = c.call("POST", "/api/v1/messages", tok, body)
        if st == 201 and isinstance(b, dict) and b.get("code"):
            book.ack(b["code"], "registered")
            continue
        with book.lock:
            book.unacked += 1
        if st == 401:
            tokens.drop("op")
        if st is None or st >= 500:
            time.sleep(0.02)


def transitioner(port, tokens, book, stop):
    """Refer, then answer, the acknowledged messages, oldest first."""
    c = Client(port)
    done = set()
    steps = (("registered", "op", "refer", {"unit": "region-12"}, "referred"),
             ("referred", "st12", "answer", {"answer": "رسیدگی شد."}, "answered"))
    while not stop.is_set():
        with book.lock:
            todo = [(k, v) for k, v in book.state.items()
                    if k not in done and v in ("registered", "referred")][:20]
        if not todo:
            time.sleep(0.05)
            continue
        for code, state in todo:
            if stop.is_set():
                break
            for have, user, action, body, want in steps:
                if state != have:
                    continue
                tok = tokens.get(user, stop)
                st, b = c.call("POST", "/api/v1/messages/%s/%s" % (code, action), tok, body)
                if st == 200 and b.get("state") == want:
                    book.transition(code, want)
                elif st is None or st >= 500:
                    # cut before its answer: it may or may not have happened
                    book.unsure(code, want)
                    done.add(code)
                    time.sleep(0.02)
                else:
                    if st == 401:
                        tokens.drop(user)
                    done.add(code)
                break


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--hamgan", required=True)
    p.add_argument("--db", required=True)
    p.add_argument("--web-root", required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--kills", type=int, default=6)
    p.add_argument("--clients", type=int, default=4)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--preload")
    p.add_argument("--power-cut", action="store_true")
    a = p.parse_args()
    seed = a.seed if a.seed is not None else random.randrange(1 << 30)
    rnd = random.Random(seed)

    port = free_port()
    srv = Server(a, port)
    atexit.register(lambda: srv.proc and srv.proc.poll() is None and srv.proc.kill())
    srv.start(a.preload)
    tokens = Tokens(port)
    book = Book()
    stop = threading.Event()
    threads = [threading.Thread(target=submitter,
                                args=(port, i, tokens, book, stop, random.Random(seed + i)))
               for i in range(a.clients)]
    threads.append(threading.Thread(target=transitioner, args=(port, tokens, book, stop)))
    t0 = time.time()
    for t in threads:
        t.start()

    # N kills at random moments, spread over the time given
    kills = 0
    bad_exit = []
    sig = signal.SIGUSR1 if a.power_cut else signal.SIGKILL
    slot = a.seconds / max(a.kills, 1)
    for k in range(a.kills):
        time.sleep(rnd.uniform(0.3, 1.0) * slot)
        rc = srv.kill(sig)
        if rc != -signal.SIGKILL:
            bad_exit.append(rc)
        kills += 1
        srv.start(a.preload if k + 1 < a.kills else None)
    left = a.seconds - (time.time() - t0)
    if left > 0:
        time.sleep(left)
    stop.set()
    for t in threads:
        t.join()
    duration = time.time() - t0
    if a.preload and a.kills == 0:
        # the only server ran with the shim: cut it, then look without it
        rc = srv.kill(sig)
        if rc != -signal.SIGKILL:
            bad_exit.append(rc)
        kills += 1
        srv.start(None)

    # every acknowledged write is there
    stop2 = threading.Event()
    tok = tokens.get("op", stop2)
    c = Client(port)
    missing, wrong = [], []
    for code, state in sorted(book.state.items()):
        st, b = c.call("GET", "/api/v1/messages/%s" % code, tok)
        if st == 401:
            tokens.drop("op")
            tok = tokens.get("op", stop2)
            st, b = c.call("GET", "/api/v1/messages/%s" % code, tok)
        if st != 200:
            missing.append("%s:%s" % (code, st))
            continue
        ok = {state}
        if code in book.maybe:
            ok.add(book.maybe[code])
        if b.get("state") not in ok:
            wrong.append("%s:%s!=%s" % (code, b.get("state"), "|".join(sorted(ok))))
    found = len(book.state) - len(missing)
    stop_rc = srv.stop()
    sanitizer = []
    for i in range(1, srv.starts + 1):
        with open(os.path.join(a.dir, "serve.%d.err" % i), errors="replace") as f:
            text = f.read()
        if "Sanitizer" in text or "runtime error" in text:
            sanitizer.append(i)
    summary = {
        "seed": seed, "duration_s": round(duration, 1), "kills": kills,
        "starts": srv.starts, "tried": book.tried, "unacknowledged": book.unacked,
        "acknowledged": len(book.state), "transitions": book.transitions,
        "found": found, "missing": missing[:20], "missing_count": len(missing),
        "wrong_state": wrong[:20], "wrong_count": len(wrong),
        "kill_exit_unexpected": bad_exit, "final_stop_rc": stop_rc,
        "sanitizer_reports_in_starts": sanitizer,
    }
    print(json.dumps(summary, ensure_ascii=False))
    ok = (not missing and not wrong and not bad_exit and stop_rc == 0 and not sanitizer
          and len(book.state) > 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
