/*
 * loadgen.c: paten-loadgen, the load generator of the benchmark (issue 8, docs/performance.md).
 *
 * C concurrent desks, each a set of TCP connections to patend logged in as the demo users a
 * file's lifecycle passes through (Hello, then Login: the Argon2id cost is paid before the
 * measurement starts). A desk drives whole lifecycles one request at a time, like a person at a
 * counter (no pipelining), with a fresh UUID v4 idempotency key on every change, in the order the
 * server tests use:
 *
 *   free   (Dispensasi Nikah at Kecamatan Taman, tests/server/test_files.py LifeTest):
 *          TakeIn, Recommend, Decide, Sign, HandOver
 *   imb    (IMB at a Temanggung kecamatan, tests/server/test_deposits.py LifecycleTest and the
 *          test_assess.py helpers approved/issue): TakeIn, [SetSurvey], SubmitSurvey, Recommend,
 *          Decide, PreviewAssessment, IssueAssessment (SKRD), RecordPayment (cash),
 *          CreateDeposit (STS), ValidateDeposit, Confirm (treasurer), GetFile, Sign, HandOver
 *
 * No step needs the business clock moved: dates sent (survey, bank date) are today's WIB date
 * and the bank's validation time is now, all accepted by a patend on the real clock.
 *
 * It prints a table of per-step latency percentiles (p50, p99, p99.9) and throughput
 * (lifecycles, transitions and requests per second) and, with --json FILE, the same as JSON.
 * Exit status: 0 when every lifecycle completed without an error reply, 1 otherwise, 2 on usage.
 */
#include "bench_stats.h"
#include "paten_frame.h"
#include "paten_limits.h"
#include "paten_msg.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

/* ---- what a desk talks to ------------------------------------------------------------------- */

enum conn_ix {
    C_FREE_LOKET,
    C_FREE_SEKRETARIAT,
    C_FREE_CAMAT,
    C_IMB_LOKET,
    C_IMB_SEKRETARIAT,
    C_IMB_CAMAT,
    C_IMB_TIM_TEKNIS,
    C_IMB_KASIR,
    C_IMB_SKRD,
    C_IMB_BENDAHARA,
    C_COUNT
};

enum step {
    S_FREE_TAKE_IN,
    S_FREE_RECOMMEND,
    S_FREE_DECIDE,
    S_FREE_SIGN,
    S_FREE_HAND_OVER,
    S_IMB_TAKE_IN,
    S_IMB_SET_SURVEY,
    S_IMB_SUBMIT_SURVEY,
    S_IMB_RECOMMEND,
    S_IMB_DECIDE,
    S_IMB_PREVIEW,
    S_IMB_ISSUE,
    S_IMB_PAY,
    S_IMB_DEPOSIT,
    S_IMB_VALIDATE,
    S_IMB_CONFIRM,
    S_IMB_GET_FILE,
    S_IMB_SIGN,
    S_IMB_HAND_OVER,
    S_COUNT
};

struct step_def {
    const char *label; /* in the table and the JSON */
    const char *rpc;
    enum conn_ix conn;
    bool commit; /* changes something (a transaction that commits), else a read */
};

static const struct step_def steps[S_COUNT] = {
    [S_FREE_TAKE_IN] = { "free.TakeIn", "TakeIn", C_FREE_LOKET, true },
    [S_FREE_RECOMMEND] = { "free.Recommend", "Recommend", C_FREE_SEKRETARIAT, true },
    [S_FREE_DECIDE] = { "free.Decide", "Decide", C_FREE_CAMAT, true },
    [S_FREE_SIGN] = { "free.Sign", "Sign", C_FREE_CAMAT, true },
    [S_FREE_HAND_OVER] = { "free.HandOver", "HandOver", C_FREE_LOKET, true },
    [S_IMB_TAKE_IN] = { "imb.TakeIn", "TakeIn", C_IMB_LOKET, true },
    [S_IMB_SET_SURVEY] = { "imb.SetSurvey", "SetSurvey", C_IMB_CAMAT, true },
    [S_IMB_SUBMIT_SURVEY] = { "imb.SubmitSurvey", "SubmitSurvey", C_IMB_TIM_TEKNIS, true },
    [S_IMB_RECOMMEND] = { "imb.Recommend", "Recommend", C_IMB_SEKRETARIAT, true },
    [S_IMB_DECIDE] = { "imb.Decide", "Decide", C_IMB_CAMAT, true },
    [S_IMB_PREVIEW] = { "imb.PreviewAssessment", "PreviewAssessment", C_IMB_SKRD, false },
    [S_IMB_ISSUE] = { "imb.IssueAssessment", "IssueAssessment", C_IMB_SKRD, true },
    [S_IMB_PAY] = { "imb.RecordPayment", "RecordPayment", C_IMB_KASIR, true },
    [S_IMB_DEPOSIT] = { "imb.CreateDeposit", "CreateDeposit", C_IMB_KASIR, true },
    [S_IMB_VALIDATE] = { "imb.ValidateDeposit", "ValidateDeposit", C_IMB_KASIR, true },
    [S_IMB_CONFIRM] = { "imb.Confirm", "Confirm", C_IMB_BENDAHARA, true },
    [S_IMB_GET_FILE] = { "imb.GetFile", "GetFile", C_IMB_LOKET, false },
    [S_IMB_SIGN] = { "imb.Sign", "Sign", C_IMB_CAMAT, true },
    [S_IMB_HAND_OVER] = { "imb.HandOver", "HandOver", C_IMB_LOKET, true },
};

enum mix { MIX_FREE = 1, MIX_IMB = 2, MIX_BOTH = 3 };

/* ---- state --------------------------------------------------------------------------------------
 */

struct desk;

struct conn {
    uv_tcp_t tcp;
    uv_connect_t connect;
    struct desk *desk;
    int ix;
    bool used;   /* the mix needs it */
    bool opened; /* uv_tcp_init succeeded: must be closed */
    struct paten_decoder dec;
    char user[96];
    char rbuf[16 * 1024]; /* a read; frames larger than this span reads */
};

enum phase { P_CONNECT, P_HELLO, P_LOGIN, P_SERVICES, P_WAIT_START, P_RUN, P_DONE };

struct desk {
    int idx;
    enum phase phase;
    int setup_conn;  /* P_CONNECT/HELLO/LOGIN: which connection */
    int services_of; /* P_SERVICES: C_FREE_LOKET or C_IMB_LOKET */
    int64_t free_service_id;
    int64_t imb_service_id;
    struct conn conns[C_COUNT];

