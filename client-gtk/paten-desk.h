/*
 * paten-desk.h: process-wide set-up of paten-desk, shared by the program and its tests: the
 * translation catalog (Indonesian by default), the compiled-in resources (templates, CSS).
 */
#ifndef PATEN_DESK_H
#define PATEN_DESK_H

#include <glib.h>
#include <glib/gi18n-lib.h>

G_BEGIN_DECLS

/* The client's name and version in Hello. */
#define PATEN_DESK_CLIENT_NAME "paten-desk"

/*
 * Chooses the language and binds the catalog. The UI speaks Indonesian unless PATEN_DESK_LANG
 * names another language ("en" shows the English msgids), whatever LANG says: the desks run in
 * Indonesian offices, often on machines installed in English or with LANG=C. Call once, first
 * thing in main(), before any thread starts (it sets environment variables).
 */
void paten_desk_init_i18n(void);

/* Registers the GResource (idempotent). Needed before any template is loaded. */
void paten_desk_init_resources(void);

/* The language chosen by paten_desk_init_i18n ("id", "en", ...). */
const char *paten_desk_language(void);

G_END_DECLS

#endif
