/*
 * units.h - spans of time in seconds, defined once for every layer.
 */
#ifndef HAMGAN_BASE_UNITS_H
#define HAMGAN_BASE_UNITS_H

#define HOUR 3600
#define DAY (24 * HOUR)

#endif
