/*
 * actor.h - who is acting: every core call that reads or changes data takes
 * a const struct actor *.
 *
 * Citizens have no account: a front end that has checked a citizen (tracking
 * code + mobile, or an inbound SMS from the number) acts as
 * actor_citizen(citizen_id).  System work (the SMS sender, inbound SMS, the
 * CLI run by the machine's owner) acts as actor_system("what").  Staff and
 * managers carry the unit whose subtree they have rights over.
 */
#ifndef HAMGAN_CORE_ACTOR_H
#define HAMGAN_CORE_ACTOR_H

#include <stddef.h>
#include <stdint.h>

#include "base/caps.h"
#include "model/role.h"

struct actor {
	int64_t user_id;	/* users.id; 0 for citizens and the system */
	enum role role;
	int64_t unit_id;	/* staff/manager: their unit; others 0 (or their unit) */
	int64_t citizen_id;	/* ROLE_CITIZEN: the citizen; 0 = a new/anonymous one */
	char name[CAP_CODE];	/* username, "system:WHAT", or "citizen" */
};

/* A system actor named "system:WHAT" (WHAT truncated to fit). */
struct actor actor_system(const char *what);
/* A citizen actor; citizen_id may be 0 (a citizen not yet known). */
struct actor actor_citizen(int64_t citizen_id);

/* The label written to the audit log and referral hops: the username,
 * "system:WHAT" or "citizen" (never a citizen's id: see docs/security.md).
 * Older databases hold "citizen:ID" in audit entries written before;
 * audit_view() hides the id from readers who may not see identities. */
void actor_label(const struct actor *a, char *out, size_t outsz);

#endif
