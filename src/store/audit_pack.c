/*
 * audit_pack.c - an audit entry's payload packed and unpacked
 * (audit_pack.h says the form).  The parser takes exactly the JSON the
 * core's writer (base/jw.h) makes of a payload: one object of string and
 * integer members, with no white space; anything else is kept as text.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/jw.h"
#include "base/mem.h"
#include "base/str.h"
#include "base/tpack.h"
#include "base/varint.h"
#include "model/msg.h"
#include "store/audit_pack.h"

enum { TAG_TEXT = 0, TAG_PACKED = 1 };

/* A value's type, the low 3 bits of a member's head. */
enum { T_INT, T_INT_AT, T_DIGITS, T_WORD, T_TEXT, T_TPACK, T_HUFF };

#define MAX_MEMBERS 64
#define MAX_KEY 64
#define MAX_DIGITS 18

/* Member names, by index from 1.  Append only. */
static const char *const keys[] = {
	NULL, "code", "channel", "kind", "confidential", "from", "to", "due_at", "to_state",
	"reason", "duplicate_of", "answer", "verdict", "rating", "grade", "note", "username",
	"role", "unit_id", "name", "parent_id", "deadline_hours", "mobile_hash", "fields",
	"live_session_id", "host", "rows", "addr", "active", "attachment", "before",
	"category_id", "failed", "features", "first_id", "id", "kinds", "last_id", "messages",
	"mime", "sent", "service_code", "size", "title", "user", "why",
};

/* Words of string values, by index from 0: the model's names (model/names.c).
 * Append only. */
static const char *const words[] = {
	"registered", "referred", "in_progress", "answered", "closed", "returned", "rejected",
	"reopened", "phone", "web", "sms", "open311", "live", "criticism", "complaint",
	"suggestion", "appreciation", "request", "none", "accept", "object", "acceptable",
	"unacceptable", "incomplete", "duplicate", "outside_remit", "abusive", "not_ours",
	"wrong_region", "refer", "transfer", "return", "reopen", "normal", "high", "urgent",
	"citizen", "operator", "staff", "manager", "inspector", "admin", "system",
	"organisation", "centre", "region", "district", "department", "name",
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))
#define NWORDS (sizeof(words) / sizeof(words[0]))

/* ---- a fixed Huffman code of the packed text's bytes ----
 *
 * T_TPACK is a string in base/tpack.h's packed form (a byte a Persian
 * letter, as the messages' texts are kept).  T_HUFF is that form's length,
 * then its bytes in a canonical Huffman code of these lengths (bits first
 * to last, high bit first, the last byte padded with zeros).  The lengths
 * come from the byte frequencies of the demo's Persian answers and notes
 * (scripts/audit-huffman, with a floor for Latin, digits and the rest):
 * about 4.6 bits a letter.  Never change them. */
static const unsigned char huff_len[256] = {
	16, 16, 15, 15, 15, 15, 15, 15, 15, 15, 10, 15, 15, 15, 15, 15,
	15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15,
	3, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 7, 10,
	10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10,
	10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10,
	10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10,
	10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10,
	10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 15,
	13, 10, 12, 13, 12, 12, 3, 5, 12, 5, 12, 7, 7, 7, 4, 12,
	4, 6, 5, 5, 9, 8, 7, 9, 7, 11, 12, 7, 7, 12, 6, 4,
	5, 5, 5, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
	7, 11, 12, 7, 7, 4, 12, 12, 9, 8, 10, 11, 10, 10, 11, 12,
	8, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 7, 12, 12,
	12, 12, 12, 8, 12, 12, 12, 12, 7, 7, 12, 12, 12, 12, 12, 12,
	12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
	12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 15,
};

#define HUFF_LONGEST 16		/* no length above is longer */
#define HUFF_FAST 12		/* codes this long or shorter: one look-up */

