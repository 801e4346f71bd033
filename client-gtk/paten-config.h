/*
 * paten-config.h: what paten-desk remembers between runs, in a key file under the user's
 * configuration directory (g_get_user_config_dir()/paten-desk/desk.ini): the server address
 * last logged in to. Never the password or the session token.
 */
#ifndef PATEN_CONFIG_H
#define PATEN_CONFIG_H

#include <glib.h>

G_BEGIN_DECLS

#define PATEN_CONFIG_DEFAULT_SERVER "127.0.0.1:7450"

/* The remembered server address, or PATEN_CONFIG_DEFAULT_SERVER. Caller frees. */
char *paten_config_get_server(void);

/* Remembers address. Failing to write is logged and otherwise ignored: the desk works on. */
void paten_config_set_server(const char *address);

/* The key file's path. Caller frees. */
char *paten_config_path(void);

G_END_DECLS

#endif
