/* img.c - file kinds by their bytes, and images without metadata; see img.h. */
#include <stdint.h>
#include <string.h>

#include "base/img.h"

static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a };

enum img_kind img_sniff(const void *data, size_t len)
{
	const unsigned char *p = data;

	if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return IMG_JPEG;
	if (len >= 8 && memcmp(p, png_sig, 8) == 0)
		return IMG_PNG;
	if (len >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
		return IMG_WEBP;
	if (len >= 5 && memcmp(p, "%PDF-", 5) == 0)
		return IMG_PDF;
	return IMG_NONE;
}

const char *img_mime(enum img_kind k)
{
	switch (k) {
	case IMG_JPEG: return "image/jpeg";
	case IMG_PNG: return "image/png";
	case IMG_WEBP: return "image/webp";
	case IMG_PDF: return "application/pdf";
	case IMG_NONE: break;
	}
	return NULL;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* Does the JPEG segment with this marker and payload stay? */
static int jpeg_keep(unsigned marker, const unsigned char *payload, size_t n)
{
	if (marker == 0xe2)	/* APP2: only an ICC profile */
		return n >= 12 && memcmp(payload, "ICC_PROFILE\0", 12) == 0;
	if (marker == 0xe0 || marker == 0xee)	/* APP0 JFIF, APP14 Adobe */
		return 1;
	if ((marker >= 0xe1 && marker <= 0xef) || marker == 0xfe)
		return 0;	/* APP1 Exif/XMP, APP13 IRB, maker APPn, COM */
	return 1;
}

static int strip_jpeg(const unsigned char *p, size_t len, struct buf *out, struct err *err)
{
	size_t i = 2;

	buf_add(out, p, 2);	/* SOI */
	for (;;) {
		unsigned marker;
		size_t seglen;

		if (i >= len || p[i] != 0xff)
			return err_set(err, ERR_INVALID, "file", "the JPEG has a bad segment at "
				       "byte %zu", i);
		while (i < len && p[i] == 0xff)
			i++;	/* fill bytes */
		if (i >= len)
			return err_set(err, ERR_INVALID, "file", "the JPEG ends inside a marker");
		marker = p[i++];
		if (marker == 0xd9) {	/* EOI: the end; anything after it goes */
			buf_add(out, "\xff\xd9", 2);
			break;
		}
		if ((marker >= 0xd0 && marker <= 0xd7) || marker == 0x01 || marker == 0xd8 ||
		    marker == 0x00)
			return err_set(err, ERR_INVALID, "file", "the JPEG has a stray marker");
		if (i + 2 > len)
			return err_set(err, ERR_INVALID, "file", "the JPEG ends inside a segment");
		seglen = (size_t)p[i] << 8 | p[i + 1];
		if (seglen < 2 || seglen > len - i)
			return err_set(err, ERR_INVALID, "file", "a JPEG segment runs past the end");
		if (jpeg_keep(marker, p + i + 2, seglen - 2)) {
			buf_addc(out, (char)0xff);
			buf_addc(out, (char)marker);
			buf_add(out, p + i, seglen);
		}
		i += seglen;
		if (marker == 0xda) {
			/* SOS: entropy-coded data up to the next marker that is not
			 * a stuffed 00 or a restart */
			size_t start = i;

			while (i + 1 < len && !(p[i] == 0xff && p[i + 1] != 0x00 &&
						!(p[i + 1] >= 0xd0 && p[i + 1] <= 0xd7)))
				i++;
			if (i + 1 >= len)
				return err_set(err, ERR_INVALID, "file", "the JPEG has no end marker");
			buf_add(out, p + start, i - start);
		}
	}
	return buf_error(out) ? err_set(err, ERR_TOOBIG, "file", "the image is too big") : 0;
}

static int strip_png(const unsigned char *p, size_t len, struct buf *out, struct err *err)
{
	static const char *const drop[] = { "eXIf", "tEXt", "iTXt", "zTXt", "tIME" };
	size_t i = 8, k;
	int first = 1;

	buf_add(out, p, 8);
	for (;;) {
		uint32_t n;
		size_t whole;
		int keep = 1;

		if (len - i < 12)
			return err_set(err, ERR_INVALID, "file", "the PNG ends inside a chunk");
		n = be32(p + i);
		if (n > 0x7fffffffu || n > len - i - 12)
			return err_set(err, ERR_INVALID, "file", "a PNG chunk runs past the end");
		whole = (size_t)n + 12;
		if (first && memcmp(p + i + 4, "IHDR", 4) != 0)
			return err_set(err, ERR_INVALID, "file", "the PNG does not start with IHDR");
		first = 0;
		for (k = 0; k < sizeof(drop) / sizeof(drop[0]); k++)
			if (memcmp(p + i + 4, drop[k], 4) == 0)
				keep = 0;
		if (keep)
			buf_add(out, p + i, whole);
		if (memcmp(p + i + 4, "IEND", 4) == 0)
			break;
		i += whole;
	}
	return buf_error(out) ? err_set(err, ERR_TOOBIG, "file", "the image is too big") : 0;
}

static int strip_webp(const unsigned char *p, size_t len, struct buf *out, struct err *err)
{
	size_t i = 12, end, vp8x = 0, start = out->len;
	uint32_t riff = le32(p + 4);

	if (riff < 4 || riff > len - 8)
		return err_set(err, ERR_INVALID, "file", "the WebP's RIFF size is wrong");
	end = (size_t)riff + 8;
	buf_add(out, p, 12);
	while (i < end) {
		uint32_t n;
		size_t whole;

		if (end - i < 8)
			return err_set(err, ERR_INVALID, "file", "the WebP ends inside a chunk");
		n = le32(p + i + 4);
		if (n > end - i - 8)
			return err_set(err, ERR_INVALID, "file", "a WebP chunk runs past the end");
		whole = (size_t)n + 8 + (n & 1);
		if (whole > end - i)
			whole = end - i;	/* a last odd chunk without its pad byte */
		if (memcmp(p + i, "EXIF", 4) == 0 || memcmp(p + i, "XMP ", 4) == 0) {
			i += whole;
			continue;
		}
		if (memcmp(p + i, "VP8X", 4) == 0 && n >= 1)
			vp8x = out->len - start + 8;	/* where its flags byte lands */
		buf_add(out, p + i, whole);
		if (whole & 1)
			buf_addc(out, 0);
		i += whole;
	}
	if (buf_error(out))
		return err_set(err, ERR_TOOBIG, "file", "the image is too big");
	if (vp8x)
		out->data[start + vp8x] &= (char)~0x0c;	/* EXIF 0x08, XMP 0x04 */
	put_le32((unsigned char *)out->data + start + 4, (uint32_t)(out->len - start - 8));
	return 0;
}

int img_strip(enum img_kind k, const void *data, size_t len, struct buf *out, struct err *err)
{
	const unsigned char *p = data;

	if (img_sniff(data, len) != k)
		return err_set(err, ERR_INVALID, "file", "the file is not what it claims to be");
	switch (k) {
	case IMG_JPEG: return strip_jpeg(p, len, out, err);
	case IMG_PNG: return strip_png(p, len, out, err);
	case IMG_WEBP: return strip_webp(p, len, out, err);
	case IMG_PDF:
		buf_add(out, p, len);
		return buf_error(out) ? err_set(err, ERR_TOOBIG, "file", "the file is too big") : 0;
	case IMG_NONE: break;
	}
	return err_set(err, ERR_INVALID, "file", "not an image or a PDF");
}
