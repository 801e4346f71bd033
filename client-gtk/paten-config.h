/*
 * paten-config.h: what paten-desk remembers between runs, in a key file under the user's
 * configuration directory (g_get_user_config_dir()/paten-desk/desk.ini): the server address
 * last logged in to. Never the password or the session token.
 *
 * The same file's [connection] group holds the TLS settings, written by whoever installs the
 * desk (never by the desk itself):
 *   tls = true                 TLS, verifying the server with the system's CAs
 *   tls-ca = /path/ca.pem      verify the server against this CA (implies TLS)
 *   tls-pin = 64 hex digits    or: accept only the server certificate with this SHA-256
 *   tls-cert = /path/desk.pem  this desk's client certificate (mutual TLS) ...
 *   tls-key = /path/desk.key   ... and its key (default: in tls-cert)
 *   insecure-plaintext = true  allow plain TCP to a server that is not on this computer
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

/* The TLS settings of the [connection] group (see the top of this file). */
typedef struct {
    gboolean tls;
    char *ca_file;
    char *pin;
    char *cert_file;
    char *key_file;
    gboolean insecure_plaintext;
} PatenConfigTls;

/* Reads the TLS settings into out (zeroed first; free with paten_config_tls_clear). */
void paten_config_get_tls(PatenConfigTls *out);
void paten_config_tls_clear(PatenConfigTls *tls);

/* The key file's path. Caller frees. */
char *paten_config_path(void);

G_END_DECLS

#endif
