/*
 * main.c: paten-desk, the GTK desktop client of PATEN. Everything is in libpaten_desk; this only
 * sets up the language and runs the application.
 */
#include "paten-application.h"
#include "paten-desk.h"

#include <glib-unix.h>

/* SIGTERM and SIGINT quit like closing the window does (scripts/run stops a desk it started in
 * the background this way, and so do the tests), so that everything is torn down in order. */
static gboolean on_quit_signal(gpointer app)
{
    g_application_quit(G_APPLICATION(app));
    return G_SOURCE_CONTINUE;
}

int main(int argc, char **argv)
{
    g_autoptr(PatenApplication) app = NULL;
    guint term, intr;
    int status;

    paten_desk_init_i18n();
    app = paten_application_new();
    term = g_unix_signal_add(SIGTERM, on_quit_signal, app);
    intr = g_unix_signal_add(SIGINT, on_quit_signal, app);
    status = g_application_run(G_APPLICATION(app), argc, argv);
    g_source_remove(term);
    g_source_remove(intr);
    return status;
}
