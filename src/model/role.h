/*
 * model/role.h - the roles people act in, and their names.
 */
#ifndef HAMGAN_MODEL_ROLE_H
#define HAMGAN_MODEL_ROLE_H

#include <stddef.h>

enum role {
	ROLE_NONE = 0,
	ROLE_CITIZEN,
	ROLE_OPERATOR,
	ROLE_STAFF,
	ROLE_MANAGER,
	ROLE_INSPECTOR,
	ROLE_ADMIN,
	ROLE_SYSTEM,
	ROLE_COUNT
};

/* "operator", "staff", ...; "none" for ROLE_NONE. */
const char *role_name(enum role r);
/* Parse a role name (only the five account roles: operator, staff, manager,
 * inspector, admin).  0 or ERR_INVALID. */
int role_parse(const char *s, enum role *out);

#endif
