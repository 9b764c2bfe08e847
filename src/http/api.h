/*
 * api.h - the route tables of each API area (one api_*.c each) and helpers
 * the areas share.  router.c tries the tables in API_ROUTE_TABLES order,
 * static files last.
 */
#ifndef HAMGAN_HTTP_API_H
#define HAMGAN_HTTP_API_H

#include "http/http.h"

extern const struct http_route api_system_routes[];
extern const struct http_route static_routes[];

#define API_ROUTE_TABLES \
	static_routes,

#endif
