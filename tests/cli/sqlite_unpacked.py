#!/usr/bin/env python3
"""sqlite_unpacked.py DB SQL: run SQL on the SQLite database DB with
hamgan_unpack(x) defined as the packed text form reads (src/base/tpack.h:
bytes 0x00-0x7f ASCII, 0x80-0xfe the table's characters, 0xff then one
UTF-8 character), and print each row's columns joined by '|', as the
sqlite3 shell does.  An oracle written apart from the C decoder, so that a
test compares the stored bytes with the format as documented; the table is
read from src/base/tpack.c, the one place it is written."""
import os
import re
import sqlite3
import sys

root = os.environ.get("HAMGAN_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
src = open(os.path.join(root, "src", "base", "tpack.c"), encoding="utf-8").read()
body = re.search(r"static const uint16_t table\[127\] = \{(.*?)\};", src, re.S).group(1)
body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
TABLE = [int(x, 16) for x in re.findall(r"0x[0-9A-Fa-f]+", body)]
assert len(TABLE) == 127, len(TABLE)


def unpack(v):
    if not isinstance(v, bytes):
        return v
    out, i = [], 0
    while i < len(v):
        b = v[i]
        if b == 0:
            raise ValueError("NUL in a packed text")
        if b < 0x80:
            out.append(chr(b))
            i += 1
        elif b < 0xFF:
            out.append(chr(TABLE[b - 0x80]))
            i += 1
        else:
            lead = v[i + 1]
            n = 4 if lead >= 0xF0 else 3 if lead >= 0xE0 else 2
            out.append(v[i + 1:i + 1 + n].decode("utf-8"))
            i += 1 + n
    return "".join(out)


db = sqlite3.connect(sys.argv[1])
db.create_function("hamgan_unpack", 1, unpack, deterministic=True)
for row in db.execute(sys.argv[2]):
    print("|".join("" if c is None else str(c) for c in row))
