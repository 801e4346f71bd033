/*
 * paten-intake-page.c: PatenIntakePage (paten-intake-page.h).
 */
#include "paten-intake-page.h"

struct _PatenIntakePage {
    GtkBox parent_instance;

    PatenApplication *app; /* not a reference: the application outlives its windows */
};

G_DEFINE_TYPE(PatenIntakePage, paten_intake_page, GTK_TYPE_BOX)

PatenIntakePage *paten_intake_page_new(PatenApplication *app)
{
    PatenIntakePage *self = g_object_new(PATEN_TYPE_INTAKE_PAGE, NULL);

    self->app = app;
    return self;
}

static void paten_intake_page_class_init(PatenIntakePageClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-intake-page.ui");
}

static void paten_intake_page_init(PatenIntakePage *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
}