/* Made once from huff_len (tables_init). */
static struct {
	uint32_t code[256];		/* each byte's code */
	uint32_t first[HUFF_LONGEST + 1];	/* the first code of each length */
	unsigned count[HUFF_LONGEST + 1];	/* codes of each length */
	unsigned offset[HUFF_LONGEST + 1];	/* their first byte's place in sorted */
	unsigned char sorted[256];	/* by length, then value */
	uint16_t fast[1 << HUFF_FAST];	/* what the next HUFF_FAST bits start
					 * with: byte | length << 8, or 0 for
					 * a longer code */
} tab;
static pthread_once_t tab_once = PTHREAD_ONCE_INIT;

static void tables_init(void)
{
	uint32_t next[HUFF_LONGEST + 1], code = 0;
	unsigned l, k = 0, s, f;

	for (s = 0; s < 256; s++)
		tab.count[huff_len[s]]++;
	for (l = 1; l <= HUFF_LONGEST; l++) {
		code = (code + tab.count[l - 1]) << 1;
		next[l] = tab.first[l] = code;
		tab.offset[l] = k;
		k += tab.count[l];
	}
	for (l = 1; l <= HUFF_LONGEST; l++) {
		for (s = 0; s < 256; s++) {
			if (huff_len[s] != l)
				continue;
			tab.sorted[tab.offset[l] + (next[l] - tab.first[l])] = (unsigned char)s;
			tab.code[s] = next[l]++;
			if (l > HUFF_FAST)
				continue;
			/* every HUFF_FAST-bit string that starts with the code */
			for (f = 0; f < 1u << (HUFF_FAST - l); f++)
				tab.fast[(tab.code[s] << (HUFF_FAST - l)) | f] =
					(uint16_t)(s | l << 8);
		}
	}
}

/* p[0..n) coded into out (at least 2 * n bytes: no code is longer than 16
 * bits): the bytes written. */
