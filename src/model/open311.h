/*
 * model/open311.h - what Open311 keeps beside categories and messages.
 */
#ifndef HAMGAN_MODEL_OPEN311_H
#define HAMGAN_MODEL_OPEN311_H

#include <stdint.h>

#include "base/caps.h"

/* A category's Open311 extras (table category_open311): keywords and the
 * attribute definitions as text, one attribute a line (o311_attrs_parse). */
struct service_meta {
	int64_t category_id;
	char keywords[CAP_OPEN311_KEYWORDS + 1];
	char attributes[CAP_OPEN311_ATTR_TEXT + 1];
};

/* What an Open311 client sent beside the message. */
struct o311_meta {
	int64_t msg_id;
	int64_t api_key_id;
	char media_url[CAP_MEDIA_URL + 1];
	char address_id[CAP_OPEN311_ID + 1];
};

#endif
