/* fuzz_http.c - the whole HTTP request path in process: any bytes (request
 * lines, headers, bodies, several requests pipelined) go to the real server
 * over a socketpair (fuzz_http_common.h).  Properties: every answer starts
 * with "HTTP/1.1 " and a three-digit status; no 5xx but 503; every
 * validation a handler makes keeps its limits; the server answers or closes
 * within FH_DEADLINE_MS; and ASan/UBSan see nothing in the server's thread. */
#include "fuzz_http_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fh_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n, alen;
	char *in = fh_expand(data, size, &n), *ans;
	int first;

	fh_exchange(in, n, &ans, &alen);
	fh_check(ans, alen, fh_find(in, n, "HEAD", 4) == NULL, &first);
	free(ans);
	free(in);
	return 0;
}
