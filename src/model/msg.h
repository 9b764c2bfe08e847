/*
 * model/msg.h - the message record, its referral hops, the enums they use and
 * their names (the API and CSV spelling).  Times are seconds since the
 * epoch, UTC; 0 means "not yet".
 */
#ifndef HAMGAN_MODEL_MSG_H
#define HAMGAN_MODEL_MSG_H

#include <stdbool.h>
#include <stdint.h>

#include "base/caps.h"

/* The numbers of the states that SQL statements name (MSG_SQL below); the
 * enum takes its values from them, so the two cannot drift apart. */
#define MSG_STATE_NUM_ANSWERED 3
#define MSG_STATE_NUM_CLOSED 4
#define MSG_STATE_NUM_REJECTED 6

enum msg_state {
	STATE_REGISTERED = 0,
	STATE_REFERRED,
	STATE_IN_PROGRESS,
	STATE_ANSWERED = MSG_STATE_NUM_ANSWERED,
	STATE_CLOSED = MSG_STATE_NUM_CLOSED,
	STATE_RETURNED,
	STATE_REJECTED = MSG_STATE_NUM_REJECTED,
	STATE_REOPENED,
	STATE_COUNT
};

/*
 * Named state sets, the one definition core and every store backend share.
 * A message is *done* once answered, closed or rejected: no deadline runs on
 * it (never overdue), Open311 calls it closed, a by-deadline queue and a
 * "still open" map leave it out.  Every other state is *open*.
 *
 * For C: MSG_STATES_DONE (a mask of MSG_STATE_BIT(state)) and
 * msg_state_done().  For SQL text: MSG_STATES_DONE_SQL ("3, 4, 6") and the
 * single states, expanded from the same numbers.  Statements use text, not
 * bound parameters, so that SQLite matches them to the partial index on
 * due_at made with this set (a change of the set needs a migration that
 * remakes that index).
 */
#define MSG_STATE_BIT(s) (1u << (unsigned)(s))
#define MSG_STATES_DONE \
	(MSG_STATE_BIT(STATE_ANSWERED) | MSG_STATE_BIT(STATE_CLOSED) | MSG_STATE_BIT(STATE_REJECTED))
#define MSG_SQL_STR_(x) #x
#define MSG_SQL(x) MSG_SQL_STR_(x)
#define MSG_STATES_DONE_SQL \
	MSG_SQL(MSG_STATE_NUM_ANSWERED) ", " MSG_SQL(MSG_STATE_NUM_CLOSED) ", " \
	MSG_SQL(MSG_STATE_NUM_REJECTED)
/* "open" in SQL text for the column c, as inequalities: the partial index
 * on due_at is made with this form since schema version 12 (an IN list in
 * an index's WHERE builds two temporary tables at every write of a row,
 * which doubled the cost of a message's UPDATE); a query that wants that
 * index states its condition in the same words. */
#define MSG_STATES_OPEN_SQL(c) \
	c " <> " MSG_SQL(MSG_STATE_NUM_ANSWERED) " AND " c " <> " \
	MSG_SQL(MSG_STATE_NUM_CLOSED) " AND " c " <> " MSG_SQL(MSG_STATE_NUM_REJECTED)
#define MSG_STATE_ANSWERED_SQL MSG_SQL(MSG_STATE_NUM_ANSWERED)
#define MSG_STATE_REJECTED_SQL MSG_SQL(MSG_STATE_NUM_REJECTED)

/* Answered, closed or rejected: no longer open. */
static inline bool msg_state_done(enum msg_state s)
{
	return (unsigned)s < STATE_COUNT && (MSG_STATES_DONE & MSG_STATE_BIT(s)) != 0;
}

enum msg_channel {
	CHANNEL_PHONE = 0,
	CHANNEL_WEB,
	CHANNEL_SMS,
	CHANNEL_OPEN311,
	CHANNEL_LIVE,
	CHANNEL_COUNT
};

