/*
 * open311.c - the core's side of Open311 GeoReport v2: service extras and
 * their attribute definitions, intake on the open311 channel, the public
 * list and read, the public timeline.  See open311.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/num.h"
#include "base/str.h"
#include "core/batch.h"
#include "core/category.h"
#include "core/core_int.h"
#include "core/open311.h"
#include "core/unit.h"
#include "fa/ids.h"

static const char *const datatype_names[O311_DATATYPE_COUNT] = {
	"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist",
};

const char *o311_datatype_name(enum o311_datatype t)
{
	return (int)t >= 0 && t < O311_DATATYPE_COUNT ? datatype_names[t] : "string";
}

bool open311_closed(enum msg_state s)
{
	return msg_state_done(s);
}

/* ---- attribute definitions ---- */

/*
 * The definitions are text a city types into its category CSV, one
 * attribute a line:
 *	code|datatype|required|description[|key=name;key=name...]
 * required is "required", "optional" or "info" (shown, never asked: the
 * spec's variable=false); the values part is for the two list datatypes
 * only.  The line order is the spec's order.
 */

/* Copy the next '|' field of line (len bytes at *p) into dst. */
static int next_field(const char **p, const char *end, char *dst, size_t dstsz, bool *more)
{
	const char *q = *p;
	size_t len;

	while (q < end && *q != '|')
		q++;
	len = (size_t)(q - *p);
	if (len >= dstsz)
		return ERR_TOOBIG;
	memcpy(dst, *p, len);
	dst[len] = '\0';
	*more = q < end;
	*p = q < end ? q + 1 : q;
	return 0;
}

/* Trim spaces at both ends, in place. */
static void trim(char *s)
{
	size_t len = strlen(s), i = 0;

	while (len && (s[len - 1] == ' ' || s[len - 1] == '\r'))
		s[--len] = '\0';
	while (s[i] == ' ')
		i++;
	memmove(s, s + i, len - i + 1);
}

static int parse_values(struct o311_attr *a, const char *s, size_t lineno, struct err *err)
{
	const char *p = s;
	size_t j;

	while (*p) {
		struct o311_value *v = &a->values[a->nvalues];
		size_t len = strcspn(p, ";"), eq;
		char item[CAP_CODE + CAP_NAME];

		if (a->nvalues == CAP_OPEN311_VALUES)
			return err_set(err, ERR_TOOBIG, "attributes", "attribute line %zu: more than "
				       "%d values", lineno, CAP_OPEN311_VALUES);
		if (len >= sizeof(item))
			return err_set(err, ERR_TOOBIG, "attributes", "attribute line %zu: a value "
				       "is too long", lineno);
		memcpy(item, p, len);
		item[len] = '\0';
		p += len + (p[len] == ';');
		eq = strcspn(item, "=");
		if (!item[eq] || eq >= sizeof(v->key))
			return err_set(err, ERR_INVALID, "attributes", "attribute line %zu: values "
				       "are key=name separated by ';'", lineno);
		item[eq] = '\0';
		str_copy(v->key, sizeof(v->key), item);
		str_copy(v->name, sizeof(v->name), item + eq + 1);
		trim(v->key);
		trim(v->name);
		if (!v->key[0] || !v->name[0] || strlen(item + eq + 1) >= sizeof(v->name))
			return err_set(err, ERR_INVALID, "attributes", "attribute line %zu: a value "
				       "needs a key and a name", lineno);
		for (j = 0; j < a->nvalues; j++)
			if (str_eq(a->values[j].key, v->key))
				return err_set(err, ERR_INVALID, "attributes", "attribute line %zu: "
					       "value key '%s' twice", lineno, v->key);
		a->nvalues++;
	}
	return 0;
}

static int parse_attr(const char *line, size_t len, size_t lineno, struct o311_attr *a,
		      struct err *err)
{
	const char *p = line, *end = line + len;
	char dt[32], req[16], *values = xmalloc(len + 1);
	bool more = true;
	int rc, k, nf = 0;

