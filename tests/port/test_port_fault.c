/*
 * The port conformance suite against the fault port wrapping the POSIX port
 * with no fault enabled (a wrapper must be transparent), plus tests of the
 * fault knobs themselves and of the moat_port_* wrappers of port.h.
 */
#define _GNU_SOURCE 1

#include <stdarg.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conformance.h"
#include "moat/core.h"
#include "moat/crypto.h"
#include "moat_port_fault.h"
#include "moat_port_posix.h"

#define PCALL(port, fn, ...) ((port)->ops->fn((port)->ctx, __VA_ARGS__))

/* ----------------------------------------------------------- the factory */

typedef struct fault_state {
    moat_port_posix p;
    moat_port_posix_config cfg;
    moat_port inner;
    moat_port_fault f;
    char dir[256];
} fault_state;

static moat_err fault_open(void *state, const char *dir, moat_port *out)
{
    fault_state *s = state;
    moat_err rc;
    memset(&s->cfg, 0, sizeof(s->cfg));
    s->cfg.slot_size[0] = 16384;
    s->cfg.slot_size[1] = 8192;
    s->cfg.erase_size = 4096;
    (void)snprintf(s->dir, sizeof(s->dir), "%s", dir);
    rc = moat_port_posix_open(&s->p, s->dir, &s->cfg, &s->inner);
    if (rc != MOAT_OK) {
        return rc;
    }
    return moat_port_fault_wrap(&s->f, &s->inner, out);
}

static moat_err fault_reopen(void *state, moat_port *out)
{
    fault_state *s = state;
    moat_err rc;
    moat_port_posix_close(&s->p);
    rc = moat_port_posix_open(&s->p, s->dir, &s->cfg, &s->inner);
    if (rc != MOAT_OK) {
        return rc;
    }
    return moat_port_fault_wrap(&s->f, &s->inner, out);
}

static void fault_close(void *state)
{
    fault_state *s = state;
    moat_port_posix_close(&s->p);
}

/* The port under test is the fault port: its entropy knob is its source. */
static void fault_entropy_fail(void *state, bool fail)
{
    fault_state *s = state;
    moat_port_fault_entropy_fail_after(&s->f, fail ? 0u : MOAT_PORT_FAULT_NEVER);
}

static const port_factory fault_factory = {
    .name = "fault(posix), no fault enabled",
    .state_size = sizeof(fault_state),
    .open = fault_open,
    .reopen = fault_reopen,
    .close = fault_close,
    .has_time = true,
    .has_uds = true,
    .counter_max = UINT64_MAX,
    .slot_present = 0,
    .slot_absent = 2,
    .entropy_fail = fault_entropy_fail,
};

/* ---------------------------------------------------- fault knob tests */

static int fx_setup(void **st)
{
    fault_state *s = calloc(1, sizeof(*s));
    moat_port *port = calloc(1, sizeof(*port));
    char *dir = calloc(1, 256);
    void **trio = calloc(3, sizeof(void *));
    if (s == NULL || port == NULL || dir == NULL || trio == NULL) {
        free(s);
        free(port);
        free(dir);
        free(trio);
        return -1;
    }
    pc_make_tmpdir(dir, 256);
    if (fault_open(s, dir, port) != MOAT_OK) {
        return -1;
    }
    trio[0] = s;
    trio[1] = port;
    trio[2] = dir;
    *st = trio;
    return 0;
}

static int fx_teardown(void **st)
{
    void **trio = *st;
    fault_close(trio[0]);
    pc_remove_tree(trio[2]);
    free(trio[0]);
    free(trio[1]);
    free(trio[2]);
    free(trio);
    return 0;
}

#define FX_STATE(st) ((fault_state *)((void **)*(st))[0])
#define FX_PORT(st) ((moat_port *)((void **)*(st))[1])

