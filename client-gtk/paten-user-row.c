/*
 * paten-user-row.c: PatenUserRow (paten-user-row.h).
 */
#include "paten-user-row.h"

#include "paten-desk.h"
#include "paten-roles.h"
#include "paten-util.h"

struct _PatenUserRow {
    GtkListBoxRow parent_instance;

    GtkLabel *name_label;
    GtkLabel *detail_label;
    GtkLabel *roles_label;
    GtkLabel *status_label;
    GtkButton *reset_button;
    GtkButton *deactivate_button;

    Paten__User *user;
    gboolean is_self; /* the row of the ADMIN looking at it: no deactivating oneself */
};

G_DEFINE_TYPE(PatenUserRow, paten_user_row, GTK_TYPE_LIST_BOX_ROW)

enum { SIGNAL_DEACTIVATE, SIGNAL_RESET_PASSWORD, N_SIGNALS };
static guint signals[N_SIGNALS];

static void show_user(PatenUserRow *self)
{
    const Paten__User *u = self->user;
    g_autofree char *roles = paten_roles_join(u->roles, u->n_roles);
    g_autofree char *detail = NULL, *deactivate = NULL, *reset = NULL;
    GString *status = g_string_new(NULL);

    detail =
        g_strdup_printf("%s · %s · %s", u->username, u->nip && u->nip[0] ? u->nip : _("no NIP"),
                        u->office ? u->office->name : "?");
    gtk_label_set_text(self->name_label, u->name);
    gtk_label_set_text(self->detail_label, detail);
    gtk_label_set_text(self->roles_label, roles);
    if (!u->active)
        g_string_append(status, _("Inactive"));
    if (u->active && u->locked_until_ms > g_get_real_time() / 1000)
        g_string_append(status, _("Locked"));
    if (u->active && u->must_change_password) {
        if (status->len > 0)
            g_string_append(status, " · ");
        g_string_append(status, _("Must change password"));
    }
    paten_label_show(self->status_label, status->str);
    g_string_free(status, TRUE);

    gtk_widget_set_visible(GTK_WIDGET(self->deactivate_button), u->active && !self->is_self);
    gtk_widget_set_visible(GTK_WIDGET(self->reset_button), u->active);
    /* Stable names per user, so that assistive technology (and the tests) can tell the buttons
     * of one row from another's. */
    paten_set_accessible_name(GTK_WIDGET(self), u->username);
    deactivate = g_strdup_printf(_("Deactivate %s"), u->username);
    reset = g_strdup_printf(_("Reset the password of %s"), u->username);
    paten_set_accessible_name(GTK_WIDGET(self->deactivate_button), deactivate);
    paten_set_accessible_name(GTK_WIDGET(self->reset_button), reset);
}

void paten_user_row_set_user(PatenUserRow *self, const Paten__User *user)
{
    g_return_if_fail(PATEN_IS_USER_ROW(self));
    paten_message_free(self->user);
    self->user = paten_message_dup(&user->base);
    show_user(self);
    gtk_list_box_row_changed(GTK_LIST_BOX_ROW(self)); /* its place in the sort may change */
}

void paten_user_row_set_is_self(PatenUserRow *self, gboolean is_self)
{
    g_return_if_fail(PATEN_IS_USER_ROW(self));
    self->is_self = is_self;
    if (self->user)
        show_user(self);
}

const Paten__User *paten_user_row_get_user(PatenUserRow *self)
{
    g_return_val_if_fail(PATEN_IS_USER_ROW(self), NULL);
    return self->user;
}

PatenUserRow *paten_user_row_new(const Paten__User *user)
{
    PatenUserRow *self = g_object_new(PATEN_TYPE_USER_ROW, NULL);

    paten_user_row_set_user(self, user);
    return self;
}

static void on_deactivate_clicked(PatenUserRow *self, GtkButton *button)
{
    (void)button;
    g_signal_emit(self, signals[SIGNAL_DEACTIVATE], 0);
}

static void on_reset_clicked(PatenUserRow *self, GtkButton *button)
{
    (void)button;
    g_signal_emit(self, signals[SIGNAL_RESET_PASSWORD], 0);
}

static void paten_user_row_finalize(GObject *obj)
{
    paten_message_free(PATEN_USER_ROW(obj)->user);
    G_OBJECT_CLASS(paten_user_row_parent_class)->finalize(obj);
}

static void paten_user_row_class_init(PatenUserRowClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->finalize = paten_user_row_finalize;
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-user-row.ui");
    gtk_widget_class_bind_template_child(wc, PatenUserRow, name_label);
    gtk_widget_class_bind_template_child(wc, PatenUserRow, detail_label);
    gtk_widget_class_bind_template_child(wc, PatenUserRow, roles_label);
    gtk_widget_class_bind_template_child(wc, PatenUserRow, status_label);
    gtk_widget_class_bind_template_child(wc, PatenUserRow, reset_button);
    gtk_widget_class_bind_template_child(wc, PatenUserRow, deactivate_button);
    gtk_widget_class_bind_template_callback(wc, on_deactivate_clicked);
    gtk_widget_class_bind_template_callback(wc, on_reset_clicked);

    /** PatenUserRow::deactivate: the user asked to deactivate this row's user. */
    signals[SIGNAL_DEACTIVATE] =
        g_signal_new("deactivate", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                     G_TYPE_NONE, 0);
    /** PatenUserRow::reset-password: the user asked to reset this row's user's password. */
    signals[SIGNAL_RESET_PASSWORD] =
        g_signal_new("reset-password", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 0);
}

static void paten_user_row_init(PatenUserRow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
}