	memset(a, 0, sizeof(*a));
	values[0] = '\0';
	dt[0] = req[0] = '\0';
	rc = next_field(&p, end, a->code, sizeof(a->code), &more);
	if (rc == 0 && more && ++nf)
		rc = next_field(&p, end, dt, sizeof(dt), &more);
	if (rc == 0 && more && ++nf)
		rc = next_field(&p, end, req, sizeof(req), &more);
	if (rc == 0 && more && ++nf)
		rc = next_field(&p, end, a->description, sizeof(a->description), &more);
	if (rc == 0 && more && ++nf)
		rc = next_field(&p, end, values, len + 1, &more);
	if (rc < 0 || more || nf < 3) {
		free(values);
		return err_set(err, ERR_INVALID, "attributes", "attribute line %zu: write "
			       "code|datatype|required|description[|key=name;...]", lineno);
	}
	trim(a->code);
	trim(dt);
	trim(req);
	trim(a->description);
	trim(values);
	rc = code_check("attributes", a->code, err);
	for (k = 0; rc == 0 && k < O311_DATATYPE_COUNT && !str_eq(dt, datatype_names[k]); k++)
		;
	if (rc == 0 && k == O311_DATATYPE_COUNT)
		rc = err_set(err, ERR_INVALID, "attributes", "attribute line %zu: unknown datatype "
			     "'%s' (string, number, datetime, text, singlevaluelist, "
			     "multivaluelist)", lineno, dt);
	if (rc == 0) {
		a->datatype = (enum o311_datatype)k;
		a->variable = !str_eq(req, "info");
		a->required = str_eq(req, "required");
		if (!str_eq(req, "required") && !str_eq(req, "optional") && !str_eq(req, "info"))
			rc = err_set(err, ERR_INVALID, "attributes", "attribute line %zu: the third "
				     "field is required, optional or info", lineno);
	}
	if (rc == 0)
		rc = text_check("attributes", a->description, CAP_NOTE, true, false, err);
	if (rc == 0) {
		bool list = a->datatype == O311_SINGLE || a->datatype == O311_MULTI;

		if (list != (values[0] != '\0'))
			rc = err_set(err, ERR_INVALID, "attributes", "attribute line %zu: %s",
				     lineno, list ? "a list needs its values (key=name;...)"
					  : "only lists have values");
		else if (list)
			rc = parse_values(a, values, lineno, err);
	}
	free(values);
	return rc;
}

int o311_attrs_parse(const char *text, struct o311_attr **out, size_t *n, struct err *err)
{
	const char *p = text;
	size_t lineno = 0, i;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (!text || !*text)
		return 0;
	if (strlen(text) > CAP_OPEN311_ATTR_TEXT)
		return err_set(err, ERR_TOOBIG, "attributes", "attribute definitions longer than "
			       "%d bytes", CAP_OPEN311_ATTR_TEXT);
	if (!str_utf8_valid(text, strlen(text)))
		return err_set(err, ERR_INVALID, "attributes", "attribute definitions are not "
			       "UTF-8");
	*out = xcalloc(CAP_OPEN311_ATTRS, sizeof(**out));
	while (*p && rc == 0) {
		size_t len = strcspn(p, "\n");

		lineno++;
		if (len && !(len == 1 && p[0] == '\r')) {
			if (*n == CAP_OPEN311_ATTRS)
				rc = err_set(err, ERR_TOOBIG, "attributes", "more than %d attributes",
					     CAP_OPEN311_ATTRS);
			else
				rc = parse_attr(p, len, lineno, &(*out)[*n], err);
			for (i = 0; rc == 0 && i < *n; i++)
				if (str_eq((*out)[i].code, (*out)[*n].code))
					rc = err_set(err, ERR_INVALID, "attributes", "attribute '%s' "
						     "twice", (*out)[i].code);
			if (rc == 0) {
				(*out)[*n].order = (int)(*n + 1);
				(*n)++;
			}
		}
		p += len + (p[len] == '\n');
	}
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* ---- service extras ---- */

int open311_service_get(struct core *c, int64_t category_id, struct service_meta *out,
			struct err *err)
{
	int rc = OPS(c)->service_get(c->st, category_id, out, err);

	if (rc == ERR_NOTFOUND) {
		memset(out, 0, sizeof(*out));
		out->category_id = category_id;
		return 0;
	}
	return rc;
}

int open311_service_check(const struct service_meta *m, struct err *err)
{
	struct o311_attr *attrs = NULL;
	size_t n;
	int rc;

	rc = text_check("keywords", m->keywords, CAP_OPEN311_KEYWORDS, false, false, err);
	if (rc == 0)
		rc = o311_attrs_parse(m->attributes, &attrs, &n, err);
	free(attrs);
	return rc;
}

/* ---- intake ---- */

/* http:// or https://, a host, printable ASCII without spaces or quotes. */
static int media_url_check(const char *u, struct err *err)
{
	size_t i, len = strlen(u), start;

	if (len > CAP_MEDIA_URL)
		return err_set(err, ERR_INVALID, "media_url", "media_url is longer than %d bytes",
			       CAP_MEDIA_URL);
	if (str_starts(u, "https://"))
		start = 8;
	else if (str_starts(u, "http://"))
		start = 7;
	else
		return err_set(err, ERR_INVALID, "media_url", "media_url must be an http or "
			       "https URL");
	if (start >= len || u[start] == '/')
		return err_set(err, ERR_INVALID, "media_url", "media_url has no host");
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)u[i];

		if (ch <= 0x20 || ch >= 0x7f || ch == '"' || ch == '<' || ch == '>' ||
		    ch == '\\' || ch == '^' || ch == '`' || ch == '{' || ch == '}' || ch == '|')
			return err_set(err, ERR_INVALID, "media_url", "media_url holds a character "
				       "a URL may not (encode it)");
	}
	return 0;
}

