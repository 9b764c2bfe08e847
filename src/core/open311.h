/*
 * open311.h - what the Open311 GeoReport v2 front end (src/http/open311.c)
 * needs from the core: services with their attribute definitions, intake on
 * the open311 channel, the public list and read, and a message's public
 * timeline.  docs/open311.md is the user's side of this.
 *
 * Public means: no confidential message is ever listed or read (a read of
 * one is ERR_NOTFOUND, like an unknown code), and no citizen identity is in
 * any record this module hands out (name, mobile and national id are
 * blanked on every message returned).
 */
#ifndef HAMGAN_CORE_OPEN311_H
#define HAMGAN_CORE_OPEN311_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/caps.h"
#include "base/err.h"
#include "core/msg.h"
#include "model/open311.h"

struct core;
struct actor;

enum o311_datatype {
	O311_STRING = 0, O311_NUMBER, O311_DATETIME, O311_TEXT, O311_SINGLE, O311_MULTI,
	O311_DATATYPE_COUNT
};

struct o311_value {
	char key[CAP_CODE];
	char name[CAP_NAME];
};

/* One attribute definition, parsed and checked. */
struct o311_attr {
	char code[CAP_CODE];
	enum o311_datatype datatype;
	bool variable;		/* false: information only, no input */
	bool required;
	int order;
	char description[CAP_NOTE + 1];
	char datatype_description[CAP_NAME];
	size_t nvalues;
	struct o311_value values[CAP_OPEN311_VALUES];
};

const char *o311_datatype_name(enum o311_datatype t);

/*
 * Parse attribute definitions: one attribute a line,
 *	code|datatype|required|description[|key=name;key=name...]
 * datatype one of the spec's (string, number, datetime, text,
 * singlevaluelist, multivaluelist); required is "required", "optional" or
 * "info" (information only: the spec's variable=false); the values only for
 * the two list types.  Blank lines are skipped; the line order is the
 * order.  "" is no attributes.  *out malloc'd (free()).  ERR_INVALID naming
 * the line, ERR_TOOBIG past the caps.
 */
int o311_attrs_parse(const char *text, struct o311_attr **out, size_t *n, struct err *err);

/* A category's extras; an empty record (not an error) when it has none. */
int open311_service_get(struct core *c, int64_t category_id, struct service_meta *out,
			struct err *err);
/* Check them: keywords one line of text, attributes parseable.  0 or
 * ERR_INVALID / ERR_TOOBIG. */
int open311_service_check(const struct service_meta *m, struct err *err);

/* One submitted attribute: attribute[code]=value (a multivaluelist sends
 * one pair per chosen key). */
struct o311_attr_in {
	const char *code;
	const char *value;
};

/*
 * A POST requests.json: m is the message (channel open311, kind chosen
 * here: request when the category takes it, else the first kind it takes);
 * the values are checked against the service's definitions (required ones
 * present, list keys known, numbers numeric) and appended to the body as
 * "name: value" lines under a heading, with the media_url (an http(s) URL)
 * as a last line, so the unit reads them with the text.
 * In one transaction: msg_register as a citizen, then the meta row.  The
 * citizen is never sent an SMS for an open311 message (msg.h).
 */
struct o311_submit {
	struct msg_new m;
	int64_t category_id;
	int64_t api_key_id;
	const char *media_url;
	const char *address_id;
	const struct o311_attr_in *attrs;
	size_t nattrs;
};
int open311_submit(struct core *c, const struct o311_submit *in, struct msg *out,
		   struct err *err);

/* GET requests.json filters: created in [from, to), category (0 any),
 * open/closed (-1 either), offset and limit. */
struct o311_query {
	int64_t from, to;
	int64_t category_id;
	int status;		/* -1 any, 0 open, 1 closed */
	size_t offset, limit;
};
/* Newest first; confidential messages never; identities blanked. */
int open311_list(struct core *c, const struct o311_query *q, struct msg **out, size_t *n,
		 struct err *err);
/* One message by tracking code: ERR_NOTFOUND for unknown, malformed or
 * confidential.  meta (may be NULL) gets its open311 row or an empty one. */
int open311_get(struct core *c, const char *code, struct msg *out, struct o311_meta *meta,
		struct err *err);
int open311_meta_get(struct core *c, int64_t msg_id, struct o311_meta *out, struct err *err);

/* Open311's status of a state: answered, closed and rejected are closed. */
bool open311_closed(enum msg_state s);

#endif
