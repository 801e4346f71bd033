/*
 * pd_bootstrap.h: one-shot start-up actions that run instead of serving: creating the first
 * ADMIN of a real deployment, and printing the dispatch table.
 */
#ifndef PD_BOOTSTRAP_H
#define PD_BOOTSTRAP_H

#include "pd_config.h"

/*
 * Blocking. Creates the ADMIN user cfg->create_admin at the PEMDA office of region cfg->region,
 * creating the region and that office when cfg->region_name and cfg->time_zone say so. The
 * password comes from PATEN_PASSWORD or is asked twice on the terminal. Audited, and announced
 * to running patend processes (a new office). Returns 0, or -1 after printing why.
 */
int pd_bootstrap_create_admin(const struct pd_config *cfg, const char *owner_conninfo);

/* Prints one JSON object per request type: type, name, public, roles, scope, flags. */
void pd_bootstrap_dump_handlers(void);

#endif
