// sms.mjs - what the citizen's phone would show, for the browser tests: the
// SMS the server queued, read from the outbox of its database with sqlite3.
import { execFileSync } from 'node:child_process';

function sql(db, query) {
  return execFileSync('sqlite3', [db, query]).toString();
}

/** The verification code last texted to `to` (09xxxxxxxxx), '' when none. */
export function smsCode(db, to) {
  if (!/^09\d{9}$/.test(to)) throw new Error(`not a mobile: ${to}`);
  // SQLite keeps the text packed (a byte a Persian letter); the code's
  // ASCII digits are in it as they are
  const body = sql(db, `SELECT body FROM sms_outbox WHERE to_mobile = '${to}' AND msg_id IS NULL ORDER BY id DESC LIMIT 1`);
  return (body.match(/\d{5}/) || [''])[0];
}

/** How many SMS were queued for `to`. */
export function smsCount(db, to) {
  if (!/^09\d{9}$/.test(to)) throw new Error(`not a mobile: ${to}`);
  return Number(sql(db, `SELECT count(*) FROM sms_outbox WHERE to_mobile = '${to}'`).trim());
}
