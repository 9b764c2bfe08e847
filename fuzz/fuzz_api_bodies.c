/* fuzz_api_bodies.c - every JSON body validator of the API, through the
 * real server (fuzz_http_common.h): the first byte picks one of the routes
 * that read a body (every POST, PUT and PATCH of the route tables, each
 * with a role that gets past its role check to the validator), the rest is
 * the body.  Properties: an answer with a status below 500 or 503; a body
 * the validator accepts keeps every limit of its field table (checked in
 * the jval_object_all wrapper); a refused one is a 4xx. */
#include "fuzz_http_common.h"

struct route {
	const char *method, *path;
	int who;		/* FH_* token, or -1: no sign-in */
	const char *head;	/* more header lines */
	const char *prefix;	/* body text before the input */
	const char *type;	/* Content-Type; NULL: JSON */
};

static const char form[] = "application/x-www-form-urlencoded";

static const struct route routes[] = {
	{ "POST", "/api/v1/auth/login", -1, "", "", NULL },
	{ "POST", "/api/v1/auth/password", FH_PW, "", "", NULL },
	{ "POST", "/api/v1/callers/correct", FH_OP, "", "", NULL },
	{ "POST", "/api/v1/callers", FH_OP, "", "", NULL },
	{ "POST", "/api/v1/categories", FH_AD, "", "", NULL },
	{ "PATCH", "/api/v1/categories/conduct", FH_AD, "", "", NULL },
	{ "POST", "/api/v1/messages", FH_OP, "", "", NULL },
	{ "POST", "/api/v1/messages", -1, "", "", NULL },
	{ "POST", "/api/v1/messages/@CODE@/refer", FH_OP, "", "", NULL },
	{ "POST", "/api/v1/messages/@CODE@/start", FH_ST, "", "", NULL },
	{ "POST", "/api/v1/messages/@CODE@/transfer", FH_ST, "", "", NULL },
	{ "POST", "/api/v1/messages/@CODE@/return", FH_ST, "", "", NULL },
	{ "POST", "/api/v1/messages/@CODE@/answer", FH_ST, "", "", NULL },
	{ "POST", "/api/v1/messages/@CODE@/close", FH_OP, "", "", NULL },
	{ "POST", "/api/v1/messages/@CODE@/reject", FH_OP, "", "", NULL },
	{ "POST", "/api/v1/messages/@CODE@/grade", FH_IN, "", "", NULL },
	{ "POST", "/api/v1/messages/@CODE@/reopen", FH_IN, "", "", NULL },
	{ "POST", "/api/v1/messages/@CODE@/verdict", FH_OP, "", "", NULL },
	{ "PUT", "/api/v1/messages/@CODE@/assignee", FH_MG, "", "", NULL },
	{ "POST", "/api/v1/messages/@CODE@/notes", FH_ST, "", "", NULL },
	{ "POST", "/api/v1/canned", FH_MG, "", "", NULL },
	{ "PATCH", "/api/v1/canned/1", FH_MG, "", "", NULL },
	{ "POST", "/api/v1/sessions", FH_MG, "", "", NULL },
	{ "POST", "/api/v1/sms/inbound", -1, "X-Hamgan-SMS-Secret: @SMS@\r\n", "", NULL },
	{ "POST", "/api/v1/track", -1, "", "", NULL },
	{ "POST", "/api/v1/track/verdict", -1, "", "", NULL },
	{ "POST", "/api/v1/units", FH_AD, "", "", NULL },
	{ "PATCH", "/api/v1/units/region-03", FH_AD, "", "", NULL },
	{ "POST", "/api/v1/users", FH_AD, "", "", NULL },
	{ "PATCH", "/api/v1/users/pw", FH_AD, "", "", NULL },
	{ "POST", "/api/v1/verify", -1, "", "", NULL },
	{ "POST", "/open311/v2/requests.json", -1, "", "api_key=@KEY@&", form },
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fh_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct route *rt;
	size_t hlen, n, alen;
	char head[1024], *raw, *in, *ans;
	int first;

	if (size < 1)
		return 0;
	rt = &routes[data[0] % NROUTES];
	hlen = (size_t)snprintf(head, sizeof(head),
				"%s %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: %s\r\n"
				"%s%s%s%sContent-Length: @LEN@\r\nConnection: close\r\n\r\n%s",
				rt->method, rt->path, rt->type ? rt->type : "application/json",
				rt->who >= 0 ? "Authorization: Bearer " : "",
				rt->who >= 0 ? fh_names[rt->who] : "", rt->who >= 0 ? "\r\n" : "",
				rt->head, rt->prefix);
	/* placeholders in the input's own bytes are expanded too: harmless */
	raw = malloc(hlen + size);
	if (!raw)
		abort();
	memcpy(raw, head, hlen);
	memcpy(raw + hlen, data + 1, size - 1);
	in = fh_expand((const uint8_t *)raw, hlen + size - 1, &n);
	fh_exchange(in, n, &ans, &alen);
	FUZZ_ASSERT(fh_check(ans, alen, true, &first) == 1);
	/* a body is never the server's fault */
	FUZZ_ASSERT(first >= 200 && first < 500);
	free(ans);
	free(in);
	free(raw);
	return 0;
}
