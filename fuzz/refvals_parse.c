/*
 * libFuzzer harness: reference values parsing and schema validation
 * (moat_attest_refvals_validate), then appraisal of a fixed evidence view
 * against the same document (moat_attest_appraise).
 *
 * Properties checked: appraisal fails exactly when validation fails (or
 * the model is unknown, or the result does not fit); on success the result
 * is NUL-terminated JSON of the reported length whose status is one of
 * the three tiers; on failure the output is wiped and the status none.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "moat/attest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static void *work;
    static size_t work_size;
    static moat_eat_evidence ev;
    static char out[MOAT_AR_MAX + 1];
    size_t out_len = 0, i;
    moat_ar_status st = MOAT_AR_AFFIRMING;
    moat_err v, a;

    if (work == NULL) {
        work_size = moat_attest_appraise_work_size();
        work = malloc(work_size);
        check(work != NULL);
        memcpy(ev.hwmodel, "sensor-1", 8);
        ev.hwmodel_len = 8;
        ev.ueid[0] = 0x01;
        ev.nonce_len = 32;
        ev.dbgstat = MOAT_EAT_DBG_DISABLED_SINCE_BOOT;
        ev.component_count = 1;
        strcpy(ev.components[0].name, "fw");
        strcpy(ev.components[0].version, "1.2.3");
        ev.components[0].has_svn = true;
        ev.components[0].svn = 7;
        ev.components[0].alg = MOAT_HASH_SHA256;
        memset(ev.components[0].digest, 0x33, 32);
        ev.components[0].digest_len = 32;
    }
    v = moat_attest_refvals_validate((const char *)data, size, work, work_size);
    a = moat_attest_appraise(&ev, (const char *)data, size, 1700000000, work, work_size, out,
                             sizeof(out), &out_len, &st);
    if (v != MOAT_OK) {
        check(a == v);
    } else {
        check(a == MOAT_OK || a == MOAT_ERR_REFVAL_UNKNOWN_MODEL);
    }
    if (a == MOAT_OK) {
        check(out_len > 0 && out_len < sizeof(out) && out[out_len] == '\0');
        check(strlen(out) == out_len);
        check(st == MOAT_AR_AFFIRMING || st == MOAT_AR_WARNING ||
              st == MOAT_AR_CONTRAINDICATED);
    } else {
        check(st == MOAT_AR_NONE && out_len == 0);
        for (i = 0; i < sizeof(out); i++) {
            check(out[i] == 0);
        }
    }
    return 0;
}
