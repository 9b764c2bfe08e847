/*
 * caps.h - every limit on untrusted input in one place, each with its reason
 * (SQLite's sqliteLimit.h).  Changing one here changes it everywhere.
 */
#ifndef HAMGAN_BASE_CAPS_H
#define HAMGAN_BASE_CAPS_H

/* One line of standard input for `hamgan fa`: a date, a code, a sentence of
 * text.  64 KiB is far above any real line and keeps a hostile file from
 * growing one buffer without bound. */
#define CAP_CLI_LINE (64 * 1024)

/* Text given to the normaliser in one call: a message body is capped well
 * below this (see CAP_MSG_BODY); the output can be at most as long. */
#define CAP_NORMALIZE_IN (64 * 1024)

/* A message's subject and body, in bytes of UTF-8.  A subject is a line; a
 * body is what an operator types during a call or a citizen in a form: 8 KiB
 * is several pages of Persian (2 bytes a letter). */
#define CAP_MSG_SUBJECT 512
#define CAP_MSG_BODY (8 * 1024)

/* How many tracking codes `hamgan fa tracking-code --new N` makes at once. */
#define CAP_NEW_CODES 1000000

/* ---- HTTP server (src/http) ---- */

/* Connections open at once, in all.  Each costs a socket, its memory pool
 * (CAP_HTTP_CONN_MEMORY) and a slot in poll(): 1024 keeps the process well
 * under the usual 1024/4096 descriptor limits with room for the database,
 * and is far above what a call centre plus citizens' browsers hold open. */
#define CAP_HTTP_CONNECTIONS 1024
/* Connections from one client address: one browser opens about 6; a busy NAT
 * (an office, a mobile carrier) many more.  64 stops one address from
 * taking every slot while leaving room for shared addresses. */
#define CAP_HTTP_PER_IP 64
/* Memory of one connection, which bounds the request line and headers too
 * (libmicrohttpd answers 431/414 past it).  Real browsers send 1-4 KiB of
 * headers; 32 KiB leaves room for long cookies and refuses 1 MiB headers. */
#define CAP_HTTP_CONN_MEMORY (32 * 1024)
/* A request body, in bytes.  The largest real body is a message: subject and
 * body (CAP_MSG_SUBJECT + CAP_MSG_BODY) plus citizen, address and JSON
 * escaping (\uXXXX is 6 bytes per 2-byte letter at worst): 64 KiB.  Checked
 * before buffering more, never preallocated from Content-Length. */
#define CAP_HTTP_BODY (64 * 1024)
/* A chunked body (no Content-Length) that passes the cap is read and thrown
 * away up to this many bytes so the client still gets a 413; past it the
 * connection is closed.  Bounds the time, never the memory (nothing kept). */
#define CAP_HTTP_DISCARD (1024 * 1024)
/* Seconds a connection may sit idle (slowloris, forgotten keep-alives). */
#define CAP_HTTP_IDLE_SECONDS 30
/* Slow clients (src/http/conns.h).  The idle timeout never fires for a
 * client that sends a byte every few seconds, so a request's head and body
 * each get a total deadline as well.
 * Seconds for the request line and all headers, counted from the accept or
 * from the previous answer on a kept-alive connection (so it is also how
 * long an idle keep-alive lasts).  A browser sends its head in one packet:
 * even a poor mobile link delivers it in well under 2 s; Apache's
 * mod_reqtimeout allows 20-40 s, nginx's client_header_timeout 60 s, both
 * far more than a head needs.  10 s leaves 5x room for the slowest real
 * client and makes a trickling connection cost an attacker a reconnect
 * every 10 s.  The setting header_timeout can lower it or raise it to 300. */
#define CAP_HTTP_HEAD_SECONDS 10
/* The body's deadline: this many seconds plus one second per
 * CAP_HTTP_BODY_MIN_RATE bytes of its declared length (of max_body when it
 * is chunked).  1 KiB/s is below a 2G (EDGE) phone's real rate of several
 * KiB/s, so only a deliberately slow client is cut: the largest body
 * (64 KiB) gets 10 + 64 = 74 s.  The setting body_timeout sets the fixed
 * part. */
#define CAP_HTTP_BODY_SECONDS 10
#define CAP_HTTP_BODY_MIN_RATE 1024
/* How often the sweeper looks for connections past their deadline: a
 * deadline is kept to within this; a scan of 1024 slots costs microseconds. */
#define CAP_HTTP_SWEEP_MS 200
/* When fewer than max_connections / CAP_HTTP_RESERVE_DIV slots are free, a
 * new connection closes the one that has waited longest for its request
 * head (an idle keep-alive or a trickling client), so a prompt client
 * always finds room even while slow ones hold every other slot.  1/8 (128
 * of 1024) absorbs a burst of honest newcomers between sweeps. */
#define CAP_HTTP_RESERVE_DIV 8
/* ... but only one that has waited at least this long: a head on its way
 * over a slow link takes well under a second, so an honest newcomer is never
 * the one closed. */
#define CAP_HTTP_EVICT_GRACE_MS 1000
/* Under that pressure, an address (an IPv6 /64) that already has this many
 * connections waiting for their request heads is refused more: a browser
 * opens about 6 at once; a slow client's reconnections are refused at the
 * cost of an accept instead of pushing prompt clients out. */
