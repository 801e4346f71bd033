/*
 * pd_log.c: the log line writer (see pd_log.h).
 */
#include "pd_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static enum pd_log_level log_level = PD_LOG_INFO;

static const char *const level_names[] = { "DEBUG", "INFO ", "WARN ", "ERROR" };

void pd_log_set_level(enum pd_log_level level)
{
    log_level = level;
}

enum pd_log_level pd_log_get_level(void)
{
    return log_level;
}

int pd_log_parse_level(const char *s)
{
    static const char *const names[] = { "debug", "info", "warn", "error" };
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

void pd_log(enum pd_log_level level, uint64_t conn_id, const char *fmt, ...)
{
    char line[2048];
    struct timespec ts;
    struct tm tm;
    size_t n;
    int w;
    va_list ap;

    if (level < log_level)
        return;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    n = strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%S", &tm);
    if (conn_id != 0)
        w = snprintf(line + n, sizeof line - n, ".%03ldZ %s [c%llu] ", ts.tv_nsec / 1000000L,
                     level_names[level], (unsigned long long)conn_id);
    else
        w = snprintf(line + n, sizeof line - n, ".%03ldZ %s [-] ", ts.tv_nsec / 1000000L,
                     level_names[level]);
    n += (size_t)w;
    va_start(ap, fmt);
    w = vsnprintf(line + n, sizeof line - n - 1, fmt, ap);
    va_end(ap);
    if (w < 0)
        w = 0;
    n = n + (size_t)w < sizeof line - 1 ? n + (size_t)w : sizeof line - 2;
    /* Keep each event on one line even when a message (a PostgreSQL error) has newlines. */
    for (size_t i = 0; i < n; i++)
        if (line[i] == '\n' || line[i] == '\r')
            line[i] = ' ';
    line[n++] = '\n';
    (void)!write(STDERR_FILENO, line, n);
}
