/*
 * paten-main-window.c: PatenMainWindow (paten-main-window.h).
 *
 * Workspaces are decided only by the session (its effective roles and must_change_password),
 * never by the office or by what the server refused: update_workspaces() runs at start and on
 * every change of the session (a resume, a delegation, a password change) and adds or removes
 * pages so that the switcher shows exactly what the session allows.
 */
#include "paten-main-window.h"

#include "paten-account-page.h"
#include "paten-assess-page.h"
#include "paten-cashier-page.h"
#include "paten-connection-indicator.h"
#include "paten-desk.h"
#include "paten-file-window.h"
#include "paten-files-page.h"
#include "paten-inbox-page.h"
#include "paten-intake-page.h"
#include "paten-register-dialog.h"
#include "paten-services-page.h"
#include "paten-tariffs-page.h"
#include "paten-treasurer-page.h"
#include "paten-users-page.h"
#include "paten-util.h"

struct _PatenMainWindow {
    GtkApplicationWindow parent_instance;

    GtkHeaderBar *header_bar;
    GtkStackSwitcher *switcher;
    GtkLabel *user_label;
    GtkLabel *office_label;
    PatenConnectionIndicator *indicator;
    GtkStack *stack;
    GtkWidget *register_button;
    GtkMenuButton *menu_button;

    PatenApplication *app; /* not a reference: the application holds its windows */
    PatenSession *session;
};

G_DEFINE_TYPE(PatenMainWindow, paten_main_window, GTK_TYPE_APPLICATION_WINDOW)

/* A workspace: its name in the stack, its title for people, who gets it, how it is made. */
typedef struct {
    const char *name;
    const char *title; /* N_() msgid */
    gboolean (*allowed)(PatenSession *session);
    GtkWidget *(*create)(PatenApplication *app);
    gboolean while_locked; /* shown while the password must change (the account, to change it) */
} Workspace;

static gboolean everyone(PatenSession *session)
{
    (void)session;
    return TRUE;
}

static gboolean admins(PatenSession *session)
{
    return paten_session_has_role(session, PATEN__ROLE__ROLE_ADMIN);
}

static gboolean has_any(PatenSession *session, const Paten__Role *roles, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (paten_session_has_role(session, roles[i]))
            return TRUE;
    return FALSE;
}

static gboolean counter_staff(PatenSession *session)
{
    return paten_session_has_role(session, PATEN__ROLE__ROLE_LOKET);
}

/* Those a disposition can be addressed to: the kecamatan's staff (docs/protocol.md, "Files"). */
static gboolean disposition_receivers(PatenSession *session)
{
    static const Paten__Role roles[] = {
        PATEN__ROLE__ROLE_CAMAT,
        PATEN__ROLE__ROLE_SEKRETARIAT,
        PATEN__ROLE__ROLE_TIM_TEKNIS,
        PATEN__ROLE__ROLE_LOKET,
    };
    return has_any(session, roles, G_N_ELEMENTS(roles));
}

/* Those who may read files: the kecamatan's staff and the region's readers. */
static gboolean file_readers(PatenSession *session)
{
    static const Paten__Role roles[] = {
        PATEN__ROLE__ROLE_PIMPINAN,
        PATEN__ROLE__ROLE_AUDITOR,
    };
    return disposition_receivers(session) || has_any(session, roles, G_N_ELEMENTS(roles));
}

/* The assessing offices' officers: DPMPTSP's (SKRD) and BAPENDA's (SKPD). */
static gboolean assessors(PatenSession *session)
{
    static const Paten__Role roles[] = {
        PATEN__ROLE__ROLE_PETUGAS_SKRD,
        PATEN__ROLE__ROLE_PETUGAS_PAJAK,
    };
    return has_any(session, roles, G_N_ELEMENTS(roles));
}

/* The treasurers of DPMPTSP and BAPENDA. */
static gboolean treasurers(PatenSession *session)
{
    return paten_session_has_role(session, PATEN__ROLE__ROLE_BENDAHARA);
}

static GtkWidget *create_treasurer_page(PatenApplication *app)
{
    return GTK_WIDGET(paten_treasurer_page_new(app));
}

/* The kecamatan's cashier. */
static gboolean cashiers(PatenSession *session)
{
    return paten_session_has_role(session, PATEN__ROLE__ROLE_KASIR);
}

static GtkWidget *create_cashier_page(PatenApplication *app)
{
    return GTK_WIDGET(paten_cashier_page_new(app));
}

static GtkWidget *create_assess_page(PatenApplication *app)
{
    return GTK_WIDGET(paten_assess_page_new(app));
}

static GtkWidget *create_intake_page(PatenApplication *app)
{
    return GTK_WIDGET(paten_intake_page_new(app));
}

