/*
 * pd_demo.h: the demo data that `patend --demo` loads into an empty database (never through
 * migrations: a real deployment must not contain it).
 */
#ifndef PD_DEMO_H
#define PD_DEMO_H

/* Blocking, at start-up. Loads the demo data once, in one transaction, when the database holds
 * none yet; does nothing when it was loaded before. Returns 0, or -1 after logging why. */
int pd_demo_load(const char *owner_conninfo);

#endif
