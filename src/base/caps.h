/*
 * caps.h - every limit on untrusted input in one place, each with its reason
 * (SQLite's sqliteLimit.h).  Changing one here changes it everywhere.
 */
#ifndef HAMGAN_BASE_CAPS_H
#define HAMGAN_BASE_CAPS_H

#include "base/units.h"

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
/* Overdue messages `hamgan overdue` lists at once: a city whose backlog is
 * past 100,000 has a problem no list shows better; the cap keeps one run's
 * memory bounded. */
#define CAP_OVERDUE_LIST 100000
/* A report period as typed (`--period`, ?period=): a range of two full
 * dates is 22 bytes in ASCII, 42 in Persian digits; longer is not a period. */
#define CAP_PERIOD_TEXT 128

/* ---- the time zone file (src/fa/tehran.c) ---- */

/* The TZif file read for Tehran's offsets, its transitions and its local
 * time types: Tehran's file holds under 200 transitions and a handful of
 * types; these caps are generous and keep a corrupt or hostile file from
 * making us read or keep more than a few KiB.  The path is the zone file's
 * name as configured (TZDIR or a setting): a path, under PATH_MAX. */
#define CAP_TZ_FILE (64 * 1024)
#define CAP_TZ_TRANSITIONS 2000
#define CAP_TZ_TYPES 256
#define CAP_TZ_PATH 4096

/* ---- HTTP server (src/http) ---- */

/* Connections open at once, in all (the setting max_connections).  Each
 * costs a descriptor, about 10 KiB of memory while idle and more while it
 * carries a request (CAP_HTTP_CONN_MEMORY), and a place in its daemon's
 * epoll set: docs/performance.md measures 5,000 clients opened at once (as a
 * load tester or a proxy after a restart does) answered with p99 well under
 * 100 ms.  The default, 8192, holds those 5,000 with the eighth kept free
 * for newcomers (CAP_HTTP_RESERVE_DIV) and room to spare; the setting may go
 * up to 65536 (a machine with the memory and descriptors for it). */
#define CAP_HTTP_CONNECTIONS_DEFAULT 8192
#define CAP_HTTP_CONNECTIONS 65536
/* libmicrohttpd daemons a worker thread, shared by the threads (each runs
 * whichever is ready: src/http/loop.h): a thread the kernel holds back
 * holds back one daemon's connections, a quarter of its share, not all of
 * it.  More means smaller batches for each MHD_run: four cost a look-up
 * 2-9% of its rate at 64 and 1,000 connections, and two left p99 at 5,000
 * busy connections near 100 ms (docs/performance.md, "The fifteenth
 * pass"). */
#define CAP_HTTP_SHARDS_PER_THREAD 4
/* Descriptors beyond the connections: the database and its WAL, served
 * files, the logs, libmicrohttpd's and the threads' own.  The server raises
 * its soft limit on open files to the hard one and warns when that is below
 * max_connections plus these. */
#define CAP_HTTP_SPARE_FDS 64
/* Connections from one client address: one browser opens about 6; a busy NAT
 * (an office, a mobile carrier) many more.  64 stops one address from
 * taking every slot while leaving room for shared addresses. */
#define CAP_HTTP_PER_IP 64
/* Memory of one connection, which bounds the request line and headers too
 * (libmicrohttpd answers 431/414 past it).  Real browsers send 1-4 KiB of
 * headers (the web app's own requests: under 1 KiB, its cookies are two
 * tokens); 8 KiB is nginx's own limit for a header line and refuses 1 MiB
 * headers.  libmicrohttpd 0.9.75 zeroes the whole pool after every request
 * (MHD_pool_reset), so every connection that made a request holds all of
 * it and every request pays a memset of it: 5,000 kept-alive connections
 * cost 160 MB at 32 KiB, 84 MB at 16 KiB, 44 MB at 8 KiB
 * (docs/performance.md). */
#define CAP_HTTP_CONN_MEMORY (8 * 1024)
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
/* Group commit (http/writer.h): the most requests one batch takes, so one
 * batch's fsync and answers never wait behind thousands of others; a
 * queue longer than this is taken in several batches back to back. */
