#!/usr/bin/env python3
"""nodes_kill.py - SIGKILL one of two nodes while clients submit to both
(tests/http/test_two_nodes.sh).

  nodes_kill.py --a PORT --b PORT --b-pid PID --token TOKEN
                [--clients K] [--before S] [--after S]

K client threads register messages as the operator (a bearer token that
both nodes know: the session is in the database), each sending its
requests to node A and node B in turn, on a keep-alive connection per
node.  A code is recorded only once its 201 has been read in full.  After
--before seconds node B is killed with SIGKILL (mid-write: with K clients
its writer always has a batch open); the clients go on for --after seconds
(B's requests fail and are not acknowledged; A's must go on being
acknowledged: B's connections to the database died with it, and with them
its write lock).

Then every acknowledged code is asked of node A (GET /api/v1/messages/CODE)
and must be there.  Prints one JSON line: acknowledged (by A, by B before
the kill), acknowledged by A after the kill, requests that got no answer,
missing codes; exits 0 when none is missing and A went on after the kill.
"""
import argparse
import http.client
import json
import os
import signal
import sys
import threading
import time

ERRORS = (OSError, http.client.HTTPException, ValueError)


class Client:
    """One keep-alive connection; any failure closes it and returns None."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def call(self, method, path, token, body=None):
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            headers = {"Content-Type": "application/json",
                       "Authorization": "Bearer " + token}
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


class Book:
    def __init__(self):
        self.lock = threading.Lock()
        self.codes = []
        self.by = {"a": 0, "b": 0}
        self.a_after_kill = 0
        self.unanswered = 0
        self.refused = 0

    def ack(self, node, code, after_kill):
        with self.lock:
            self.codes.append(code)
            self.by[node] += 1
            if node == "a" and after_kill:
                self.a_after_kill += 1


def submitter(n, ports, token, book, stop, killed):
    conns = {node: Client(port) for node, port in ports.items()}
    order = ["a", "b"] if n % 2 == 0 else ["b", "a"]
    i = 0
    while not stop.is_set():
        node = order[i % 2]
        i += 1
        body = {"kind": "complaint", "category": "roads",
                "subject": "چاله در خیابان %d-%d" % (n, i),
                "body": "یک چالهٔ بزرگ نزدیک پلاک %d که خطرناک است." % i,
                "mobile": "0912%07d" % ((n * 100003 + i) % 10000000)}
        after = killed.is_set()
        st, b = conns[node].call("POST", "/api/v1/messages", token, body)
        if st == 201 and b and b.get("code"):
            book.ack(node, b["code"], after)
        elif st is None:
            with book.lock:
                book.unanswered += 1
            if node == "b" and killed.is_set():
                time.sleep(0.01)	# B is gone: do not spin on its port
        else:
            with book.lock:
                book.refused += 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--a", type=int, required=True)
    ap.add_argument("--b", type=int, required=True)
    ap.add_argument("--b-pid", type=int, required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--before", type=float, default=3.0)
    ap.add_argument("--after", type=float, default=2.0)
    a = ap.parse_args()

    book = Book()
    stop = threading.Event()
    killed = threading.Event()
    ports = {"a": a.a, "b": a.b}
    threads = [threading.Thread(target=submitter,
                                args=(n, ports, a.token, book, stop, killed))
               for n in range(a.clients)]
    for t in threads:
        t.start()
    time.sleep(a.before)
    with book.lock:
        b_before = book.by["b"]
    os.kill(a.b_pid, signal.SIGKILL)
    killed.set()
    time.sleep(a.after)
    stop.set()
    for t in threads:
        t.join()

    check = Client(a.a)
    missing = []
    for code in book.codes:
        st, b = check.call("GET", "/api/v1/messages/" + code, a.token)
        if st != 200 or not b or b.get("code") != code:
            missing.append(code)
    out = {"acknowledged": len(book.codes), "by_a": book.by["a"], "by_b": book.by["b"],
           "by_b_before_kill": b_before, "a_after_kill": book.a_after_kill,
           "unanswered": book.unanswered, "refused": book.refused,
           "missing": len(missing), "missing_first": missing[:5]}
    print(json.dumps(out))
    ok = not missing and book.by["b"] > 0 and book.a_after_kill > 0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