enum msg_kind {
	KIND_CRITICISM = 0,	/* انتقاد */
	KIND_COMPLAINT,		/* شکایت */
	KIND_SUGGESTION,	/* پیشنهاد */
	KIND_APPRECIATION,	/* تقدیر */
	KIND_REQUEST,		/* درخواست (service request) */
	KIND_COUNT
};

enum verdict { VERDICT_NONE = 0, VERDICT_ACCEPT, VERDICT_OBJECT, VERDICT_COUNT };
enum grade { GRADE_NONE = 0, GRADE_ACCEPTABLE, GRADE_UNACCEPTABLE, GRADE_COUNT };

enum reject_reason {
	REJECT_NONE = 0,
	REJECT_INCOMPLETE,
	REJECT_DUPLICATE,	/* duplicate_of names the original */
	REJECT_OUTSIDE_REMIT,
	REJECT_ABUSIVE,
	REJECT_COUNT
};

enum return_reason {
	RETURN_NONE = 0,
	RETURN_NOT_OURS,	/* another unit's job */
	RETURN_WRONG_REGION,	/* the place is in another region */
	RETURN_OUTSIDE_REMIT,	/* not the municipality's job at all */
	RETURN_INCOMPLETE,	/* cannot act on it as written */
	RETURN_COUNT
};

enum msg_priority { PRIORITY_NORMAL = 0, PRIORITY_HIGH, PRIORITY_URGENT, PRIORITY_COUNT };

#define TRACKING_CODE_LEN 10

/*
 * The message record: ids, state, place, times, verdict and grade, reasons,
 * counters and version - every field of fixed size, so lists, searches and
 * scans hand back arrays of small records (the static assert below keeps it
 * so).  The texts (subject, body, address, answer, grade note) and the
 * citizen's identity live apart in struct msg_text, read only when asked
 * for (store msg_text_get, core msg_text_get).
 */
struct msg {
	int64_t id;
	char code[TRACKING_CODE_LEN + 1];	/* tracking code, ASCII digits */
	enum msg_channel channel;
	enum msg_kind kind;
	int64_t category_id;		/* 0: not yet classified */
	bool has_point;
	double lat, lon;		/* WGS84, when has_point */
	int64_t region_id;		/* unit of the region the place is in, 0 unknown */

	int64_t citizen_id;		/* 0: anonymous */
	bool confidential;
	/* Set by the core's reads, never stored: this reader is not shown the
	 * citizen's identity, so the texts read for this record (core
	 * msg_text_get) come with name, mobile and national id blank. */
	bool identity_hidden;

	enum msg_state state;
	int64_t unit_id;		/* current unit (the centre until referred) */
	enum msg_priority priority;
	int64_t live_session_id;	/* channel live: the session, else 0 */
	int64_t registered_by;		/* users.id of the operator, 0 otherwise */

	int64_t created_at;
	int64_t first_referred_at;	/* first referral ever (reports) */
	int64_t first_referred_unit;	/* its unit */
	int64_t referred_at;		/* current hop */
	int64_t due_at;			/* current deadline */
	int64_t answered_at;		/* latest answer */
	int64_t closed_at;
	int64_t updated_at;

	enum verdict verdict;
	int rating;			/* 1..5, 0 none */
	int64_t verdict_at;
	enum grade grade;
	int64_t graded_at;
	int64_t graded_by;

	enum reject_reason reject_reason;
	enum return_reason return_reason;	/* of the latest return */
	int64_t duplicate_of;		/* message id, 0 none */
	int return_count;		/* times returned "not ours" */
	int referral_count;		/* refer + transfer hops */
	int reopen_count;
	int accepts;			/* citizen verdicts given: accept ... */
	int objections;			/* ... and object, over every answer */

	int64_t version;		/* +1 on every change (optimistic concurrency) */
};

/* 272 bytes on x86-64 (struct msg_text: about 15 KiB); the bound leaves
 * room for a few more fixed fields, never a text. */
