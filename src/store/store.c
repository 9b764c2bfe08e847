/* store.c - the backends compiled in, and picking one by the dsn (store.h). */
#include <stdio.h>
#include <string.h>

#include "base/caps.h"
#include "base/str.h"
#include "store/store.h"

const struct store_ops *const store_backends[] = { &store_sqlite_ops, &store_pg_ops, NULL };

const struct store_ops *store_backend_for(const char *dsn)
{
	if (str_starts(dsn, "postgresql://") || str_starts(dsn, "postgres://"))
		return &store_pg_ops;
	return &store_sqlite_ops;
}

int store_open(struct store **out, const char *dsn, unsigned flags,
	       const struct progress *prog, struct err *err)
{
	*out = NULL;
	if (!dsn || !*dsn)
		return err_set(err, ERR_INVALID, "db", "no database named");
	return store_backend_for(dsn)->open(out, dsn, flags, prog, err);
}

void store_show_migration(const struct progress *prog, int from, int next, int to)
{
	char what[64];

	/* a new database (version 0) is made in a moment: only an upgrade
	 * shows its migrations, some of which write whole tables again */
	if (from == 0 || to <= from)
		return;
	if (next > to)
		snprintf(what, sizeof(what), "schema: version %d", to);
	else
		snprintf(what, sizeof(what), "schema: migration %d of %d", next, to);
	progress_show(prog, (next - from - 1) * 100 / (to - from), what);
}

int store_search_words_check(const struct store_search *q, struct err *err)
{
	size_t i;

	if (q->nwords > CAP_SEARCH_WORDS)
		return err_set(err, ERR_INVALID, "q", "at most %d words", CAP_SEARCH_WORDS);
	for (i = 0; i < q->nwords; i++)
		if (!q->words[i] || !q->words[i][0] || strchr(q->words[i], ' '))
			return err_set(err, ERR_INVALID, "q", "not a search word");
	return 0;
}

/*
 * postgresql://user:SECRET@host/db?password=SECRET&sslmode=...: the
 * secret in the user part (between the first ':' after the scheme and the
 * '@' that ends it) and every password= parameter's value become "***".
 */
void store_dsn_safe(const char *dsn, char *out, size_t outsz)
{
	const char *p, *auth, *at, *colon;
	size_t used = 0;

	if (!outsz)
		return;
	out[0] = '\0';
	if (!dsn)
		return;
	if (store_backend_for(dsn) != &store_pg_ops) {
		str_copy(out, outsz, dsn);
		return;
	}
#define PUT(s, n) do { size_t k_ = (n); if (used + k_ >= outsz) k_ = outsz - 1 - used; \
		memcpy(out + used, (s), k_); used += k_; out[used] = '\0'; } while (0)
	auth = strstr(dsn, "://") + 3;
	at = auth + strcspn(auth, "@/?");
	colon = memchr(auth, ':', (size_t)(at - auth));
	PUT(dsn, (size_t)(auth - dsn));
	if (*at == '@' && colon) {
		PUT(auth, (size_t)(colon - auth));
		PUT(":***", 4);
		p = at;
	} else {
		p = auth;
	}
	while (*p) {
		const char *q = p + strcspn(p, "?&");

		if (*q == '\0') {
			PUT(p, strlen(p));
			break;
		}
		PUT(p, (size_t)(q - p) + 1);
		p = q + 1;
		if (!strncmp(p, "password=", 9)) {
			PUT("password=***", 12);
			p += 9 + strcspn(p + 9, "&");
		}
	}
#undef PUT
	str_utf8_trim_partial(out);
}
