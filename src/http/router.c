/*
 * router.c - match a request's method and decoded path against the route
 * tables of every API area.  Patterns are literal segments and {name}
 * segments; a {name} matches one non-empty segment of at most 255 bytes.
 * Static files take whatever no API route claimed, outside /api/ and
 * /open311/.
 */
#include <string.h>

#include "base/str.h"
#include "http/api.h"
#include "http/http.h"

static const struct http_route *const tables[] = {
	api_system_routes,
	API_ROUTE_TABLES
	NULL,
};

/* Match path against pattern; on success fill r's parameters. */
static bool match(struct http_req *r, const char *pattern, const char *path)
{
	const char *p = pattern, *s = path;
	int n = 0;

	while (*p && *s) {
		if (*p != '/' || *s != '/')
			return false;
		p++, s++;
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			size_t len = strcspn(s, "/");

			if (!pe || len == 0 || len >= sizeof(r->pvalue[0]) || n >= HTTP_MAX_PARAMS)
				return false;
			memcpy(r->pvalue[n], s, len);
			r->pvalue[n][len] = '\0';
			/* the name is stored in the pattern, which is static */
			r->pname[n] = p + 1;
			n++;
			p = pe + 1;
			s += len;
		} else {
			/* a literal segment: fails at the first byte that differs,
			 * which for most of the routes tried is the first one */
			while (*p && *p != '/' && *p == *s)
				p++, s++;
			if ((*p && *p != '/') || (*s && *s != '/'))
				return false;
		}
	}
	if (*p || *s)
		return false;
	r->nparams = n;
	return true;
}

int router_match(struct http_req *r, unsigned *allowed)
{
	const struct http_route *const *t;
	const struct http_route *rt;

	*allowed = 0;
	for (t = tables; *t; t++) {
		for (rt = *t; rt->pattern; rt++) {
			if (rt->flags & ROUTE_STATIC) {
				if (str_starts(r->path, "/api/") || str_eq(r->path, "/api") ||
				    str_starts(r->path, "/open311/"))
					continue;
			} else if (!match(r, rt->pattern, r->path)) {
				continue;
			}
			if (rt->methods & r->method) {
				r->route = rt;
				return 0;
			}
			*allowed |= rt->methods;
		}
	}
	return *allowed ? ERR_DENIED : ERR_NOTFOUND;
}

const char *http_param(const struct http_req *r, const char *name)
{
	size_t n = strlen(name);
	int i;

	for (i = 0; i < r->nparams; i++)
		if (strncmp(r->pname[i], name, n) == 0 && r->pname[i][n] == '}')
			return r->pvalue[i];
	return NULL;
}
