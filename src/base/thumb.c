/* thumb.c - bounded image decoding and a JPEG preview; see thumb.h. */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>
#include <webp/decode.h>

#include "base/caps.h"
#include "base/mem.h"
#include "base/thumb.h"

/* Decoded pixels: RGB, 3 bytes each, rows packed. */
struct rgb {
	unsigned char *px;
	unsigned w, h;
};

/* The preview's size for a w x h image: the longer side CAP_THUMB_SIDE. */
static void fit(unsigned w, unsigned h, unsigned *tw, unsigned *th)
{
	unsigned side = w > h ? w : h;

	if (side <= CAP_THUMB_SIDE) {
		*tw = w;
		*th = h;
		return;
	}
	*tw = (unsigned)((uint64_t)w * CAP_THUMB_SIDE / side);
	*th = (unsigned)((uint64_t)h * CAP_THUMB_SIDE / side);
	if (*tw == 0)
		*tw = 1;
	if (*th == 0)
		*th = 1;
}

static int pixels_ok(unsigned w, unsigned h, uint64_t cap, struct err *err)
{
	if (w == 0 || h == 0)
		return err_set(err, ERR_INVALID, "file", "the image has no pixels");
	if ((uint64_t)w * h > cap)
		return err_set(err, ERR_TOOBIG, "file", "the image has more than %llu pixels",
			       (unsigned long long)cap);
	return 0;
}

/* ---- JPEG ---- */

struct jerr {
	struct jpeg_error_mgr mgr;
	jmp_buf jump;
	char msg[JMSG_LENGTH_MAX];
};

static void jerr_exit(j_common_ptr cinfo)
{
	struct jerr *e = (struct jerr *)(void *)cinfo->err;

	e->mgr.format_message(cinfo, e->msg);
	longjmp(e->jump, 1);
}

static void jerr_quiet(j_common_ptr cinfo)
{
	(void)cinfo;	/* warnings (a truncated scan) are not printed */
}

static int decode_jpeg(const unsigned char *data, size_t len, struct rgb *out, struct err *err)
{
	struct jpeg_decompress_struct d;
	struct jerr je;
	unsigned scale;
	volatile int rc = 0;
	unsigned char *volatile px = NULL;

	memset(&d, 0, sizeof(d));
	d.err = jpeg_std_error(&je.mgr);
	je.mgr.error_exit = jerr_exit;
	je.mgr.output_message = jerr_quiet;
	if (setjmp(je.jump)) {
		free(px);
		jpeg_destroy_decompress(&d);
		return err_set(err, ERR_INVALID, "file", "the JPEG cannot be read: %s", je.msg);
	}
	jpeg_create_decompress(&d);
	jpeg_mem_src(&d, data, (unsigned long)len);
	jpeg_read_header(&d, TRUE);
	rc = pixels_ok(d.image_width, d.image_height, CAP_IMAGE_PIXELS, err);
	if (rc)
		goto out;
	/* the largest reduction that still leaves the preview's size */
	for (scale = 8; scale > 1; scale /= 2)
		if (d.image_width / scale >= CAP_THUMB_SIDE || d.image_height / scale >= CAP_THUMB_SIDE)
			break;
	d.scale_num = 1;
	d.scale_denom = scale;
	d.out_color_space = JCS_RGB;
	jpeg_start_decompress(&d);
	if (d.output_components != 3) {
		rc = err_set(err, ERR_INVALID, "file", "the JPEG's colours cannot be read");
		goto out;
	}
	px = xmalloc((size_t)d.output_width * d.output_height * 3);
	while (d.output_scanline < d.output_height) {
		JSAMPROW row = px + (size_t)d.output_scanline * d.output_width * 3;

		jpeg_read_scanlines(&d, &row, 1);
	}
	jpeg_finish_decompress(&d);
	out->px = px;
	out->w = d.output_width;
	out->h = d.output_height;
	px = NULL;
out:
	free(px);
	jpeg_destroy_decompress(&d);
	return rc;
}

static int encode_jpeg(const struct rgb *in, struct buf *out, struct err *err)
{
	struct jpeg_compress_struct c;
	struct jerr je;
	unsigned char *volatile mem = NULL;
	unsigned long memlen = 0;
	unsigned char *m = NULL;

	memset(&c, 0, sizeof(c));
	c.err = jpeg_std_error(&je.mgr);
	je.mgr.error_exit = jerr_exit;
	je.mgr.output_message = jerr_quiet;
	if (setjmp(je.jump)) {
		jpeg_destroy_compress(&c);
		free(mem);
		return err_set(err, ERR_IO, "file", "cannot write the preview: %s", je.msg);
	}
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &m, &memlen);
	c.image_width = in->w;
	c.image_height = in->h;
	c.input_components = 3;
	c.in_color_space = JCS_RGB;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, 80, TRUE);
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		JSAMPROW row = in->px + (size_t)c.next_scanline * in->w * 3;

		jpeg_write_scanlines(&c, &row, 1);
		mem = m;
	}
	jpeg_finish_compress(&c);
	mem = m;
	buf_add(out, mem, memlen);
	jpeg_destroy_compress(&c);
	free(mem);
	return buf_error(out) ? err_set(err, ERR_TOOBIG, "file", "the preview is too big") : 0;
}