#define CAP_WRITER_BATCH 512
/* The writer's queue: past this many waiting writes a new one is refused
 * (503, retry) instead of growing the memory held by suspended requests
 * without bound; well above what max_connections lets in at once. */
#define CAP_WRITER_QUEUE 16384
/* The log is copied back into the database once it has grown by this many
 * pages (4 KiB each: 8 MiB) under steady load, by the checkpointer thread
 * beside the writer, and whenever the writer has been idle
 * CAP_WRITER_IDLE_MS.  Shorter passes keep the disk's queue short for the
 * writer's own syncs (docs/performance.md, "The ninth pass"). */
#define CAP_WRITER_CKPT_PAGES 2048
/* What the checkpointer could not copy (the pages written meanwhile) the
 * writer copies itself, between two batches, when it is at most this many
 * pages (a few milliseconds): after that the log starts again from its
 * beginning.  A longer rest gets another pass of the checkpointer first. */
#define CAP_WRITER_CKPT_TAIL 256
/* The writer's page cache, in KiB (the readers keep SQLite's 2 MiB): its
 * inserts land all over big indexes (tracking codes, mobiles, the audit by
 * message, the search index), whose pages a 2 MiB cache reads again and
 * again once a city has a million messages (docs/performance.md, "The
 * storm day").  Memory only as pages are used. */
#define CAP_WRITER_CACHE_KIB (32 * 1024)
#define CAP_WRITER_IDLE_MS 50
/* A server thread answering tracking look-ups one after another keeps its
 * read snapshot this long at most while nothing commits in the server (a
 * commit by another process shows this late at most; src/store/sqlite_snap.c). */
#define CAP_SNAPSHOT_KEEP_US 2000
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
/* Field errors listed in one error answer: a form has at most a score of
 * fields; past that the first ones are enough to mark what to fix. */
#define CAP_FIELD_ERRORS 32
/* A static file served from web_root, and the gzip cache of such files:
 * the web app's largest file is a font or the bundled script, well under
 * 4 MiB; the cache holds at most CAP_STATIC_CACHE compressed files. */
#define CAP_STATIC_FILE (4 * 1024 * 1024)
#define CAP_STATIC_CACHE 128
/* Clients tracked by each rate limiter; the oldest are forgotten first,
 * which at worst gives a forgotten client a fresh bucket. */
#define CAP_RATE_CLIENTS 4096
/* The largest track_rate setting (a minute, per address): a benchmark sets
 * the per-address limits out of its way, and every load tester's requests
 * come from one address; 100 million a minute is more than any machine
 * answers, and the token bucket's doubles hold it exactly. */
#define CAP_RATE_BENCH 100000000
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
/* One log line: a message and its quoted values (a path, a client address,
 * an error); longer is cut, so a hostile value cannot make a line of any
 * size. */
#define CAP_LOG_LINE 1024
/* The config file: settings are short lines; a huge file is a mistake. */
#define CAP_CONFIG_VALUE 1024
/* The settings kept as text, each with a byte for the NUL (longer is
 * refused as "too long"): listen is an address and a port ("[V6ADDR]:PORT"
 * is under 64 bytes); sms_secret at least CAP_SMS_SECRET_MIN characters,
 * and 255 leaves room for any generated one; trusted_proxy is one address;
 * map_tiles a URL template (browsers' own caps are far larger, but a tile
 * URL is a host and "{z}/{x}/{y}.png"); its attribution a line of credit. */
#define CAP_CONFIG_LISTEN 128
#define CAP_CONFIG_SECRET 256
#define CAP_CONFIG_ADDR 64
#define CAP_CONFIG_URL 512
#define CAP_CONFIG_CREDIT 256

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
/* ... and at least 8 bytes: shorter ones fall to a dictionary before the
 * login throttle matters; longer rules (classes of characters) are left to
 * the operator's policy, since they push people to write passwords down. */
