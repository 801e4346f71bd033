/*
 * ctl_verify.c: checking a document's QR code text:
 *
 *   patenctl keys [REGION] > keys.json       the regions' public keys (no login needed)
 *   patenctl verify TEXT|- --keys keys.json  offline: the signature against the saved keys
 *   patenctl verify TEXT|-                   online: VerifyDocument (signature and register)
 *
 * Offline checking is what a bank teller or a village office does with no network: it proves
 * the region signed exactly this text; only the server can also say the number is still on
 * record and not voided. Exit 0 when valid, 1 when not, 2 for unusable input.
 */
#include "ctl.h"

#include "paten_docsig.h"
#include "pbjson.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static char *o_keys;

const GOptionEntry ctl_verify_entries[] = {
    { "keys", 'k', 0, G_OPTION_ARG_FILENAME, &o_keys,
      "check offline against this file of 'patenctl keys'", "FILE" },
    { NULL },
};

static const char *kind_name(int kind)
{
    const ProtobufCEnumValue *v =
        protobuf_c_enum_descriptor_get_value(&paten__document_kind__descriptor, kind);
    return v && kind ? v->name + strlen("DOCUMENT_KIND_") : "?";
}

/* The text to check: the argument, or standard input (a QR scanner types a line). */
static char *payload_arg(const char *arg)
{
    GString *in;
    char buf[1024];
    size_t n;

    if (strcmp(arg, "-") != 0)
        return g_strdup(arg);
    in = g_string_new(NULL);
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0 && in->len < 4096)
        g_string_append_len(in, buf, (gssize)n);
    return g_strstrip(g_string_free(in, FALSE));
}

static int say_valid(const struct paten_docsig *d, const char *how)
{
    g_autofree char *line = g_strdup_printf(
        "valid (%s): %s %s of %s for %s, amount %lld (region %s, key %s)", how, kind_name(d->kind),
        d->number, d->date, d->subject, (long long)d->amount, d->region, d->key_id);
    ctl_put_line(line);
    return EXIT_OK;
}

static int verify_offline(const char *payload)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *text = NULL;
    Paten__GetSigningKeysReply *keys;
    struct paten_docsig d;
    int rc = PATEN_DOCSIG_BAD_SIGNATURE;
    bool known = false;

    if (!g_file_get_contents(o_keys, &text, NULL, &err)) {
        ctl_say_error("%s", err->message);
        return EXIT_USAGE;
    }
    keys = (Paten__GetSigningKeysReply *)pbjson_parse(&paten__get_signing_keys_reply__descriptor,
                                                      text, &err);
    if (keys == NULL) {
        ctl_say_error("%s: not a key file of 'patenctl keys': %s", o_keys, err->message);
        return EXIT_USAGE;
    }
    if (paten_docsig_parse(payload, &d) != PATEN_DOCSIG_OK) {
        protobuf_c_message_free_unpacked(&keys->base, NULL);
        ctl_say_error("not a PATEN document code");
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < keys->n_keys && !known; i++) {
        const Paten__SigningKey *k = keys->keys[i];
        if (strcmp(k->region_code, d.region) != 0 || strcmp(k->key_id, d.key_id) != 0 ||
            k->public_key.len != 32)
            continue;
        known = true;
        rc = paten_docsig_verify(payload, k->public_key.data, &d);
    }
    protobuf_c_message_free_unpacked(&keys->base, NULL);
    if (!known) {
        ctl_put_line("NOT valid: no key of the file matches the document's region and key id");
        return EXIT_ERROR_REPLY;
    }
    if (rc != PATEN_DOCSIG_OK) {
        ctl_put_line("NOT valid: the signature does not match: the text was changed or forged");
        return EXIT_ERROR_REPLY;
    }
    return say_valid(&d, "offline");
}

static int verify_online(Ctl *ctl, const char *payload)
{
    Paten__VerifyDocumentRequest req = PATEN__VERIFY_DOCUMENT_REQUEST__INIT;
    Paten__VerifyDocumentReply *reply;
    struct paten_docsig d;
    int status;

    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    req.payload = (char *)payload;
    reply = (Paten__VerifyDocumentReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_VERIFY_DOCUMENT), &req.base, &status);
    if (reply == NULL)
        return status;
    if (reply->valid && paten_docsig_parse(payload, &d) == PATEN_DOCSIG_OK) {
        /* The server vouched for this text: show what it says. */
        status = say_valid(&d, "on record");
    } else {
        g_autofree char *line = g_strdup_printf("NOT valid: %s", reply->problem);
        ctl_put_line(line);
        status = EXIT_ERROR_REPLY;
    }
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

int ctl_cmd_verify(Ctl *ctl, char **args, int nargs)
{
    g_autofree char *payload = NULL;

    if (sodium_init() < 0) {
        ctl_say_error("libsodium cannot start");
        return EXIT_USAGE;
    }
    if (nargs != 1) {
        ctl_say_error("usage: patenctl verify TEXT|- [--keys FILE] (TEXT: the QR code's text)");
        return EXIT_USAGE;
    }
    payload = payload_arg(args[0]);
    return o_keys ? verify_offline(payload) : verify_online(ctl, payload);
}

int ctl_cmd_keys(Ctl *ctl, char **args, int nargs)
{
    Paten__GetSigningKeysRequest req = PATEN__GET_SIGNING_KEYS_REQUEST__INIT;
    Paten__GetSigningKeysReply *reply;
    int status;

    if (nargs > 1) {
        ctl_say_error("usage: patenctl keys [REGION] > keys.json");
        return EXIT_USAGE;
    }
    req.region_code = nargs == 1 ? args[0] : "";
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    reply = (Paten__GetSigningKeysReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_GET_SIGNING_KEYS), &req.base, &status);
    if (reply == NULL)
        return status;
    status = ctl_print_reply(&reply->base, FALSE, TRUE);
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}