static size_t huff_encode(const unsigned char *p, size_t n, unsigned char *out)
{
	uint64_t acc = 0;
	unsigned bits = 0;
	size_t i, o = 0;

	pthread_once(&tab_once, tables_init);
	for (i = 0; i < n; i++) {
		acc = acc << huff_len[p[i]] | tab.code[p[i]];
		bits += huff_len[p[i]];
		while (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	if (bits)
		out[o++] = (unsigned char)(acc << (8 - bits));
	return o;
}

/* The bits of p[0..n) from bit `at` on, as the high bits of 32 (zeros past
 * the end). */
static uint32_t peek32(const unsigned char *p, size_t n, size_t at)
{
	size_t byte = at >> 3, k;
	uint64_t w = 0;

	for (k = 0; k < 5; k++)
		w = w << 8 | (byte + k < n ? p[byte + k] : 0);
	return (uint32_t)(w >> (8 - (at & 7)));
}

/* count bytes decoded from p[0..n) into out: 0, or -1 unless they take
 * exactly the n bytes (with a zero padding). */
static int huff_decode(const unsigned char *p, size_t n, size_t count, unsigned char *out)
{
	size_t bit = 0, done;
	uint32_t w, code;
	unsigned l, e;

	pthread_once(&tab_once, tables_init);
	for (done = 0; done < count; done++) {
		w = peek32(p, n, bit);
		e = tab.fast[w >> (32 - HUFF_FAST)];
		if (e) {
			l = e >> 8;
			out[done] = (unsigned char)e;
		} else {
			for (l = HUFF_FAST + 1; l <= HUFF_LONGEST; l++) {
				code = w >> (32 - l);
				if (code >= tab.first[l] && code - tab.first[l] < tab.count[l])
					break;
			}
			if (l > HUFF_LONGEST)
				return -1;
			out[done] = tab.sorted[tab.offset[l] + (code - tab.first[l])];
		}
		bit += l;
		if (bit > n * 8)
			return -1;
	}
	if ((bit + 7) / 8 != n || ((bit & 7) && (p[n - 1] & (0xff >> (bit & 7)))))
		return -1;
	return 0;
}

/* ---- the JSON a payload is ---- */

struct member {
	const char *key;	/* in text */
	const char *str;	/* in text, NULL for an integer */
	size_t len;		/* of str */
	int64_t num;
};

struct parsed {
	struct member m[MAX_MEMBERS];
	size_t n;
	char *text;		/* the decoded strings, each NUL-terminated */
	size_t used;
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool hex4(const char *p, uint32_t *v)
{
	int k, d;

	*v = 0;
	for (k = 0; k < 4; k++) {
		d = hexval(p[k]);
		if (d < 0)
			return false;
		*v = (*v << 4) | (uint32_t)d;
	}
	return true;
}

/* A JSON string at *pp into ps->text; false when it is not one (or holds
 * a NUL, which a payload's C string cannot). */
static bool parse_string(const char **pp, struct parsed *ps, const char **out, size_t *len)
{
	const char *p = *pp;
	char *o = ps->text + ps->used;
	size_t start = ps->used;
	uint32_t cp, lo;

	if (*p++ != '"')
		return false;
	while (*p != '"') {
		if (*p == '\0' || (unsigned char)*p < 0x20)
			return false;
		if (*p != '\\') {
			o[ps->used++ - start] = *p++;
			continue;
		}
		p++;
		switch (*p) {
		case '"': case '\\': case '/':
			cp = (unsigned char)*p;
			break;
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u':
			if (!hex4(p + 1, &cp))
				return false;
			p += 4;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (p[1] != '\\' || p[2] != 'u' || !hex4(p + 3, &lo) ||
				    lo < 0xdc00 || lo > 0xdfff)
					return false;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			} else if ((cp >= 0xdc00 && cp <= 0xdfff) || cp == 0) {
				return false;
			}
			break;
		default:
			return false;
		}
		p++;
		ps->used += str_utf8_encode(cp, o + (ps->used - start));
	}
	*pp = p + 1;
	*out = o;
	*len = ps->used - start;
	ps->text[ps->used++] = '\0';
	return true;
}

/* An integer as jw_int writes one: no '+', no leading zero, no "-0". */
static bool parse_int(const char **pp, int64_t *v)
{
	const char *p = *pp;
	bool neg = *p == '-';
	uint64_t u = 0;
	int digits = 0;

	if (neg)
		p++;
	if (*p < '0' || *p > '9' || (*p == '0' && (neg || (p[1] >= '0' && p[1] <= '9'))))
		return false;
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (digits >= MAX_DIGITS)
			return false;
		u = u * 10 + (uint64_t)(*p - '0');
	}
	*v = neg ? -(int64_t)u : (int64_t)u;
	*pp = p;
	return true;
}

/* text as one object of string and integer members into ps (ps->text as
 * long as text and its NULs). */
static bool parse_object(const char *text, struct parsed *ps)
{
	const char *p = text;
	struct member *m;
	size_t klen;

	ps->n = 0;
	ps->used = 0;
	if (*p++ != '{')
		return false;
	if (*p == '}')
		return p[1] == '\0';
	for (;;) {
		if (ps->n == MAX_MEMBERS)
			return false;
		m = &ps->m[ps->n++];
		if (!parse_string(&p, ps, &m->key, &klen) || klen == 0 || klen >= MAX_KEY ||
		    *p++ != ':')
			return false;
		m->str = NULL;
		if (*p == '"') {
			if (!parse_string(&p, ps, &m->str, &m->len))
				return false;
		} else if (!parse_int(&p, &m->num)) {
			return false;
		}
		if (*p == '}')
			return p[1] == '\0';
		if (*p++ != ',')
			return false;
	}
}

static struct parsed *parsed_new(const char *text)
{
	struct parsed *ps = xcalloc(1, sizeof(*ps));

	ps->text = xmalloc(strlen(text) + MAX_MEMBERS * 2 + 1);
	return ps;
}

static void parsed_free(struct parsed *ps)
{
	if (ps) {
		free(ps->text);
		free(ps);
	}
}

/* ---- packing ---- */

static size_t lookup(const char *const *list, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i] && str_eq(list[i], s))
			return i;
	return n;
}