/* ---- PNG ---- */

static int decode_png(const unsigned char *data, size_t len, struct rgb *out, struct err *err)
{
	png_image img;
	png_color white = { 255, 255, 255 };
	unsigned char *px;
	int rc;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, data, len))
		return err_set(err, ERR_INVALID, "file", "the PNG cannot be read: %s", img.message);
	rc = pixels_ok(img.width, img.height, CAP_PNG_PIXELS, err);
	if (rc) {
		png_image_free(&img);
		return rc;
	}
	img.format = PNG_FORMAT_RGB;
	px = xmalloc(PNG_IMAGE_SIZE(img));
	if (!png_image_finish_read(&img, &white, px, 0, NULL)) {
		free(px);
		rc = err_set(err, ERR_INVALID, "file", "the PNG cannot be read: %s", img.message);
		png_image_free(&img);
		return rc;
	}
	out->px = px;
	out->w = img.width;
	out->h = img.height;
	return 0;
}

/* ---- WebP: decoded straight at the preview's size ---- */

static int decode_webp(const unsigned char *data, size_t len, struct rgb *out, struct err *err)
{
	WebPDecoderConfig cfg;
	unsigned tw, th;
	int rc;

	if (!WebPInitDecoderConfig(&cfg))
		return err_set(err, ERR_IO, "file", "libwebp does not match its header");
	if (WebPGetFeatures(data, len, &cfg.input) != VP8_STATUS_OK)
		return err_set(err, ERR_INVALID, "file", "the WebP cannot be read");
	if (cfg.input.has_animation)
		return err_set(err, ERR_INVALID, "file", "an animated WebP is not a photo");
	rc = pixels_ok((unsigned)cfg.input.width, (unsigned)cfg.input.height, CAP_IMAGE_PIXELS,
		       err);
	if (rc)
		return rc;
	fit((unsigned)cfg.input.width, (unsigned)cfg.input.height, &tw, &th);
	cfg.options.use_scaling = 1;
	cfg.options.scaled_width = (int)tw;
	cfg.options.scaled_height = (int)th;
	cfg.output.colorspace = MODE_RGB;
	cfg.output.is_external_memory = 1;
	cfg.output.u.RGBA.size = (size_t)tw * th * 3;
	cfg.output.u.RGBA.stride = (int)(tw * 3);
	cfg.output.u.RGBA.rgba = xmalloc(cfg.output.u.RGBA.size);
	if (WebPDecode(data, len, &cfg) != VP8_STATUS_OK) {
		free(cfg.output.u.RGBA.rgba);
		return err_set(err, ERR_INVALID, "file", "the WebP cannot be read");
	}
	out->px = cfg.output.u.RGBA.rgba;
	out->w = tw;
	out->h = th;
	return 0;
}

/* Box-filter src down to w x h (each output pixel the mean of its area). */
static void shrink(const struct rgb *src, struct rgb *dst, unsigned w, unsigned h)
{
	unsigned x, y, c;

	dst->w = w;
	dst->h = h;
	dst->px = xmalloc((size_t)w * h * 3);
	for (y = 0; y < h; y++) {
		unsigned y0 = (unsigned)((uint64_t)y * src->h / h);
		unsigned y1 = (unsigned)((uint64_t)(y + 1) * src->h / h);

		if (y1 <= y0)
			y1 = y0 + 1;
		for (x = 0; x < w; x++) {
			unsigned x0 = (unsigned)((uint64_t)x * src->w / w);
			unsigned x1 = (unsigned)((uint64_t)(x + 1) * src->w / w);
			uint64_t sum[3] = { 0, 0, 0 }, n = 0;
			unsigned sx, sy;

			if (x1 <= x0)
				x1 = x0 + 1;
			for (sy = y0; sy < y1; sy++)
				for (sx = x0; sx < x1; sx++) {
					const unsigned char *p = src->px + ((size_t)sy * src->w + sx) * 3;

					sum[0] += p[0];
					sum[1] += p[1];
					sum[2] += p[2];
					n++;
				}
			for (c = 0; c < 3; c++)
				dst->px[((size_t)y * w + x) * 3 + c] = (unsigned char)(sum[c] / n);
		}
	}
}

int thumb_make(enum img_kind k, const void *data, size_t len, struct buf *out, struct err *err)
{
	struct rgb full = { NULL, 0, 0 }, small = { NULL, 0, 0 };
	unsigned tw, th;
	int rc;

	if (k == IMG_JPEG)
		rc = decode_jpeg(data, len, &full, err);
	else if (k == IMG_PNG)
		rc = decode_png(data, len, &full, err);
	else if (k == IMG_WEBP)
		rc = decode_webp(data, len, &full, err);
	else
		return err_set(err, ERR_INVALID, "file", "only photos have a preview");
	if (rc)
		return rc;
	fit(full.w, full.h, &tw, &th);
	if (tw != full.w || th != full.h) {
		shrink(&full, &small, tw, th);
		rc = encode_jpeg(&small, out, err);
		free(small.px);
	} else {
		rc = encode_jpeg(&full, out, err);
	}
	free(full.px);
	return rc;
}
