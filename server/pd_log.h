/*
 * pd_log.h: patend's log. One line per event on stderr:
 *   2026-11-22T01:13:10.123Z INFO  [c42] message
 * with the UTC time, the level and the connection id ("-" when the line is not about one).
 */
#ifndef PD_LOG_H
#define PD_LOG_H

#include <stdint.h>

enum pd_log_level {
    PD_LOG_DEBUG = 0,
    PD_LOG_INFO,
    PD_LOG_WARN,
    PD_LOG_ERROR,
};

/* Lines below this level are dropped. */
void pd_log_set_level(enum pd_log_level level);
enum pd_log_level pd_log_get_level(void);

/* Parses "debug", "info", "warn" or "error"; returns -1 for anything else. */
int pd_log_parse_level(const char *s);

/* Writes one line; conn_id 0 means no connection. The line is written with one write(2) so lines
 * from patend and its children do not interleave mid-line. */
void pd_log(enum pd_log_level level, uint64_t conn_id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define pd_debug(cid, ...)                            \
    do {                                              \
        if (pd_log_get_level() <= PD_LOG_DEBUG)       \
            pd_log(PD_LOG_DEBUG, (cid), __VA_ARGS__); \
    } while (0)
#define pd_info(cid, ...)  pd_log(PD_LOG_INFO, (cid), __VA_ARGS__)
#define pd_warn(cid, ...)  pd_log(PD_LOG_WARN, (cid), __VA_ARGS__)
#define pd_error(cid, ...) pd_log(PD_LOG_ERROR, (cid), __VA_ARGS__)

#endif
