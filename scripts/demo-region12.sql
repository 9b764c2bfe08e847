-- demo-region12.sql - Region 12's figures straight from the messages, for
-- checking a demo database without the reports module:
--	sqlite3 -header -column hamgan.db < scripts/demo-region12.sql
-- Windows: the first nine months of 1398 and 1399 (Tehran midnights, +03:30).
-- Definitions as docs/reports.md: first referral into region-12's subtree on
-- a day of the window; answered = state answered/closed; evaluated and
-- acceptable from the latest answer's grade, else its verdict (also when that
-- verdict reopened the message).
WITH w(y, a, b) AS (VALUES (1398, 1553113800, 1576960200), (1399, 1584649800, 1608496200)),
r12 AS (SELECT id FROM units WHERE path LIKE (SELECT path FROM units WHERE code = 'region-12') || '%'),
m AS (SELECT w.y, x.* FROM messages x JOIN w ON x.first_referred_at >= w.a AND x.first_referred_at < w.b
      WHERE x.first_referred_unit IN (SELECT id FROM r12)),
f AS (SELECT y, count(*) AS referred, sum(state IN (3, 4)) AS answered,
             sum(answered_at > 0 AND (grade > 0 OR verdict > 0)) AS evaluated,
             sum(answered_at > 0 AND CASE WHEN grade > 0 THEN grade = 1 WHEN verdict > 0 THEN verdict = 1 ELSE 0 END) AS acceptable,
             avg(CASE WHEN state IN (3, 4) THEN answered_at - first_referred_at END) / 3600.0 AS mean_hours
      FROM m GROUP BY y)
SELECT y AS year, referred,
       round(100.0 * (referred - lag(referred) OVER (ORDER BY y)) / lag(referred) OVER (ORDER BY y), 2) AS growth_pct,
       answered, round(1.0 * answered / referred, 4) AS quantitative,
       acceptable, evaluated, round(1.0 * acceptable / evaluated, 4) AS qualitative,
       round(mean_hours, 1) AS mean_hours
FROM f ORDER BY y;
