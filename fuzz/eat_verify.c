/*
 * libFuzzer harness: evidence verification (moat_eat_verify) of arbitrary
 * token bytes against a fixed chain and trust store.
 *
 * Built once, at the first call, with moat's own DICE and X.509 writers
 * (tests/attest/eat_fixture.h with a fixed CA scalar, so every run is
 * identical and nothing generated is committed): a manufacturer CA in the
 * store and a device whose evidence the seed corpus holds (written with
 * `eat_cli --fixed`). The nonce store is emptied before each input, so a
 * structurally valid token ends at MOAT_ERR_EAT_NONCE_UNKNOWN after every
 * other check ran; the harness also registers the DeviceID key, so both
 * chain modes are exercised.
 *
 * Properties checked: never MOAT_OK (no nonce was issued); on failure the
 * evidence is all zero; the nonce store is unchanged; the same input gives
 * the same verdict twice.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/attest/eat_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static fx_ca g_ca;
static fx_device g_dev;
static moat_x509_store g_store;
static moat_nonce_store g_nonces;
static void *g_work;
static size_t g_work_size;
static int g_ready;

static void check(int ok)
{
    if (!ok) {
        abort();
    }
}

static void setup(void)
{
    check(fx_ca_make_seeded(&g_ca, "moat EAT interop CA", 0x3C) == MOAT_OK);
    check(fx_device_make(&g_dev, 0x5E, &g_ca, false) == MOAT_OK);
    check(moat_x509_store_init(&g_store, NULL, 0) == MOAT_OK);
    check(moat_x509_store_add(&g_store, g_ca.cert, g_ca.cert_len) == MOAT_OK);
    g_work_size = moat_eat_verify_work_size();
    g_work = malloc(g_work_size);
    check(g_work != NULL);
    g_ready = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static moat_eat_evidence ev, zero;
    static moat_nonce_store before;
    moat_eat_policy p;
    moat_err e1, e2;
    size_t i;

    if (!g_ready) {
        setup();
    }
    check(moat_nonce_store_init(&g_nonces) == MOAT_OK);
    memcpy(&before, &g_nonces, sizeof(before));
    memset(&p, 0, sizeof(p));
    p.store = (size & 1u) ? &g_store : NULL;
    p.device_ids = &g_dev.device_id_pub;
    p.device_id_count = 1;
    p.nonces = &g_nonces;
    p.now = 1700000000;
    p.iat_max_age = 86400;
    p.iat_skew = 60;
    p.dbgstat_allowed = MOAT_EAT_DBG_ANY;

    e1 = moat_eat_verify((const char *)data, size, &p, g_work, g_work_size, &ev);
    check(e1 != MOAT_OK);
    for (i = 0; i < sizeof(ev); i++) {
        check(((const uint8_t *)&ev)[i] == ((const uint8_t *)&zero)[i]);
    }
    check(memcmp(&before, &g_nonces, sizeof(before)) == 0);
    e2 = moat_eat_verify((const char *)data, size, &p, g_work, g_work_size, &ev);
    check(e1 == e2);
    return 0;
}
