/* fuzz_audit_pack.c - an audit entry's payload (store/audit_pack.h), both
 * ways: the input as a payload text, packed and read back; and as stored
 * bytes nobody checked.  A text that packs unpacks to itself, and the step
 * the report recount and the tracking look-up read from its packed bytes
 * (audit_step_unpack) is the step read from the text (audit_step_read).
 * Stored bytes either unpack to a NUL-free text within the bound or are
 * refused, and their step is always read without a crash, with bounded,
 * terminated fields. */
#include "fuzz_common.h"

#include "base/caps.h"
#include "base/str.h"
#include "store/audit_pack.h"

#define AT 1644000000

static void same_step(const struct audit_step *a, const struct audit_step *b)
{
	FUZZ_ASSERT(str_eq(a->action, b->action));
	FUZZ_ASSERT(str_eq(a->value, b->value));
	FUZZ_ASSERT(a->reopened == b->reopened);
	FUZZ_ASSERT(a->from_closed == b->from_closed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *packed = malloc(AUDIT_PACKED_SIZE);
	char *text = malloc(CAP_AUDIT_PAYLOAD + 1);
	struct audit_step want, got;
	size_t n;

	if (!packed || !text)
		abort();
	/* as a payload text the core could write */
	if (size <= CAP_AUDIT_PAYLOAD && !memchr(data, '\0', size)) {
		char *in = fuzz_cstr(data, size);

		n = audit_pack(in, AT, packed);
		FUZZ_ASSERT(n >= 1 && n <= size + 1);
		FUZZ_ASSERT(audit_unpack(packed, n, AT, text, CAP_AUDIT_PAYLOAD + 1, NULL) == 0);
		FUZZ_ASSERT(str_eq(text, in));
		memset(&want, 0, sizeof(want));
		audit_step_read(&want, "msg.verdict", in);
		memset(&got, 0x5a, sizeof(got));
		audit_step_unpack(&got, "msg.verdict", packed, n, AT);
		same_step(&want, &got);
		free(in);
	}
	/* as stored bytes */
	if (audit_unpack(data, size, AT, text, CAP_AUDIT_PAYLOAD + 1, NULL) == 0)
		FUZZ_ASSERT(strlen(text) <= CAP_AUDIT_PAYLOAD);
	memset(&got, 0x5a, sizeof(got));
	audit_step_unpack(&got, "msg.grade", data, size, AT);
	FUZZ_ASSERT(memchr(got.action, '\0', sizeof(got.action)) != NULL);
	FUZZ_ASSERT(memchr(got.value, '\0', sizeof(got.value)) != NULL);
	free(packed);
	free(text);
	return 0;
}