static void test_write_counting(void **st)
{
    fault_state *s = FX_STATE(st);
    moat_port *fp = FX_PORT(st);
    uint8_t b[4] = {1, 2, 3, 4};
    uint64_t v = 0;
    size_t len = 0;
    assert_int_equal(moat_port_fault_writes(&s->f), 0);
    assert_int_equal(PCALL(fp, record_write, 0, b, 4), MOAT_OK);
    assert_int_equal(PCALL(fp, record_read, 0, b, 4, &len), MOAT_OK); /* reads don't count */
    assert_int_equal(PCALL(fp, counter_read, 0, &v), MOAT_OK);
    assert_int_equal(moat_port_fault_writes(&s->f), 1);
    /* a failing write still counts (its index is fixed by the caller's code) */
    assert_int_equal(PCALL(fp, record_write, MOAT_PORT_RECORD_COUNT, b, 4),
                     MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(PCALL(fp, counter_advance, 0, 2), MOAT_OK);
    assert_int_equal(PCALL(fp, record_erase, 0), MOAT_OK);
    assert_int_equal(PCALL(fp, slot_erase, 0), MOAT_OK);
    assert_int_equal(PCALL(fp, slot_write, 0, 0, b, 4), MOAT_OK);
    assert_int_equal(PCALL(fp, key_generate, 0, MOAT_CURVE_P256), MOAT_OK);
    assert_int_equal(moat_port_fault_writes(&s->f), 7);
    moat_port_fault_reboot(&s->f);
    assert_int_equal(moat_port_fault_writes(&s->f), 0);
}

static void test_cut_kills_everything(void **st)
{
    fault_state *s = FX_STATE(st);
    moat_port *fp = FX_PORT(st);
    uint8_t b[MOAT_PORT_UDS_SIZE];
    uint8_t sig[MOAT_ECDSA_RAW_MAX];
    uint64_t v = 9;
    int64_t t = 9;
    size_t len = 9;
    moat_ec_public_key pub;
    moat_port_slot_info info;
    assert_int_equal(PCALL(fp, key_generate, 1, MOAT_CURVE_P256), MOAT_OK);
    assert_int_equal(PCALL(fp, counter_advance, 0, 4), MOAT_OK);
    moat_port_fault_cut_at(&s->f, 3, MOAT_PORT_FAULT_CUT_BEFORE);
    assert_int_equal(PCALL(fp, counter_advance, 0, 5), MOAT_ERR_PORT_POWER_CUT);
    assert_true(moat_port_fault_is_cut(&s->f));
    memset(b, 0xAA, sizeof(b));
    assert_int_equal(PCALL(fp, entropy, b, 16), MOAT_ERR_PORT_POWER_CUT);
    assert_int_equal(b[0], 0);
    assert_int_equal(PCALL(fp, time_now, &t), MOAT_ERR_PORT_POWER_CUT);
    assert_int_equal(t, 0);
    memset(b, 0xAA, sizeof(b));
    assert_int_equal(PCALL(fp, device_secret, b, sizeof(b)), MOAT_ERR_PORT_POWER_CUT);
    assert_int_equal(b[63], 0);
    assert_int_equal(PCALL(fp, counter_read, 0, &v), MOAT_ERR_PORT_POWER_CUT);
    assert_int_equal(v, 0);
    assert_int_equal(PCALL(fp, measure_firmware, MOAT_HASH_SHA256, b, 32, &len),
                     MOAT_ERR_PORT_POWER_CUT);
    assert_int_equal(len, 0);
    assert_int_equal(PCALL(fp, key_public, 1, &pub), MOAT_ERR_PORT_POWER_CUT);
    memset(b, 0x11, sizeof(b));
    memset(sig, 0xAA, sizeof(sig));
    assert_int_equal(PCALL(fp, key_sign, 1, MOAT_HASH_SHA256, b, 32, sig), MOAT_ERR_PORT_POWER_CUT);
    for (size_t i = 0; i < sizeof(sig); i++) {
        assert_int_equal(sig[i], 0); /* wiped over MOAT_ECDSA_RAW_MAX */
    }
    assert_int_equal(PCALL(fp, slot_info, 0, &info), MOAT_ERR_PORT_POWER_CUT);
    assert_int_equal(PCALL(fp, slot_read, 0, 0, b, 4), MOAT_ERR_PORT_POWER_CUT);
    assert_int_equal(PCALL(fp, slot_write, 0, 0, b, 4), MOAT_ERR_PORT_POWER_CUT);
    assert_int_equal(PCALL(fp, slot_erase, 0), MOAT_ERR_PORT_POWER_CUT);
    assert_int_equal(PCALL(fp, key_generate, 1, MOAT_CURVE_P256), MOAT_ERR_PORT_POWER_CUT);
    assert_int_equal(PCALL(fp, record_erase, 0), MOAT_ERR_PORT_POWER_CUT);
    assert_int_equal(moat_port_fault_writes(&s->f), 3); /* dead calls are not writes */
    /* the storage saw none of it */
    assert_int_equal(PCALL(&s->inner, counter_read, 0, &v), MOAT_OK);
    assert_int_equal(v, 4);
    moat_port_fault_reboot(&s->f);
    assert_false(moat_port_fault_is_cut(&s->f));
    assert_int_equal(PCALL(fp, counter_read, 0, &v), MOAT_OK);
    assert_int_equal(v, 4);
    assert_int_equal(PCALL(fp, key_public, 1, &pub), MOAT_OK);
    /* the cut is disarmed by the reboot */
    for (int i = 0; i < 5; i++) {
        assert_int_equal(PCALL(fp, counter_advance, 0, 5u + (uint64_t)i), MOAT_OK);
    }
}

/* key_generate draws on the entropy knob: counted, nothing changed. */
static void test_keygen_entropy_knob(void **st)
{
    fault_state *s = FX_STATE(st);
    moat_port *fp = FX_PORT(st);
    moat_ec_public_key a;
    moat_ec_public_key b;
    uint8_t buf[8];
    assert_int_equal(PCALL(fp, key_generate, 0, MOAT_CURVE_P256), MOAT_OK);
    assert_int_equal(PCALL(fp, key_public, 0, &a), MOAT_OK);
    moat_port_fault_entropy_fail_after(&s->f, 1);
    assert_int_equal(PCALL(fp, entropy, buf, sizeof(buf)), MOAT_OK); /* the 1 good call */
    assert_int_equal(PCALL(fp, key_generate, 0, MOAT_CURVE_P256), MOAT_ERR_PORT_ENTROPY);
    assert_int_equal(PCALL(fp, key_generate, 3, MOAT_CURVE_P256), MOAT_ERR_PORT_ENTROPY);
    assert_int_equal(moat_port_fault_writes(&s->f), 3); /* still persistent writes */
    assert_int_equal(PCALL(fp, key_public, 0, &b), MOAT_OK);
    assert_memory_equal(a.q, b.q, a.q_len);
    assert_int_equal(PCALL(fp, key_public, 3, &b), MOAT_ERR_PORT_NOT_FOUND);
    /* key_generate uses up one good call like entropy() */
    moat_port_fault_entropy_fail_after(&s->f, 1);
    assert_int_equal(PCALL(fp, key_generate, 3, MOAT_CURVE_P256), MOAT_OK);
    assert_int_equal(PCALL(fp, entropy, buf, sizeof(buf)), MOAT_ERR_PORT_ENTROPY);
    /* a cut at a key_generate wins over the entropy failure */
    moat_port_fault_entropy_fail_after(&s->f, 0);
    moat_port_fault_cut_at(&s->f, moat_port_fault_writes(&s->f) + 1u, MOAT_PORT_FAULT_CUT_AFTER);
    assert_int_equal(PCALL(fp, key_generate, 3, MOAT_CURVE_P256), MOAT_ERR_PORT_POWER_CUT);
}

/* Torn erase: no partial-erase call exists, so the slot is left untouched. */
static void test_torn_erase_is_before(void **st)
{
    fault_state *s = FX_STATE(st);
    moat_port *fp = FX_PORT(st);
    static uint8_t data[16384];
    static uint8_t got[16384];
    for (size_t i = 0; i < sizeof(data); i++) {
        data[i] = (uint8_t)(i * 13u + 1u);
    }
    assert_int_equal(PCALL(fp, slot_erase, 0), MOAT_OK);
    assert_int_equal(PCALL(fp, slot_write, 0, 0, data, sizeof(data)), MOAT_OK);
    moat_port_fault_cut_at(&s->f, 3, MOAT_PORT_FAULT_CUT_TORN);
    assert_int_equal(PCALL(fp, slot_erase, 0), MOAT_ERR_PORT_POWER_CUT);
    moat_port_fault_reboot(&s->f);
    assert_int_equal(PCALL(fp, slot_read, 0, 0, got, sizeof(got)), MOAT_OK);
    assert_memory_equal(got, data, sizeof(data));
}

static void test_cut_at_passed_index(void **st)
{
    fault_state *s = FX_STATE(st);
    moat_port *fp = FX_PORT(st);
    assert_int_equal(PCALL(fp, counter_advance, 0, 1), MOAT_OK);
    assert_int_equal(PCALL(fp, counter_advance, 0, 2), MOAT_OK);
    moat_port_fault_cut_at(&s->f, 2, MOAT_PORT_FAULT_CUT_BEFORE); /* already passed */
    assert_int_equal(PCALL(fp, counter_advance, 0, 3), MOAT_OK);
    assert_false(moat_port_fault_is_cut(&s->f));
    moat_port_fault_cut_at(&s->f, 0, MOAT_PORT_FAULT_CUT_BEFORE); /* disarmed */
    assert_int_equal(PCALL(fp, counter_advance, 0, 4), MOAT_OK);
    assert_false(moat_port_fault_is_cut(&s->f));
}

static void test_wrap_rejects(void **st)
{
    fault_state *s = FX_STATE(st);
    moat_port_fault f2;
    moat_port out;
    moat_port_ops bad = *moat_port_posix_ops();
    moat_port badport = {&bad, &s->p};
    bad.abi_version = MOAT_PORT_ABI_VERSION + 1u;
    memset(&out, 0xAA, sizeof(out));
    assert_int_equal(moat_port_fault_wrap(&f2, &badport, &out), MOAT_ERR_INVALID_ARGUMENT);
    assert_null(out.ops);
    assert_int_equal(moat_port_fault_wrap(&f2, NULL, &out), MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_port_fault_wrap(NULL, &s->inner, &out), MOAT_ERR_INVALID_ARGUMENT);
    /* the port.h wrappers refuse a port of another ABI */
    assert_int_equal(moat_port_check(&badport), MOAT_ERR_UNSUPPORTED);
    assert_int_equal(moat_port_check(NULL), MOAT_ERR_INVALID_ARGUMENT);
    uint8_t b[8];
    memset(b, 0xAA, sizeof(b));
    assert_int_equal(moat_port_entropy(&badport, b, sizeof(b)), MOAT_ERR_PORT_ENTROPY);
    assert_int_equal(b[7], 0);
}

/* A deliberately faulty port: fails without wiping, to test the wrappers. */
static moat_err leaky_entropy(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    memset(out, 0x5A, len);
    return MOAT_ERR_PORT_ENTROPY;
}

static moat_err leaky_record_read(void *ctx, uint32_t id, uint8_t *buf, size_t cap, size_t *len)
{
    (void)ctx;
    (void)id;
    memset(buf, 0x5A, cap);
    *len = 3;
    return MOAT_ERR_PORT_IO;
}

static moat_err leaky_uds(void *ctx, uint8_t *uds, size_t len)
{
    (void)ctx;
    memset(uds, 0x5A, len);
    return MOAT_ERR_PORT_IO;
}

static moat_err leaky_key_sign(void *ctx, uint32_t key_id, moat_hash_alg hash_alg,
                               const uint8_t *hash, size_t hash_len, uint8_t *sig_raw)
{
    (void)ctx;
    (void)key_id;
    (void)hash_alg;
    (void)hash;
    (void)hash_len;
    memset(sig_raw, 0x5A, MOAT_ECDSA_RAW_MAX);
    return MOAT_ERR_PORT_IO;
}

static void test_wrappers_fail_closed(void **st)
{
    static const moat_port_ops leaky = {
        .abi_version = MOAT_PORT_ABI_VERSION,
        .entropy = leaky_entropy,
        .device_secret = leaky_uds,
        .record_read = leaky_record_read,
        .key_sign = leaky_key_sign,
    };
    moat_port port = {&leaky, NULL};
    uint8_t b[MOAT_PORT_UDS_SIZE];
    size_t len = 0;
    int64_t t = 5;
    uint64_t v = 5;
    moat_port_slot_info info;
    (void)st;
    assert_int_equal(moat_port_entropy(&port, b, sizeof(b)), MOAT_ERR_PORT_ENTROPY);
    for (size_t i = 0; i < sizeof(b); i++) {
        assert_int_equal(b[i], 0);
    }
    assert_int_equal(moat_port_device_secret(&port, b, sizeof(b)), MOAT_ERR_PORT_IO);
    assert_int_equal(b[0], 0);
    assert_int_equal(moat_port_record_read(&port, 0, b, 16, &len), MOAT_ERR_PORT_IO);
    assert_int_equal(len, 0);
    assert_int_equal(b[15], 0);
    /* absent functions give their documented fallbacks */
    assert_int_equal(moat_port_time(&port, &t), MOAT_ERR_PORT_NO_TIME);
    assert_int_equal(t, 0);
    assert_int_equal(moat_port_counter_read(&port, 0, &v), MOAT_ERR_UNSUPPORTED);
    assert_int_equal(v, 0);
    assert_int_equal(moat_port_counter_advance(&port, 0, 1), MOAT_ERR_UNSUPPORTED);
    assert_int_equal(moat_port_slot_info_get(&port, 0, &info), MOAT_ERR_PORT_NOT_FOUND);
    assert_int_equal(moat_port_key_generate(&port, 0, MOAT_CURVE_P256), MOAT_ERR_UNSUPPORTED);
    assert_int_equal(moat_port_record_write(&port, 0, b, 1), MOAT_ERR_UNSUPPORTED);
    assert_int_equal(moat_port_device_secret(&port, b, 32), MOAT_ERR_INVALID_ARGUMENT);
    /* key_sign: the wrapper re-wipes all MOAT_ECDSA_RAW_MAX bytes */
    {
        uint8_t sig[MOAT_ECDSA_RAW_MAX + 4];
        memset(sig, 0xAA, sizeof(sig));
        assert_int_equal(moat_port_key_sign(&port, 0, MOAT_HASH_SHA256, b, 32, sig),
                         MOAT_ERR_PORT_IO);
        for (size_t i = 0; i < MOAT_ECDSA_RAW_MAX; i++) {
            assert_int_equal(sig[i], 0);
        }
        assert_int_equal(sig[MOAT_ECDSA_RAW_MAX], 0xAA);
        assert_int_equal(moat_port_key_sign(&port, 0, MOAT_HASH_SHA256, b, 32, NULL),
                         MOAT_ERR_INVALID_ARGUMENT);
    }
}

/*
 * moat_port_signer() hands moat a sign callback whose buffer is only
 * 2 * curve size (the moat_signer contract), while a port wipes
 * MOAT_ECDSA_RAW_MAX bytes on failure: the adapter must not overrun it.
 */
static void test_signer_no_overrun(void **st)
{
    fault_state *s = FX_STATE(st);
    moat_port *fp = FX_PORT(st);
    moat_port_key key;
    moat_signer signer;
    uint8_t digest[32];
    uint8_t buf[64 + 32];
    memset(digest, 7, sizeof(digest));
    assert_int_equal(PCALL(fp, key_generate, 4, MOAT_CURVE_P256), MOAT_OK);
    assert_int_equal(moat_port_signer(&key, fp, 4, &signer), MOAT_OK);
    /* success: exactly 64 bytes written */
    memset(buf, 0xAA, sizeof(buf));
    assert_int_equal(signer.sign(signer.ctx, MOAT_HASH_SHA256, digest, 32, buf), MOAT_OK);
    for (size_t i = 64; i < sizeof(buf); i++) {
        assert_int_equal(buf[i], 0xAA);
    }
    assert_int_equal(moat_ecdsa_verify_digest(&signer.pub, digest, 32, MOAT_SIG_RAW, buf, 64),
                     MOAT_OK);
    /* failure (power off): the 64 bytes wiped, nothing past them touched */
    moat_port_fault_cut_at(&s->f, moat_port_fault_writes(&s->f) + 1u, MOAT_PORT_FAULT_CUT_BEFORE);
    assert_int_equal(PCALL(fp, record_erase, 0), MOAT_ERR_PORT_POWER_CUT);
    memset(buf, 0xAA, sizeof(buf));
    assert_int_equal(signer.sign(signer.ctx, MOAT_HASH_SHA256, digest, 32, buf),
                     MOAT_ERR_PORT_POWER_CUT);
    for (size_t i = 0; i < sizeof(buf); i++) {
        assert_int_equal(buf[i], i < 64 ? 0 : 0xAA);
    }
    moat_port_fault_reboot(&s->f);
    /* through moat_signer_sign_digest too */
    memset(buf, 0xAA, sizeof(buf));
    assert_int_equal(moat_signer_sign_digest(&signer, MOAT_HASH_SHA256, digest, 32, buf), MOAT_OK);
    assert_int_equal(buf[64], 0xAA);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write_counting, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_cut_kills_everything, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_cut_at_passed_index, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_keygen_entropy_knob, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_torn_erase_is_before, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_signer_no_overrun, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_wrap_rejects, fx_setup, fx_teardown),
        cmocka_unit_test(test_wrappers_fail_closed),
    };
    int failed = port_conformance_run(&fault_factory);
    failed += cmocka_run_group_tests_name("fault port knobs", tests, NULL, NULL);
    return failed;
}