static GtkWidget *create_inbox_page(PatenApplication *app)
{
    return GTK_WIDGET(paten_inbox_page_new(app));
}

static GtkWidget *create_files_page(PatenApplication *app)
{
    return GTK_WIDGET(paten_files_page_new(app));
}

static GtkWidget *create_services_page(PatenApplication *app)
{
    return GTK_WIDGET(paten_services_page_new(app));
}

static GtkWidget *create_tariffs_page(PatenApplication *app)
{
    return GTK_WIDGET(paten_tariffs_page_new(app));
}

static GtkWidget *create_account_page(PatenApplication *app)
{
    return GTK_WIDGET(paten_account_page_new(app));
}

static GtkWidget *create_users_page(PatenApplication *app)
{
    return GTK_WIDGET(paten_users_page_new(app));
}

/* In switcher order. Later issues add their workspaces here. */
static const Workspace workspaces[] = {
    { "intake", N_("Counter"), counter_staff, create_intake_page, FALSE },
    { "inbox", N_("Dispositions"), disposition_receivers, create_inbox_page, FALSE },
    { "files", N_("Files"), file_readers, create_files_page, FALSE },
    { "assess", N_("Assessment"), assessors, create_assess_page, FALSE },
    { "treasurer", N_("Treasurer"), treasurers, create_treasurer_page, FALSE },
    { "cashier", N_("Cashier"), cashiers, create_cashier_page, FALSE },
    { "services", N_("Services"), admins, create_services_page, FALSE },
    { "tariffs", N_("Tariffs"), admins, create_tariffs_page, FALSE },
    { "users", N_("Users"), admins, create_users_page, FALSE },
    { "account", N_("Account"), everyone, create_account_page, TRUE },
};

static void update_header(PatenMainWindow *self)
{
    const Paten__User *u = paten_session_get_user(self->session);
    g_autofree char *tip = g_strdup_printf("%s (%s)", u->name, u->username);

    gtk_label_set_text(self->user_label, u->name);
    gtk_widget_set_tooltip_text(GTK_WIDGET(self->user_label), tip);
    gtk_label_set_text(self->office_label, paten_session_get_office_name(self->session));
    gtk_widget_set_tooltip_text(GTK_WIDGET(self->office_label),
                                paten_session_get_region_name(self->session));
}

static void update_workspaces(PatenMainWindow *self)
{
    gboolean locked = paten_session_must_change_password(self->session);

    for (guint i = 0; i < G_N_ELEMENTS(workspaces); i++) {
        const Workspace *ws = &workspaces[i];
        GtkWidget *page = gtk_stack_get_child_by_name(self->stack, ws->name);
        /* Until the password is changed, the server refuses everything else anyway. */
        gboolean want = ws->allowed(self->session) && (!locked || ws->while_locked);

        if (want && page == NULL) {
            page = ws->create(self->app);
            gtk_widget_show(page);
            gtk_stack_add_titled(self->stack, page, ws->name, _(ws->title));
            gtk_container_child_set(GTK_CONTAINER(self->stack), page, "position", (int)i, NULL);
        } else if (!want && page != NULL) {
            gtk_widget_destroy(page);
        }
    }
    gtk_widget_set_visible(self->register_button, !locked && file_readers(self->session));
}

static void on_register_clicked(PatenMainWindow *self)
{
    gtk_window_present(GTK_WINDOW(paten_register_dialog_new(self->app, GTK_WINDOW(self))));
}

static void on_session_changed(PatenSession *session, gpointer data)
{
    PatenMainWindow *self = data;

    (void)session;
    update_header(self);
    update_workspaces(self);
}

/* win.workspace-nth(n): shows the nth workspace the switcher shows (1 = the first), so that
 * Alt+1 is the counter for a clerk and the services for an ADMIN. Out of range: nothing. */
static void on_workspace_nth(GSimpleAction *action, GVariant *param, gpointer data)
{
    PatenMainWindow *self = data;
    int n = g_variant_get_int32(param);
    g_autoptr(GList) pages = gtk_container_get_children(GTK_CONTAINER(self->stack));
    GtkWidget *page = n >= 1 ? g_list_nth_data(pages, (guint)n - 1) : NULL;

    (void)action;
    if (page != NULL)
        gtk_stack_set_visible_child(self->stack, page);
}

/* win.logout: the main menu's "Keluar", from any workspace. */
static void on_logout(GSimpleAction *action, GVariant *param, gpointer data)
{
    PatenMainWindow *self = data;

    (void)action;
    (void)param;
    paten_application_logout(self->app);
}

/* win.menu (F10): opens the main menu, as in every GNOME application. */
static void on_menu(GSimpleAction *action, GVariant *param, gpointer data)
{
    PatenMainWindow *self = data;
    GtkToggleButton *b = GTK_TOGGLE_BUTTON(self->menu_button);

    (void)action;
    (void)param;
    gtk_toggle_button_set_active(b, !gtk_toggle_button_get_active(b));
}

