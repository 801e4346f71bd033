/*
 * pd_hash.c: Argon2id in the thread pool with a cap on concurrent hashes (see pd_hash.h).
 */
#include "pd_hash.h"

#include "pd_alloc.h"
#include "pd_log.h"

#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

enum hash_op { OP_VERIFY, OP_MAKE };

struct hash_job {
    uv_work_t work;
    struct pd_hash *h;
    enum hash_op op;
    char *password;
    char encoded[crypto_pwhash_STRBYTES];
    bool ok;
    void (*verify_cb)(bool ok, void *arg);
    void (*make_cb)(const char *encoded, void *arg);
    void *arg;
    struct hash_job *next;
};

struct pd_hash {
    uv_loop_t *loop;
    unsigned concurrency;
    unsigned max_queued;
    unsigned running;
    unsigned queued;
    struct hash_job *head, *tail;
};

static char dummy_hash[crypto_pwhash_STRBYTES];

struct pd_hash *pd_hash_create(uv_loop_t *loop, unsigned concurrency, unsigned max_queued)
{
    struct pd_hash *h = pd_xcalloc(1, sizeof *h);

    if (sodium_init() < 0) {
        pd_error(0, "libsodium cannot be initialised");
        free(h);
        return NULL;
    }
    h->loop = loop;
    h->concurrency = concurrency ? concurrency : uv_available_parallelism();
    h->max_queued = max_queued;
    if (dummy_hash[0] == '\0') {
        unsigned char pw[32];
        randombytes_buf(pw, sizeof pw);
        if (crypto_pwhash_str(dummy_hash, (const char *)pw, sizeof pw,
                              crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
            pd_error(0, "cannot compute a password hash (out of memory?)");
            free(h);
            return NULL;
        }
    }
    return h;
}

void pd_hash_free(struct pd_hash *h)
{
    assert(h == NULL || (h->running == 0 && h->queued == 0));
    free(h);
}

unsigned pd_hash_pending(const struct pd_hash *h)
{
    return h->running + h->queued;
}

const char *pd_hash_dummy(void)
{
    return dummy_hash;
}

bool pd_hash_make_now(const char *password, char *out, size_t cap)
{
    if (cap < crypto_pwhash_STRBYTES || sodium_init() < 0)
        return false;
    return crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
}

/* The nice value of the pool threads that hash (docs/performance.md, "login storm"). */
#define HASH_NICE 10

/*
 * Lowers the calling pool thread's CPU priority, once per thread: a login storm keeps every hashing
 * thread busy for seconds, and at equal priority the scheduler gives the event loop only its equal
 * share of the cores, so every client waits. At nice 10 the loop wins the CPU whenever it has work
 * and the hashes take what is left. Linux applies setpriority to one thread when given its id. The
 * thread stays niced (an unprivileged thread cannot raise its priority again); the pool's other
 * work (the database probe, host name lookups) waits on I/O, not on the CPU. Failure is harmless.
 */
static void lower_thread_priority(void)
{
#ifdef __linux__
    static _Thread_local bool lowered;

    if (!lowered) {
        lowered = true;
        (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), HASH_NICE);
    }
#endif
}

static void job_work(uv_work_t *w)
{
    struct hash_job *j = w->data;
    size_t len = strlen(j->password);

    lower_thread_priority();
    if (j->op == OP_VERIFY)
        j->ok = crypto_pwhash_str_verify(j->encoded, j->password, len) == 0;
    else
        j->ok = crypto_pwhash_str(j->encoded, j->password, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                  crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
    sodium_memzero(j->password, len);
}

static void start_next(struct pd_hash *h);

static void job_done(uv_work_t *w, int status)
{
    struct hash_job *j = w->data;
    struct pd_hash *h = j->h;

    h->running--;
    if (status < 0)
        j->ok = false;
    if (j->op == OP_VERIFY)
        j->verify_cb(j->ok, j->arg);
    else
        j->make_cb(j->ok ? j->encoded : NULL, j->arg);
    free(j->password);
    sodium_memzero(j->encoded, sizeof j->encoded);
    free(j);
    start_next(h);
}

static void start_next(struct pd_hash *h)
{
    while (h->running < h->concurrency && h->head) {
        struct hash_job *j = h->head;
        h->head = j->next;
        if (h->head == NULL)
            h->tail = NULL;
        h->queued--;
        j->work.data = j;
        int rc = uv_queue_work(h->loop, &j->work, job_work, job_done);
        if (rc < 0) {
            /* Cannot happen with a valid loop and callbacks; fail the job rather than lose it. */
            pd_error(0, "cannot queue a password hash: %s", uv_strerror(rc));
            h->running++;
            job_done(&j->work, rc);
            continue;
        }
        h->running++;
    }
}

static int submit(struct pd_hash *h, struct hash_job *j)
{
    if (h->queued >= h->max_queued) {
        sodium_memzero(j->password, strlen(j->password));
        free(j->password);
        free(j);
        return -1;
    }
    j->h = h;
    if (h->tail)
        h->tail->next = j;
    else
        h->head = j;
    h->tail = j;
    h->queued++;
    start_next(h);
    return 0;
}

int pd_hash_verify(struct pd_hash *h, const char *encoded, const char *password,
                   void (*cb)(bool ok, void *arg), void *arg)
{
    struct hash_job *j = pd_xcalloc(1, sizeof *j);

    j->op = OP_VERIFY;
    j->password = pd_xstrdup(password);
    snprintf(j->encoded, sizeof j->encoded, "%s", encoded ? encoded : "");
    j->verify_cb = cb;
    j->arg = arg;
    return submit(h, j);
}

int pd_hash_make(struct pd_hash *h, const char *password,
                 void (*cb)(const char *encoded, void *arg), void *arg)
{
    struct hash_job *j = pd_xcalloc(1, sizeof *j);

    j->op = OP_MAKE;
    j->password = pd_xstrdup(password);
    j->make_cb = cb;
    j->arg = arg;
    return submit(h, j);
}
