/*
 * verify.c - one-time codes proving a public web submitter holds the mobile
 * number they give (see verify.h): make, text, limit, check, use up.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "base/buf.h"
#include "base/str.h"
#include "base/units.h"
#include "core/core_int.h"
#include "core/msg.h"
#include "core/sms.h"
#include "core/verify.h"
#include "fa/ids.h"
#include "fa/text.h"


int verify_text(const char *code, char *out, size_t outsz)
{
	struct buf b = BUF_INIT(CAP_SMS_TEXT);
	char minutes[16];
	int rc;

	/* the code in ASCII digits: phones offer to fill a code in from the
	 * SMS only when they can read it; the rest is Persian */
	snprintf(minutes, sizeof(minutes), "%d", CAP_VERIFY_TTL / 60);
	buf_adds(&b, "کد تأیید همگان: ");
	buf_adds(&b, code);
	buf_adds(&b, "\nاعتبار: ");
	fa_digits(minutes, strlen(minutes), DIGITS_PERSIAN, &b);
	buf_adds(&b, " دقیقه");
	rc = buf_error(&b) ? ERR_TOOBIG : 0;
	if (rc == 0 && str_copy(out, outsz, b.data) >= outsz)
		rc = ERR_TOOBIG;
	buf_release(&b);
	return rc;
}

static void code_hash(const char *salt_hex, const char *mobile, const char *code, char out[65])
{
	unsigned char key[16], h[32];
	char in[32];
	size_t len = 0;

	memset(key, 0, sizeof(key));
	sodium_hex2bin(key, sizeof(key), salt_hex, strlen(salt_hex), NULL, &len, NULL);
	snprintf(in, sizeof(in), "%s:%s", mobile, code);
	crypto_generichash(h, sizeof(h), (const unsigned char *)in, strlen(in), key, sizeof(key));
	sodium_bin2hex(out, 65, h, sizeof(h));
	sodium_memzero(in, sizeof(in));
}

/* Over a limit of max rows since `since`: *retry_after gets the wait until
 * the oldest of them leaves the window (at least 1 s). */
static int over(int64_t n, int64_t oldest, int max, int window, int64_t now,
		int64_t *retry_after)
{
	int64_t wait;

	if (n < max)
		return 0;
	wait = oldest + window - now;
	if (wait < 1)
		wait = 1;
	if (wait > *retry_after)
		*retry_after = wait;
	return 1;
}

static int check_limits(struct core *c, const char *mobile, const char *addr,
			int64_t *retry_after, struct err *err)
{
	int64_t now = core_now(c), n, oldest;
	int rc;

	rc = OPS(c)->verify_count_mobile(c->st, mobile, now - CAP_VERIFY_NUMBER_WINDOW, &n,
					 &oldest, err);
	if (rc < 0)
		return rc;
	if (over(n, oldest, CAP_VERIFY_PER_NUMBER, CAP_VERIFY_NUMBER_WINDOW, now, retry_after))
		return err_set(err, ERR_LIMITED, "mobile", "too many codes for this number: try "
			       "again in %lld seconds", (long long)*retry_after);
	rc = OPS(c)->verify_count_mobile(c->st, mobile, now - DAY, &n, &oldest, err);
	if (rc < 0)
		return rc;
	if (over(n, oldest, CAP_VERIFY_PER_NUMBER_DAY, DAY, now, retry_after))
		return err_set(err, ERR_LIMITED, "mobile", "too many codes for this number today");
	if (!*addr)
		return 0;
	rc = OPS(c)->verify_count_addr(c->st, addr, now - CAP_VERIFY_ADDR_WINDOW, &n, &oldest,
				       err);
	if (rc < 0)
		return rc;
	if (over(n, oldest, CAP_VERIFY_PER_ADDR, CAP_VERIFY_ADDR_WINDOW, now, retry_after))
		return err_set(err, ERR_LIMITED, "", "too many codes asked from this address: try "
			       "again in %lld seconds", (long long)*retry_after);
	return 0;
}

int verify_request(struct core *c, const char *mobile, const char *addr, int64_t *retry_after,
		   struct err *err)
{
	struct verify_code v;
	unsigned char salt[16];
	char code[CAP_VERIFY_DIGITS + 1], text[CAP_SMS_TEXT + 1];
	uint32_t r;
	int rc, i;