_Static_assert(sizeof(struct msg) <= 320, "struct msg is the small record: texts go in "
	       "struct msg_text");

/*
 * A message's texts and, from the citizen's row, the identity as this read
 * shows it (blank when anonymous or hidden from the reader).  About 15 KiB:
 * one at a time, never an array.  subject, body and address are written
 * once, at registration; answer and grade_note by the transitions that set
 * them.
 */
struct msg_text {
	char subject[CAP_MSG_SUBJECT + 1];
	char body[CAP_MSG_BODY + 1];
	char address[CAP_MSG_ADDRESS + 1];
	char answer[CAP_MSG_ANSWER + 1];	/* latest answer text */
	char grade_note[CAP_NOTE + 1];
	char citizen_name[CAP_NAME];
	char citizen_mobile[12];
	char citizen_national_id[11];
};

/*
 * What the citizen's tracking look-up reads of a message: the fields its
 * answer shows, the citizen's own texts, and the citizen's mobile to check
 * the look-up against.  Nothing internal is in it (the unit inside the
 * region, grades and their notes, who registered it, the citizen's name or
 * national id), so the public answer cannot carry it, and the read is
 * about a third of a whole message's.  About 13 KiB: one at a time.
 */
struct msg_public {
	int64_t id;
	char code[TRACKING_CODE_LEN + 1];
	enum msg_kind kind;
	enum msg_state state;
	int64_t category_id;		/* 0: not yet classified */
	int64_t unit_id;		/* to name the region handling it */
	int64_t citizen_id;		/* 0: anonymous (no look-up finds it) */
	int64_t created_at, due_at, answered_at;
	enum verdict verdict;
	int rating;			/* 1..5, 0 none */
	enum reject_reason reject_reason;
	char mobile[12];		/* the citizen's, "" when anonymous */
	char subject[CAP_MSG_SUBJECT + 1];
	char body[CAP_MSG_BODY + 1];
	char answer[CAP_MSG_ANSWER + 1];	/* latest answer text */
};

/* One hop in a message's referral chain (refer, transfer, return, reopen). */
enum hop_kind { HOP_REFER = 0, HOP_TRANSFER, HOP_RETURN, HOP_REOPEN, HOP_COUNT };

struct referral {
	int64_t id;
	int64_t msg_id;
	enum hop_kind kind;
	int64_t from_unit;	/* 0 when none */
	int64_t to_unit;
	int64_t actor_id;	/* users.id, 0 for system/citizen */
	char actor[CAP_CODE];	/* actor label */
	char reason[CAP_NOTE + 1];	/* free text or a reason code */
	int64_t deadline;	/* due_at set by this hop, 0 none */
	int64_t at;
};

/* Names for the enums ("registered", "phone", "complaint", ...) and their
 * parsers (0 or ERR_INVALID).  The names are the API and CSV spelling. */
const char *msg_state_name(enum msg_state s);
int msg_state_parse(const char *s, enum msg_state *out);
const char *msg_channel_name(enum msg_channel ch);
int msg_channel_parse(const char *s, enum msg_channel *out);
const char *msg_kind_name(enum msg_kind k);
const char *msg_kind_name_fa(enum msg_kind k);
int msg_kind_parse(const char *s, enum msg_kind *out);
const char *verdict_name(enum verdict v);
int verdict_parse(const char *s, enum verdict *out);
const char *grade_name(enum grade g);
int grade_parse(const char *s, enum grade *out);
const char *reject_reason_name(enum reject_reason r);
int reject_reason_parse(const char *s, enum reject_reason *out);
const char *return_reason_name(enum return_reason r);
int return_reason_parse(const char *s, enum return_reason *out);
const char *hop_kind_name(enum hop_kind k);
const char *priority_name(enum msg_priority p);
int priority_parse(const char *s, enum msg_priority *out);

#endif
