/*
 * ctl_sub.c: what patenctl's command groups (user, audit, calendar, service, ...) share: finding
 * a subcommand, parsing its options, the small lookups every group needs, and the formatting of
 * tables, detail views and amounts.
 */
#include "ctl.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

const struct paten_msg_info *ctl_rpc(int type)
{
    return paten_msg_by_type((uint16_t)type);
}

char *ctl_new_key(void)
{
    return g_uuid_string_random();
}

int ctl_parse_options(const char *usage, const GOptionEntry *entries, int *nargs, char ***args)
{
    g_autoptr(GOptionContext) ctx = g_option_context_new(usage);
    g_autoptr(GError) err = NULL;
    g_auto(GStrv) argv = g_new0(char *, (gsize)*nargs + 2);

    argv[0] = g_strdup("patenctl");
    for (int i = 0; i < *nargs; i++)
        argv[i + 1] = g_strdup((*args)[i]);
    if (entries != NULL)
        g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse_strv(ctx, &argv, &err)) {
        ctl_say_error("%s (try patenctl %s --help)", err->message, usage);
        return EXIT_USAGE;
    }
    /* argv[1] is the subcommand; positional arguments follow. */
    *nargs = (int)g_strv_length(argv) - 2;
    *args = g_strdupv(argv + 2);
    return EXIT_OK;
}

int ctl_run_sub(Ctl *ctl, const char *group, const char *who, const struct ctl_sub *subs,
                size_t nsubs, char **args, int nargs)
{
    const struct ctl_sub *s = NULL;
    g_auto(GStrv) rest = NULL;
    char **rp = args;
    int n = nargs;
    int status;

    if (nargs >= 1)
        for (size_t i = 0; i < nsubs; i++)
            if (strcmp(args[0], subs[i].name) == 0)
                s = &subs[i];
    if (s == NULL) {
        GString *names = g_string_new(NULL);
        for (size_t i = 0; i < nsubs; i++)
            g_string_append_printf(names, "%s%s", i ? "|" : "", subs[i].name);
        ctl_say_error("usage: patenctl %s %s ...", group, names->str);
        g_string_free(names, TRUE);
        for (size_t i = 0; i < nsubs; i++)
            fprintf(stderr, "  patenctl --user %s %s\n", who, subs[i].usage);
        return EXIT_USAGE;
    }
    if (ctl->user == NULL) {
        ctl_say_error("%s commands need --user (%s) or $PATEN_USER", group, who);
        return EXIT_USAGE;
    }
    status = ctl_parse_options(s->usage, s->entries, &n, &rp);
    if (status != EXIT_OK)
        return status;
    rest = rp;
    return s->run(ctl, rest, n);
}

int64_t ctl_office_id(Ctl *ctl, const char *code, int *status)
{
    Paten__ListOfficesRequest req = PATEN__LIST_OFFICES_REQUEST__INIT;
    Paten__ListOfficesReply *reply;
    int64_t id = 0;

    reply = (Paten__ListOfficesReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_OFFICES), &req.base, status);
    if (reply == NULL)
        return 0;
    for (size_t i = 0; i < reply->n_offices; i++)
        if (strcmp(reply->offices[i]->code, code) == 0)
            id = reply->offices[i]->id;
    if (id == 0) {
        GString *known = g_string_new(NULL);
        for (size_t i = 0; i < reply->n_offices; i++)
            g_string_append_printf(known, "%s%s", i ? ", " : "", reply->offices[i]->code);
        ctl_say_error("no office '%s' in your region (offices: %s)", code, known->str);
        g_string_free(known, TRUE);
        *status = EXIT_USAGE;
    }
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return id;
}

/* ---- what the tables and detail views share ---------------------------------------------- */

char *ctl_rupiah(int64_t amount)
{
    /* The magnitude as unsigned, without negating INT64_MIN. */
    uint64_t v = amount < 0 ? (uint64_t)0 - (uint64_t)amount : (uint64_t)amount;
    char digits[24];
    GString *s = g_string_new(amount < 0 ? "-Rp " : "Rp ");
    int n = snprintf(digits, sizeof digits, "%" PRIu64, v);

    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            g_string_append_c(s, '.');
        g_string_append_c(s, digits[i]);
    }
    return g_string_free(s, FALSE);
}

const char *ctl_enum_text(const ProtobufCEnumDescriptor *desc, int value, const char *prefix)
{
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(desc, value);

    if (v == NULL)
        return "?";
    return g_str_has_prefix(v->name, prefix) ? v->name + strlen(prefix) : v->name;
}

char *ctl_local_time(int64_t ms)
{
    g_autoptr(GDateTime) t = NULL;

    if (ms == 0)
        return g_strdup("");
    t = g_date_time_new_from_unix_local(ms / 1000);
    return t ? g_date_time_format(t, "%Y-%m-%d %H:%M") : g_strdup("?");
}

void ctl_cell(GString *line, const char *text, int width)
{
    long len = g_utf8_strlen(text, -1);

    g_string_append(line, text);
    for (long i = len; i < width; i++)
        g_string_append_c(line, ' ');
    g_string_append(line, "  ");
}

void ctl_cell_right(GString *line, const char *text, int width)
{
    for (long i = g_utf8_strlen(text, -1); i < width; i++)
        g_string_append_c(line, ' ');
    g_string_append(line, text);
    g_string_append(line, "  ");
}

gboolean ctl_put_row(GString *line)
{
    gboolean ok = ctl_put_line(g_strchomp(line->str));

    g_string_free(line, TRUE);
    return ok;
}

gboolean ctl_put_field(const char *label, const char *value)
{
    g_autofree char *line = g_strdup_printf("  %-14s %s", label, value);

    return ctl_put_line(g_strchomp(line));
}

gboolean ctl_parse_id(const char *s, int64_t *id)
{
    guint64 v;

    if (s == NULL || *s == '\0' || !g_ascii_isdigit(*s))
        return FALSE;
    if (!g_ascii_string_to_unsigned(s, 10, 1, G_MAXINT64, &v, NULL))
        return FALSE;
    *id = (int64_t)v;
    return TRUE;
}