#define CAP_PASSWORD_MIN 8
/* A CSV import file (units, categories): a few thousand rows at most. */
#define CAP_CSV_FILE (4 * 1024 * 1024)
/* One CSV record and its fields. */
#define CAP_CSV_RECORD (16 * 1024)
#define CAP_CSV_FIELDS 64	/* NYC's full 311 layout has 41 columns */
/* Depth of the unit and category trees: city, region, district, office... */
#define CAP_TREE_DEPTH 16
/* One audit entry's JSON payload (holds at most an answer or a note). */
#define CAP_AUDIT_PAYLOAD (16 * 1024)
/* `audit verify` reads the chain this many entries at a time: each holds a
 * payload of up to CAP_AUDIT_PAYLOAD, so 64 bound the memory at about
 * 1 MiB while keeping the store's round trips few. */
#define CAP_AUDIT_VERIFY_PAGE 64
/* Entries read back to compute a listed entry's hash from a kept one
 * (core/audit.c, hash_before): hamgan keeps one every AUDIT_HASH_EVERY
 * (32) entries, so this is reached only in a log changed by hand, where
 * the hash then shows as unknown; 256 entries bound it at about 4 MiB. */
#define CAP_AUDIT_HASH_SEARCH 256
/* One SMS text: 10 concatenated parts of 67 UCS-2 characters, in UTF-8. */
#define CAP_SMS_TEXT 1400
/* Bytes of the unit's answer quoted in the "answered" SMS: the answer is up
 * to CAP_MSG_ANSWER, but the text must stay within CAP_SMS_TEXT with the
 * heading, the tracking code and the accept/object line; 600 bytes is about
 * 300 Persian letters, the rest is on the tracking page. */
#define CAP_SMS_ANSWER 600
/* The longest wait before an SMS is tried again: the wait doubles from the
 * sms_backoff setting after each failure, up to a day, so a gateway down
 * for a weekend is retried daily, not never. */
#define CAP_SMS_BACKOFF DAY
/* Outbox rows deleted in one transaction by `hamgan sms prune`: small
 * enough that a batch holds the write lock for milliseconds, so the server
 * and the sender go on meanwhile, large enough that a million rows take a
 * thousand commits, not a million. */
#define CAP_SMS_PRUNE_BATCH 1000
/* The most days `sms prune --days` takes (about 100 years): a larger
 * number is a typing mistake, and any cut-off before 1970 deletes nothing. */
#define CAP_SMS_PRUNE_DAYS 36500
/* Search: the query text, a page, a caller's history. */
#define CAP_SEARCH_TEXT 256
#define CAP_SEARCH_LIMIT 100
/* Words of one search: each is a condition on the index (three terms a
 * word), and a clerk searches by a name, a street and a subject; 16 words
 * is more than that and keeps a query's work small. */
#define CAP_SEARCH_WORDS 16
/* A backend's query text made from a search's words: each word's stem and
 * its stems joined with its neighbours, quoted (a word's bytes appear at
 * most five times, quotes doubled at worst): 64 times the search text. */
#define CAP_SEARCH_QUERY (64 * CAP_SEARCH_TEXT)
/* The longest term PostgreSQL's search index holds (a tsvector lexeme is
 * at most 2047 bytes, PostgreSQL's own limit): a longer one is left out of
 * the index and of the query, never an error on a message's intake. */
#define CAP_PG_LEXEME 2047
/* SAVEPOINTs and RELEASEs the PostgreSQL backend holds back to send with
 * the next statement (src/store/pg.c): a request nests 3 levels deep, so
 * a full queue (sent on its own) means a bug's deep nesting, not a cost. */
#define CAP_PG_DEFERRED 64
#define CAP_HISTORY 100
/* A deadline override: at most a year. */
#define CAP_DEADLINE_HOURS (24 * 366)
/* A direct-connection session (a manager meeting citizens live) lasts at
 * most a day: longer is a typo in its end time. */
#define CAP_LIVE_HOURS 24

/* --- attachments (issue 14) --- */

/* One attached file, in bytes: a phone photo is 2-6 MB, a scanned letter as
 * PDF a few MB; 8 MiB takes both while a request body of that size is still
 * cheap to buffer.  Only the attachment upload routes take bodies this big
 * (every other body stays under CAP_HTTP_BODY). */
