/*
 * paten-files-page.c: PatenFilesPage (paten-files-page.h).
 */
#include "paten-files-page.h"

struct _PatenFilesPage {
    GtkBox parent_instance;

    PatenApplication *app; /* not a reference: the application outlives its windows */
};

G_DEFINE_TYPE(PatenFilesPage, paten_files_page, GTK_TYPE_BOX)

PatenFilesPage *paten_files_page_new(PatenApplication *app)
{
    PatenFilesPage *self = g_object_new(PATEN_TYPE_FILES_PAGE, NULL);

    self->app = app;
    return self;
}

static void paten_files_page_class_init(PatenFilesPageClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-files-page.ui");
}

static void paten_files_page_init(PatenFilesPage *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
}
