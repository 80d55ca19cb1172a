/**
 * @file jwt.c
 * @brief JWT (RFC 7519) time claims: exp (4.1.4), nbf (4.1.5), iat (4.1.6).
 */
#include "jose/internal.h"

#include <string.h>

/* NumericDate as moat accepts it: an exact integer in [0, 2^53-1]. */
#define JWT_DATE_MAX 9007199254740991LL

size_t moat_jwt_work_size(size_t len)
{
    if (len > MOAT_JWT_MAX_INPUT) {
        len = MOAT_JWT_MAX_INPUT;
    }
    return MOAT_JWT_WORK_SIZE(len);
}

/* Reads an optional NumericDate; *present tells whether it was there. */
static moat_err get_date(const moat_json *claims, const char *name, bool required,
                         bool *present, int64_t *v)
{
    const moat_json *m = moat_json_get(claims, name);
    *present = false;
    *v = 0;
    if (m == NULL) {
        return required ? MOAT_ERR_JWT_CLAIM : MOAT_OK;
    }
    if (moat_json_int(m, 0, JWT_DATE_MAX, v) != MOAT_OK) {
        return MOAT_ERR_JWT_CLAIM;
    }
    *present = true;
    return MOAT_OK;
}

moat_err moat_jwt_check_time_json(const moat_json *claims, int64_t now,
                                  uint32_t skew, uint32_t flags)
{
    bool has_exp, has_nbf, has_iat;
    int64_t exp, nbf, iat, s = (int64_t)skew;
    moat_err e;

    if (skew > MOAT_JWT_MAX_SKEW ||
        (flags & ~(uint32_t)(MOAT_JWT_REQUIRE_EXP | MOAT_JWT_REQUIRE_NBF |
                             MOAT_JWT_REQUIRE_IAT)) != 0) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (moat_json_type_of(claims) != MOAT_JSON_OBJECT) {
        return MOAT_ERR_JWT_CLAIM;
    }
    e = get_date(claims, "exp", (flags & MOAT_JWT_REQUIRE_EXP) != 0, &has_exp, &exp);
    if (e == MOAT_OK) {
        e = get_date(claims, "nbf", (flags & MOAT_JWT_REQUIRE_NBF) != 0, &has_nbf, &nbf);
    }
    if (e == MOAT_OK) {
        e = get_date(claims, "iat", (flags & MOAT_JWT_REQUIRE_IAT) != 0, &has_iat, &iat);
    }
    if (e != MOAT_OK) {
        return e;
    }
    /* The arithmetic is on the claim side, whose range is bounded (no
     * overflow whatever @p now is). */
    if (has_exp && exp + s <= now) {
        return MOAT_ERR_JWT_EXPIRED;
    }
    if (has_nbf && nbf - s > now) {
        return MOAT_ERR_JWT_NOT_YET_VALID;
    }
    if (has_iat && iat - s > now) {
        return MOAT_ERR_JWT_IAT_FUTURE;
    }
    return MOAT_OK;
}

moat_err moat_jwt_check_time(const uint8_t *payload, size_t len, int64_t now,
                             uint32_t skew, uint32_t flags, void *work,
                             size_t work_size)
{
    const moat_json *root = NULL;
    moat_json_limits lim;
    moat_err e;

    if (payload == NULL || (work == NULL && work_size != 0)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (len > MOAT_JWT_MAX_INPUT) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    if (work == NULL || work_size < MOAT_JWT_WORK_SIZE(len)) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    lim.max_input = MOAT_JWT_MAX_INPUT;
    lim.max_depth = MOAT_JSON_DEFAULT_MAX_DEPTH;
    lim.max_members = MOAT_JWT_MAX_VALUES;
    lim.max_string = MOAT_JWT_MAX_INPUT;
    e = moat_json_parse((const char *)payload, len, &lim, work, work_size, &root);
    if (e == MOAT_OK) {
        e = moat_jwt_check_time_json(root, now, skew, flags);
    }
    moat_wipe(work, work_size);
    return e;
}
