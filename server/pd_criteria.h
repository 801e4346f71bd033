/*
 * pd_criteria.h: a service's form fields and criteria: checking each value against its field,
 * and the small JSON rule format that says what a kecamatan may grant (IMB at most 100 m2 and
 * single storey, IUMK below its thresholds, ...).
 *
 * A rule is {"all": [rule, ...]}, {"any": [rule, ...]}, {"not": rule}, or a comparison
 * {"field": "luas_bangunan", "op": "<=", "value": 100} with op one of = != < <= > >= in ("in"
 * takes a list). Numbers compare exactly as decimals (4 fractional digits), dates as ISO dates,
 * texts and choices as strings, YES_NO fields only with = and !=. A comparison with a field the
 * file left empty is false. Rules nest at most 16 deep.
 */
#ifndef PD_CRITERIA_H
#define PD_CRITERIA_H

#include "paten.pb-c.h"

#include <stddef.h>

/* The scale of NUMBER fields: 4 fractional digits. */
#define PD_FIELD_SCALE 4

/* Checks that the field list itself is sound: names lower_snake_case and unique, known types,
 * choices for CHOICE fields (and only there), decimal bounds for NUMBER. Returns 0, or -1 with an
 * English explanation in err. */
int pd_fields_validate(Paten__FieldSpec *const *fields, size_t n, char *err, size_t cap);

/* Checks value against its field (type, choices, bounds). Returns 0, or -1 with a message for
 * the counter (Indonesian) in msg. */
int pd_field_check(const Paten__FieldSpec *spec, const char *value, char *msg, size_t cap);

/* Checks a rule's form against the fields: known fields and ops, values of the right type.
 * Returns 0, or -1 with an English explanation in err. */
int pd_rule_validate(const char *rule_json, Paten__FieldSpec *const *fields, size_t n, char *err,
                     size_t cap);

/* Evaluates a (validated) rule on a file's values. Returns 1 when it holds, 0 when not, -1 with
 * err set when the rule cannot be read. */
int pd_rule_eval(const char *rule_json, Paten__FieldSpec *const *fields, size_t n,
                 Paten__FieldValue *const *values, size_t nv, char *err, size_t cap);

#endif
