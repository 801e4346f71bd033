/*
 * paten_docsig.c: signed verification payloads of documents (see paten_docsig.h).
 */
#include "paten_docsig.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC       "PATEN1|"
#define SIG_B64_LEN 86 /* 64 bytes in base64url without padding */

void paten_docsig_key_id(const unsigned char pk[32], char out[9])
{
    unsigned char h[32];

    crypto_generichash(h, sizeof h, pk, 32, NULL, 0);
    sodium_bin2hex(out, 9, h, 4);
}

/* Appends s escaped; false when it does not fit. */
static bool put_escaped(char *out, size_t cap, size_t *len, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        bool esc = *p == '%' || *p == '|' || *p < 0x20 || *p == 0x7f;
        size_t need = esc ? 3 : 1;
        if (*len + need >= cap)
            return false;
        if (esc)
            *len += (size_t)snprintf(out + *len, 4, "%%%02X", *p);
        else
            out[(*len)++] = (char)*p;
    }
    out[*len] = '\0';
    return true;
}

static bool put_raw(char *out, size_t cap, size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (*len + n >= cap)
        return false;
    memcpy(out + *len, s, n + 1);
    *len += n;
    return true;
}

int paten_docsig_sign(const struct paten_docsig *d, const unsigned char pk[32],
                      const unsigned char sk[64], char *out, size_t cap)
{
    char key_id[9], num[64];
    unsigned char sig[crypto_sign_BYTES];
    size_t len = 0;

    if (d->amount < 0 || d->kind < 0)
        return PATEN_DOCSIG_MALFORMED;
    paten_docsig_key_id(pk, key_id);
    if (!put_raw(out, cap, &len, MAGIC) || !put_escaped(out, cap, &len, d->region) ||
        !put_raw(out, cap, &len, "|") || !put_raw(out, cap, &len, key_id))
        return PATEN_DOCSIG_TOO_LONG;
    snprintf(num, sizeof num, "|%d|", d->kind);
    if (!put_raw(out, cap, &len, num) || !put_escaped(out, cap, &len, d->number) ||
        !put_raw(out, cap, &len, "|") || !put_escaped(out, cap, &len, d->date))
        return PATEN_DOCSIG_TOO_LONG;
    snprintf(num, sizeof num, "|%lld|", (long long)d->amount);
    if (!put_raw(out, cap, &len, num) || !put_escaped(out, cap, &len, d->subject) ||
        !put_raw(out, cap, &len, "|"))
        return PATEN_DOCSIG_TOO_LONG;
    /* The signature covers everything before this last '|'. */
    crypto_sign_detached(sig, NULL, (const unsigned char *)out, len - 1, sk);
    if (len + SIG_B64_LEN + 1 > cap)
        return PATEN_DOCSIG_TOO_LONG;
    sodium_bin2base64(out + len, cap - len, sig, sizeof sig,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return (int)strlen(out);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Copies the escaped field [s, e) into out, unescaping; false when malformed or too long. */
static bool take_field(const char *s, const char *e, char *out, size_t cap)
{
    size_t n = 0;

    for (const char *p = s; p < e; p++) {
        int c = (unsigned char)*p;
        if (c == '%') {
            int hi, lo;
            if (e - p < 3 || (hi = hexval(p[1])) < 0 || (lo = hexval(p[2])) < 0)
                return false;
            c = hi * 16 + lo;
            p += 2;
            if (c == 0)
                return false;
        } else if (c < 0x20 || c == 0x7f) {
            return false;
        }
        if (n + 1 >= cap)
            return false;
        out[n++] = (char)c;
    }
    out[n] = '\0';
    return true;
}

static bool take_int(const char *s, const char *e, long long max, long long *out)
{
    long long v = 0;

    if (s == e || e - s > 18)
        return false;
    for (const char *p = s; p < e; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (*p - '0');
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

/* Splits payload into its 9 fields; false unless there are exactly 9. */
static bool split(const char *payload, const char *start[9], const char *end[9])
{
    const char *p = payload;
    int n = 0;

    if (strlen(payload) >= PATEN_DOCSIG_MAX || strncmp(payload, MAGIC, strlen(MAGIC)) != 0)
        return false;
    for (;;) {
        const char *bar = strchr(p, '|');
        if (n == 9)
            return false;
        start[n] = p;
        end[n] = bar ? bar : p + strlen(p);
        n++;
        if (bar == NULL)
            break;
        p = bar + 1;
    }
    return n == 9;
}

int paten_docsig_parse(const char *payload, struct paten_docsig *out)
{
    const char *s[9], *e[9];
    long long kind, amount;

    memset(out, 0, sizeof *out);
    if (!split(payload, s, e) || !take_field(s[1], e[1], out->region, sizeof out->region) ||
        e[2] - s[2] != 8 || !take_field(s[2], e[2], out->key_id, sizeof out->key_id) ||
        !take_int(s[3], e[3], 1000, &kind) ||
        !take_field(s[4], e[4], out->number, sizeof out->number) || e[5] - s[5] != 10 ||
        !take_field(s[5], e[5], out->date, sizeof out->date) ||
        !take_int(s[6], e[6], INT64_MAX / 2, &amount) ||
        !take_field(s[7], e[7], out->subject, sizeof out->subject) || e[8] - s[8] != SIG_B64_LEN ||
        out->region[0] == '\0' || out->number[0] == '\0')
        return PATEN_DOCSIG_MALFORMED;
    for (const char *k = out->key_id; *k; k++)
        if (hexval(*k) < 0 || (*k >= 'A' && *k <= 'F'))
            return PATEN_DOCSIG_MALFORMED;
    out->kind = (int)kind;
    out->amount = amount;
    return PATEN_DOCSIG_OK;
}

int paten_docsig_verify(const char *payload, const unsigned char pk[32], struct paten_docsig *out)
{
    const char *s[9], *e[9];
    unsigned char sig[crypto_sign_BYTES];
    char key_id[9];
    size_t siglen;

    if (paten_docsig_parse(payload, out) != 0 || !split(payload, s, e))
        return PATEN_DOCSIG_MALFORMED;
    if (sodium_base642bin(sig, sizeof sig, s[8], (size_t)(e[8] - s[8]), NULL, &siglen, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        siglen != sizeof sig)
        return PATEN_DOCSIG_MALFORMED;
    paten_docsig_key_id(pk, key_id);
    if (strcmp(key_id, out->key_id) != 0)
        return PATEN_DOCSIG_BAD_SIGNATURE;
    if (crypto_sign_verify_detached(sig, (const unsigned char *)payload,
                                    (unsigned long long)(s[8] - 1 - payload), pk) != 0)
        return PATEN_DOCSIG_BAD_SIGNATURE;
    return PATEN_DOCSIG_OK;
}