#define CAP_ATTACH_BYTES (8 * 1024 * 1024)
/* Upload bodies read or handled at once, in all.  Each may hold
 * CAP_ATTACH_BYTES in memory before anyone is authenticated, so without
 * this 1,024 connections could pin 8 GiB; 16 is 128 MiB at worst and far
 * more than a call centre attaches at the same moment.  The next gets 503
 * with Retry-After before its body is read. */
#define CAP_HTTP_UPLOADS 16
/* Files on one message: a few photos of the place and a letter or two;
 * more is not evidence but a way to fill the database. */
#define CAP_ATTACH_PER_MSG 10
/* A file's name as given (shown back, never used as a path). */
#define CAP_ATTACH_NAME 128
/* Pixels in a photo whose preview is made: 50 megapixels is above today's
 * phone cameras (12-48 MP); JPEG and WebP are decoded at reduced size, so
 * this bounds the header's claim, not the memory.  A PNG is decoded whole
 * (3 bytes a pixel), so it has the smaller cap: 16 MP is a 4K screenshot
 * four times over, 48 MB of pixels at most. */
#define CAP_IMAGE_PIXELS (50u * 1000 * 1000)
#define CAP_PNG_PIXELS (16u * 1000 * 1000)
/* The preview's longer side, in pixels: sharp in a list on a phone. */
#define CAP_THUMB_SIDE 320
/* A preview's bytes (a 320-pixel JPEG is 10-40 KB). */
#define CAP_THUMB_BYTES (512 * 1024)
/* --- daily work in the browser (issue 14) --- */

/* A citizen's reason for objecting: a few sentences, kept on the reopen hop
 * (whose reason holds "objection: " before it, within CAP_NOTE). */
#define CAP_OBJECTION 900
/* Events on one message's timeline (audit entries and SMS): a message that
 * bounced, was reopened and graded many times has a few dozen; past this
 * the oldest are shown and the list says it was cut. */
#define CAP_TIMELINE 500
/* Search and list totals are counted exactly up to this many, then shown as
 * "more than": counting further would cost work in proportion to every
 * match, and no one pages through a thousand. */
#define CAP_SEARCH_COUNT 1000
/* ... and with words, a page and the count read at most this many of the
 * words' matches (newest first): a common word with a rare filter would
 * otherwise read every match to fill a page or count a few.  Past it the
 * page may be short, with a cursor to read on, and the total is shown as
 * "more than" what was found (total_capped).  Each match read through a
 * filter costs a message row (about 4 us at a million messages, the rows
 * spread over the file): 5,000 keep a page and its count near 20 ms of CPU
 * whatever the word and the database's size (docs/performance.md); 20,000
 * took 50-70 ms at a million. */
#define CAP_SEARCH_SCAN 5000
/* Notes on one message shown at once: a message worked on for weeks has a
 * few dozen. */
#define CAP_NOTES 200
/* People offered when assigning a message: a region with its districts has
 * a few dozen staff. */
#define CAP_ASSIGNABLE 500
/* Canned answers: a title to pick it by, and how many a list holds (a
 * category has a handful; every category together a few hundred). */
#define CAP_CANNED_TITLE 200
#define CAP_CANNED 500
/* A message's search index text: the stems of its subject's and body's
 * words and of each pair of neighbours joined (fa/terms.h), at most about
 * three times the normalised text, which is at most twice the input. */
#define CAP_INDEX_TEXT (8 * (CAP_MSG_SUBJECT + CAP_MSG_BODY) + 64)

/* --- reports (issue 5) --- */

/* Rows of a monthly or weekly report series: 600 weeks is more than eleven
 * years; a longer series is asked for by mistake and would only burn time. */
#define CAP_REPORT_SERIES 600
/* Steps of one message's history the aggregates replay (hops, answers,
 * verdicts, grades): a message bounced and reopened hundreds of times is
 * abuse; past this the transition is refused rather than miscounted. */
#define CAP_AGG_STEPS 4096
/* A report's text output (table, CSV, JSON): a few hundred rows of a few
 * hundred bytes; 16 MiB is far above any real one. */
