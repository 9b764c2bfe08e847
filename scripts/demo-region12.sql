-- demo-region12.sql - Region 12's figures straight from the raw rows (the
-- referral chains and the audit log), for checking a demo database without
-- the reports module:
--	hamgan audit list --db hamgan.db > audit.tsv
--	sqlite3 -header -column hamgan.db < scripts/demo-region12.sql
-- (the audit log keeps its payloads packed: `hamgan audit list` prints them
-- as text, read here into a temporary table from audit.tsv).
-- Windows: the first nine months of 1398 and 1399 (Tehran midnights, +03:30);
-- both are past, so as_of is each window's end.  Definitions as
-- docs/reports.md: referred = first hop (not a return) into region-12's
-- subtree on a day of the window; answered = of those, answered while the
-- subtree held the message, before the window's end; judgements = verdicts
-- and grades given in the window on answers the subtree gave.  (Handling
-- times per hop need the replay: `hamgan report`.)
CREATE TEMP TABLE audit_text (seq INTEGER, at INTEGER, actor TEXT, action TEXT, msg_id INTEGER,
                               payload TEXT, hash TEXT);
.mode tabs
.import audit.tsv audit_text
CREATE INDEX temp.audit_text_msg ON audit_text (msg_id, seq);
.mode column
WITH w(y, a, b) AS (VALUES (1398, 1553113800, 1576960200), (1399, 1584649800, 1608496200)),
u AS (SELECT id FROM units WHERE path LIKE (SELECT path FROM units WHERE code = 'region-12') || '%'),
first AS (SELECT msg_id, min(id) AS rid FROM referrals WHERE kind <> 2 AND to_unit IN u GROUP BY msg_id),
entered AS (SELECT w.y, w.b, f.msg_id, r.at FROM first f JOIN referrals r ON r.id = f.rid
            JOIN w ON r.at >= w.a AND r.at < w.b),
answers AS (SELECT a.msg_id, a.seq, a.at, (SELECT x.to_unit FROM referrals x WHERE x.msg_id = a.msg_id
            AND x.at <= a.at ORDER BY x.id DESC LIMIT 1) AS holder FROM audit_text a WHERE a.action = 'msg.answer'),
judged AS (SELECT w.y, j.payload, (SELECT holder FROM answers an WHERE an.msg_id = j.msg_id AND an.seq < j.seq
           ORDER BY an.seq DESC LIMIT 1) AS holder FROM audit_text j JOIN w ON j.at >= w.a AND j.at < w.b
           WHERE j.action IN ('msg.verdict', 'msg.grade')),
f AS (SELECT y, count(*) AS referred,
             sum(EXISTS (SELECT 1 FROM answers an WHERE an.msg_id = e.msg_id AND an.at >= e.at
                         AND an.at < e.b AND an.holder IN u)) AS answered
      FROM entered e GROUP BY y),
q AS (SELECT y, count(*) AS judgements,
             sum(json_extract(payload, '$.verdict') = 'accept' OR json_extract(payload, '$.grade') = 'acceptable') AS positive
      FROM judged WHERE holder IN u GROUP BY y)
SELECT f.y AS year, referred,
       round(100.0 * (referred - lag(referred) OVER (ORDER BY f.y)) / lag(referred) OVER (ORDER BY f.y), 2) AS growth_pct,
       answered, round(1.0 * answered / referred, 4) AS quantitative,
       positive, judgements, round(1.0 * positive / judgements, 4) AS qualitative
FROM f JOIN q ON q.y = f.y ORDER BY f.y;
