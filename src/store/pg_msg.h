/* pg_msg.h - the PostgreSQL backend's ops in pg_msg.c (see pg_int.h). */
#ifndef HAMGAN_STORE_PG_MSG_H
#define HAMGAN_STORE_PG_MSG_H

#include "store/store.h"

#define PG_MSG_OPS

#endif
