/*
 * pd_payments.h: the money after the assessment: the cashier's payments and receipts
 * (pd_payments.c), deposits (STS), the treasurer's confirmations, the deposit deadline's alerts
 * and the invariant check (pd_deposits.c). ../shared/domain.md, "Money rules" and "Deposits".
 */
#ifndef PD_PAYMENTS_H
#define PD_PAYMENTS_H

#include "pd_dispatch.h"
#include "pd_files.h"

#include <stdint.h>

struct pd_server;

/* A Payment from a row_to_json of payment_view (kept by m); deposit_overdue is judged at
 * now_ms. NULL for "". */
Paten__Payment *pd_payment_parse(struct pd_msg_buf *m, const char *text, int64_t now_ms);

/* A Deposit from a row_to_json of deposit_view (without its payments), a Confirmation from
 * one of confirmation_view; kept by m, NULL for "". */
Paten__Deposit *pd_deposit_parse(struct pd_msg_buf *m, const char *text);
Paten__Confirmation *pd_confirmation_parse(struct pd_msg_buf *m, const char *text);

/* The ConfirmationStatus of confirmation_view's status ("CONFIRMED", ...; UNCONFIRMED else). */
int pd_confirmation_status_from_db(const char *s);

/* Starts the deposit deadline's watch: every cfg->deposit_watch_ms it raises, once across all
 * patend processes (a unique key), the alert of each cash payment past its deadline and not yet
 * deposited, with its event. Returns 0 or a negative uv error (logged). */
int pd_deposits_watch_start(struct pd_server *srv);
/* Stops it (the timer is closed with the server's other handles). */
void pd_deposits_watch_stop(struct pd_server *srv);

void pd_handle_list_undeposited(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_create_deposit(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_validate_deposit(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_list_deposits(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_confirm(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_resolve_discrepancy(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_list_deposit_alerts(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_check_invariants(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_import_bank_statement(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_reconcile(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_close_cash_day(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_list_cash_closes(struct pd_request *req, const ProtobufCMessage *msg);

#endif
