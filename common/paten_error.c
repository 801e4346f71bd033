/*
 * paten_error.c: names, default messages and retry advice for the shared error codes.
 */
#include "paten_error.h"

#include <stddef.h>

struct err_info {
    const char *name;
    const char *message;
    bool retryable;
};

/* Indexed by code; a designated initialiser per entry so a missing one shows as NULL in tests. */
static const struct err_info err_table[PATEN_ERR_COUNT] = {
    [PATEN_OK] = { "OK", "Berhasil", false },
    [PATEN_ERR_BAD_FRAME] = { "BAD_FRAME", "Bingkai pesan rusak atau tidak dikenal", false },
    [PATEN_ERR_UNSUPPORTED_VERSION] = { "UNSUPPORTED_VERSION",
                                        "Versi protokol aplikasi tidak didukung server ini; "
                                        "perbarui aplikasi",
                                        false },
    [PATEN_ERR_FRAME_TOO_LARGE] = { "FRAME_TOO_LARGE", "Pesan terlalu besar", false },
    [PATEN_ERR_TRUNCATED_FRAME] = { "TRUNCATED_FRAME", "Pesan terputus sebelum lengkap", true },
    [PATEN_ERR_UNKNOWN_MESSAGE_TYPE] = { "UNKNOWN_MESSAGE_TYPE", "Jenis permintaan tidak dikenal",
                                         false },
    [PATEN_ERR_BAD_MESSAGE] = { "BAD_MESSAGE", "Isi permintaan tidak dapat dibaca", false },
    [PATEN_ERR_HELLO_REQUIRED] = { "HELLO_REQUIRED", "Sambungan harus dibuka dengan Hello", false },
    [PATEN_ERR_INVALID_ARGUMENT] = { "INVALID_ARGUMENT", "Data permintaan tidak valid", false },
    [PATEN_ERR_UNAUTHENTICATED] = { "UNAUTHENTICATED", "Silakan masuk (login) terlebih dahulu",
                                    false },
    [PATEN_ERR_PERMISSION_DENIED] = { "PERMISSION_DENIED",
                                      "Anda tidak berwenang melakukan tindakan ini", false },
    [PATEN_ERR_NOT_FOUND] = { "NOT_FOUND", "Data tidak ditemukan", false },
    [PATEN_ERR_CONFLICT] = { "CONFLICT",
                             "Data telah diubah oleh pengguna lain; muat ulang lalu coba lagi",
                             false },
    [PATEN_ERR_ALREADY_EXISTS] = { "ALREADY_EXISTS", "Data sudah ada", false },
    [PATEN_ERR_FAILED_PRECONDITION] = { "FAILED_PRECONDITION",
                                        "Tindakan tidak dapat dilakukan pada status saat ini",
                                        false },
    [PATEN_ERR_ALREADY_PAID] = { "ALREADY_PAID", "Tagihan sudah dibayar", false },
    [PATEN_ERR_IDEMPOTENCY_MISMATCH] = { "IDEMPOTENCY_MISMATCH",
                                         "Kunci idempotensi sudah dipakai untuk permintaan lain",
                                         false },
    [PATEN_ERR_ACCOUNT_LOCKED] = { "ACCOUNT_LOCKED", "Akun terkunci sementara", true },
    [PATEN_ERR_PASSWORD_CHANGE_REQUIRED] = { "PASSWORD_CHANGE_REQUIRED",
                                             "Kata sandi harus diganti terlebih dahulu", false },
    [PATEN_ERR_RATE_LIMITED] = { "RATE_LIMITED", "Terlalu banyak percobaan; tunggu sebentar",
                                 true },
    [PATEN_ERR_UNAVAILABLE] = { "UNAVAILABLE",
                                "Basis data sedang tidak dapat dihubungi; coba lagi sebentar lagi",
                                true },
    [PATEN_ERR_TIMEOUT] = { "TIMEOUT", "Waktu tunggu habis; coba lagi", true },
    [PATEN_ERR_SHUTTING_DOWN] = { "SHUTTING_DOWN",
                                  "Server sedang berhenti; sambungkan ulang sebentar lagi", true },
    [PATEN_ERR_RESOURCE_EXHAUSTED] = { "RESOURCE_EXHAUSTED",
                                       "Kapasitas server habis (disk atau memori)", true },
    [PATEN_ERR_INTERNAL] = { "INTERNAL", "Terjadi kesalahan internal pada server", false },
};

static const struct err_info *err_lookup(int code)
{
    if (code < 0 || code >= PATEN_ERR_COUNT || err_table[code].name == NULL)
        return NULL;
    return &err_table[code];
}

const char *paten_err_name(int code)
{
    const struct err_info *e = err_lookup(code);
    return e ? e->name : NULL;
}

const char *paten_err_message(int code)
{
    const struct err_info *e = err_lookup(code);
    return e ? e->message : "Kesalahan tidak dikenal";
}

bool paten_err_retryable(int code)
{
    const struct err_info *e = err_lookup(code);
    return e ? e->retryable : false;
}

bool paten_err_is_framing(int code)
{
    return code == PATEN_ERR_BAD_FRAME || code == PATEN_ERR_UNSUPPORTED_VERSION ||
           code == PATEN_ERR_FRAME_TOO_LARGE || code == PATEN_ERR_TRUNCATED_FRAME;
}
