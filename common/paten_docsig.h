/*
 * paten_docsig.h: the verification text printed as a QR code on every issued document, and its
 * Ed25519 signature by the region's key (libsodium).
 *
 *   PATEN1|<region>|<key id>|<kind>|<number>|<date>|<amount>|<subject>|<signature>
 *
 * kind is the DocumentKind's number, date "YYYY-MM-DD" (local), amount whole rupiah; text fields
 * have '%', '|' and control bytes written as %XX. The signature is base64url (no padding) of the
 * detached Ed25519 signature over every byte before the last '|'. Anyone holding the region's
 * public key can check a document with no server (docs/protocol.md, "Verifying documents").
 * The program calls sodium_init() before any of these.
 */
#ifndef PATEN_DOCSIG_H
#define PATEN_DOCSIG_H

#include <stddef.h>
#include <stdint.h>

#define PATEN_DOCSIG_MAX 640 /* the longest payload, with its NUL */

struct paten_docsig {
    char region[41];
    char key_id[9]; /* 8 lower-case hex digits */
    int kind;       /* a paten.DocumentKind */
    char number[81];
    char date[11];     /* "YYYY-MM-DD" */
    int64_t amount;    /* rupiah, >= 0 */
    char subject[201]; /* the applicant's name */
};

enum paten_docsig_error {
    PATEN_DOCSIG_OK = 0,
    PATEN_DOCSIG_MALFORMED = -1,     /* not a PATEN1 payload, or a field out of shape */
    PATEN_DOCSIG_BAD_SIGNATURE = -2, /* well formed, but not signed by this key */
    PATEN_DOCSIG_TOO_LONG = -3,      /* a field does not fit */
};

/* The key id of a public key: the first 4 bytes of its BLAKE2b-256 hash, in hex. */
void paten_docsig_key_id(const unsigned char pk[32], char out[9]);

/* Writes the signed payload of d (d->key_id is ignored and derived from pk) into out. Returns
 * its length, or a negative paten_docsig_error. */
int paten_docsig_sign(const struct paten_docsig *d, const unsigned char pk[32],
                      const unsigned char sk[64], char *out, size_t cap);

/* Reads a payload's fields (signature not checked). Returns 0 or PATEN_DOCSIG_MALFORMED. */
int paten_docsig_parse(const char *payload, struct paten_docsig *out);

/* Parses and checks the signature against pk (whose key id must be the payload's). Returns 0,
 * PATEN_DOCSIG_MALFORMED or PATEN_DOCSIG_BAD_SIGNATURE; *out is filled when well formed. */
int paten_docsig_verify(const char *payload, const unsigned char pk[32], struct paten_docsig *out);

#endif