#define CAP_HTTP_BUSY_HEADS 8
/* Seconds a graceful shutdown waits for requests in flight to finish. */
#define CAP_HTTP_DRAIN_SECONDS 10
/* Worker threads: more than the cores buys nothing for a CPU-bound server;
 * the cap only stops a typo from starting thousands. */
#define CAP_HTTP_THREADS 64
/* The request target (path and query) kept for routing and the access log. */
#define CAP_HTTP_URI 4096
/* JSON nesting depth: our documents are at most 3 levels deep; cJSON's own
 * cap (CJSON_NESTING_LIMIT, 1000) is far too generous for a request, and we
 * refuse deeper input before calling the parser. */
#define CAP_JSON_DEPTH 16
/* Members in one JSON object or elements in one array of a request. */
#define CAP_JSON_MEMBERS 256
/* A static file served from web_root, and the gzip cache of such files:
 * the web app's largest file is a font or the bundled script, well under
 * 4 MiB; the cache holds at most CAP_STATIC_CACHE compressed files. */
#define CAP_STATIC_FILE (4 * 1024 * 1024)
#define CAP_STATIC_CACHE 128
/* Clients tracked by each rate limiter; the oldest are forgotten first,
 * which at worst gives a forgotten client a fresh bucket. */
#define CAP_RATE_CLIENTS 4096
/* The SMS webhook's shared secret (sms_secret), at least this many
 * characters: it is the only thing standing between the internet and
 * messages filed or verdicts given in citizens' names.  32 random
 * characters are beyond any guessing even without the throttle below;
 * `hamgan serve` refuses a shorter one. */
#define CAP_SMS_SECRET_MIN 32
/* Wrong SMS webhook secrets per minute from one address (the burst is the
 * same): the gateway never sends a wrong one, so 10 is room for an operator
 * setting it up, and a brute force gets 10 guesses a minute.  Past it the
 * address gets 429, even with the right secret, until a token returns. */
#define CAP_SMS_SECRET_FAILS 10
/* A full disk: a refused write answers 503 with Retry-After this many
 * seconds (an operator has to free space: a client should not come back
 * within the second), and /healthz says "degraded" for this many seconds
 * after the last refused write, or until a write succeeds. */
#define CAP_STORE_FULL_RETRY_SECONDS 60
/* /healthz also says "degraded" while the database's filesystem has less
 * than this many MiB free: a submission writes about 19 pages (76 KiB), so
 * 64 MiB is several hundred more before writes fail: time to act. */
#define CAP_STORE_LOW_MIB 64
/* A condition that may repeat thousands of times a second (slow clients
 * closed, a full disk refusing writes) is logged as one summary line at most
 * this often, with a count: the log must not grow with an attack or an
 * outage (a full disk would be filled by its own error log). */
#define CAP_LOG_SUMMARY_SECONDS 10
/* The config file: settings are short lines; a huge file is a mistake. */
#define CAP_CONFIG_VALUE 1024

/* --- core (issue 3) --- */

/* A message's address line and an answer: an address is a line or two; an
 * answer is what a unit writes back, a few paragraphs at most. */
#define CAP_MSG_ADDRESS 1024
#define CAP_MSG_ANSWER (4 * 1024)
/* Inspector's note on a grade, a reason typed on a referral or rejection. */
#define CAP_NOTE 1024
/* A person's or unit's display name (Persian, 2 bytes a letter). */
#define CAP_NAME 256
/* Codes of units, categories and Open311 services; usernames. */
#define CAP_CODE 64
/* Passwords: argon2id takes any length, but hashing a megabyte per attempt
 * is a denial of service; 1 KiB covers every passphrase. */
#define CAP_PASSWORD 1024
/* A CSV import file (units, categories): a few thousand rows at most. */
#define CAP_CSV_FILE (4 * 1024 * 1024)
/* One CSV record and its fields. */
#define CAP_CSV_RECORD (16 * 1024)
#define CAP_CSV_FIELDS 32
/* Depth of the unit and category trees: city, region, district, office... */
#define CAP_TREE_DEPTH 16
/* One audit entry's JSON payload (holds at most an answer or a note). */
#define CAP_AUDIT_PAYLOAD (16 * 1024)
/* One SMS text: 10 concatenated parts of 67 UCS-2 characters, in UTF-8. */
#define CAP_SMS_TEXT 1400
/* Search: the query text, a page, a caller's history. */
#define CAP_SEARCH_TEXT 256
#define CAP_SEARCH_LIMIT 100
#define CAP_HISTORY 100
/* A deadline override: at most a year. */
#define CAP_DEADLINE_HOURS (24 * 366)

/* --- reports (issue 5) --- */

/* Rows of a monthly or weekly report series: 600 weeks is more than eleven
 * years; a longer series is asked for by mistake and would only burn time. */
#define CAP_REPORT_SERIES 600
/* A report's text output (table, CSV, JSON): a few hundred rows of a few
 * hundred bytes; 16 MiB is far above any real one. */
#define CAP_REPORT_OUT (16 * 1024 * 1024)

#endif
