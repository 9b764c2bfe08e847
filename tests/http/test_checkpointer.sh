# The checkpointer (docs/durability.md, "Checkpoints"): under a steady
# stream of submissions the log is copied back into the database by the
# checkpointer thread beside the writer, the writer copies the rest, and
# the log starts again from its beginning, so the -wal file stays at its
# kept size (16 MiB) instead of growing with every submission.  Every 201
# is in the database afterwards, which passes integrity_check and audit
# verify.  (SQLite only: PostgreSQL has no log to copy.)
. "$(dirname "$0")/lib.sh"
h_seed
h_start
TOK=$(h_token op)
before=$(h_sql 'SELECT count(*) FROM messages')

# the -wal file's largest size, sampled while the submissions run
(
	max=0
	while [ ! -e "$T_TMP/load.done" ]; do
		s=$(stat -c %s "$H_DB-wal" 2>/dev/null || echo 0)
		[ "$s" -gt "$max" ] && max=$s
		echo "$max" >"$T_TMP/wal.max"
		sleep 0.05
	done
) &

# 16 clients on keep-alive connections, 4,000 submissions: about 40 MB of
# log frames, over twice what the log keeps, had it never started again
python3 - "$H_URL" "$TOK" "$T_TMP/codes" <<'EOF'
import http.client, json, sys, threading, urllib.parse
url, tok, out = sys.argv[1], sys.argv[2], sys.argv[3]
u = urllib.parse.urlparse(url)
codes, bad, lock = [], [], threading.Lock()
def client(k):
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    for i in range(250):
        n = k * 1000 + i
        body = json.dumps({"kind": "complaint", "category": "roads", "subject": "چاله",
                           "body": "چاله‌ی شماره‌ی %d در کوچه" % n,
                           "mobile": "0913%07d" % n})
        c.request("POST", "/api/v1/messages", body,
                  {"Content-Type": "application/json", "Authorization": "Bearer " + tok})
        r = c.getresponse()
        data = r.read()
        with lock:
            if r.status == 201:
                codes.append(json.loads(data)["code"])
            else:
                bad.append(r.status)
threads = [threading.Thread(target=client, args=(k,)) for k in range(16)]
for t in threads: t.start()
for t in threads: t.join()
open(out, "w").write("\n".join(codes) + "\n")
print("submitted %d, not 201: %d" % (len(codes), len(bad)), file=sys.stderr)
EOF
touch "$T_TMP/load.done"
h_wait_jobs
t_eq "every submission got 201" "$(grep -c . "$T_TMP/codes")" 4000

h_stop
ran=$(sed -n 's/.*writer: .*lost, \([0-9]*\) checkpoints.*/\1/p' "$T_TMP/serve.err" | tail -1)
if [ "${ran:-0}" -ge 2 ]; then
	t_pass "the log was copied back while the writer went on ($ran checkpoints)"
else
	t_fail "the log was copied back while the writer went on" "checkpoints: ${ran:-none}"
fi
max=$(cat "$T_TMP/wal.max" 2>/dev/null || echo 0)
# 16 MiB kept, and a pass's worth (8 MiB) of slack
if [ "$max" -gt 0 ] && [ "$max" -le $((24 * 1024 * 1024)) ]; then
	t_pass "the log started again from its beginning (largest -wal $max bytes)"
else
	t_fail "the log started again from its beginning" "largest -wal: $max bytes"
fi
t_run "hamgan db check (integrity_check) ok" 0 "ok" "$HAMGAN" db check --db "$H_DB"
t_eq "every 201 is a message" "$(h_sql 'SELECT count(*) FROM messages')" "$((before + 4000))"
sort "$T_TMP/codes" | grep . >"$T_TMP/codes.sorted"
h_sql "SELECT code FROM messages" | sort >"$T_TMP/db.codes"
missing=$(comm -23 "$T_TMP/codes.sorted" "$T_TMP/db.codes" | wc -l)
t_eq "every acknowledged code is in the database" "$missing" 0
t_eq "audit verify passes" "$("$HAMGAN" audit verify --db "$H_DB" >/dev/null 2>&1; echo $?)" 0
t_done