	*retry_after = 0;
	memset(&v, 0, sizeof(v));
	if (!mobile || strlen(mobile) > 64 || fa_mobile_normalize(mobile, v.mobile) < 0)
		return err_set(err, ERR_INVALID, "mobile", "invalid mobile number");
	if (!addr)
		addr = "";
	if (str_copy(v.addr, sizeof(v.addr), addr) >= sizeof(v.addr))
		return err_set(err, ERR_INVALID, "addr", "client address too long");
	rc = core_begin(c, err);
	if (rc < 0)
		return rc;
	/* limits read inside the write transaction: two servers cannot both
	 * pass them with the last free slot */
	rc = check_limits(c, v.mobile, v.addr, retry_after, err);
	if (rc < 0)
		goto fail;
	r = randombytes_uniform(100000);
	for (i = CAP_VERIFY_DIGITS - 1; i >= 0; i--, r /= 10)
		code[i] = (char)('0' + r % 10);
	code[CAP_VERIFY_DIGITS] = '\0';
	randombytes_buf(salt, sizeof(salt));
	sodium_bin2hex(v.salt, sizeof(v.salt), salt, sizeof(salt));
	code_hash(v.salt, v.mobile, code, v.hash);
	v.created_at = core_now(c);
	v.expires_at = v.created_at + CAP_VERIFY_TTL;
	rc = OPS(c)->verify_prune(c->st, v.created_at - DAY, err);
	if (rc == 0)
		rc = OPS(c)->verify_insert(c->st, &v, err);
	if (rc == 0)
		rc = verify_text(code, text, sizeof(text));
	if (rc == 0)
		rc = sms_queue(c, v.mobile, text, 0, err);
	sodium_memzero(code, sizeof(code));
	sodium_memzero(text, sizeof(text));
	if (rc < 0)
		goto fail;
	return core_commit(c, err);
fail:
	core_rollback(c);
	return rc;
}

/* The code as CAP_VERIFY_DIGITS ASCII digits, or ERR_INVALID. */
static int code_parse(const char *code, char out[CAP_VERIFY_DIGITS + 1], struct err *err)
{
	char ascii[32];
	size_t i;

	if (!code || !*code)
		return err_set(err, ERR_INVALID, "verification_code", "verification_code is required "
			       "with a mobile number: ask POST /api/v1/verify for one");
	if (strlen(code) >= sizeof(ascii) || fa_ascii_digits(code, ascii, sizeof(ascii)) < 0)
		goto bad;
	for (i = 0; ascii[i]; i++)
		if (ascii[i] < '0' || ascii[i] > '9')
			goto bad;
	if (i != CAP_VERIFY_DIGITS)
		goto bad;
	memcpy(out, ascii, CAP_VERIFY_DIGITS + 1);
	return 0;
bad:
	return err_set(err, ERR_INVALID, "verification_code", "a verification code is %d digits",
		       CAP_VERIFY_DIGITS);
}

int verify_register(struct core *c, const struct actor *a, const struct msg_new *in,
		    const char *code, struct msg *out, struct err *err)
{
	struct verify_code v;
	char digits[CAP_VERIFY_DIGITS + 1], mobile[12], hash[65];
	int rc;

	if (in->anonymous || !in->mobile || !*in->mobile)
		return msg_register(c, a, in, out, err);
	if (strlen(in->mobile) > 64 || fa_mobile_normalize(in->mobile, mobile) < 0)
		return err_set(err, ERR_INVALID, "mobile", "invalid mobile number");
	rc = code_parse(code, digits, err);
	if (rc < 0)
		return rc;
	rc = core_begin(c, err);
	if (rc < 0)
		return rc;
	rc = OPS(c)->verify_latest(c->st, mobile, &v, err);
	if (rc == ERR_NOTFOUND || (rc == 0 && (v.used || v.tries >= CAP_VERIFY_TRIES ||
					       v.expires_at <= core_now(c)))) {
		rc = err_set(err, ERR_INVALID, "verification_code", "no valid verification code for "
			     "this number (expired, used or too many wrong tries): ask for a new one");
		goto fail;
	}
	if (rc < 0)
		goto fail;
	code_hash(v.salt, mobile, digits, hash);
	sodium_memzero(digits, sizeof(digits));
	if (sodium_memcmp(hash, v.hash, sizeof(hash) - 1) != 0) {
		/* the wrong try is kept, whatever else fails */
		v.tries++;
		rc = OPS(c)->verify_update(c->st, &v, err);
		rc = core_end(c, rc, err);
		if (rc < 0)
			return rc;
		return err_set(err, ERR_INVALID, "verification_code", "wrong verification code "
			       "(%d tries left)", CAP_VERIFY_TRIES - v.tries);
	}
	v.used = true;
	rc = OPS(c)->verify_update(c->st, &v, err);
	if (rc == 0)
		rc = msg_register(c, a, in, out, err);
	if (rc < 0)
		goto fail;
	return core_commit(c, err);
fail:
	core_rollback(c);
	return rc;
}
