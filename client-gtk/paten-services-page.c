/*
 * paten-services-page.c: PatenServicesPage (paten-services-page.h).
 */
#include "paten-services-page.h"

struct _PatenServicesPage {
    GtkBox parent_instance;

    PatenApplication *app; /* not a reference: the application outlives its windows */
};

G_DEFINE_TYPE(PatenServicesPage, paten_services_page, GTK_TYPE_BOX)

PatenServicesPage *paten_services_page_new(PatenApplication *app)
{
    PatenServicesPage *self = g_object_new(PATEN_TYPE_SERVICES_PAGE, NULL);

    self->app = app;
    return self;
}

static void paten_services_page_class_init(PatenServicesPageClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-services-page.ui");
}

static void paten_services_page_init(PatenServicesPage *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
}