    /* The request in flight (at most one). */
    uint32_t next_rid;
    uint32_t rid;
    int cur_conn;
    const struct paten_msg_info *cur_info;
    uint64_t sent_ns;
    enum step cur_step;

    /* The lifecycle under way. */
    uint64_t started;   /* lifecycles begun */
    uint64_t completed; /* lifecycles handed over */
    uint64_t failed;    /* lifecycles abandoned after an error reply */
    bool imb;
    char nik[17];
    int64_t file_id, file_version, survey_policy;
    int64_t assessment_id, assessment_file_version, principal;
    int64_t payment_id, payment_amount, treasurer_office_id;
    int64_t deposit_id, deposit_created_ms;
    char bank_reference[64];

    /* --trace: the step sent after the gap (-1: the next lifecycle), and the gap's timer. */
    uv_timer_t gap;
    bool gap_open;
    int gap_next;
};

static struct {
    const char *host;
    int port;
    int desks;
    long per_desk;     /* lifecycles per desk; 0: run for duration */
    double duration_s; /* with per_desk 0 */
    double timeout_s;  /* a request unanswered this long fails the run */
    enum mix mix;
    const char *json_path;
    const char *password;
    const char *imb_offices[8];
    int n_imb_offices;
    const char *trace_path; /* --trace: one line per request, requests spaced by gap_ms */
    double gap_ms;
} opt = { "127.0.0.1", 0, 1, 0, 10.0, 60.0, MIX_BOTH, NULL, NULL, { 0 }, 0, NULL, 50.0 };
static FILE *trace_out;

static uv_loop_t *loop;
static struct desk *desks;
static uv_timer_t watchdog;
static bool watchdog_open;
static int ready_desks, done_desks;
static uint64_t t_start_ns, t_end_ns, run_deadline_ns;
static bool aborted;
static unsigned nik_base; /* random per run, so a rerun on the same database makes new applicants */
static struct bench_series series[S_COUNT];
/* Counted only up to the deadline in --duration mode, so that the lifecycles still finishing after
 * it (with fewer desks busy) do not dilute the rate. */
static uint64_t win_lifecycles, win_transitions, win_requests;
static int errors_printed;
static const struct paten_msg_info *step_info[S_COUNT];

static void desk_next(struct desk *d);
static void shutdown_all(void);
static void trace_step(struct desk *d, enum step s, int next);

/* ---- small helpers ------------------------------------------------------------------------------
 */

