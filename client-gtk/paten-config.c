/*
 * paten-config.c: the remembered settings in desk.ini (paten-config.h).
 */
#include "paten-config.h"

#include <glib/gstdio.h>

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