/* s (len bytes) as a number: a string of decimal digits that reads back
 * the same (no leading zero but "0" itself). */
static bool digits_value(const char *s, size_t len, uint64_t *v)
{
	size_t i;

	if (len == 0 || len > MAX_DIGITS || (s[0] == '0' && len > 1))
		return false;
	*v = 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return true;
}

static size_t put_bytes(unsigned char *o, const void *s, size_t len)
{
	size_t k = varint_put(o, len);

	memcpy(o + k, s, len);
	return k + len;
}

static size_t pack_member(const struct member *m, int64_t at, unsigned char *o)
{
	unsigned char vb[10];
	size_t k = 0, key = lookup(keys, NKEYS, m->key), w, fl = 0, hl = 0;
	uint64_t head = (key == NKEYS ? 0 : (uint64_t)key) << 3, v = 0;
	int64_t d;
	unsigned type;
	unsigned char *fa = NULL;

	if (!m->str) {
		v = varint_zigzag(m->num);
		type = T_INT;
		if (!__builtin_sub_overflow(m->num, at, &d) &&
		    varint_put(vb, varint_zigzag(d)) < varint_put(vb, v)) {
			v = varint_zigzag(d);
			type = T_INT_AT;
		}
	} else if (digits_value(m->str, m->len, &v)) {
		type = T_DIGITS;
	} else if ((w = lookup(words, NWORDS, m->str)) < NWORDS) {
		v = w;
		type = T_WORD;
	} else {
		/* the shortest of the bytes, the packed text and its code */
		fa = xmalloc(3 * m->len + 1);
		fl = tpack_encode(m->str, m->len, fa);
		hl = fl ? huff_encode(fa, fl, fa + m->len) : 0;
		type = fl ? T_TPACK : T_TEXT;
		if (fl && hl + varint_put(vb, fl) < fl)
			type = T_HUFF;
	}
	k += varint_put(o + k, head | type);
	if (key == NKEYS)
		k += put_bytes(o + k, m->key, strlen(m->key));
	if (type == T_TPACK) {
		k += put_bytes(o + k, fa, fl);
	} else if (type == T_HUFF) {
		k += varint_put(o + k, fl);
		k += put_bytes(o + k, fa + m->len, hl);
	} else if (type == T_TEXT) {
		k += put_bytes(o + k, m->str, m->len);
	} else {
		k += varint_put(o + k, v);
	}
	free(fa);
	return k;
}

/* The packed form of ps into a buffer of its own (*len bytes). */
static unsigned char *pack_parsed(const struct parsed *ps, size_t textlen, int64_t at,
				  size_t *len)
{
	/* a member takes at most its text's bytes and three varints */
	unsigned char *o = xmalloc(1 + textlen + ps->n * 3 * 10);
	size_t i, k = 0;

	o[k++] = TAG_PACKED;
	for (i = 0; i < ps->n; i++)
		k += pack_member(&ps->m[i], at, o + k);
	*len = k;
	return o;
}

size_t audit_pack(const char *payload, int64_t at, unsigned char out[AUDIT_PACKED_SIZE])
{
	size_t n = strlen(payload), len = 0;
	struct parsed *ps = NULL;
	unsigned char *packed = NULL;
	char *back = NULL;
	bool ok = false;

	if (n > CAP_AUDIT_PAYLOAD)
		n = CAP_AUDIT_PAYLOAD;
	if (n == strlen(payload)) {
		ps = parsed_new(payload);
		if (parse_object(payload, ps)) {
			packed = pack_parsed(ps, n, at, &len);
			back = xmalloc(CAP_AUDIT_PAYLOAD + 1);
			ok = len <= n && audit_unpack(packed, len, at, back, CAP_AUDIT_PAYLOAD + 1,
						      NULL) == 0 && str_eq(back, payload);
		}
	}
	if (ok) {
		memcpy(out, packed, len);
	} else {
		out[0] = TAG_TEXT;
		memcpy(out + 1, payload, n);
		len = n + 1;
	}
	free(back);
	free(packed);
	parsed_free(ps);
	return len;
}