/* The help overlay (F1, Ctrl+?) and the window's own accelerators. */
static void setup_shortcuts(PatenMainWindow *self, PatenApplication *app)
{
    static const char *const help[] = { "F1", "<Primary>question", NULL };
    static const GActionEntry actions[] = {
        { "workspace-nth", on_workspace_nth, "i", NULL, NULL, { 0 } },
        { "logout", on_logout, NULL, NULL, NULL, { 0 } },
        { "menu", on_menu, NULL, NULL, NULL, { 0 } },
    };
    g_autoptr(GtkBuilder) builder =
        gtk_builder_new_from_resource("/id/paten/desk/paten-shortcuts-window.ui");
    GtkShortcutsWindow *overlay =
        GTK_SHORTCUTS_WINDOW(gtk_builder_get_object(builder, "help_overlay"));

    atk_object_set_name(gtk_widget_get_accessible(GTK_WIDGET(overlay)), _("Keyboard shortcuts"));
    gtk_application_window_set_help_overlay(GTK_APPLICATION_WINDOW(self), overlay);
    g_action_map_add_action_entries(G_ACTION_MAP(self), actions, G_N_ELEMENTS(actions), self);
    static const char *const menu[] = { "F10", NULL };

    gtk_application_set_accels_for_action(GTK_APPLICATION(app), "win.show-help-overlay", help);
    gtk_application_set_accels_for_action(GTK_APPLICATION(app), "win.menu", menu);
    for (int i = 1; i <= 9; i++) {
        g_autofree char *detailed = g_strdup_printf("win.workspace-nth(%d)", i);
        g_autofree char *accel = g_strdup_printf("<Alt>%d", i);
        const char *accels[] = { accel, NULL };
        gtk_application_set_accels_for_action(GTK_APPLICATION(app), detailed, accels);
    }
}

char **paten_main_window_list_workspaces(PatenMainWindow *self)
{
    GPtrArray *names = g_ptr_array_new();

    for (guint i = 0; i < G_N_ELEMENTS(workspaces); i++)
        if (gtk_stack_get_child_by_name(self->stack, workspaces[i].name) != NULL)
            g_ptr_array_add(names, g_strdup(workspaces[i].name));
    g_ptr_array_add(names, NULL);
    return (char **)g_ptr_array_free(names, FALSE);
}

PatenMainWindow *paten_main_window_new(PatenApplication *app)
{
    PatenMainWindow *self = g_object_new(PATEN_TYPE_MAIN_WINDOW, "application", app, NULL);
    const Paten__User *u;
    g_autofree char *title = NULL;

    self->app = app;
    self->session = g_object_ref(paten_application_get_session(app));
    u = paten_session_get_user(self->session);
    title = g_strdup_printf(_("PATEN — %s"), u->name);
    gtk_window_set_title(GTK_WINDOW(self), title);
    paten_connection_indicator_set_bus(self->indicator, paten_application_get_bus(app));
    g_signal_connect_object(self->session, "changed", G_CALLBACK(on_session_changed), self, 0);
    setup_shortcuts(self, app);
    update_header(self);
    update_workspaces(self);
    /* PATEN_DESK_OPEN_FILE: the file window's support and test hook. */
    paten_file_window_open_from_env(app, GTK_WINDOW(self));
    return self;
}

static void paten_main_window_dispose(GObject *obj)
{
    PatenMainWindow *self = PATEN_MAIN_WINDOW(obj);

    if (self->session != NULL)
        g_signal_handlers_disconnect_by_data(self->session, self);
    g_clear_object(&self->session);
    G_OBJECT_CLASS(paten_main_window_parent_class)->dispose(obj);
}

static void paten_main_window_class_init(PatenMainWindowClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = paten_main_window_dispose;
    g_type_ensure(PATEN_TYPE_CONNECTION_INDICATOR);
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-main-window.ui");
    gtk_widget_class_bind_template_child(wc, PatenMainWindow, header_bar);
    gtk_widget_class_bind_template_child(wc, PatenMainWindow, switcher);
    gtk_widget_class_bind_template_child(wc, PatenMainWindow, user_label);
    gtk_widget_class_bind_template_child(wc, PatenMainWindow, office_label);
    gtk_widget_class_bind_template_child(wc, PatenMainWindow, indicator);
    gtk_widget_class_bind_template_child(wc, PatenMainWindow, stack);
    gtk_widget_class_bind_template_child(wc, PatenMainWindow, register_button);
    gtk_widget_class_bind_template_child(wc, PatenMainWindow, menu_button);
    gtk_widget_class_bind_template_callback(wc, on_register_clicked);
}

static void paten_main_window_init(PatenMainWindow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
}
