/*
 * model/citizen.h - a citizen, keyed by the normalised mobile number.
 */
#ifndef HAMGAN_MODEL_CITIZEN_H
#define HAMGAN_MODEL_CITIZEN_H

#include <stdint.h>

#include "base/caps.h"

struct citizen {
	int64_t id;
	char mobile[12];	/* 09xxxxxxxxx */
	char name[CAP_NAME];	/* may be empty */
	char national_id[11];	/* may be empty */
	int64_t created_at;
};

#endif