/* ---- unpacking ---- */

static int get_bytes(const unsigned char *p, size_t n, size_t *pos, const unsigned char **s,
		     size_t *len)
{
	uint64_t v;

	if (varint_get(p, n, pos, &v) < 0 || v > n - *pos)
		return ERR_INVALID;
	*s = p + *pos;
	*len = (size_t)v;
	*pos += (size_t)v;
	return 0;
}

/* Where a member's string is decoded: str, and the packed bytes of a T_HUFF
 * string before that; each grown to what the longest string so far
 * needed. */
struct scratch {
	unsigned char *str, *fa;
	size_t str_cap, fa_cap;
};

static unsigned char *room(unsigned char **p, size_t *cap, size_t need)
{
	if (need > *cap) {
		free(*p);
		*p = xmalloc(need);
		*cap = need;
	}
	return *p;
}

/* A member's string (a T_TEXT, T_TPACK or T_HUFF value at *pos) into sc->str:
 * its length, or -1. */
static long unpack_str(const unsigned char *p, size_t n, size_t *pos, unsigned type,
		       struct scratch *sc)
{
	const unsigned char *s;
	size_t len;
	uint64_t count = 0;
	long r;

	if (type == T_HUFF && (varint_get(p, n, pos, &count) < 0 || count > CAP_AUDIT_PAYLOAD))
		return -1;
	if (get_bytes(p, n, pos, &s, &len) < 0 || len > CAP_AUDIT_PAYLOAD)
		return -1;
	if (type == T_TEXT) {
		memcpy(room(&sc->str, &sc->str_cap, len + 1), s, len);
		r = (long)len;
	} else if (type == T_TPACK) {
		r = len == 0 ? -1 : tpack_decode(s, len, (char *)room(&sc->str, &sc->str_cap,
				     TPACK_EXPANSION * len + 1), TPACK_EXPANSION * len + 1);
	} else {
		r = count == 0 || huff_decode(s, len, (size_t)count,
					      room(&sc->fa, &sc->fa_cap, count + 1)) < 0 ? -1 :
			tpack_decode(sc->fa, (size_t)count,
				     (char *)room(&sc->str, &sc->str_cap,
						  TPACK_EXPANSION * count + 1),
				     TPACK_EXPANSION * count + 1);
	}
	if (r < 0 || r > CAP_AUDIT_PAYLOAD || memchr(sc->str, '\0', (size_t)r))
		return -1;
	sc->str[r] = '\0';
	return r;
}

/* One member as read: its key, and its value as a number or as a string
 * (str points to a word, to digits or into the scratch). */
struct unpacked {
	char key[MAX_KEY];
	bool is_num;
	int64_t num;
	const char *str;
	char digits[24];
};

/* The key of the member at *pos into m->key; *type its value's type. */
static int read_key(const unsigned char *p, size_t n, size_t *pos, struct unpacked *m,
		    unsigned *type)
{
	const unsigned char *s;
	size_t len;
	uint64_t head;

	if (varint_get(p, n, pos, &head) < 0 || (head >> 3) >= NKEYS)
		return ERR_INVALID;
	if (head >> 3) {
		str_copy(m->key, sizeof(m->key), keys[head >> 3]);
	} else {
		if (get_bytes(p, n, pos, &s, &len) < 0 || len == 0 || len >= sizeof(m->key) ||
		    memchr(s, '\0', len))
			return ERR_INVALID;
		memcpy(m->key, s, len);
		m->key[len] = '\0';
	}
	*type = (unsigned)(head & 7);
	return 0;
}

/* Past the value at *pos of the given type, unread. */
static int skip_value(const unsigned char *p, size_t n, size_t *pos, unsigned type)
{
	const unsigned char *s;
	size_t len;
	uint64_t v;

	if (type > T_HUFF)
		return ERR_INVALID;
	/* a number or a word: one varint; a string: its bytes, after the
	 * count of packed bytes they code for a T_HUFF one */
	if (type < T_TEXT || type == T_HUFF) {
		if (varint_get(p, n, pos, &v) < 0)
			return ERR_INVALID;
		if (type < T_TEXT)
			return 0;
	}
	return get_bytes(p, n, pos, &s, &len) < 0 ? ERR_INVALID : 0;
}

