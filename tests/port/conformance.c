/*
 * Port conformance suite (see conformance.h and docs/porting.md).
 *
 * Every test calls the port's function table directly (not the moat_port_*
 * wrappers, which would mask a port that forgets to wipe), and every
 * negative case asserts the exact error code and that nothing changed.
 */
#define _GNU_SOURCE 1

#include "conformance.h"

#include <ftw.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "moat/core.h"
#include "moat/crypto.h"
#include "moat_port_fault.h"

#define PCALL(port, fn, ...) ((port)->ops->fn((port)->ctx, __VA_ARGS__))
#define DIR_CAP 256u
#define POSIX_FLOOR 1577836800 /* 2020-01-01: any trusted clock is later */

static const port_factory *g_fac;

typedef struct pc_fixture {
    const port_factory *fac;
    void *state;
    char dir[DIR_CAP];
    moat_port port;
} pc_fixture;

/* ------------------------------------------------------------- helpers */

void pc_make_tmpdir(char *out, size_t cap)
{
    const char *base = getenv("TMPDIR");
    int n;
    if (base == NULL || base[0] == '\0') {
        base = "/tmp";
    }
    n = snprintf(out, cap, "%s/moat-port-XXXXXX", base);
    assert_true(n > 0 && (size_t)n < cap);
    assert_non_null(mkdtemp(out));
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void pc_remove_tree(const char *dir)
{
    if (dir != NULL && dir[0] != '\0') {
        (void)nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    }
}

static int pc_setup(void **st)
{
    pc_fixture *fx = calloc(1, sizeof(*fx));
    if (fx == NULL) {
        return -1;
    }
    fx->fac = g_fac;
    fx->state = calloc(1, g_fac->state_size);
    if (fx->state == NULL) {
        free(fx);
        return -1;
    }
    pc_make_tmpdir(fx->dir, sizeof(fx->dir));
    if (g_fac->open(fx->state, fx->dir, &fx->port) != MOAT_OK) {
        pc_remove_tree(fx->dir);
        free(fx->state);
        free(fx);
        return -1;
    }
    *st = fx;
    return 0;
}

static int pc_teardown(void **st)
{
    pc_fixture *fx = *st;
    fx->fac->close(fx->state);
    pc_remove_tree(fx->dir);
    free(fx->state);
    free(fx);
    return 0;
}

/* Reboot the port under test. */
static void pc_reopen(pc_fixture *fx)
{
    assert_int_equal(fx->fac->reopen(fx->state, &fx->port), MOAT_OK);
}

/* Start again from empty storage. */
static void pc_fresh(pc_fixture *fx)
{
    fx->fac->close(fx->state);
    pc_remove_tree(fx->dir);
    pc_make_tmpdir(fx->dir, sizeof(fx->dir));
    assert_int_equal(fx->fac->open(fx->state, fx->dir, &fx->port), MOAT_OK);
}

static bool all_equal(const uint8_t *b, size_t n, uint8_t v)
{
    for (size_t i = 0; i < n; i++) {
        if (b[i] != v) {
            return false;
        }
    }
    return true;
}

/* Deterministic content for record payloads: a torn copy never matches. */
static void pattern(uint8_t *b, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++) {
        b[i] = (uint8_t)(seed ^ (uint8_t)(i * 31u) ^ (uint8_t)(i >> 8));
    }
}

/* ------------------------------------------------------------ the table */

static void test_abi(void **st)
{
    pc_fixture *fx = *st;
    assert_non_null(fx->port.ops);
    assert_int_equal(fx->port.ops->abi_version, MOAT_PORT_ABI_VERSION);
    assert_int_equal(moat_port_check(&fx->port), MOAT_OK);
    assert_non_null(fx->port.ops->entropy);
    assert_non_null(fx->port.ops->time_now);
    assert_non_null(fx->port.ops->counter_read);
    assert_non_null(fx->port.ops->counter_advance);
    assert_non_null(fx->port.ops->record_read);
    assert_non_null(fx->port.ops->record_write);
    assert_non_null(fx->port.ops->record_erase);
}

/* -------------------------------------------------------------- entropy */

static void test_entropy_nonconstant(void **st)
{
    pc_fixture *fx = *st;
    uint8_t a[32];
    uint8_t b[32];
    uint8_t big[1000];
    memset(a, 0, sizeof(a));
    memset(b, 0, sizeof(b));
    assert_int_equal(PCALL(&fx->port, entropy, a, sizeof(a)), MOAT_OK);
    assert_int_equal(PCALL(&fx->port, entropy, b, sizeof(b)), MOAT_OK);
    assert_false(all_equal(a, sizeof(a), 0));
    assert_false(all_equal(b, sizeof(b), 0));
    assert_memory_not_equal(a, b, sizeof(a));
    memset(big, 0, sizeof(big));
    assert_int_equal(PCALL(&fx->port, entropy, big, sizeof(big)), MOAT_OK);
    assert_false(all_equal(big + 968, 32, 0)); /* the tail was filled too */
    assert_int_equal(PCALL(&fx->port, entropy, a, 0), MOAT_OK);
}

static void test_entropy_fail_closed(void **st)
{
    pc_fixture *fx = *st;
    moat_port_fault f;
    moat_port fp;
    uint8_t buf[48];
    assert_int_equal(moat_port_fault_wrap(&f, &fx->port, &fp), MOAT_OK);
    moat_port_fault_entropy_fail_after(&f, 0);
    memset(buf, 0xAA, sizeof(buf));
    assert_int_equal(PCALL(&fp, entropy, buf, sizeof(buf)), MOAT_ERR_PORT_ENTROPY);
    assert_true(all_equal(buf, sizeof(buf), 0));
    /* the moat_rng_fn adapter fails closed the same way */
    memset(buf, 0xAA, sizeof(buf));
    assert_int_equal(moat_port_rng(&fp, buf, sizeof(buf)), MOAT_ERR_PORT_ENTROPY);
    assert_true(all_equal(buf, sizeof(buf), 0));
    /* after N: N calls succeed, then every call fails */
    moat_port_fault_entropy_fail_after(&f, 2);
    assert_int_equal(PCALL(&fp, entropy, buf, sizeof(buf)), MOAT_OK);
    assert_int_equal(PCALL(&fp, entropy, buf, sizeof(buf)), MOAT_OK);
    assert_false(all_equal(buf, sizeof(buf), 0));
    assert_int_equal(PCALL(&fp, entropy, buf, sizeof(buf)), MOAT_ERR_PORT_ENTROPY);
    assert_true(all_equal(buf, sizeof(buf), 0));
    assert_int_equal(PCALL(&fp, entropy, buf, sizeof(buf)), MOAT_ERR_PORT_ENTROPY);
    moat_port_fault_entropy_fail_after(&f, MOAT_PORT_FAULT_NEVER);
    assert_int_equal(PCALL(&fp, entropy, buf, sizeof(buf)), MOAT_OK);
    assert_false(all_equal(buf, sizeof(buf), 0));
}

