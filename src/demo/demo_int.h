/*
 * demo_int.h - tables shared by the demo generator's files (demo.c and the
 * generated demo_points.c).  Nothing outside src/demo/ includes it.
 */
#ifndef HAMGAN_DEMO_DEMO_INT_H
#define HAMGAN_DEMO_DEMO_INT_H

#define DEMO_REGIONS 22
#define DEMO_POINTS 32

/* Points inside each region's real polygon, {lat, lon}. */
extern const double demo_points[DEMO_REGIONS][DEMO_POINTS][2];

#endif