#define CAP_REPORT_OUT (16 * 1024 * 1024)
/* One text cell of a report workbook (a unit's name, a code, a period's
 * label, a heading: all far shorter), with the apostrophe that keeps a
 * formula-looking text a text (core/csv.h). */
#define CAP_XLSX_CELL (4 * 1024)
/* `report --verify` replays the histories a page of messages at a time:
 * 1,000 records keep the memory small and the store's round trips few.
 * Differences are counted all, but described one by one only up to
 * CAP_AGG_VERIFY_SHOWN: past that the first ones say what is wrong. */
#define CAP_AGG_VERIFY_PAGE 1000
#define CAP_AGG_VERIFY_SHOWN 100
/* The recount of --verify and --rebuild sums the messages a range at a
 * time: a range ends when its tally holds this many cells and pair rows
 * (about 200 bytes a cell with its histogram, 64 a pair row, the hash
 * tables at most half full: a few hundred MiB), so the memory is the same
 * at 10 million messages as at 100,000. */
#define CAP_AGG_RANGE_ROWS (1024 * 1024)
/* The recount's ranges wait on temporary files (runs) to be merged, one
 * file each; past this many the runs so far are merged into one, so the
 * files open stay well under the usual limit of 1,024 (a range of the
 * demo's messages is about 33,000 of them: 256 runs are 8 million). */
#define CAP_AGG_RUNS 256

/* --- verification codes (issue 9: کد تأیید for public web submissions) --- */

/* A code is 5 digits: 100,000 values, and at most CAP_VERIFY_TRIES guesses
 * at one before it is burnt, so a guesser wins 1 time in 20,000 per code;
 * 5 digits is what citizens are used to typing from an SMS. */
#define CAP_VERIFY_DIGITS 5
/* Seconds a code stays valid: long enough for a slow SMS and a citizen
 * switching apps, short enough that a leaked code is soon worthless. */
#define CAP_VERIFY_TTL 300
/* Wrong tries before a code is burnt. */
#define CAP_VERIFY_TRIES 5
/* Codes texted to one number: a citizen who lost one SMS asks again once or
 * twice; more is someone flooding the number.  3 in 15 minutes, 10 a day. */
#define CAP_VERIFY_PER_NUMBER 3
#define CAP_VERIFY_NUMBER_WINDOW (15 * 60)
#define CAP_VERIFY_PER_NUMBER_DAY 10
/* Codes asked for from one client address in an hour.  Mobile carriers put
 * many citizens behind one address (carrier-grade NAT), so this is looser
 * than the per-number limit; it caps how many different numbers one
 * address can make the city text: 30 an hour, where before the limit was
 * about 30 a minute with no limit per number. */
#define CAP_VERIFY_PER_ADDR 30
#define CAP_VERIFY_ADDR_WINDOW (60 * 60)

/* --- place (issue 10) --- */

/* A boundaries file (GeoJSON FeatureCollection): Tehran's 22 regions from
 * OpenStreetMap are 165 KiB; a city with districts and detailed outlines a
 * few MiB.  16 MiB refuses a planet extract given by mistake. */
#define CAP_GEO_FILE (16 * 1024 * 1024)
/* Features in one file, and so boundaries held: a city's regions, districts
 * and offices number in the hundreds. */
#define CAP_GEO_FEATURES 2000
/* Positions in one unit's outline, all rings together: Region 1's OSM
 * outline has 1,401; 200,000 is a survey-grade outline, more is a mistake. */
#define CAP_GEO_VERTICES 200000
/* Rings (outer and holes, over all parts) in one unit's outline. */
#define CAP_GEO_RINGS 10000
/* Units a point can lie in (a region, its district, an office below). */
#define CAP_GEO_HITS 8
/* Latitude bands of one outline's point-in-polygon index: about one band
 * per four edges, at most this many, so a spiky outline whose edges span
 * every band cannot cost edges x bands memory (4,096 bands of Region 1's
 * 1,401 positions is far finer than needed). */