/*
 * The port's OWN entropy source failing (not the fault port's knob): needs
 * the factory's entropy_fail hook. Output wiped over its whole length (even
 * if the source produced part of it), key generation fails with
 * MOAT_ERR_PORT_ENTROPY and changes nothing (old key kept, absent key
 * stays absent), and everything works again once the source recovers.
 */
static void test_entropy_port_fail_closed(void **st)
{
    pc_fixture *fx = *st;
    moat_ec_public_key before;
    moat_ec_public_key after;
    uint8_t buf[200];
    if (fx->fac->entropy_fail == NULL) {
        print_message("NOTICE: port '%s' has no entropy_fail hook: port-level entropy "
                      "failure NOT tested (only the fault port's knob is)\n",
                      fx->fac->name);
        skip();
    }
    if (fx->port.ops->key_generate != NULL) {
        assert_int_equal(PCALL(&fx->port, key_generate, 0, MOAT_CURVE_P256), MOAT_OK);
        assert_int_equal(PCALL(&fx->port, key_public, 0, &before), MOAT_OK);
    }
    fx->fac->entropy_fail(fx->state, true);
    memset(buf, 0xAA, sizeof(buf));
    assert_int_equal(PCALL(&fx->port, entropy, buf, sizeof(buf)), MOAT_ERR_PORT_ENTROPY);
    assert_true(all_equal(buf, sizeof(buf), 0));
    memset(buf, 0xAA, sizeof(buf));
    assert_int_equal(PCALL(&fx->port, entropy, buf, 1), MOAT_ERR_PORT_ENTROPY);
    assert_int_equal(buf[0], 0);
    assert_int_equal(buf[1], 0xAA); /* wiped over len only */
    if (fx->port.ops->key_generate != NULL) {
        assert_int_equal(PCALL(&fx->port, key_generate, 0, MOAT_CURVE_P256),
                         MOAT_ERR_PORT_ENTROPY);
        assert_int_equal(PCALL(&fx->port, key_generate, 1, MOAT_CURVE_P384),
                         MOAT_ERR_PORT_ENTROPY);
    }
    fx->fac->entropy_fail(fx->state, false);
    if (fx->port.ops->key_generate != NULL) {
        assert_int_equal(PCALL(&fx->port, key_public, 0, &after), MOAT_OK);
        assert_int_equal(after.q_len, before.q_len);
        assert_memory_equal(after.q, before.q, before.q_len);
        assert_int_equal(PCALL(&fx->port, key_public, 1, &after), MOAT_ERR_PORT_NOT_FOUND);
        assert_int_equal(PCALL(&fx->port, key_generate, 1, MOAT_CURVE_P384), MOAT_OK);
    }
    assert_int_equal(PCALL(&fx->port, entropy, buf, sizeof(buf)), MOAT_OK);
    assert_false(all_equal(buf + 100, 100, 0));
}

/* ----------------------------------------------------------------- time */

static void test_time(void **st)
{
    pc_fixture *fx = *st;
    int64_t t1 = -1;
    int64_t t2 = -1;
    moat_err rc = PCALL(&fx->port, time_now, &t1);
    if (!fx->fac->has_time) {
        assert_int_equal(rc, MOAT_ERR_PORT_NO_TIME);
        assert_int_equal(t1, 0);
        return;
    }
    assert_int_equal(rc, MOAT_OK);
    assert_true(t1 >= POSIX_FLOOR);
    assert_int_equal(PCALL(&fx->port, time_now, &t2), MOAT_OK);
    assert_true(t2 >= t1);
}

static void test_time_faults(void **st)
{
    pc_fixture *fx = *st;
    moat_port_fault f;
    moat_port fp;
    int64_t t0 = 0;
    int64_t t = -1;
    if (!fx->fac->has_time) {
        skip();
    }
    assert_int_equal(moat_port_fault_wrap(&f, &fx->port, &fp), MOAT_OK);
    assert_int_equal(PCALL(&fx->port, time_now, &t0), MOAT_OK);
    moat_port_fault_set_clock(&f, 86400, false);
    assert_int_equal(PCALL(&fp, time_now, &t), MOAT_OK);
    assert_true(t >= t0 + 86400 && t <= t0 + 86400 + 60);
    moat_port_fault_set_clock(&f, -3600, false);
    assert_int_equal(PCALL(&fp, time_now, &t), MOAT_OK);
    assert_true(t >= t0 - 3600 && t <= t0 - 3600 + 60);
    moat_port_fault_set_clock(&f, 0, true);
    t = -1;
    assert_int_equal(PCALL(&fp, time_now, &t), MOAT_ERR_PORT_NO_TIME);
    assert_int_equal(t, 0);
    moat_port_fault_set_clock(&f, INT64_MAX, false);
    t = -1;
    assert_int_equal(PCALL(&fp, time_now, &t), MOAT_ERR_PORT_NO_TIME);
    assert_int_equal(t, 0);
}

/* ------------------------------------------------------- device secret */

static void test_uds(void **st)
{
    pc_fixture *fx = *st;
    uint8_t a[MOAT_PORT_UDS_SIZE];
    uint8_t b[MOAT_PORT_UDS_SIZE];
    memset(a, 0xAA, sizeof(a));
    if (!fx->fac->has_uds) {
        assert_int_equal(PCALL(&fx->port, device_secret, a, sizeof(a)),
                         MOAT_ERR_PORT_NO_SECRET);
        assert_true(all_equal(a, sizeof(a), 0));
        return;
    }
    assert_int_equal(PCALL(&fx->port, device_secret, a, sizeof(a)), MOAT_OK);
    assert_false(all_equal(a, sizeof(a), 0));
    assert_int_equal(PCALL(&fx->port, device_secret, b, sizeof(b)), MOAT_OK);
    assert_memory_equal(a, b, sizeof(a));
    /* wrong length: rejected, output wiped */
    memset(b, 0xAA, sizeof(b));
    assert_int_equal(PCALL(&fx->port, device_secret, b, 32), MOAT_ERR_INVALID_ARGUMENT);
    assert_true(all_equal(b, 32, 0));
    /* stable across a reboot */
    pc_reopen(fx);
    memset(b, 0, sizeof(b));
    assert_int_equal(PCALL(&fx->port, device_secret, b, sizeof(b)), MOAT_OK);
    assert_memory_equal(a, b, sizeof(a));
    moat_wipe(a, sizeof(a));
    moat_wipe(b, sizeof(b));
}