static void fail_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail_run(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("paten-loadgen: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    aborted = true;
    shutdown_all();
}

static uint64_t now_ns(void)
{
    return uv_hrtime();
}

static int64_t wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Today's date in WIB (UTC+7), plus days, as YYYY-MM-DD: what patend's business day is. */
static void wib_date(char out[11], int plus_days)
{
    time_t t = (time_t)(wall_ms() / 1000) + 7 * 3600 + (time_t)plus_days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* A UUID v4 in its 36-character text form, as the desk and patenctl send idempotency keys. */
static void uuid4(char out[37])
{
    uint8_t b[16];
    randombytes_buf(b, sizeof b);
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

/* A well-formed NIK (Kabupaten Temanggung 33.27.01, a real birth date, a non-zero serial) unique
 * to lifecycle n of this run: each lifecycle has its own applicant, as at a real counter. */
static void make_nik(char out[17], uint64_t n)
{
    uint64_t serial = n % 9999 + 1, rest = n / 9999;
    unsigned dd = (unsigned)(rest % 28) + 1, mm = (unsigned)(rest / 28 % 12) + 1,
             yy = (unsigned)(rest / 336 % 100);
    snprintf(out, 17, "332701%02u%02u%02u%04u", dd, mm, yy, (unsigned)serial);
}

static const char *conn_user_role(int ix)
{
    switch (ix) {
    case C_FREE_LOKET:
    case C_IMB_LOKET:
        return "loket";
    case C_FREE_SEKRETARIAT:
    case C_IMB_SEKRETARIAT:
        return "sekretariat";
    case C_FREE_CAMAT:
    case C_IMB_CAMAT:
        return "camat";
    case C_IMB_TIM_TEKNIS:
        return "tim_teknis";
    case C_IMB_KASIR:
        return "kasir";
    case C_IMB_SKRD:
        return "petugas_skrd";
    default:
        return "bendahara";
    }
}

/* ---- sending ------------------------------------------------------------------------------------
 */

struct wreq {
    uv_write_t req;
    uint8_t *buf;
};

static void on_write(uv_write_t *req, int status)
{
    struct wreq *w = (struct wreq *)req;
    free(w->buf);
    free(w);
    if (status < 0 && status != UV_ECANCELED && !aborted)
        fail_run("write: %s", uv_strerror(status));
}

/*
 * Sends msg as request `info` on connection ix of d and records it as the one request in flight.
 * msg is only read (packed here). On failure the run is aborted.
 */
static void desk_send(struct desk *d, int ix, const struct paten_msg_info *info,
                      const ProtobufCMessage *msg)
{
    struct conn *c = &d->conns[ix];
    uint8_t *buf = NULL;
    size_t len = 0;
    d->rid = ++d->next_rid;
    d->cur_conn = ix;
    d->cur_info = info;
    int rc = paten_msg_pack_frame(info->type, 0, d->rid, msg, &buf, &len);
    if (rc < 0) {
        fail_run("desk %d: cannot pack %s (%d)", d->idx, info->name, rc);
        return;
    }
    struct wreq *w = malloc(sizeof *w);
    if (!w) {
        free(buf);
        fail_run("out of memory");
        return;
    }
    w->buf = buf;
    uv_buf_t b = uv_buf_init((char *)buf, (unsigned)len);
    d->sent_ns = now_ns();
    rc = uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, on_write);
    if (rc < 0) {
        free(buf);
        free(w);
        fail_run("desk %d: uv_write: %s", d->idx, uv_strerror(rc));
    }
}

static void send_by_name(struct desk *d, int ix, const char *rpc, const ProtobufCMessage *msg)
{
    const struct paten_msg_info *info = paten_msg_by_name(rpc);
    if (!info) {
        fail_run("no message type %s", rpc);
        return;
    }
    desk_send(d, ix, info, msg);
}

/* ---- the lifecycles -----------------------------------------------------------------------------
 */

static Paten__FieldValue fv_make(const char *name, const char *value)
{
    Paten__FieldValue f = PATEN__FIELD_VALUE__INIT;
    f.name = (char *)name;
    f.value = (char *)value;
    return f;
}

static void send_take_in(struct desk *d, bool imb)
{
    char key[37], wedding[11];
    uuid4(key);
    wib_date(wedding, 5);
    Paten__Applicant ap = PATEN__APPLICANT__INIT;
    ap.kind = PATEN__APPLICANT_KIND__APPLICANT_KIND_PERSON;
    ap.nik = d->nik;
    ap.name = "Siti Aminah";
    ap.address = "Desa Taman";
    ap.phone = "081234567890";
    Paten__FieldValue fvs[7];
    Paten__FieldValue *fp[7];
    static char *imb_reqs[] = { "formulir", "ktp", "surat-tanah", "denah-lokasi", "tampak", "pbb" };
    static char *free_reqs[] = { "surat-permohonan-desa", "ktp", "kk" };
    size_t n = 0;
    if (imb) {
        fvs[n++] = fv_make("luas_bangunan", "72");
        fvs[n++] = fv_make("jumlah_lantai", "1");
        fvs[n++] = fv_make("fungsi_bangunan", "HUNIAN");
        fvs[n++] = fv_make("kelas_bangunan", "SEMI_PERMANEN");
        fvs[n++] = fv_make("lokasi", "Desa Kaloran");
        fvs[n++] = fv_make("imb_perumahan", "false");
        fvs[n++] = fv_make("nama_sesuai_surat_tanah", "true");
    } else {
        fvs[n++] = fv_make("nama_calon_suami", "Budi");
        fvs[n++] = fv_make("nama_calon_istri", "Ani");
        fvs[n++] = fv_make("tanggal_nikah", wedding);
        fvs[n++] = fv_make("tempat_nikah", "KUA Taman");
        fvs[n++] = fv_make("kurang_dari_10_hari", "true");
        fvs[n++] = fv_make("duda_janda_tercatat_kawin", "false");
    }
    for (size_t i = 0; i < n; i++)
        fp[i] = &fvs[i];
    Paten__TakeInRequest m = PATEN__TAKE_IN_REQUEST__INIT;
    m.idempotency_key = key;
    m.service_id = imb ? d->imb_service_id : d->free_service_id;
    m.applicant = &ap;
    m.n_fields = n;
    m.fields = fp;
    m.n_requirements = imb ? 6 : 3;
    m.requirements = imb ? imb_reqs : free_reqs;
    enum step s = imb ? S_IMB_TAKE_IN : S_FREE_TAKE_IN;
    d->cur_step = s;
    desk_send(d, steps[s].conn, step_info[s], &m.base);
}

/* Sends step s of the lifecycle under way, built from what earlier replies told. */
static void send_step(struct desk *d, enum step s)
{
    char key[37], today[11];
    uuid4(key);
    wib_date(today, 0);
    d->cur_step = s;
    const struct paten_msg_info *info = step_info[s];
    int ix = steps[s].conn;
    switch (s) {
    case S_FREE_TAKE_IN:
    case S_IMB_TAKE_IN:
        send_take_in(d, s == S_IMB_TAKE_IN);
        return;
    case S_FREE_RECOMMEND:
    case S_IMB_RECOMMEND: {
        Paten__RecommendRequest m = PATEN__RECOMMEND_REQUEST__INIT;
        m.idempotency_key = key;
        m.file_id = d->file_id;
        m.version = d->file_version;
        m.can_process = 1;
        m.note = s == S_FREE_RECOMMEND ? "lengkap" : "";
        desk_send(d, ix, info, &m.base);
        return;
    }
    case S_FREE_DECIDE:
    case S_IMB_DECIDE: {
        Paten__DecideRequest m = PATEN__DECIDE_REQUEST__INIT;
        m.idempotency_key = key;
        m.file_id = d->file_id;
        m.version = d->file_version;
        m.approve = 1;
        desk_send(d, ix, info, &m.base);
        return;
    }
    case S_FREE_SIGN:
    case S_IMB_SIGN: {
        Paten__SignRequest m = PATEN__SIGN_REQUEST__INIT;
        m.idempotency_key = key;
        m.file_id = d->file_id;
        m.version = d->file_version;
        desk_send(d, ix, info, &m.base);
        return;
    }
    case S_FREE_HAND_OVER:
    case S_IMB_HAND_OVER: {
        Paten__HandOverRequest m = PATEN__HAND_OVER_REQUEST__INIT;
        m.idempotency_key = key;
        m.file_id = d->file_id;
        m.version = d->file_version;
        m.received_by_name = "Siti Aminah";
        m.received_by_nik = d->nik;
        desk_send(d, ix, info, &m.base);
        return;
    }
    case S_IMB_SET_SURVEY: {
        Paten__SetSurveyRequest m = PATEN__SET_SURVEY_REQUEST__INIT;
        m.idempotency_key = key;
        m.file_id = d->file_id;
        m.version = d->file_version;
        m.needed = 1;
        desk_send(d, ix, info, &m.base);
        return;
    }
    case S_IMB_SUBMIT_SURVEY: {
        static char *team[] = { "Agus" };
        Paten__SubmitSurveyRequest m = PATEN__SUBMIT_SURVEY_REQUEST__INIT;
        m.idempotency_key = key;
        m.file_id = d->file_id;
        m.version = d->file_version;
        m.date = today;
        m.n_team = 1;
        m.team = team;
        m.findings = "Sesuai";
        desk_send(d, ix, info, &m.base);
        return;
    }
    case S_IMB_PREVIEW: {
        Paten__PreviewAssessmentRequest m = PATEN__PREVIEW_ASSESSMENT_REQUEST__INIT;
        m.file_id = d->file_id;
        desk_send(d, ix, info, &m.base);
        return;
    }
    case S_IMB_ISSUE: {
        Paten__IssueAssessmentRequest m = PATEN__ISSUE_ASSESSMENT_REQUEST__INIT;
        m.idempotency_key = key;
        m.file_id = d->file_id;
        m.version = d->assessment_file_version;
        m.principal = d->principal;
        desk_send(d, ix, info, &m.base);
        return;
    }
    case S_IMB_PAY: {
        Paten__RecordPaymentRequest m = PATEN__RECORD_PAYMENT_REQUEST__INIT;
        m.idempotency_key = key;
        m.assessment_id = d->assessment_id;
        m.method = PATEN__PAYMENT_METHOD__PAYMENT_METHOD_CASH;
        m.amount = d->principal;
        desk_send(d, ix, info, &m.base);
        return;
    }
    case S_IMB_DEPOSIT: {
        Paten__CreateDepositRequest m = PATEN__CREATE_DEPOSIT_REQUEST__INIT;
        int64_t ids[1] = { d->payment_id };
        m.idempotency_key = key;
        m.treasurer_office_id = d->treasurer_office_id;
        m.n_payment_ids = 1;
        m.payment_ids = ids;
        desk_send(d, ix, info, &m.base);
        return;
    }
    case S_IMB_VALIDATE: {
        Paten__ValidateDepositRequest m = PATEN__VALIDATE_DEPOSIT_REQUEST__INIT;
        int64_t at = wall_ms();
        snprintf(d->bank_reference, sizeof d->bank_reference, "BANK-%" PRId64, d->deposit_id);
        m.idempotency_key = key;
        m.deposit_id = d->deposit_id;
        m.bank_reference = d->bank_reference;
        /* The bank's time: now, never before the slip was made. */
        m.validated_at_ms = at < d->deposit_created_ms ? d->deposit_created_ms : at;
        desk_send(d, ix, info, &m.base);
        return;
    }
    case S_IMB_CONFIRM: {
        Paten__ConfirmRequest m = PATEN__CONFIRM_REQUEST__INIT;
        m.idempotency_key = key;
        m.deposit_id = d->deposit_id;
        m.bank_date = today;
        m.bank_reference = d->bank_reference;
        m.amount = d->payment_amount;
        desk_send(d, ix, info, &m.base);
        return;
    }
    case S_IMB_GET_FILE: {
        Paten__GetFileRequest m = PATEN__GET_FILE_REQUEST__INIT;
        m.file_id = d->file_id;
        desk_send(d, ix, info, &m.base);
        return;
    }
    case S_COUNT:
        break;
    }
    fail_run("bad step %d", (int)s);
}

static bool file_ok(struct desk *d, const Paten__File *f)
{
    if (!f) {
        fail_run("desk %d: %s replied without a file", d->idx, steps[d->cur_step].label);
        return false;
    }
    d->file_id = f->id;
    d->file_version = f->version;
    d->survey_policy = f->survey_policy;
    return true;
}

/* The step after s, given what the reply (msg) said; S_COUNT when the lifecycle is complete, -1
 * when the reply was not what the step must produce (the run is then aborted). */
static int after_step(struct desk *d, enum step s, const ProtobufCMessage *msg)
{
    switch (s) {
    case S_FREE_TAKE_IN:
    case S_IMB_TAKE_IN: {
        const Paten__TakeInReply *r = (const Paten__TakeInReply *)msg;
        if (!r->complete) {
            fail_run("desk %d: TakeIn judged the submission incomplete", d->idx);
            return -1;
        }
        if (!file_ok(d, r->file))
            return -1;
        if (s == S_FREE_TAKE_IN)
            return S_FREE_RECOMMEND;
        return d->survey_policy == PATEN__SURVEY_POLICY__SURVEY_POLICY_CAMAT_CHOICE
                   ? S_IMB_SET_SURVEY
                   : S_IMB_SUBMIT_SURVEY;
    }
    case S_FREE_RECOMMEND:
    case S_FREE_DECIDE:
    case S_FREE_SIGN:
    case S_IMB_SET_SURVEY:
    case S_IMB_SUBMIT_SURVEY:
    case S_IMB_RECOMMEND:
    case S_IMB_DECIDE:
    case S_IMB_GET_FILE:
    case S_IMB_SIGN:
        if (!file_ok(d, ((const Paten__FileReply *)msg)->file))
            return -1;
        return s + 1;
    case S_FREE_HAND_OVER:
    case S_IMB_HAND_OVER:
        if (!file_ok(d, ((const Paten__FileReply *)msg)->file))
            return -1;
        if (d->file_version <= 0 || ((const Paten__FileReply *)msg)->file->state !=
                                        PATEN__FILE_STATE__FILE_STATE_HANDED_OVER) {
            fail_run("desk %d: HandOver did not hand the file over", d->idx);
            return -1;
        }
        return S_COUNT;
    case S_IMB_PREVIEW: {
        const Paten__PreviewAssessmentReply *r = (const Paten__PreviewAssessmentReply *)msg;
        if (!r->assessment || r->assessment->principal <= 0) {
            fail_run("desk %d: PreviewAssessment gave no amount", d->idx);
            return -1;
        }
        d->principal = r->assessment->principal;
        d->assessment_file_version = r->assessment->file_version;
        return S_IMB_ISSUE;
    }
    case S_IMB_ISSUE: {
        const Paten__AssessmentReply *r = (const Paten__AssessmentReply *)msg;
        if (!r->assessment) {
            fail_run("desk %d: IssueAssessment gave no assessment", d->idx);
            return -1;
        }
        d->assessment_id = r->assessment->id;
        d->principal = r->assessment->principal;
        return S_IMB_PAY;
    }
    case S_IMB_PAY: {
        const Paten__PaymentReply *r = (const Paten__PaymentReply *)msg;
        if (!r->payment) {
            fail_run("desk %d: RecordPayment gave no payment", d->idx);
            return -1;
        }
        d->payment_id = r->payment->id;
        d->payment_amount = r->payment->amount;
        d->treasurer_office_id = r->payment->treasurer_office_id;
        return S_IMB_DEPOSIT;
    }
    case S_IMB_DEPOSIT:
    case S_IMB_VALIDATE: {
        const Paten__DepositReply *r = (const Paten__DepositReply *)msg;
        if (!r->deposit) {
            fail_run("desk %d: %s gave no deposit", d->idx, steps[s].label);
            return -1;
        }
        d->deposit_id = r->deposit->id;
        d->deposit_created_ms = r->deposit->created_at_ms;
        return s + 1;
    }
    case S_IMB_CONFIRM: {
        const Paten__ConfirmationReply *r = (const Paten__ConfirmationReply *)msg;
        if (!r->confirmation ||
            r->confirmation->status != PATEN__CONFIRMATION_STATUS__CONFIRMATION_STATUS_CONFIRMED) {
            fail_run("desk %d: the deposit was not confirmed", d->idx);
            return -1;
        }
        return S_IMB_GET_FILE;
    }
    case S_COUNT:
        break;
    }
    return -1;
}

/* Starts the desk's next lifecycle, or retires the desk when it has done its share. */
static void desk_next(struct desk *d)
{
    if (aborted)
        return;
    bool more = opt.per_desk > 0 ? d->started < (uint64_t)opt.per_desk : now_ns() < run_deadline_ns;
    if (!more) {
        d->phase = P_DONE;
        if (++done_desks == opt.desks) {
            t_end_ns = now_ns();
            shutdown_all();
        }
        return;
    }
    uint64_t n = d->started++;
    d->imb = opt.mix == MIX_IMB || (opt.mix == MIX_BOTH && (n + (uint64_t)d->idx) % 2 == 1);
    make_nik(d->nik, nik_base + (uint64_t)d->idx * 1000003u + n);
    send_step(d, d->imb ? S_IMB_TAKE_IN : S_FREE_TAKE_IN);
}

/* ---- set-up: connect, Hello, Login, ListServices ----------------------------------------------
 */

static void on_connect(uv_connect_t *req, int status);

static void setup_next_conn(struct desk *d)
{
    while (d->setup_conn < C_COUNT && !d->conns[d->setup_conn].used)
        d->setup_conn++;
    if (d->setup_conn == C_COUNT) {
        d->phase = P_SERVICES;
        d->services_of = (opt.mix & MIX_FREE) ? C_FREE_LOKET : C_IMB_LOKET;
        Paten__ListServicesRequest m = PATEN__LIST_SERVICES_REQUEST__INIT;
        send_by_name(d, d->services_of, "ListServices", &m.base);
        return;
    }
    struct conn *c = &d->conns[d->setup_conn];
    struct sockaddr_storage addr;
    int rc = uv_ip4_addr(opt.host, opt.port, (struct sockaddr_in *)&addr);
    if (rc < 0)
        rc = uv_ip6_addr(opt.host, opt.port, (struct sockaddr_in6 *)&addr);
    if (rc < 0) {
        fail_run("bad address %s (a numeric address is needed): %s", opt.host, uv_strerror(rc));
        return;
    }
    rc = uv_tcp_init(loop, &c->tcp);
    if (rc < 0) {
        fail_run("uv_tcp_init: %s", uv_strerror(rc));
        return;
    }
    c->opened = true;
    c->tcp.data = c;
    rc = uv_tcp_nodelay(&c->tcp, 1);
    if (rc < 0) {
        fail_run("uv_tcp_nodelay: %s", uv_strerror(rc));
        return;
    }
    d->phase = P_CONNECT;
    rc = uv_tcp_connect(&c->connect, &c->tcp, (const struct sockaddr *)&addr, on_connect);
    if (rc < 0)
        fail_run("uv_tcp_connect: %s", uv_strerror(rc));
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    struct conn *c = h->data;
    *buf = uv_buf_init(c->rbuf, sizeof c->rbuf);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);

static void on_connect(uv_connect_t *req, int status)
{
    struct conn *c = (struct conn *)((char *)req - offsetof(struct conn, connect));
    struct desk *d = c->desk;
    if (status == UV_ECANCELED || aborted)
        return;
    if (status < 0) {
        fail_run("connect to %s:%d: %s", opt.host, opt.port, uv_strerror(status));
        return;
    }
    int rc = uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
    if (rc < 0) {
        fail_run("uv_read_start: %s", uv_strerror(rc));
        return;
    }
    d->phase = P_HELLO;
    Paten__HelloRequest m = PATEN__HELLO_REQUEST__INIT;
    m.protocol_major = PATEN_PROTOCOL_MAJOR;
    m.protocol_minor = PATEN_PROTOCOL_MINOR;
    m.client_name = "paten-loadgen";
    m.client_version = PATEN_VERSION;
    send_by_name(d, c->ix, "Hello", &m.base);
}

static void all_ready(void)
{
    t_start_ns = now_ns();
    run_deadline_ns = t_start_ns + (uint64_t)(opt.duration_s * 1e9);
    for (int i = 0; i < opt.desks && !aborted; i++) {
        desks[i].phase = P_RUN;
        desk_next(&desks[i]);
    }
}

static void setup_reply(struct desk *d, const ProtobufCMessage *msg)
{
    switch (d->phase) {
    case P_HELLO: {
        struct conn *c = &d->conns[d->setup_conn];
        d->phase = P_LOGIN;
        Paten__LoginRequest m = PATEN__LOGIN_REQUEST__INIT;
        m.login = c->user;
        m.password = (char *)opt.password;
        send_by_name(d, c->ix, "Login", &m.base);
        return;
    }
    case P_LOGIN:
        d->setup_conn++;
        setup_next_conn(d);
        return;
    case P_SERVICES: {
        const Paten__ListServicesReply *r = (const Paten__ListServicesReply *)msg;
        const char *want = d->services_of == C_FREE_LOKET ? "dispensasi-nikah" : "imb";
        int64_t id = 0;
        for (size_t i = 0; i < r->n_services; i++)
            if (strcmp(r->services[i]->code, want) == 0)
                id = r->services[i]->id;
        if (!id) {
            fail_run("service %s not in the catalog of %s", want, d->conns[d->services_of].user);
            return;
        }
        if (d->services_of == C_FREE_LOKET) {
            d->free_service_id = id;
            if (opt.mix & MIX_IMB) {
                d->services_of = C_IMB_LOKET;
                Paten__ListServicesRequest m = PATEN__LIST_SERVICES_REQUEST__INIT;
                send_by_name(d, C_IMB_LOKET, "ListServices", &m.base);
                return;
            }
        } else {
            d->imb_service_id = id;
        }
        d->phase = P_WAIT_START;
        if (++ready_desks == opt.desks)
            all_ready();
        return;
    }
    default:
        fail_run("desk %d: reply in phase %d", d->idx, (int)d->phase);
    }
}

/* ---- receiving ----------------------------------------------------------------------------------
 */

static void report_error(struct desk *d, const char *what, const struct paten_frame *f)
{
    struct paten_unpacked u = { 0 };
    const char *code = "?", *message = "", *field = "", *detail = "";
    if (paten_msg_unpack(&u, &paten__error__descriptor, f->payload, f->hdr.length,
                         paten_msg_unpack_limit(f->hdr.length)) == 0) {
        const Paten__Error *e = (const Paten__Error *)u.msg;
        const ProtobufCEnumValue *v =
            protobuf_c_enum_descriptor_get_value(&paten__error_code__descriptor, e->code);
        code = v ? v->name : "?";
        message = e->message;
        field = e->field;
        detail = e->detail;
    }
    if (errors_printed++ < 20)
        fprintf(stderr, "paten-loadgen: desk %d: %s refused: %s: %s (field %s; %s)\n", d->idx, what,
                code, message, field, detail);
    paten_msg_unpacked_free(&u);
}

static void on_frame(struct conn *c, struct paten_frame *f)
{
    struct desk *d = c->desk;
    if (f->hdr.flags & PATEN_FLAG_EVENT)
        return; /* pushed events are not part of the load */
    if (!(f->hdr.flags & PATEN_FLAG_REPLY) || f->hdr.request_id != d->rid || c->ix != d->cur_conn ||
        !d->cur_info || f->hdr.type != d->cur_info->type) {
        fail_run("desk %d: unexpected frame type %u id %" PRIu32 " on %s", d->idx, f->hdr.type,
                 f->hdr.request_id, c->user);
        return;
    }
    uint64_t lat_us = (now_ns() - d->sent_ns) / 1000;
    const struct paten_msg_info *info = d->cur_info;
    d->cur_info = NULL;
    if (d->phase != P_RUN) {
        if (f->hdr.flags & PATEN_FLAG_ERROR) {
            report_error(d, info->name, f);
            fail_run("desk %d: set-up failed (%s as %s)", d->idx, info->name, c->user);
            return;
        }
        struct paten_unpacked u = { 0 };
        if (paten_msg_unpack(&u, info->reply, f->payload, f->hdr.length,
                             paten_msg_unpack_limit(f->hdr.length)) < 0) {
            fail_run("desk %d: bad %s reply", d->idx, info->name);
            return;
        }
        setup_reply(d, u.msg);
        paten_msg_unpacked_free(&u);
        return;
    }
    enum step s = d->cur_step;
    if (f->hdr.flags & PATEN_FLAG_ERROR) {
        if (trace_out)
            fprintf(trace_out, "ERROR %s\n", steps[s].label);
        /* A refused step: counted, and the lifecycle abandoned (its file stays where it is). */
        series[s].errors++;
        d->failed++;
        report_error(d, steps[s].label, f);
        desk_next(d);
        return;
    }
    if (bench_series_add(&series[s], lat_us) < 0) {
        fail_run("out of memory for samples");
        return;
    }
    bool in_window = opt.per_desk > 0 || now_ns() <= run_deadline_ns;
    if (in_window) {
        win_requests++;
        win_transitions += steps[s].commit;
    }
    struct paten_unpacked u = { 0 };
    if (paten_msg_unpack(&u, info->reply, f->payload, f->hdr.length,
                         paten_msg_unpack_limit(f->hdr.length)) < 0) {
        fail_run("desk %d: bad %s reply", d->idx, info->name);
        return;
    }
    int next = after_step(d, s, u.msg);
    paten_msg_unpacked_free(&u);
    if (next < 0)
        return;
    if (next == S_COUNT) {
        d->completed++;
        win_lifecycles += in_window;
    }
    if (trace_out) {
        trace_step(d, s, next);
        return;
    }
    if (next == S_COUNT)
        desk_next(d);
    else
        send_step(d, (enum step)next);
}

static void on_gap(uv_timer_t *t)
{
    struct desk *d = t->data;
    if (aborted)
        return;
    if (d->gap_next < 0)
        desk_next(d);
    else
        send_step(d, (enum step)d->gap_next);
}

/*
 * --trace: writes "label send_ms reply_ms" (Unix time, microsecond digits) for the step just
 * answered and sends the next one only after gap_ms, so that every statement PostgreSQL logs falls
 * in exactly one request's window (bench/capture_sql.py reads both). A timer, not a sleep: the
 * loop stays free.
 */
static void trace_step(struct desk *d, enum step s, int next)
{
    double reply_ms = (double)wall_us() / 1000.0;
    double send_ms = reply_ms - (double)(now_ns() - d->sent_ns) / 1e6;
    fprintf(trace_out, "%s %.3f %.3f\n", steps[s].label, send_ms, reply_ms);
    d->gap_next = next == S_COUNT ? -1 : next;
    int rc = uv_timer_start(&d->gap, on_gap, (uint64_t)opt.gap_ms, 0);
    if (rc < 0)
        fail_run("uv_timer_start: %s", uv_strerror(rc));
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    struct conn *c = s->data;
    if (nread == 0)
        return;
    if (nread < 0) {
        if (!aborted && c->desk->phase != P_DONE)
            fail_run("connection of %s closed: %s", c->user, uv_strerror((int)nread));
        return;
    }
    const uint8_t *p = (const uint8_t *)buf->base;
    size_t left = (size_t)nread;
    while (left > 0 && !aborted) {
        struct paten_frame f;
        size_t used = 0;
        int rc = paten_decoder_feed(&c->dec, p, left, &used, &f);
        if (rc < 0) {
            fail_run("bad frame from the server on %s (%d)", c->user, rc);
            return;
        }
        if (rc == 0)
            break;
        p += used;
        left -= used;
        on_frame(c, &f);
        free(f.payload);
    }
}

/* ---- the end ------------------------------------------------------------------------------------
 */

static void on_closed(uv_handle_t *h)
{
    (void)h;
}

static void shutdown_all(void)
{
    if (watchdog_open && !uv_is_closing((uv_handle_t *)&watchdog))
        uv_close((uv_handle_t *)&watchdog, on_closed);
    for (int i = 0; desks && i < opt.desks; i++)
        for (int j = 0; j < C_COUNT; j++) {
            struct conn *c = &desks[i].conns[j];
            if (c->opened && !uv_is_closing((uv_handle_t *)&c->tcp))
                uv_close((uv_handle_t *)&c->tcp, on_closed);
        }
    for (int i = 0; desks && i < opt.desks; i++)
        if (desks[i].gap_open && !uv_is_closing((uv_handle_t *)&desks[i].gap))
            uv_close((uv_handle_t *)&desks[i].gap, on_closed);
}

/* Fails the run when a request has waited longer than --timeout: a stuck server must not make the
 * benchmark hang. */
static void on_watchdog(uv_timer_t *t)
{
    (void)t;
    uint64_t now = now_ns();
    for (int i = 0; i < opt.desks; i++) {
        struct desk *d = &desks[i];
        if (d->cur_info && (double)(now - d->sent_ns) > opt.timeout_s * 1e9) {
            fail_run("desk %d: no reply to %s within %.0f s", d->idx, d->cur_info->name,
                     opt.timeout_s);
            return;
        }
    }
}

static double ms(uint64_t us)
{
    return (double)us / 1000.0;
}

static void print_row(FILE *out, const char *label, const struct bench_series *s)
{
    fprintf(out, "%-24s %8zu %6" PRIu64 " %9.2f %9.2f %9.2f %9.2f\n", label, s->n, s->errors,
            ms(bench_series_pct(s, 0.50)), ms(bench_series_pct(s, 0.99)),
            ms(bench_series_pct(s, 0.999)), s->n ? ms(s->us[s->n - 1]) : 0.0);
}

static void json_series(FILE *out, const struct bench_series *s)
{
    fprintf(out,
            "\"count\": %zu, \"errors\": %" PRIu64 ", \"p50_ms\": %.3f, \"p99_ms\": %.3f, "
            "\"p999_ms\": %.3f, \"max_ms\": %.3f",
            s->n, s->errors, ms(bench_series_pct(s, 0.50)), ms(bench_series_pct(s, 0.99)),
            ms(bench_series_pct(s, 0.999)), s->n ? ms(s->us[s->n - 1]) : 0.0);
}

/* Prints the table and writes the JSON; returns 0, or -1 when the JSON cannot be written. */
static int report(void)
{
    uint64_t completed = 0, failed = 0, errors = 0;
    struct bench_series cls[2] = { { 0 } }; /* 0 read, 1 commit */
    for (int i = 0; i < opt.desks; i++) {
        completed += desks[i].completed;
        failed += desks[i].failed;
    }
    for (int s = 0; s < S_COUNT; s++) {
        bench_series_sort(&series[s]);
        errors += series[s].errors;
        if (bench_series_merge(&cls[steps[s].commit], &series[s]) < 0) {
            fprintf(stderr, "paten-loadgen: out of memory\n");
            return -1;
        }
    }
    bench_series_sort(&cls[0]);
    bench_series_sort(&cls[1]);
    /* The rate's window: the run to its end with -n, up to the deadline with -d. */
    double secs = opt.per_desk > 0 ? (double)(t_end_ns - t_start_ns) / 1e9 : opt.duration_s;
    if (secs <= 0)
        secs = 1e-9;
    const char *mix = opt.mix == MIX_BOTH ? "both" : opt.mix == MIX_FREE ? "free" : "imb";
    printf("paten-loadgen: %d desks, mix %s, %.2f s\n", opt.desks, mix, secs);
    printf("lifecycles completed %" PRIu64 ", failed %" PRIu64 ": %.2f lifecycles/s, %.2f "
           "transitions/s, %.2f requests/s\n",
           completed, failed, (double)win_lifecycles / secs, (double)win_transitions / secs,
           (double)win_requests / secs);
    printf("%-24s %8s %6s %9s %9s %9s %9s\n", "step", "count", "errors", "p50 ms", "p99 ms",
           "p99.9 ms", "max ms");
    for (int s = 0; s < S_COUNT; s++)
        if (series[s].n || series[s].errors)
            print_row(stdout, steps[s].label, &series[s]);
    print_row(stdout, "(all reads)", &cls[0]);
    print_row(stdout, "(all commits)", &cls[1]);
    int rc = 0;
    if (opt.json_path) {
        FILE *out = fopen(opt.json_path, "w");
        if (!out) {
            fprintf(stderr, "paten-loadgen: %s: %s\n", opt.json_path, strerror(errno));
            rc = -1;
        } else {
            fprintf(out,
                    "{\n  \"desks\": %d,\n  \"mix\": \"%s\",\n  \"seconds\": %.3f,\n"
                    "  \"lifecycles_completed\": %" PRIu64 ",\n  \"lifecycles_failed\": %" PRIu64
                    ",\n  \"errors\": %" PRIu64 ",\n  \"lifecycles_per_s\": %.3f,\n"
                    "  \"transitions_per_s\": %.3f,\n  \"requests_per_s\": %.3f,\n",
                    opt.desks, mix, secs, completed, failed, errors, (double)win_lifecycles / secs,
                    (double)win_transitions / secs, (double)win_requests / secs);
            fprintf(out, "  \"read\": {");
            json_series(out, &cls[0]);
            fprintf(out, "},\n  \"commit\": {");
            json_series(out, &cls[1]);
            fprintf(out, "},\n  \"steps\": [");
            bool first = true;
            for (int s = 0; s < S_COUNT; s++) {
                if (!series[s].n && !series[s].errors)
                    continue;
                fprintf(out, "%s\n    {\"step\": \"%s\", \"rpc\": \"%s\", \"class\": \"%s\", ",
                        first ? "" : ",", steps[s].label, steps[s].rpc,
                        steps[s].commit ? "commit" : "read");
                json_series(out, &series[s]);
                fputc('}', out);
                first = false;
            }
            fprintf(out, "\n  ]\n}\n");
            if (fclose(out) != 0) {
                fprintf(stderr, "paten-loadgen: %s: %s\n", opt.json_path, strerror(errno));
                rc = -1;
            }
        }
    }
    bench_series_free(&cls[0]);
    bench_series_free(&cls[1]);
    return rc;
}

/* ---- main ---------------------------------------------------------------------------------------
 */

static void usage(FILE *out)
{
    fprintf(
        out,
        "usage: paten-loadgen -p PORT [options]\n"
        "  -H, --host ADDR        patend's address (numeric; 127.0.0.1)\n"
        "  -p, --port PORT        patend's port\n"
        "  -c, --desks N          concurrent desks (1)\n"
        "  -n, --lifecycles N     lifecycles per desk (else run for --duration)\n"
        "  -d, --duration SECS    how long to start new lifecycles (10)\n"
        "  -m, --mix KIND         free, imb or both (alternating; both)\n"
        "      --imb-offices A,B  kecamatan of Temanggung for IMB, by desk (kaloran,kandangan)\n"
        "      --timeout SECS     a request unanswered this long fails the run (60)\n"
        "  -j, --json FILE        also write the figures as JSON\n"
        "      --trace FILE       write each request's send and reply time, and space the\n"
        "                         requests by --gap-ms (50) for bench/capture_sql.py\n"
        "  password: $PATEN_DEMO_PASSWORD, else the demo default\n");
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "host", required_argument, NULL, 'H' },
        { "port", required_argument, NULL, 'p' },
        { "desks", required_argument, NULL, 'c' },
        { "lifecycles", required_argument, NULL, 'n' },
        { "duration", required_argument, NULL, 'd' },
        { "mix", required_argument, NULL, 'm' },
        { "json", required_argument, NULL, 'j' },
        { "timeout", required_argument, NULL, 't' },
        { "imb-offices", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { "trace", required_argument, NULL, 'T' },
        { "gap-ms", required_argument, NULL, 'g' },
        { NULL, 0, NULL, 0 },
    };
    static char offices_buf[256] = "kaloran,kandangan";
    int ch;
    char *end;
    while ((ch = getopt_long(argc, argv, "H:p:c:n:d:m:j:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'H':
            opt.host = optarg;
            break;
        case 'p':
            opt.port = (int)strtol(optarg, &end, 10);
            if (*end || opt.port <= 0 || opt.port > 65535)
                goto bad;
            break;
        case 'c':
            opt.desks = (int)strtol(optarg, &end, 10);
            if (*end || opt.desks <= 0 || opt.desks > 10000)
                goto bad;
            break;
        case 'n':
            opt.per_desk = strtol(optarg, &end, 10);
            if (*end || opt.per_desk <= 0)
                goto bad;
            break;
        case 'd':
            opt.duration_s = strtod(optarg, &end);
            if (*end || !(opt.duration_s > 0))
                goto bad;
            break;
        case 't':
            opt.timeout_s = strtod(optarg, &end);
            if (*end || !(opt.timeout_s > 0))
                goto bad;
            break;
        case 'm':
            if (strcmp(optarg, "free") == 0)
                opt.mix = MIX_FREE;
            else if (strcmp(optarg, "imb") == 0)
                opt.mix = MIX_IMB;
            else if (strcmp(optarg, "both") == 0)
                opt.mix = MIX_BOTH;
            else
                goto bad;
            break;
        case 'o':
            if (strlen(optarg) >= sizeof offices_buf)
                goto bad;
            strcpy(offices_buf, optarg);
            break;
        case 'j':
            opt.json_path = optarg;
            break;
        case 'T':
            opt.trace_path = optarg;
            break;
        case 'g':
            opt.gap_ms = strtod(optarg, &end);
            if (*end || !(opt.gap_ms >= 0) || opt.gap_ms > 60000)
                goto bad;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            goto bad;
        }
    }
    if (optind != argc || opt.port == 0)
        goto bad;
    for (char *save = NULL, *tok = strtok_r(offices_buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        if (opt.n_imb_offices == (int)(sizeof opt.imb_offices / sizeof opt.imb_offices[0]))
            goto bad;
        opt.imb_offices[opt.n_imb_offices++] = tok;
    }
    if (opt.n_imb_offices == 0)
        goto bad;
    opt.password = getenv("PATEN_DEMO_PASSWORD");
    if (!opt.password || !*opt.password)
        opt.password = "rahasia-demo-2026";
    if (sodium_init() < 0) {
        fprintf(stderr, "paten-loadgen: sodium_init failed\n");
        return 1;
    }
    for (int s = 0; s < S_COUNT; s++) {
        step_info[s] = paten_msg_by_name(steps[s].rpc);
        if (!step_info[s]) {
            fprintf(stderr, "paten-loadgen: no message type %s\n", steps[s].rpc);
            return 1;
        }
    }
    nik_base = randombytes_uniform(1000000000u);
    loop = uv_default_loop();
    desks = calloc((size_t)opt.desks, sizeof *desks);
    if (!desks) {
        fprintf(stderr, "paten-loadgen: out of memory\n");
        return 1;
    }
    int rc = uv_timer_init(loop, &watchdog);
    if (rc < 0) {
        fprintf(stderr, "paten-loadgen: uv_timer_init: %s\n", uv_strerror(rc));
        return 1;
    }
    watchdog_open = true;
    rc = uv_timer_start(&watchdog, on_watchdog, 1000, 1000);
    if (rc < 0) {
        fprintf(stderr, "paten-loadgen: uv_timer_start: %s\n", uv_strerror(rc));
        return 1;
    }
    if (opt.trace_path) {
        trace_out = fopen(opt.trace_path, "w");
        if (!trace_out) {
            fprintf(stderr, "paten-loadgen: %s: %s\n", opt.trace_path, strerror(errno));
            return 1;
        }
    }
    for (int i = 0; i < opt.desks; i++) {
        struct desk *d = &desks[i];
        d->idx = i;
        if (trace_out) {
            rc = uv_timer_init(loop, &d->gap);
            if (rc < 0) {
                fprintf(stderr, "paten-loadgen: uv_timer_init: %s\n", uv_strerror(rc));
                return 1;
            }
            d->gap.data = d;
            d->gap_open = true;
        }
        const char *kec = opt.imb_offices[i % opt.n_imb_offices];
        for (int j = 0; j < C_COUNT; j++) {
            struct conn *c = &d->conns[j];
            c->desk = d;
            c->ix = j;
            bool is_free = j <= C_FREE_CAMAT;
            c->used = (opt.mix & (is_free ? MIX_FREE : MIX_IMB)) != 0;
            const char *office = is_free                                   ? "taman"
                                 : j == C_IMB_SKRD || j == C_IMB_BENDAHARA ? "dpmptsp-temanggung"
                                                                           : kec;
            snprintf(c->user, sizeof c->user, "%s@%s", conn_user_role(j), office);
            /* The decoder's limit bounds what the server can make us allocate. */
            paten_decoder_init(&c->dec, PATEN_PAYLOAD_MAX_DEFAULT);
        }
    }
    for (int i = 0; i < opt.desks && !aborted; i++)
        setup_next_conn(&desks[i]);
    rc = uv_run(loop, UV_RUN_DEFAULT);
    if (rc != 0 && !aborted)
        fprintf(stderr, "paten-loadgen: the loop ended with handles still active\n");
    for (int i = 0; i < opt.desks; i++)
        for (int j = 0; j < C_COUNT; j++)
            paten_decoder_free(&desks[i].conns[j].dec);
    int status = 0;
    if (aborted) {
        status = 1;
    } else {
        if (report() < 0)
            status = 1;
        for (int i = 0; i < opt.desks; i++)
            if (desks[i].failed)
                status = 1;
    }
    if (trace_out && fclose(trace_out) != 0) {
        fprintf(stderr, "paten-loadgen: %s: %s\n", opt.trace_path, strerror(errno));
        status = 1;
    }
    for (int s = 0; s < S_COUNT; s++)
        bench_series_free(&series[s]);
    free(desks);
    rc = uv_loop_close(loop);
    if (rc < 0) {
        fprintf(stderr, "paten-loadgen: uv_loop_close: %s\n", uv_strerror(rc));
        status = 1;
    }
    return status;
bad:
    usage(stderr);
    return 2;
}