#define CAP_GEO_BANDS 4096
/* Nearby open messages shown to a citizen before sending (FixMyStreet shows
 * a handful), the radius in metres the issue asks for, and the rows of the
 * same category read from the store's place index around the point: a hot
 * spot can hold hundreds; more would make the public look-up costly. */
#define CAP_NEARBY_SHOWN 10
#define CAP_NEARBY_METRES 200
#define CAP_NEARBY_SCAN 500
/* Likely duplicates flagged beside a message: the same mobile or the same
 * category nearby, within CAP_SIMILAR_DAYS days either side.  A week covers
 * a citizen calling again about the same pothole. */
#define CAP_SIMILAR_SHOWN 20
#define CAP_SIMILAR_DAYS 7

/* --- Open311 and open data (issue 10) --- */

/* Fields of one form-encoded Open311 POST: the spec names about 15, plus
 * one per attribute; 64 covers a service with 40 attributes. */
#define CAP_FORM_FIELDS 64
/* A service's attribute definitions (GeoReport "service definition") and
 * the options of a list attribute: real services have a handful. */
#define CAP_OPEN311_ATTRS 32
#define CAP_OPEN311_VALUES 64
/* The stored text of a service's attribute definitions (a line each), and
 * its keywords line. */
#define CAP_OPEN311_ATTR_TEXT (8 * 1024)
#define CAP_OPEN311_KEYWORDS 512
/* One submitted attribute value (a line of text, or a list of keys). */
#define CAP_OPEN311_ATTR_VALUE 1024
/* media_url: a URL, not a document; browsers cap theirs near 2-8 KiB. */
#define CAP_MEDIA_URL 2048
/* address_id (an id in the city's address register) and device/account ids. */
#define CAP_OPEN311_ID 128
/* GET requests: the spec's window is 90 days; page_size at most 100 (the
 * spec's own default answer is 1000 rows; 100 keeps one page cheap), ids
 * asked for at once, and how deep page may go (page * page_size). */
#define CAP_OPEN311_DAYS 90
#define CAP_OPEN311_PAGE_SIZE 100
#define CAP_OPEN311_IDS 50
#define CAP_OPEN311_OFFSET 100000
/* The Host header echoed in the discovery document's URL: a host name and
 * port as people type them are far shorter; a longer or odd one is not
 * echoed (the URL is then relative). */
#define CAP_OPEN311_HOST 200
/* Open311 POSTs per minute per API key when serve's apikey_rate is not set:
 * one integration filing for a whole city's app stays under one a second. */
#define CAP_APIKEY_RATE_DEFAULT 60
/* API keys: a key's display name is a code (CAP_CODE). */

/* `hamgan import 311-csv`: a whole history file is read into memory; NYC's
 * yearly exports are a few GiB, so a city imports a year at a time or
 * splits the file.  1 GiB keeps one mistaken file from taking the machine. */
#define CAP_311_CSV_FILE (1024L * 1024 * 1024)

/* `hamgan db check`: SQLite's integrity check stops after this many
 * problems; a damaged file can have a line for every page, and the first
 * hundred say enough to decide to restore. */
#define CAP_DB_CHECK_PROBLEMS 100

/* A database name as shown in messages and logs (store_dsn_safe: a
 * PostgreSQL URI without its password); a longer one is cut. */
#define CAP_DSN_SHOWN 512

/* `hamgan migrate` (store/migrate.c): one row of COPY text may hold an
 * attachment (CAP_ATTACH_BYTES) and its preview in hex, twice their size,
 * or a unit's outline; 64 MiB holds any row the program writes.  The text
 * goes to the server in pieces of about 1 MiB (fewer calls, little
 * memory), and progress is told every 10,000 rows (a few times a second). */
#define CAP_MIGRATE_ROW (64L * 1024 * 1024)
#define CAP_MIGRATE_CHUNK (1024 * 1024)
#define CAP_MIGRATE_PROGRESS_ROWS 10000
/* Its check compares the reports of each Jalali year of the data (and of
 * the whole range); a city's history of more than 50 years has its first
 * 50 compared year by year. */
#define CAP_MIGRATE_YEARS 50

#endif