static const struct o311_value *value_of(const struct o311_attr *a, const char *key)
{
	size_t i;

	for (i = 0; i < a->nvalues; i++)
		if (str_eq(a->values[i].key, key))
			return &a->values[i];
	return NULL;
}

/* "YYYY-MM-DD" optionally followed by "THH:MM" and more: a date-time as a
 * client's date picker sends it; kept as text. */
static bool datetime_ok(const char *s)
{
	size_t i, len = strlen(s);

	if (len < 10 || len > 40)
		return false;
	for (i = 0; i < 10; i++)
		if ((i == 4 || i == 7) ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return false;
	return len == 10 || s[10] == 'T' || s[10] == ' ';
}

/*
 * Check the submitted values against the definitions and write them to b as
 * "label: value" lines.  Unknown codes and values for information-only
 * attributes are refused, so nothing a client sends is silently dropped.
 */
static int attrs_to_text(const struct o311_attr *defs, size_t ndefs,
			 const struct o311_attr_in *in, size_t nin, struct buf *b,
			 struct err *err)
{
	size_t i, j;
	int rc;

	for (j = 0; j < nin; j++) {
		for (i = 0; i < ndefs && !str_eq(defs[i].code, in[j].code); i++)
			;
		if (i == ndefs || !defs[i].variable)
			return err_set(err, ERR_INVALID, "attribute", "the service has no attribute "
				       "'%.64s'", in[j].code);
	}
	for (i = 0; i < ndefs; i++) {
		const struct o311_attr *d = &defs[i];
		size_t seen = 0;

		if (!d->variable)
			continue;
		for (j = 0; j < nin; j++) {
			const char *v = in[j].value;
			const struct o311_value *ov = NULL;
			double x;

			if (!str_eq(in[j].code, d->code))
				continue;
			if (!*v)
				continue;
			rc = text_check("attribute", v, CAP_OPEN311_ATTR_VALUE, false,
					d->datatype == O311_TEXT, err);
			if (rc < 0)
				return rc;
			switch (d->datatype) {
			case O311_NUMBER:
				if (num_parse_decimal(v, -1e15, 1e15, &x) < 0)
					return err_set(err, ERR_INVALID, "attribute", "attribute '%s' "
						       "is a number", d->code);
				break;
			case O311_DATETIME:
				if (!datetime_ok(v))
					return err_set(err, ERR_INVALID, "attribute", "attribute '%s' "
						       "is a date-time (YYYY-MM-DDTHH:MM)", d->code);
				break;
			case O311_SINGLE:
			case O311_MULTI:
				ov = value_of(d, v);
				if (!ov)
					return err_set(err, ERR_INVALID, "attribute", "attribute '%s' "
						       "has no value '%.64s'", d->code, v);
				if (d->datatype == O311_SINGLE && seen)
					return err_set(err, ERR_INVALID, "attribute", "attribute '%s' "
						       "takes one value", d->code);
				break;
			default:
				if (seen)
					return err_set(err, ERR_INVALID, "attribute", "attribute '%s' "
						       "takes one value", d->code);
				break;
			}
			buf_addf(b, "%s%s: %s", b->len ? "\n" : "",
				 d->description[0] ? d->description : d->code, ov ? ov->name : v);
			seen++;
		}
		if (d->required && !seen)
			return err_set(err, ERR_INVALID, "attribute", "attribute '%s' is required",
				       d->code);
	}
	return 0;
}

int open311_submit(struct core *c, const struct o311_submit *in, struct msg *out,
		   struct err *err)
{
	struct buf body = BUF_INIT(CAP_MSG_BODY + 1);
	struct buf extra = BUF_INIT(CAP_MSG_BODY + 1);
	struct o311_attr *defs = NULL;
	struct service_meta *sm = xmalloc(sizeof(*sm));
	struct category cat;
	struct msg_new m = in->m;
	struct o311_meta meta;
	struct actor a = actor_citizen(0);
	size_t ndefs = 0;
	int rc, k;

	memset(&meta, 0, sizeof(meta));
	rc = category_get(c, in->category_id, &cat, err);
	if (rc == 0)
		rc = open311_service_get(c, cat.id, sm, err);
	if (rc == 0)
		rc = o311_attrs_parse(sm->attributes, &defs, &ndefs, err);
	if (rc == 0 && in->media_url && *in->media_url)
		rc = media_url_check(in->media_url, err);
	if (rc == 0)
		rc = text_check("address_id", in->address_id, CAP_OPEN311_ID, false, false, err);
	if (rc == 0)
		rc = attrs_to_text(defs, ndefs, in->attrs, in->nattrs, &extra, err);
	if (rc < 0)
		goto out;
	m.channel = CHANNEL_OPEN311;
	m.category_id = cat.id;
	m.kind = KIND_REQUEST;
	if (!(cat.kinds & (1u << KIND_REQUEST))) {
		for (k = 0; k < KIND_COUNT && !(cat.kinds & (1u << k)); k++)
			;
		m.kind = (enum msg_kind)(k < KIND_COUNT ? k : KIND_REQUEST);
	}
	if (!m.subject || !*m.subject)
		m.subject = cat.name;
	buf_adds(&body, m.body && *m.body ? m.body : cat.name);
	/* the unit reads the photo's link with the text (the Open311 answer
	 * carries it as media_url) */
	if (in->media_url && *in->media_url)
		buf_addf(&extra, "%s%s: %s", extra.len ? "\n" : "", "پیوند تصویر", in->media_url);
	if (extra.len)
		buf_addf(&body, "\n\n%s\n%s", "اطلاعات تکمیلی:", extra.data);
	if (buf_error(&body) || buf_error(&extra)) {
		rc = err_set(err, ERR_INVALID, "description", "the description and attributes are "
			     "longer than %d bytes", CAP_MSG_BODY);
		goto out;
	}
	m.body = body.data;
	rc = core_batch_begin(c, err);
	if (rc < 0)
		goto out;
	rc = msg_register(c, &a, &m, out, err);
	if (rc == 0) {
		meta.msg_id = out->id;
		meta.api_key_id = in->api_key_id;
		str_copy(meta.media_url, sizeof(meta.media_url), in->media_url ? in->media_url : "");
		str_copy(meta.address_id, sizeof(meta.address_id),
			 in->address_id ? in->address_id : "");
		rc = OPS(c)->o311_meta_put(c->st, &meta, err);
	}
	if (rc == 0)
		rc = core_batch_commit(c, err);
	else
		core_batch_rollback(c);
	if (rc == 0)
		msg_hide_identity_all(out);
out:
	free(defs);
	free(sm);
	buf_release(&body);
	buf_release(&extra);
	return rc;
}

/* ---- reads ---- */

int open311_list(struct core *c, const struct o311_query *q, struct msg **out, size_t *n,
		 struct err *err)
{
	struct store_msg_ids iq;
	int64_t *ids = NULL;
	size_t nids = 0, i;
	int rc;

	*out = NULL;
	*n = 0;
	memset(&iq, 0, sizeof(iq));
	iq.from = q->from;
	iq.to = q->to;
	iq.category_id = q->category_id;
	iq.public_only = true;
	iq.newest_first = true;
	iq.offset = q->offset;
	iq.limit = q->limit;
	if (q->status == 0 || q->status == 1) {
		for (i = 0; i < STATE_COUNT; i++)
			if (open311_closed((enum msg_state)i) == (q->status == 1))
				iq.states |= 1u << i;
	}
	rc = OPS(c)->msg_ids(c->st, &iq, &ids, &nids, err);
	if (rc < 0)
		return rc;
	if (nids)
		*out = xcalloc(nids, sizeof(**out));
	for (i = 0; i < nids && rc == 0; i++) {
		rc = OPS(c)->msg_get(c->st, ids[i], &(*out)[i], err);
		msg_hide_identity_all(&(*out)[i]);
	}
	free(ids);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		return rc;
	}
	*n = nids;
	return 0;
}

int open311_meta_get(struct core *c, int64_t msg_id, struct o311_meta *out, struct err *err)
{
	int rc = OPS(c)->o311_meta_get(c->st, msg_id, out, err);

	if (rc == ERR_NOTFOUND) {
		memset(out, 0, sizeof(*out));
		out->msg_id = msg_id;
		return 0;
	}
	return rc;
}

int open311_get(struct core *c, const char *code, struct msg *out, struct o311_meta *meta,
		struct err *err)
{
	char ascii[TRACKING_CODE_LEN + 1];
	int rc;

	if (tracking_code_ascii(code, ascii) < 0)
		return err_set(err, ERR_NOTFOUND, "service_request_id", "no such request");
	rc = OPS(c)->msg_get_by_code(c->st, ascii, out, err);
	if (rc == 0 && out->confidential)
		rc = ERR_NOTFOUND;
	if (rc == ERR_NOTFOUND)
		rc = err_set(err, ERR_NOTFOUND, "service_request_id", "no such request");
	if (rc == 0 && meta)
		rc = open311_meta_get(c, out->id, meta, err);
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	else
		msg_hide_identity_all(out);
	return rc;
}
