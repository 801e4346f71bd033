/*
 * paten-config.c: the remembered settings in desk.ini (paten-config.h).
 */
#include "paten-config.h"

#include <glib/gstdio.h>
#include <string.h>

#define GROUP      "connection"
#define KEY_SERVER "server"

char *paten_config_path(void)
{
    return g_build_filename(g_get_user_config_dir(), "paten-desk", "desk.ini", NULL);
}

char *paten_config_get_server(void)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *path = paten_config_path();
    g_autofree char *server = NULL;

    if (g_key_file_load_from_file(kf, path, G_KEY_FILE_KEEP_COMMENTS, NULL))
        server = g_key_file_get_string(kf, GROUP, KEY_SERVER, NULL);
    if (server != NULL)
        g_strstrip(server);
    if (server == NULL || server[0] == '\0')
        return g_strdup(PATEN_CONFIG_DEFAULT_SERVER);
    return g_steal_pointer(&server);
}

void paten_config_set_server(const char *address)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *path = paten_config_path();
    g_autofree char *dir = g_path_get_dirname(path);
    g_autoptr(GError) err = NULL;

    /* Keep whatever else the file holds (comments, keys of later versions). */
    g_key_file_load_from_file(kf, path, G_KEY_FILE_KEEP_COMMENTS, NULL);
    g_key_file_set_string(kf, GROUP, KEY_SERVER, address);
    if (g_mkdir_with_parents(dir, 0700) != 0 || !g_key_file_save_to_file(kf, path, &err))
        g_warning("cannot remember the server address in %s: %s", path,
                  err ? err->message : g_strerror(errno));
}

/* A string key, stripped; NULL when missing or empty. */
static char *get_string(GKeyFile *kf, const char *key)
{
    char *v = g_key_file_get_string(kf, GROUP, key, NULL);

    if (v != NULL)
        g_strstrip(v);
    if (v != NULL && v[0] == '\0')
        g_clear_pointer(&v, g_free);
    return v;
}

void paten_config_get_tls(PatenConfigTls *out)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *path = paten_config_path();

    memset(out, 0, sizeof *out);
    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, NULL))
        return;
    out->tls = g_key_file_get_boolean(kf, GROUP, "tls", NULL);
    out->ca_file = get_string(kf, "tls-ca");
    out->pin = get_string(kf, "tls-pin");
    out->cert_file = get_string(kf, "tls-cert");
    out->key_file = get_string(kf, "tls-key");
    out->insecure_plaintext = g_key_file_get_boolean(kf, GROUP, "insecure-plaintext", NULL);
}

void paten_config_tls_clear(PatenConfigTls *tls)
{
    g_clear_pointer(&tls->ca_file, g_free);
    g_clear_pointer(&tls->pin, g_free);
    g_clear_pointer(&tls->cert_file, g_free);
    g_clear_pointer(&tls->key_file, g_free);
}
