/*
 * img.h - the files people attach (photos and PDFs): what a file is, by its
 * bytes and never its name, and the same image without the metadata that
 * says where and with what it was taken (EXIF with its GPS position, XMP,
 * Photoshop IRB, comments, text chunks).
 *
 * img_strip is a bounded parser of the three image containers: it reads
 * only inside the input, never trusts a length past it, and copies the
 * pixels' segments/chunks unchanged (no decoding, no loss):
 *	JPEG: drops APP1 (Exif, XMP), APP2 other than ICC_PROFILE, APP3..APP13
 *	      and APP15 (maker data, Photoshop IRB), COM; keeps APP0 (JFIF),
 *	      APP14 (Adobe colour), the ICC profile and everything that makes
 *	      the picture; nothing after EOI;
 *	PNG:  drops eXIf, tEXt, iTXt, zTXt and tIME; nothing after IEND;
 *	WebP: drops the EXIF and XMP chunks, clears their VP8X flags and
 *	      writes the RIFF size anew.
 * A PDF is passed as is (img_sniff only checks its header).
 */
#ifndef HAMGAN_BASE_IMG_H
#define HAMGAN_BASE_IMG_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

enum img_kind { IMG_NONE = 0, IMG_JPEG, IMG_PNG, IMG_WEBP, IMG_PDF };

/* What the bytes are: JPEG FF D8 FF, PNG 89 'PNG' 0D 0A 1A 0A, WebP
 * 'RIFF' size 'WEBP', PDF '%PDF-'; IMG_NONE otherwise. */
enum img_kind img_sniff(const void *data, size_t len);

/* "image/jpeg", "image/png", "image/webp", "application/pdf"; NULL for IMG_NONE. */
const char *img_mime(enum img_kind k);

/*
 * Append data (len bytes of kind k) without its metadata to out.  0, or
 * ERR_INVALID (err says what is malformed: a truncated segment, a length
 * past the end, no end marker) or ERR_TOOBIG (out's cap).  IMG_PDF is
 * copied unchanged.
 */
int img_strip(enum img_kind k, const void *data, size_t len, struct buf *out, struct err *err);

#endif
