/*
 * paten_error.h: the error codes shared by patend and every client.
 *
 * The numbers are part of the wire protocol (proto/paten.proto, enum ErrorCode; a unit test keeps
 * the two identical). C functions in common/ and proto/ return 0 on success and the negated code
 * (-PATEN_ERR_...) on failure, in the manner of libuv.
 */
#ifndef PATEN_ERROR_H
#define PATEN_ERROR_H

#include <stdbool.h>

enum paten_err {
    PATEN_OK = 0,
    PATEN_ERR_BAD_FRAME = 1,
    PATEN_ERR_UNSUPPORTED_VERSION = 2,
    PATEN_ERR_FRAME_TOO_LARGE = 3,
    PATEN_ERR_TRUNCATED_FRAME = 4,
    PATEN_ERR_UNKNOWN_MESSAGE_TYPE = 5,
    PATEN_ERR_BAD_MESSAGE = 6,
    PATEN_ERR_HELLO_REQUIRED = 7,
    PATEN_ERR_INVALID_ARGUMENT = 8,
    PATEN_ERR_UNAUTHENTICATED = 9,
    PATEN_ERR_PERMISSION_DENIED = 10,
    PATEN_ERR_NOT_FOUND = 11,
    PATEN_ERR_CONFLICT = 12,
    PATEN_ERR_ALREADY_EXISTS = 13,
    PATEN_ERR_FAILED_PRECONDITION = 14,
    PATEN_ERR_ALREADY_PAID = 15,
    PATEN_ERR_IDEMPOTENCY_MISMATCH = 16,
    PATEN_ERR_ACCOUNT_LOCKED = 17,
    PATEN_ERR_PASSWORD_CHANGE_REQUIRED = 18,
    PATEN_ERR_RATE_LIMITED = 19,
    PATEN_ERR_UNAVAILABLE = 20,
    PATEN_ERR_TIMEOUT = 21,
    PATEN_ERR_SHUTTING_DOWN = 22,
    PATEN_ERR_RESOURCE_EXHAUSTED = 23,
    PATEN_ERR_INTERNAL = 24,
};

#define PATEN_ERR_COUNT 25

/* The code's stable name without prefix ("BAD_FRAME"), or NULL for a number that is not a code. */
const char *paten_err_name(int code);

/* The default message for people, in Indonesian. Never NULL: unknown codes get a generic text. */
const char *paten_err_message(int code);

/* Whether sending the same request again later can succeed, for the code's usual cause. */
bool paten_err_retryable(int code);

/* Whether the code is a framing error, after which the connection cannot be resynchronised. */
bool paten_err_is_framing(int code);

#endif
