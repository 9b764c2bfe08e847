/*
 * ids.c - national id, mobile numbers and tracking codes (docs/fa.md).
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "base/err.h"
#include "fa/ids.h"
#include "fa/text.h"

/* Make s ASCII-digit text of exactly n digits into out; 0 or ERR_INVALID. */
static int digits_exact(const char *s, size_t n, char *out, size_t outsz)
{
	size_t i;

	if (!s || fa_ascii_digits(s, out, outsz) != 0 || strlen(out) != n)
		return ERR_INVALID;
	for (i = 0; i < n; i++)
		if (out[i] < '0' || out[i] > '9')
			return ERR_INVALID;
	return 0;
}

int fa_national_id_check(const char *s)
{
	char d[16];
	int i, sum = 0, r, check;
	bool same = true, middle_zero = true;

	if (digits_exact(s, 10, d, sizeof(d)) != 0)
		return ERR_INVALID;
	for (i = 0; i < 9; i++)
		sum += (d[i] - '0') * (10 - i);
	r = sum % 11;
	check = r < 2 ? r : 11 - r;
	for (i = 1; i < 10; i++)
		same = same && d[i] == d[0];
	for (i = 3; i < 9; i++)		/* 1-based positions 4..9 */
		middle_zero = middle_zero && d[i] == '0';
	if (same || middle_zero || d[9] - '0' != check)
		return ERR_INVALID;
	return 0;
}

int fa_mobile_normalize(const char *s, char out[12])
{
	char a[64], d[32];
	const char *p;
	size_t n = 0;
	bool plus = false;

	if (!s || fa_ascii_digits(s, a, sizeof(a)) != 0)
		return ERR_INVALID;
	for (p = a; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n + 1 >= sizeof(d))
				return ERR_INVALID;
			d[n++] = *p;
		} else if (*p == '+' && n == 0 && !plus) {
			plus = true;
		} else if (*p != ' ' && *p != '-' && *p != '.' && *p != '(' && *p != ')') {
			return ERR_INVALID;
		}
	}
	d[n] = '\0';
	p = d;
	if (plus) {		/* +98 9xx..., country code required */
		if (n != 12 || memcmp(d, "98", 2) != 0)
			return ERR_INVALID;
		p = d + 2;
	} else if (n == 14 && memcmp(d, "0098", 4) == 0) {
		p = d + 4;
	} else if (n == 12 && memcmp(d, "98", 2) == 0) {
		p = d + 2;
	} else if (n == 11 && d[0] == '0') {
		p = d + 1;
	} else if (n != 10) {
		return ERR_INVALID;
	}
	/* p is now the 10 national digits, which must start with 9 */
	if (strlen(p) != 10 || p[0] != '9')
		return ERR_INVALID;
	out[0] = '0';
	memcpy(out + 1, p, 10);
	out[11] = '\0';
	return 0;
}

/* Damm's totally anti-symmetric quasigroup of order 10. */
static const unsigned char damm_table[10][10] = {
	{ 0, 3, 1, 7, 5, 9, 8, 6, 4, 2 },
	{ 7, 0, 9, 2, 1, 5, 4, 8, 6, 3 },
	{ 4, 2, 0, 6, 8, 7, 1, 3, 5, 9 },
	{ 1, 7, 5, 0, 9, 8, 3, 4, 2, 6 },
	{ 6, 1, 2, 3, 0, 4, 5, 9, 7, 8 },
	{ 3, 6, 7, 4, 2, 0, 9, 5, 8, 1 },
	{ 5, 8, 6, 9, 7, 2, 0, 1, 3, 4 },
	{ 8, 9, 4, 5, 3, 6, 2, 0, 1, 7 },
	{ 9, 4, 3, 8, 6, 1, 7, 2, 0, 5 },
	{ 2, 5, 8, 1, 4, 3, 6, 7, 9, 0 },
};

int damm_digit(const char *s, size_t len)
{
	unsigned interim = 0;
	size_t i;

	for (i = 0; i < len; i++)
		interim = damm_table[interim][(unsigned char)(s[i] - '0') % 10];
	return (int)interim;
}

int tracking_code_ascii(const char *s, char out[11])
{
	char d[16];

	/* the interim Damm digit over all ten is 0 exactly when the check holds */
	if (digits_exact(s, 10, d, sizeof(d)) != 0 || d[0] == '0' || damm_digit(d, 10) != 0)
		return ERR_INVALID;
	memcpy(out, d, 11);
	return 0;
}

int tracking_code_check(const char *s)
{
	char d[11];

	return tracking_code_ascii(s, d);
}

/* Fill b with len random bytes from the kernel; 0 or ERR_IO. */
static int random_bytes(unsigned char *b, size_t len)
{
	size_t got = 0;
	ssize_t r;

	while (got < len) {
		r = getrandom(b + got, len - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return ERR_IO;
		}
		got += (size_t)r;
	}
	return 0;
}

void tracking_code_from(uint64_t r, char out[11])
{
	int i;

	out[0] = (char)('1' + r % 9);
	r /= 9;
	for (i = 1; i < 9; i++) {
		out[i] = (char)('0' + r % 10);
		r /= 10;
	}
	out[9] = (char)('0' + damm_digit(out, 9));
	out[10] = '\0';
}

int tracking_code_new(char out[11])
{
	unsigned char r[32];
	size_t i, used = 0, n = 0;

	/* Rejection sampling keeps every digit uniform: bytes >= 250 are
	 * dropped, and for the first digit (1-9) also digits that are 0. */
	while (n < 9) {
		if (used == 0 || used == sizeof(r)) {
			if (random_bytes(r, sizeof(r)) != 0)
				return ERR_IO;
			used = 0;
		}
		i = r[used++];
		if (i >= 250 || (n == 0 && i % 10 == 0))
			continue;
		out[n++] = (char)('0' + i % 10);
	}
	out[9] = (char)('0' + damm_digit(out, 9));
	out[10] = '\0';
	return 0;
}
