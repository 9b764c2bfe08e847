/* fuzz_terms.c - the search terms (fa/terms.h): the index text and the
 * query words of any input are valid UTF-8 without double spaces, every
 * stem is a prefix of its word, a query word's stem is one of the index
 * terms of the same text, and two neighbouring query words joined
 * (fa_join_stem) make valid UTF-8 no longer than the two. */
#include "fuzz_common.h"

#include "base/buf.h"
#include "base/caps.h"
#include "base/err.h"
#include "base/str.h"
#include "fa/terms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	struct buf idx = BUF_INIT(16 * CAP_NORMALIZE_IN), words = BUF_INIT(4 * CAP_NORMALIZE_IN);
	int ri = fa_index_text(in, size, &idx);
	int rq = fa_query_words(in, size, 1u << 20, &words);
	const char *p, *prev = NULL;
	size_t prevlen = 0;

	FUZZ_ASSERT(ri == 0 || ri == ERR_INVALID || ri == ERR_TOOBIG);
	FUZZ_ASSERT(rq == ri || (rq == 0 && ri == ERR_TOOBIG));
	if (ri != 0)
		FUZZ_ASSERT(idx.len == 0);
	if (ri == 0 && rq == 0) {
		FUZZ_ASSERT(str_utf8_valid(idx.data, idx.len));
		FUZZ_ASSERT(strstr(idx.data, "  ") == NULL);
		FUZZ_ASSERT(str_utf8_valid(words.data, words.len));
		/* each query word's stem is an index term of the same text */
		for (p = words.data; *p;) {
			size_t n = strcspn(p, " "), s = fa_stem_len(p, n), i;
			bool found = false;
			const char *q;

			FUZZ_ASSERT(s > 0 && s <= n);
			for (q = idx.data; *q && !found;) {
				i = strcspn(q, " ");
				found = i == s && memcmp(q, p, s) == 0;
				q += i;
				while (*q == ' ')
					q++;
			}
			FUZZ_ASSERT(found);
			if (prev) {
				struct buf j = BUF_INIT(4 * CAP_NORMALIZE_IN);

				if (fa_join_stem(prev, prevlen, p, n, &j) == 0) {
					FUZZ_ASSERT(str_utf8_valid(j.data, j.len));
					FUZZ_ASSERT(j.len <= prevlen + n + 3);	/* ZWNJ at most */
				}
				buf_release(&j);
			}
			prev = p;
			prevlen = n;
			p += n;
			while (*p == ' ')
				p++;
		}
	}
	buf_release(&idx);
	buf_release(&words);
	return 0;
}
