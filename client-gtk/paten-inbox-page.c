/*
 * paten-inbox-page.c: PatenInboxPage (paten-inbox-page.h).
 */
#include "paten-inbox-page.h"

struct _PatenInboxPage {
    GtkBox parent_instance;

    PatenApplication *app; /* not a reference: the application outlives its windows */
};

G_DEFINE_TYPE(PatenInboxPage, paten_inbox_page, GTK_TYPE_BOX)

PatenInboxPage *paten_inbox_page_new(PatenApplication *app)
{
    PatenInboxPage *self = g_object_new(PATEN_TYPE_INBOX_PAGE, NULL);

    self->app = app;
    return self;
}

static void paten_inbox_page_class_init(PatenInboxPageClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-inbox-page.ui");
}

static void paten_inbox_page_init(PatenInboxPage *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
}
