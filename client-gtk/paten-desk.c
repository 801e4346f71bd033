/*
 * paten-desk.c: language choice, catalog binding and resource registration (paten-desk.h).
 */
#include "paten-desk.h"

#include "paten-desk-resources.h"

#include <gio/gio.h>
#include <locale.h>
#include <string.h>

static char *desk_language;

/* Where the catalog is: PATEN_DESK_LOCALEDIR from the environment (tests, relocated installs),
 * else the build tree's when the program runs from there, else the installed one. */
static const char *locale_dir(void)
{
    const char *env = g_getenv("PATEN_DESK_LOCALEDIR");
    g_autofree char *built = NULL;

    if (env != NULL && env[0] != '\0')
        return env;
    built = g_build_filename(PATEN_DESK_BUILD_LOCALEDIR, "id", "LC_MESSAGES", GETTEXT_PACKAGE ".mo",
                             NULL);
    if (g_file_test(built, G_FILE_TEST_EXISTS))
        return PATEN_DESK_BUILD_LOCALEDIR;
    return PATEN_DESK_LOCALEDIR;
}

void paten_desk_init_i18n(void)
{
    const char *lang = g_getenv("PATEN_DESK_LANG");
    const char *messages;

    if (lang == NULL || lang[0] == '\0')
        lang = "id";
    g_free(desk_language);
    desk_language = g_strdup(lang);

    setlocale(LC_ALL, "");
    /* gettext ignores LANGUAGE in the C locale, and an Indonesian locale is rarely generated on
     * these machines; C.UTF-8 (built into glibc) keeps everything else neutral while letting
     * LANGUAGE pick the catalog. */
    messages = setlocale(LC_MESSAGES, NULL);
    if (messages == NULL || strcmp(messages, "C") == 0 || strcmp(messages, "POSIX") == 0)
        setlocale(LC_MESSAGES, "C.UTF-8");
    /* LANGUAGE also steers GTK's own strings (the print dialog) to the same language. */
    g_setenv("LANGUAGE", lang, TRUE);

    bindtextdomain(GETTEXT_PACKAGE, locale_dir());
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);
}

const char *paten_desk_language(void)
{
    return desk_language ? desk_language : "id";
}

void paten_desk_init_resources(void)
{
    static gsize done;

    if (g_once_init_enter(&done)) {
        paten_desk_register_resource();
        g_once_init_leave(&done, 1);
    }
}