/* The value at *pos of the given type into m. */
static int read_value(const unsigned char *p, size_t n, size_t *pos, unsigned type, int64_t at,
		      struct scratch *sc, struct unpacked *m)
{
	uint64_t v;

	m->is_num = false;
	switch (type) {
	case T_INT:
	case T_INT_AT:
		if (varint_get(p, n, pos, &v) < 0)
			return ERR_INVALID;
		m->num = varint_unzigzag(v);
		if (type == T_INT_AT && __builtin_add_overflow(m->num, at, &m->num))
			return ERR_INVALID;
		m->is_num = true;
		return 0;
	case T_DIGITS:
		if (varint_get(p, n, pos, &v) < 0)
			return ERR_INVALID;
		snprintf(m->digits, sizeof(m->digits), "%llu", (unsigned long long)v);
		m->str = m->digits;
		return 0;
	case T_WORD:
		if (varint_get(p, n, pos, &v) < 0 || v >= NWORDS)
			return ERR_INVALID;
		m->str = words[v];
		return 0;
	case T_TEXT:
	case T_TPACK:
	case T_HUFF:
		if (unpack_str(p, n, pos, type, sc) < 0)
			return ERR_INVALID;
		m->str = (const char *)sc->str;
		return 0;
	default:
		return ERR_INVALID;
	}
}

/* One member at *pos into b. */
static int unpack_member(const unsigned char *p, size_t n, size_t *pos, int64_t at,
			 struct buf *b, struct scratch *sc)
{
	struct unpacked m;
	unsigned type;

	if (read_key(p, n, pos, &m, &type) < 0 || read_value(p, n, pos, type, at, sc, &m) < 0)
		return ERR_INVALID;
	if (m.is_num)
		jw_int(b, m.key, m.num);
	else
		jw_str(b, m.key, m.str);
	return 0;
}

int audit_unpack(const unsigned char *p, size_t n, int64_t at, char *out, size_t outsz,
		 struct err *err)
{
	struct buf b = BUF_INIT(outsz > 0 ? outsz - 1 : 0);
	struct scratch sc = { NULL, NULL, 0, 0 };
	size_t pos = 1;
	int rc = 0;

	if (outsz > 0)
		out[0] = '\0';
	if (n == 0 || p[0] > TAG_PACKED) {
		rc = ERR_INVALID;
	} else if (p[0] == TAG_TEXT) {
		buf_add(&b, p + 1, n - 1);
	} else {
		jw_object(&b, NULL);
		while (rc == 0 && pos < n)
			rc = unpack_member(p, n, &pos, at, &b, &sc);
		jw_object_end(&b);
	}
	if (rc == 0 && (buf_error(&b) || memchr(b.data, '\0', b.len)))
		rc = ERR_INVALID;
	if (rc == 0)
		memcpy(out, b.data, b.len + 1);
	buf_release(&b);
	free(sc.str);
	free(sc.fa);
	if (rc < 0)
		return err_set(err, ERR_INVALID, "", "audit: a stored payload does not unpack");
	return 0;
}

bool audit_payload_member(const char *payload, const char *key, char *out, size_t outsz)
{
	struct parsed *ps = parsed_new(payload);
	bool found = false;
	size_t i;

	if (outsz > 0)
		out[0] = '\0';
	if (parse_object(payload, ps)) {
		for (i = 0; i < ps->n && !found; i++) {
			if (!str_eq(ps->m[i].key, key))
				continue;
			found = true;
			if (ps->m[i].str)
				str_copy(out, outsz, ps->m[i].str);
			else
				snprintf(out, outsz, "%lld", (long long)ps->m[i].num);
		}
	}
	parsed_free(ps);
	return found;
}

