/* pg_admin.h - the PostgreSQL backend's ops in pg_admin.c (see pg_int.h). */
#ifndef HAMGAN_STORE_PG_ADMIN_H
#define HAMGAN_STORE_PG_ADMIN_H

#include "store/store.h"

#define PG_ADMIN_OPS

#endif