/* -------------------------------------------------- firmware measurement */

static void test_measure(void **st)
{
    pc_fixture *fx = *st;
    uint8_t d1[MOAT_HASH_MAX_SIZE];
    uint8_t d2[MOAT_HASH_MAX_SIZE];
    size_t len = 0;
    if (fx->port.ops->measure_firmware == NULL) {
        skip();
    }
    assert_int_equal(PCALL(&fx->port, measure_firmware, MOAT_HASH_SHA256, d1, sizeof(d1), &len),
                     MOAT_OK);
    assert_int_equal(len, 32);
    assert_int_equal(PCALL(&fx->port, measure_firmware, MOAT_HASH_SHA256, d2, sizeof(d2), &len),
                     MOAT_OK);
    assert_memory_equal(d1, d2, 32);
    assert_int_equal(PCALL(&fx->port, measure_firmware, MOAT_HASH_SHA384, d2, sizeof(d2), &len),
                     MOAT_OK);
    assert_int_equal(len, 48);
    /* too small: size needed reported, output wiped, no overrun */
    memset(d2, 0xAA, sizeof(d2));
    len = 0;
    assert_int_equal(PCALL(&fx->port, measure_firmware, MOAT_HASH_SHA256, d2, 16, &len),
                     MOAT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(len, 32);
    assert_true(all_equal(d2, 16, 0));
    assert_true(all_equal(d2 + 16, sizeof(d2) - 16, 0xAA));
    /* unknown algorithm */
    memset(d2, 0xAA, sizeof(d2));
    len = 7;
    assert_int_equal(PCALL(&fx->port, measure_firmware, (moat_hash_alg)99, d2, sizeof(d2), &len),
                     MOAT_ERR_UNSUPPORTED);
    assert_int_equal(len, 0);
    assert_true(all_equal(d2, sizeof(d2), 0));
}

/* ------------------------------------------------------------- counters */

static uint64_t ctr(pc_fixture *fx, uint32_t id)
{
    uint64_t v = 0xdeadbeef;
    assert_int_equal(PCALL(&fx->port, counter_read, id, &v), MOAT_OK);
    return v;
}

static void test_counter_monotonic(void **st)
{
    pc_fixture *fx = *st;
    uint64_t v = 99;
    for (uint32_t id = 0; id < MOAT_PORT_COUNTER_COUNT; id++) {
        assert_int_equal(ctr(fx, id), 0);
    }
    assert_int_equal(PCALL(&fx->port, counter_advance, 0, 5), MOAT_OK);
    assert_int_equal(ctr(fx, 0), 5);
    assert_int_equal(PCALL(&fx->port, counter_advance, 0, 3), MOAT_ERR_PORT_COUNTER_DECREASE);
    assert_int_equal(ctr(fx, 0), 5);
    assert_int_equal(PCALL(&fx->port, counter_advance, 0, 0), MOAT_ERR_PORT_COUNTER_DECREASE);
    assert_int_equal(ctr(fx, 0), 5);
    assert_int_equal(PCALL(&fx->port, counter_advance, 0, 5), MOAT_OK); /* equal: no-op */
    assert_int_equal(ctr(fx, 0), 5);
    assert_int_equal(PCALL(&fx->port, counter_advance, 0, 6), MOAT_OK);
    assert_int_equal(ctr(fx, 0), 6);
    /* counters are independent */
    assert_int_equal(ctr(fx, 1), 0);
    uint32_t last = MOAT_PORT_COUNTER_COUNT - 1u;
    assert_int_equal(PCALL(&fx->port, counter_advance, last, 1), MOAT_OK);
    assert_int_equal(ctr(fx, last), 1);
    assert_int_equal(ctr(fx, 0), 6);
    /* the maximum, then overflow if the port is narrower than 64 bits */
    assert_int_equal(PCALL(&fx->port, counter_advance, 1, fx->fac->counter_max), MOAT_OK);
    assert_true(ctr(fx, 1) == fx->fac->counter_max);
    assert_int_equal(PCALL(&fx->port, counter_advance, 1, 7), MOAT_ERR_PORT_COUNTER_DECREASE);
    assert_true(ctr(fx, 1) == fx->fac->counter_max);
    if (fx->fac->counter_max < UINT64_MAX) {
        assert_int_equal(PCALL(&fx->port, counter_advance, 2, fx->fac->counter_max + 1u),
                         MOAT_ERR_PORT_COUNTER_OVERFLOW);
        assert_int_equal(ctr(fx, 2), 0);
    }
    /* out-of-range id */
    assert_int_equal(PCALL(&fx->port, counter_read, MOAT_PORT_COUNTER_COUNT, &v),
                     MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(v, 0);
    assert_int_equal(PCALL(&fx->port, counter_advance, MOAT_PORT_COUNTER_COUNT, 1),
                     MOAT_ERR_INVALID_ARGUMENT);
}

static void test_counter_persistent(void **st)
{
    pc_fixture *fx = *st;
    assert_int_equal(PCALL(&fx->port, counter_advance, 3, 1000), MOAT_OK);
    assert_int_equal(PCALL(&fx->port, counter_advance, 4, 1), MOAT_OK);
    pc_reopen(fx);
    assert_int_equal(ctr(fx, 3), 1000);
    assert_int_equal(ctr(fx, 4), 1);
    assert_int_equal(ctr(fx, 5), 0);
    assert_int_equal(PCALL(&fx->port, counter_advance, 3, 999), MOAT_ERR_PORT_COUNTER_DECREASE);
    pc_reopen(fx);
    assert_int_equal(ctr(fx, 3), 1000);
}

/* -------------------------------------------------------------- records */

static uint8_t g_rec[MOAT_PORT_RECORD_MAX + 16];
static uint8_t g_exp[MOAT_PORT_RECORD_MAX + 16];

/* Assert record @p id holds pattern(seed, n), or is absent when n == SIZE_MAX. */
static void expect_record(const moat_port *port, uint32_t id, size_t n, uint8_t seed)
{
    size_t len = 12345;
    moat_err rc = PCALL(port, record_read, id, g_rec, MOAT_PORT_RECORD_MAX, &len);
    if (n == SIZE_MAX) {
        assert_int_equal(rc, MOAT_ERR_PORT_NOT_FOUND);
        assert_int_equal(len, 0);
        return;
    }
    assert_int_equal(rc, MOAT_OK);
    assert_int_equal(len, n);
    pattern(g_exp, n, seed);
    assert_memory_equal(g_rec, g_exp, n);
}

static moat_err write_pattern(const moat_port *port, uint32_t id, size_t n, uint8_t seed)
{
    static uint8_t data[MOAT_PORT_RECORD_MAX + 16];
    pattern(data, n, seed);
    return PCALL(port, record_write, id, data, n);
}

static void test_record_rw(void **st)
{
    pc_fixture *fx = *st;
    uint8_t small[16];
    size_t len = 99;
    expect_record(&fx->port, 0, SIZE_MAX, 0);
    assert_int_equal(write_pattern(&fx->port, 0, 10, 0x11), MOAT_OK);
    expect_record(&fx->port, 0, 10, 0x11);
    expect_record(&fx->port, 1, SIZE_MAX, 0); /* others untouched */
    /* too small: exact size reported, buffer wiped over cap, no overrun */
    memset(small, 0xAA, sizeof(small));
    assert_int_equal(PCALL(&fx->port, record_read, 0, small, 3, &len), MOAT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(len, 10);
    assert_true(all_equal(small, 3, 0));
    assert_true(all_equal(small + 3, sizeof(small) - 3, 0xAA));
    /* the largest record, then a shorter one replaces it entirely */
    assert_int_equal(write_pattern(&fx->port, 0, MOAT_PORT_RECORD_MAX, 0x22), MOAT_OK);
    expect_record(&fx->port, 0, MOAT_PORT_RECORD_MAX, 0x22);
    assert_int_equal(write_pattern(&fx->port, 0, 5, 0x33), MOAT_OK);
    expect_record(&fx->port, 0, 5, 0x33);
    /* empty record exists and differs from absent */
    assert_int_equal(PCALL(&fx->port, record_write, 1, NULL, 0), MOAT_OK);
    expect_record(&fx->port, 1, 0, 0);
    /* erase, and erase of an absent record */
    assert_int_equal(PCALL(&fx->port, record_erase, 0), MOAT_OK);
    expect_record(&fx->port, 0, SIZE_MAX, 0);
    assert_int_equal(PCALL(&fx->port, record_erase, 0), MOAT_OK);
    expect_record(&fx->port, 1, 0, 0);
    /* the last id works; out of range ids are rejected */
    assert_int_equal(write_pattern(&fx->port, MOAT_PORT_RECORD_COUNT - 1u, 7, 0x44), MOAT_OK);
    expect_record(&fx->port, MOAT_PORT_RECORD_COUNT - 1u, 7, 0x44);
    memset(small, 0xAA, sizeof(small));
    len = 99;
    assert_int_equal(PCALL(&fx->port, record_read, MOAT_PORT_RECORD_COUNT, small, sizeof(small), &len),
                     MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(len, 0);
    assert_true(all_equal(small, sizeof(small), 0));
    assert_int_equal(write_pattern(&fx->port, MOAT_PORT_RECORD_COUNT, 7, 0x44),
                     MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(PCALL(&fx->port, record_erase, MOAT_PORT_RECORD_COUNT),
                     MOAT_ERR_INVALID_ARGUMENT);
}

static void test_record_persistent(void **st)
{
    pc_fixture *fx = *st;
    assert_int_equal(write_pattern(&fx->port, 2, 300, 0x55), MOAT_OK);
    assert_int_equal(write_pattern(&fx->port, 3, 1, 0x66), MOAT_OK);
    assert_int_equal(write_pattern(&fx->port, 4, 9, 0x77), MOAT_OK);
    assert_int_equal(PCALL(&fx->port, record_erase, 4), MOAT_OK);
    pc_reopen(fx);
    expect_record(&fx->port, 2, 300, 0x55);
    expect_record(&fx->port, 3, 1, 0x66);
    expect_record(&fx->port, 4, SIZE_MAX, 0);
}

static void test_record_too_large(void **st)
{
    pc_fixture *fx = *st;
    assert_int_equal(write_pattern(&fx->port, 0, 20, 0x12), MOAT_OK);
    assert_int_equal(write_pattern(&fx->port, 0, MOAT_PORT_RECORD_MAX + 1u, 0x34),
                     MOAT_ERR_INPUT_TOO_LARGE);
    expect_record(&fx->port, 0, 20, 0x12);
    assert_int_equal(write_pattern(&fx->port, 1, MOAT_PORT_RECORD_MAX + 1u, 0x34),
                     MOAT_ERR_INPUT_TOO_LARGE);
    expect_record(&fx->port, 1, SIZE_MAX, 0);
    pc_reopen(fx);
    expect_record(&fx->port, 0, 20, 0x12);
    expect_record(&fx->port, 1, SIZE_MAX, 0);
}

/* ------------------------------------------------------------ power cuts */

typedef enum op_kind { OP_REC_WRITE, OP_REC_ERASE, OP_CTR, OP_KEYGEN } op_kind;

typedef struct cut_op {
    op_kind kind;
    uint32_t id;
    uint64_t value; /* record length or counter value */
    uint8_t seed;   /* record pattern */
} cut_op;

#define M_RECS 3u
#define M_CTRS 2u
#define M_MAX_OPS 16u

typedef struct model {
    size_t rec_len[M_RECS]; /* SIZE_MAX: absent */
    uint8_t rec_seed[M_RECS];
    uint64_t ctr[M_CTRS];
    bool key_present;
    moat_ec_public_key key; /* public key of key 0 when present */
} model;

static void model_apply(model *m, const cut_op *op)
{
    switch (op->kind) {
    case OP_REC_WRITE:
        m->rec_len[op->id] = (size_t)op->value;
        m->rec_seed[op->id] = op->seed;
        break;
    case OP_REC_ERASE:
        m->rec_len[op->id] = SIZE_MAX;
        break;
    case OP_CTR:
        m->ctr[op->id] = op->value;
        break;
    case OP_KEYGEN:
        m->key_present = true; /* key filled in by the caller */
        break;
    }
}

static moat_err run_op(const moat_port *port, const cut_op *op)
{
    switch (op->kind) {
    case OP_REC_WRITE:
        return write_pattern(port, op->id, (size_t)op->value, op->seed);
    case OP_REC_ERASE:
        return PCALL(port, record_erase, op->id);
    case OP_CTR:
        return PCALL(port, counter_advance, op->id, op->value);
    case OP_KEYGEN:
    default:
        return PCALL(port, key_generate, 0, MOAT_CURVE_P256);
    }
}

static void check_model(const moat_port *port, const model *m, bool key_changed)
{
    moat_ec_public_key pub;
    for (uint32_t i = 0; i < M_RECS; i++) {
        expect_record(port, i, m->rec_len[i], m->rec_seed[i]);
    }
    for (uint32_t i = 0; i < M_CTRS; i++) {
        uint64_t v = 0;
        assert_int_equal(PCALL(port, counter_read, i, &v), MOAT_OK);
        assert_true(v == m->ctr[i]);
    }
    if (port->ops->key_public == NULL) {
        return;
    }
    if (key_changed) { /* a new key, whichever it is, and usable */
        assert_int_equal(PCALL(port, key_public, 0, &pub), MOAT_OK);
        assert_int_equal(pub.curve, MOAT_CURVE_P256);
        if (m->key_present) {
            assert_memory_not_equal(pub.q, m->key.q, pub.q_len);
        }
    } else if (m->key_present) {
        assert_int_equal(PCALL(port, key_public, 0, &pub), MOAT_OK);
        assert_int_equal(pub.q_len, m->key.q_len);
        assert_memory_equal(pub.q, m->key.q, pub.q_len);
    } else {
        assert_int_equal(PCALL(port, key_public, 0, &pub), MOAT_ERR_PORT_NOT_FOUND);
    }
}

/*
 * For every mode and every index N in 1..n+1: start from a known state, run
 * the script with a cut at write N, reboot, and check the stored state is
 * exactly the model after N-1 writes (cut before, torn) or N writes (cut
 * after): old or new, never torn, never missing. N = n+1 never fires.
 */
static void cut_every_index(pc_fixture *fx, const cut_op *ops, size_t n)
{
    static const moat_port_fault_cut_mode modes[] = {
        MOAT_PORT_FAULT_CUT_BEFORE, MOAT_PORT_FAULT_CUT_AFTER, MOAT_PORT_FAULT_CUT_TORN};
    for (size_t mi = 0; mi < sizeof(modes) / sizeof(modes[0]); mi++) {
        for (uint32_t cut = 1; cut <= (uint32_t)n + 1u; cut++) {
            moat_port_fault f;
            moat_port fp;
            model m;
            bool key_changed = false;
            size_t len = 5;
            pc_fresh(fx);
            memset(&m, 0, sizeof(m));
            /* initial state, written before the fault port is armed */
            for (uint32_t i = 0; i < M_RECS; i++) {
                m.rec_len[i] = SIZE_MAX;
            }
            assert_int_equal(write_pattern(&fx->port, 1, 50, 0xE0), MOAT_OK);
            m.rec_len[1] = 50;
            m.rec_seed[1] = 0xE0;
            assert_int_equal(moat_port_fault_wrap(&f, &fx->port, &fp), MOAT_OK);
            moat_port_fault_cut_at(&f, cut, modes[mi]);
            for (uint32_t k = 1; k <= n; k++) {
                const cut_op *op = &ops[k - 1u];
                moat_err rc = run_op(&fp, op);
                if (k < cut) {
                    assert_int_equal(rc, MOAT_OK);
                    model_apply(&m, op);
                    if (op->kind == OP_KEYGEN) {
                        assert_int_equal(PCALL(&fp, key_public, 0, &m.key), MOAT_OK);
                    }
                    continue;
                }
                assert_int_equal(rc, MOAT_ERR_PORT_POWER_CUT);
                assert_true(moat_port_fault_is_cut(&f));
                /* the device is off: later calls fail without effect */
                assert_int_equal(PCALL(&fp, record_read, 1, g_rec, MOAT_PORT_RECORD_MAX, &len),
                                 MOAT_ERR_PORT_POWER_CUT);
                assert_int_equal(len, 0);
                assert_int_equal(write_pattern(&fp, 2, 3, 0x99), MOAT_ERR_PORT_POWER_CUT);
                if (modes[mi] == MOAT_PORT_FAULT_CUT_AFTER) {
                    model_apply(&m, op);
                    key_changed = (op->kind == OP_KEYGEN);
                }
                break;
            }
            if (cut > n) {
                assert_false(moat_port_fault_is_cut(&f));
                assert_int_equal(moat_port_fault_writes(&f), n);
            }
            /* reboot and check */
            moat_port_fault_reboot(&f);
            assert_false(moat_port_fault_is_cut(&f));
            pc_reopen(fx);
            check_model(&fx->port, &m, key_changed);
        }
    }
}

static void test_cut_records(void **st)
{
    static const cut_op ops[] = {
        {OP_REC_WRITE, 0, 10, 0xA0},
        {OP_REC_WRITE, 1, MOAT_PORT_RECORD_MAX, 0xB0},
        {OP_REC_WRITE, 0, 4000, 0xC0},
        {OP_REC_ERASE, 1, 0, 0},
        {OP_REC_WRITE, 0, 0, 0xD0},
        {OP_REC_WRITE, 1, 1, 0xD1},
        {OP_REC_ERASE, 2, 0, 0},
        {OP_REC_WRITE, 2, 100, 0xF0},
        {OP_REC_WRITE, 0, 33, 0xF1},
    };
    cut_every_index(*st, ops, sizeof(ops) / sizeof(ops[0]));
}

static void test_cut_counters(void **st)
{
    static const cut_op ops[] = {
        {OP_CTR, 0, 1, 0}, {OP_CTR, 0, 2, 0}, {OP_CTR, 1, 1000, 0},
        {OP_CTR, 0, 2, 0}, {OP_CTR, 0, 0x100000000ull, 0}, {OP_CTR, 1, 1001, 0},
    };
    cut_every_index(*st, ops, sizeof(ops) / sizeof(ops[0]));
}

static void test_cut_mixed(void **st)
{
    pc_fixture *fx = *st;
    static const cut_op ops[] = {
        {OP_REC_WRITE, 0, 10, 0x10}, {OP_CTR, 0, 1, 0},        {OP_KEYGEN, 0, 0, 0},
        {OP_REC_WRITE, 1, 64, 0x20}, {OP_REC_ERASE, 0, 0, 0},  {OP_CTR, 1, 9, 0},
        {OP_KEYGEN, 0, 0, 0},        {OP_REC_WRITE, 0, 8, 0x30}, {OP_CTR, 0, 2, 0},
    };
    if (fx->port.ops->key_generate == NULL) {
        skip();
    }
    cut_every_index(fx, ops, sizeof(ops) / sizeof(ops[0]));
}

/* ----------------------------------------------------------------- slots */

#define SLOT_TEST_SIZE 16384u
static uint8_t g_slot[SLOT_TEST_SIZE];

static void slot_geometry(pc_fixture *fx, moat_port_slot_info *info)
{
    assert_int_equal(PCALL(&fx->port, slot_info, fx->fac->slot_present, info), MOAT_OK);
    assert_true(info->size >= SLOT_TEST_SIZE);
    assert_true(info->erase_size > 0 && info->size % info->erase_size == 0);
    assert_true(info->write_align >= 1 && 300u % info->write_align == 0);
}

static void test_slot_rw(void **st)
{
    pc_fixture *fx = *st;
    moat_port_slot_info info;
    uint8_t data[300];
    uint32_t s = fx->fac->slot_present;
    if (s == UINT32_MAX) {
        skip();
    }
    slot_geometry(fx, &info);
    assert_int_equal(PCALL(&fx->port, slot_erase, s), MOAT_OK);
    assert_int_equal(PCALL(&fx->port, slot_read, s, 0, g_slot, SLOT_TEST_SIZE), MOAT_OK);
    assert_true(all_equal(g_slot, SLOT_TEST_SIZE, info.erased_value));
    pattern(data, sizeof(data), 0x5A);
    assert_int_equal(PCALL(&fx->port, slot_write, s, 600, data, sizeof(data)), MOAT_OK);
    assert_int_equal(PCALL(&fx->port, slot_read, s, 0, g_slot, SLOT_TEST_SIZE), MOAT_OK);
    assert_true(all_equal(g_slot, 600, info.erased_value));
    assert_memory_equal(g_slot + 600, data, sizeof(data));
    assert_true(all_equal(g_slot + 900, SLOT_TEST_SIZE - 900, info.erased_value));
    /* the last bytes of the slot */
    assert_int_equal(PCALL(&fx->port, slot_write, s, info.size - 300, data, 300), MOAT_OK);
    pc_reopen(fx);
    assert_int_equal(PCALL(&fx->port, slot_read, s, 600, g_slot, 300), MOAT_OK);
    assert_memory_equal(g_slot, data, 300);
    assert_int_equal(PCALL(&fx->port, slot_read, s, info.size - 300, g_slot, 300), MOAT_OK);
    assert_memory_equal(g_slot, data, 300);
    assert_int_equal(PCALL(&fx->port, slot_erase, s), MOAT_OK);
    assert_int_equal(PCALL(&fx->port, slot_read, s, 600, g_slot, 300), MOAT_OK);
    assert_true(all_equal(g_slot, 300, info.erased_value));
}

static void test_slot_bounds(void **st)
{
    pc_fixture *fx = *st;
    moat_port_slot_info info;
    uint8_t buf[64];
    uint32_t s = fx->fac->slot_present;
    if (s == UINT32_MAX) {
        skip();
    }
    slot_geometry(fx, &info);
    assert_int_equal(PCALL(&fx->port, slot_erase, s), MOAT_OK);
    memset(buf, 0xAA, sizeof(buf));
    assert_int_equal(PCALL(&fx->port, slot_read, s, info.size - 10u, buf, 11), MOAT_ERR_PORT_RANGE);
    assert_true(all_equal(buf, 11, 0));
    assert_true(all_equal(buf + 11, sizeof(buf) - 11, 0xAA));
    assert_int_equal(PCALL(&fx->port, slot_read, s, info.size + 1u, buf, 0), MOAT_ERR_PORT_RANGE);
    assert_int_equal(PCALL(&fx->port, slot_read, s, SIZE_MAX, buf, 2), MOAT_ERR_PORT_RANGE);
    assert_int_equal(PCALL(&fx->port, slot_read, s, info.size, buf, 0), MOAT_OK);
    /* out-of-range writes change nothing */
    memset(buf, 0x00, sizeof(buf));
    assert_int_equal(PCALL(&fx->port, slot_write, s, info.size - 32u, buf, 64), MOAT_ERR_PORT_RANGE);
    assert_int_equal(PCALL(&fx->port, slot_write, s, SIZE_MAX - 10u, buf, 64), MOAT_ERR_PORT_RANGE);
    assert_int_equal(PCALL(&fx->port, slot_read, s, info.size - 64u, buf, 64), MOAT_OK);
    assert_true(all_equal(buf, 64, info.erased_value));
    /* a slot the device lacks, and an id out of range */
    if (fx->fac->slot_absent != UINT32_MAX) {
        moat_port_slot_info none;
        memset(&none, 0xAA, sizeof(none));
        assert_int_equal(PCALL(&fx->port, slot_info, fx->fac->slot_absent, &none),
                         MOAT_ERR_PORT_NOT_FOUND);
        assert_true(all_equal((const uint8_t *)&none, sizeof(none), 0));
        assert_int_equal(PCALL(&fx->port, slot_read, fx->fac->slot_absent, 0, buf, 1),
                         MOAT_ERR_PORT_NOT_FOUND);
        assert_int_equal(PCALL(&fx->port, slot_erase, fx->fac->slot_absent),
                         MOAT_ERR_PORT_NOT_FOUND);
    }
    assert_int_equal(PCALL(&fx->port, slot_info, MOAT_PORT_SLOT_COUNT, &info),
                     MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(PCALL(&fx->port, slot_erase, MOAT_PORT_SLOT_COUNT), MOAT_ERR_INVALID_ARGUMENT);
}

/*
 * A cut slot write leaves a prefix. A cut erase leaves whole blocks either
 * way; through the fault port (no partial-erase call in port.h) a torn
 * erase leaves the slot untouched, like a cut before it.
 */
static void test_slot_cut(void **st)
{
    pc_fixture *fx = *st;
    static const moat_port_fault_cut_mode modes[] = {
        MOAT_PORT_FAULT_CUT_BEFORE, MOAT_PORT_FAULT_CUT_AFTER, MOAT_PORT_FAULT_CUT_TORN};
    moat_port_slot_info info;
    static uint8_t data[SLOT_TEST_SIZE];
    uint32_t s = fx->fac->slot_present;
    if (s == UINT32_MAX) {
        skip();
    }
    slot_geometry(fx, &info);
    pattern(data, sizeof(data), 0x3C);
    for (size_t mi = 0; mi < 3; mi++) {
        moat_port_fault f;
        moat_port fp;
        size_t prefix;
        /* write cut */
        assert_int_equal(PCALL(&fx->port, slot_erase, s), MOAT_OK);
        assert_int_equal(moat_port_fault_wrap(&f, &fx->port, &fp), MOAT_OK);
        moat_port_fault_cut_at(&f, 1, modes[mi]);
        assert_int_equal(PCALL(&fp, slot_write, s, 0, data, 1000), MOAT_ERR_PORT_POWER_CUT);
        moat_port_fault_reboot(&f);
        pc_reopen(fx);
        assert_int_equal(PCALL(&fx->port, slot_read, s, 0, g_slot, 1000), MOAT_OK);
        prefix = 0;
        while (prefix < 1000 && g_slot[prefix] == data[prefix]) {
            prefix++;
        }
        assert_true(all_equal(g_slot + prefix, 1000 - prefix, info.erased_value));
        if (modes[mi] == MOAT_PORT_FAULT_CUT_BEFORE) {
            assert_int_equal(prefix, 0);
        } else if (modes[mi] == MOAT_PORT_FAULT_CUT_AFTER) {
            assert_int_equal(prefix, 1000);
        } else {
            assert_int_equal(prefix, 500u / info.write_align * info.write_align);
        }
        /* erase cut: fill the first SLOT_TEST_SIZE bytes, then cut the erase */
        assert_int_equal(PCALL(&fx->port, slot_write, s, 0, data, SLOT_TEST_SIZE), MOAT_OK);
        assert_int_equal(moat_port_fault_wrap(&f, &fx->port, &fp), MOAT_OK);
        moat_port_fault_cut_at(&f, 1, modes[mi]);
        assert_int_equal(PCALL(&fp, slot_erase, s), MOAT_ERR_PORT_POWER_CUT);
        moat_port_fault_reboot(&f);
        pc_reopen(fx);
        assert_int_equal(PCALL(&fx->port, slot_read, s, 0, g_slot, SLOT_TEST_SIZE), MOAT_OK);
        for (size_t b = 0; b + info.erase_size <= SLOT_TEST_SIZE; b += info.erase_size) {
            bool erased = all_equal(g_slot + b, info.erase_size, info.erased_value);
            bool old = memcmp(g_slot + b, data + b, info.erase_size) == 0;
            assert_true(erased || old); /* never a half-erased block */
            if (modes[mi] == MOAT_PORT_FAULT_CUT_AFTER) {
                assert_true(erased);
            } else { /* BEFORE and TORN */
                assert_true(old);
            }
        }
    }
}

/* ------------------------------------------------------------------ keys */

static void sign_verify(const moat_port *port, uint32_t id, moat_curve curve)
{
    moat_ec_public_key pub;
    moat_hash_alg alg = moat_curve_hash(curve);
    uint8_t digest[MOAT_HASH_MAX_SIZE];
    uint8_t sig[MOAT_ECDSA_RAW_MAX];
    size_t hl = moat_hash_size(alg);
    size_t sl = 2u * moat_curve_size(curve);
    assert_int_equal(PCALL(port, key_public, id, &pub), MOAT_OK);
    assert_int_equal(pub.curve, curve);
    assert_int_equal(pub.q_len, 1u + sl);
    assert_int_equal(moat_hash(alg, "moat port conformance", 21, digest), MOAT_OK);
    memset(sig, 0xAA, sizeof(sig));
    assert_int_equal(PCALL(port, key_sign, id, alg, digest, hl, sig), MOAT_OK);
    assert_true(all_equal(sig + sl, sizeof(sig) - sl, 0xAA)); /* no overrun */
    assert_int_equal(moat_ecdsa_verify_digest(&pub, digest, hl, MOAT_SIG_RAW, sig, sl), MOAT_OK);
    digest[0] ^= 1u;
    assert_int_equal(moat_ecdsa_verify_digest(&pub, digest, hl, MOAT_SIG_RAW, sig, sl),
                     MOAT_ERR_CRYPTO_SIG_INVALID);
}

static void test_keys(void **st)
{
    pc_fixture *fx = *st;
    moat_ec_public_key pub;
    moat_ec_public_key pub2;
    uint8_t digest[32];
    uint8_t sig[MOAT_ECDSA_RAW_MAX];
    if (fx->port.ops->key_generate == NULL) {
        skip();
    }
    memset(digest, 1, sizeof(digest));
    memset(&pub, 0xAA, sizeof(pub));
    assert_int_equal(PCALL(&fx->port, key_public, 0, &pub), MOAT_ERR_PORT_NOT_FOUND);
    assert_true(all_equal((const uint8_t *)&pub, sizeof(pub), 0));
    memset(sig, 0xAA, sizeof(sig));
    assert_int_equal(PCALL(&fx->port, key_sign, 0, MOAT_HASH_SHA256, digest, 32, sig),
                     MOAT_ERR_PORT_NOT_FOUND);
    assert_true(all_equal(sig, sizeof(sig), 0)); /* wiped over MOAT_ECDSA_RAW_MAX */
    assert_int_equal(PCALL(&fx->port, key_generate, 0, MOAT_CURVE_P256), MOAT_OK);
    assert_int_equal(PCALL(&fx->port, key_generate, 1, MOAT_CURVE_P384), MOAT_OK);
    sign_verify(&fx->port, 0, MOAT_CURVE_P256);
    sign_verify(&fx->port, 1, MOAT_CURVE_P384);
    /* wrong digest length, id out of range, NULL digest: wiped over RAW_MAX */
    memset(sig, 0xAA, sizeof(sig));
    assert_int_equal(PCALL(&fx->port, key_sign, 0, MOAT_HASH_SHA256, digest, 31, sig),
                     MOAT_ERR_INVALID_ARGUMENT);
    assert_true(all_equal(sig, sizeof(sig), 0));
    memset(sig, 0xAA, sizeof(sig));
    assert_int_equal(PCALL(&fx->port, key_sign, MOAT_PORT_KEY_COUNT, MOAT_HASH_SHA256, digest,
                           32, sig),
                     MOAT_ERR_INVALID_ARGUMENT);
    assert_true(all_equal(sig, sizeof(sig), 0));
    memset(sig, 0xAA, sizeof(sig));
    assert_int_equal(PCALL(&fx->port, key_sign, 1, MOAT_HASH_SHA384, NULL, 48, sig),
                     MOAT_ERR_INVALID_ARGUMENT);
    assert_true(all_equal(sig, sizeof(sig), 0));
    /* regenerate replaces; an unsupported curve changes nothing */
    assert_int_equal(PCALL(&fx->port, key_public, 0, &pub), MOAT_OK);
    assert_int_equal(PCALL(&fx->port, key_generate, 0, MOAT_CURVE_P256), MOAT_OK);
    assert_int_equal(PCALL(&fx->port, key_public, 0, &pub2), MOAT_OK);
    assert_memory_not_equal(pub.q, pub2.q, pub.q_len);
    assert_int_equal(PCALL(&fx->port, key_generate, 0, (moat_curve)77), MOAT_ERR_UNSUPPORTED);
    assert_int_equal(PCALL(&fx->port, key_public, 0, &pub), MOAT_OK);
    assert_memory_equal(pub.q, pub2.q, pub.q_len);
    /* ids out of range */
    assert_int_equal(PCALL(&fx->port, key_generate, MOAT_PORT_KEY_COUNT, MOAT_CURVE_P256),
                     MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(PCALL(&fx->port, key_public, MOAT_PORT_KEY_COUNT, &pub),
                     MOAT_ERR_INVALID_ARGUMENT);
    /* persistence across a reboot */
    pc_reopen(fx);
    assert_int_equal(PCALL(&fx->port, key_public, 0, &pub), MOAT_OK);
    assert_memory_equal(pub.q, pub2.q, pub.q_len);
    sign_verify(&fx->port, 0, MOAT_CURVE_P256);
    sign_verify(&fx->port, 1, MOAT_CURVE_P384);
}

static void test_port_signer(void **st)
{
    pc_fixture *fx = *st;
    moat_port_key key;
    moat_signer signer;
    uint8_t sig[MOAT_ECDSA_DER_MAX];
    size_t sl = 0;
    static const char msg[] = "signed through the port";
    if (fx->port.ops->key_generate == NULL) {
        skip();
    }
    assert_int_equal(moat_port_signer(&key, &fx->port, 2, &signer), MOAT_ERR_PORT_NOT_FOUND);
    assert_null(signer.sign);
    assert_int_equal(PCALL(&fx->port, key_generate, 2, MOAT_CURVE_P256), MOAT_OK);
    assert_int_equal(moat_port_signer(&key, &fx->port, 2, &signer), MOAT_OK);
    assert_int_equal(signer.curve, MOAT_CURVE_P256);
    assert_int_equal(moat_signer_sign(&signer, MOAT_HASH_SHA256, msg, sizeof(msg) - 1u,
                                      MOAT_SIG_DER, sig, sizeof(sig), &sl),
                     MOAT_OK);
    assert_int_equal(moat_ecdsa_verify(&signer.pub, MOAT_HASH_SHA256, msg, sizeof(msg) - 1u,
                                       MOAT_SIG_DER, sig, sl),
                     MOAT_OK);
    assert_int_equal(moat_ecdsa_verify(&signer.pub, MOAT_HASH_SHA256, msg, sizeof(msg) - 2u,
                                       MOAT_SIG_DER, sig, sl),
                     MOAT_ERR_CRYPTO_SIG_INVALID);
}

/* ------------------------------------------------------------------ run */

int port_conformance_run(const port_factory *f)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_abi, pc_setup, pc_teardown),
        cmocka_unit_test_setup_teardown(test_entropy_nonconstant, pc_setup, pc_teardown),
        cmocka_unit_test_setup_teardown(test_entropy_fail_closed, pc_setup, pc_teardown),
        cmocka_unit_test_setup_teardown(test_entropy_port_fail_closed, pc_setup, pc_teardown),
        cmocka_unit_test_setup_teardown(test_time, pc_setup, pc_teardown),
        cmocka_unit_test_setup_teardown(test_time_faults, pc_setup, pc_teardown),
        cmocka_unit_test_setup_teardown(test_uds, pc_setup, pc_teardown),
        cmocka_unit_test_setup_teardown(test_measure, pc_setup, pc_teardown),
        cmocka_unit_test_setup_teardown(test_counter_monotonic, pc_setup, pc_teardown),
        cmocka_unit_test_setup_teardown(test_counter_persistent, pc_setup, pc_teardown),
        cmocka_unit_test_setup_teardown(test_record_rw, pc_setup, pc_teardown),
        cmocka_unit_test_setup_teardown(test_record_persistent, pc_setup, pc_teardown),
        cmocka_unit_test_setup_teardown(test_record_too_large, pc_setup, pc_teardown),
        cmocka_unit_test_setup_teardown(test_cut_records, pc_setup, pc_teardown),
        cmocka_unit_test_setup_teardown(test_cut_counters, pc_setup, pc_teardown),
        cmocka_unit_test_setup_teardown(test_cut_mixed, pc_setup, pc_teardown),
        cmocka_unit_test_setup_teardown(test_slot_rw, pc_setup, pc_teardown),
        cmocka_unit_test_setup_teardown(test_slot_bounds, pc_setup, pc_teardown),
        cmocka_unit_test_setup_teardown(test_slot_cut, pc_setup, pc_teardown),
        cmocka_unit_test_setup_teardown(test_keys, pc_setup, pc_teardown),
        cmocka_unit_test_setup_teardown(test_port_signer, pc_setup, pc_teardown),
    };
    char name[96];
    g_fac = f;
    (void)snprintf(name, sizeof(name), "port conformance: %s", f->name);
    return cmocka_run_group_tests_name(name, tests, NULL, NULL);
}
