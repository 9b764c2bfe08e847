/* pg_log.h - the PostgreSQL backend's ops in pg_log.c (see pg_int.h). */
#ifndef HAMGAN_STORE_PG_LOG_H
#define HAMGAN_STORE_PG_LOG_H

#include "store/store.h"

#define PG_LOG_OPS

#endif
