/*
 * paten-file-window.c: PatenFileWindow (paten-file-window.h).
 */
#include "paten-file-window.h"

struct _PatenFileWindow {
    GtkWindow parent_instance;

    PatenApplication *app;
    gint64 file_id;
};

G_DEFINE_TYPE(PatenFileWindow, paten_file_window, GTK_TYPE_WINDOW)

PatenFileWindow *paten_file_window_present(PatenApplication *app, GtkWindow *parent, gint64 file_id)
{
    PatenFileWindow *self = g_object_new(PATEN_TYPE_FILE_WINDOW, "transient-for", parent, NULL);

    self->app = app;
    self->file_id = file_id;
    gtk_window_present(GTK_WINDOW(self));
    return self;
}

static void paten_file_window_class_init(PatenFileWindowClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-file-window.ui");
}

static void paten_file_window_init(PatenFileWindow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
}