bool audit_step_fixed(const char *action)
{
	/* flow.c: each leaves from states other than closed for a state of
	 * its own, and gives no verdict or grade */
	static const char *const fixed[] = {
		"msg.register", "msg.refer", "msg.transfer", "msg.start",
		"msg.return", "msg.answer", "msg.close", "msg.reject",
	};
	size_t i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (str_eq(action, fixed[i]))
			return true;
	return false;
}

void audit_step_read(struct audit_step *a, const char *action, const char *payload)
{
	char state[CAP_CODE];

	str_copy(a->action, sizeof(a->action), action ? action : "");
	a->value[0] = '\0';
	a->reopened = a->from_closed = false;
	if (action && audit_step_fixed(action))
		return;
	if (!audit_payload_member(payload, "verdict", a->value, sizeof(a->value)))
		audit_payload_member(payload, "grade", a->value, sizeof(a->value));
	a->reopened = audit_payload_member(payload, "to_state", state, sizeof(state)) &&
		      str_eq(state, msg_state_name(STATE_REOPENED));
	a->from_closed = audit_payload_member(payload, "from", state, sizeof(state)) &&
			 str_eq(state, msg_state_name(STATE_CLOSED));
}

/* The first member named key gives *got its value (as audit_payload_member
 * would: a number in decimal). */
static void step_member(const struct unpacked *m, const char *key, bool *seen, char *got,
			size_t gotsz)
{
	if (*seen || !str_eq(m->key, key))
		return;
	*seen = true;
	if (m->is_num)
		snprintf(got, gotsz, "%lld", (long long)m->num);
	else
		str_copy(got, gotsz, m->str);
}

void audit_step_unpack(struct audit_step *a, const char *action, const unsigned char *p,
		       size_t n, int64_t at)
{
	char verdict[CAP_CODE] = "", grade[CAP_CODE] = "", to[CAP_CODE] = "",
	     from[CAP_CODE] = "";
	bool has_verdict = false, has_grade = false, has_to = false, has_from = false;
	struct scratch sc = { NULL, NULL, 0, 0 };
	struct unpacked m;
	size_t pos = 1;
	unsigned type;
	char *text;

	if (action && audit_step_fixed(action))
		n = 0;	/* its payload is not read */
	if (n > 0 && p[0] == TAG_TEXT) {
		text = xmalloc(n);
		memcpy(text, p + 1, n - 1);
		text[n - 1] = '\0';
		audit_step_read(a, action, memchr(p + 1, '\0', n - 1) ? "" : text);
		free(text);
		return;
	}
	/* the members themselves, not their JSON: a step is read for every
	 * transition of every message a recount or a tracking look-up meets */
	str_copy(a->action, sizeof(a->action), action ? action : "");
	a->value[0] = '\0';
	a->reopened = a->from_closed = false;
	if (n == 0 || p[0] != TAG_PACKED)
		return;
	while (pos < n) {
		/* only the values asked for are decoded (an answer's text is
		 * not); the rest are skipped */
		if (read_key(p, n, &pos, &m, &type) < 0)
			goto out;	/* as a payload that does not unpack: "" */
		if (!str_eq(m.key, "verdict") && !str_eq(m.key, "grade") &&
		    !str_eq(m.key, "to_state") && !str_eq(m.key, "from")) {
			if (skip_value(p, n, &pos, type) < 0)
				goto out;
			continue;
		}
		if (read_value(p, n, &pos, type, at, &sc, &m) < 0)
			goto out;
		step_member(&m, "verdict", &has_verdict, verdict, sizeof(verdict));
		step_member(&m, "grade", &has_grade, grade, sizeof(grade));
		step_member(&m, "to_state", &has_to, to, sizeof(to));
		step_member(&m, "from", &has_from, from, sizeof(from));
	}
	str_copy(a->value, sizeof(a->value), has_verdict ? verdict : grade);
	a->reopened = str_eq(to, msg_state_name(STATE_REOPENED));
	a->from_closed = str_eq(from, msg_state_name(STATE_CLOSED));
out:
	free(sc.str);
	free(sc.fa);
}
