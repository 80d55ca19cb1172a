/*
 * The port conformance suite against the POSIX port, plus tests of what is
 * specific to it (file modes, locking, integrity envelope, crash leftovers,
 * configuration).
 */
#define _GNU_SOURCE 1

#include <fcntl.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "conformance.h"
#include "moat/core.h"
#include "moat/crypto.h"
#include "moat_port_posix.h"

#define PCALL(port, fn, ...) ((port)->ops->fn((port)->ctx, __VA_ARGS__))

/* ----------------------------------------------------------- the factory */

typedef struct posix_state {
    moat_port_posix p;
    moat_port_posix_config cfg;
    char dir[256];
} posix_state;

static void test_config(moat_port_posix_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->slot_size[0] = 16384;
    cfg->slot_size[1] = 8192;
    cfg->erase_size = 4096;
}

static moat_err posix_open(void *state, const char *dir, moat_port *out)
{
    posix_state *s = state;
    test_config(&s->cfg);
    (void)snprintf(s->dir, sizeof(s->dir), "%s", dir);
    return moat_port_posix_open(&s->p, s->dir, &s->cfg, out);
}

static moat_err posix_reopen(void *state, moat_port *out)
{
    posix_state *s = state;
    moat_port_posix_close(&s->p);
    return moat_port_posix_open(&s->p, s->dir, &s->cfg, out);
}

static void posix_close(void *state)
{
    posix_state *s = state;
    moat_port_posix_close(&s->p);
}

static const port_factory posix_factory = {
    .name = "posix",
    .state_size = sizeof(posix_state),
    .open = posix_open,
    .reopen = posix_reopen,
    .close = posix_close,
    .has_time = true,
    .has_uds = true,
    .counter_max = UINT64_MAX,
    .slot_present = 0,
    .slot_absent = 2,
};

/* ------------------------------------------------------- POSIX specifics */

typedef struct px {
    char dir[256];
    moat_port_posix p;
    moat_port port;
    moat_port_posix_config cfg;
} px;

static int px_setup(void **st)
{
    px *x = calloc(1, sizeof(*x));
    if (x == NULL) {
        return -1;
    }
    pc_make_tmpdir(x->dir, sizeof(x->dir));
    test_config(&x->cfg);
    if (moat_port_posix_open(&x->p, x->dir, &x->cfg, &x->port) != MOAT_OK) {
        free(x);
        return -1;
    }
    *st = x;
    return 0;
}

static int px_teardown(void **st)
{
    px *x = *st;
    moat_port_posix_close(&x->p);
    pc_remove_tree(x->dir);
    free(x);
    return 0;
}

static void px_reopen(px *x)
{
    moat_port_posix_close(&x->p);
    assert_int_equal(moat_port_posix_open(&x->p, x->dir, &x->cfg, &x->port), MOAT_OK);
}

static void path_of(const px *x, const char *name, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%s/%s", x->dir, name);
    assert_true(n > 0 && (size_t)n < cap);
}

static mode_t mode_of(const px *x, const char *name)
{
    char path[320];
    struct stat st;
    path_of(x, name, path, sizeof(path));
    assert_int_equal(stat(path, &st), 0);
    return st.st_mode & 07777;
}

static size_t read_file(const px *x, const char *name, uint8_t *buf, size_t cap)
{
    char path[320];
    FILE *fp;
    size_t n;
    path_of(x, name, path, sizeof(path));
    fp = fopen(path, "rb");
    assert_non_null(fp);
    n = fread(buf, 1, cap, fp);
    fclose(fp);
    return n;
}

static void write_file(const px *x, const char *name, const uint8_t *buf, size_t n)
{
    char path[320];
    FILE *fp;
    path_of(x, name, path, sizeof(path));
    fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(buf, 1, n, fp), n);
    assert_int_equal(fclose(fp), 0);
}

static bool exists(const px *x, const char *name)
{
    char path[320];
    path_of(x, name, path, sizeof(path));
    return access(path, F_OK) == 0;
}

static void test_file_modes(void **st)
{
    px *x = *st;
    uint8_t der[MOAT_EC_PRIV_DER_MAX + 8];
    moat_ec_private_key priv;
    moat_ec_public_key pub;
    moat_ec_public_key pub2;
    size_t n;
    assert_int_equal(PCALL(&x->port, key_generate, 5, MOAT_CURVE_P256), MOAT_OK);
    assert_int_equal(PCALL(&x->port, record_write, 1, (const uint8_t *)"x", 1), MOAT_OK);
    assert_int_equal(PCALL(&x->port, counter_advance, 1, 1), MOAT_OK);
    assert_int_equal(mode_of(x, "key-00000005.p8"), 0600);
    assert_int_equal(mode_of(x, "uds"), 0600);
    assert_int_equal(mode_of(x, "rec-00000001"), 0600);
    assert_int_equal(mode_of(x, "ctr-00000001"), 0600);
    assert_int_equal(mode_of(x, "slot-0.bin"), 0600);
    /* the key file is plain PKCS#8 DER of the key the port reports */
    n = read_file(x, "key-00000005.p8", der, sizeof(der));
    assert_true(n > 0 && n <= MOAT_EC_PRIV_DER_MAX);
    assert_int_equal(moat_ec_private_from_der(der, n, &priv), MOAT_OK);
    assert_int_equal(moat_ec_public_from_private(&priv, &pub), MOAT_OK);
    moat_ec_private_wipe(&priv);
    moat_wipe(der, sizeof(der));
    assert_int_equal(PCALL(&x->port, key_public, 5, &pub2), MOAT_OK);
    assert_memory_equal(pub.q, pub2.q, pub.q_len);
    /* the UDS file holds exactly the secret */
    uint8_t uds[MOAT_PORT_UDS_SIZE + 1];
    uint8_t uds2[MOAT_PORT_UDS_SIZE];
    assert_int_equal(read_file(x, "uds", uds, sizeof(uds)), MOAT_PORT_UDS_SIZE);
    assert_int_equal(PCALL(&x->port, device_secret, uds2, sizeof(uds2)), MOAT_OK);
    assert_memory_equal(uds, uds2, MOAT_PORT_UDS_SIZE);
    moat_wipe(uds, sizeof(uds));
    moat_wipe(uds2, sizeof(uds2));
}

static void test_created_dir_mode(void **st)
{
    px *x = *st;
    char sub[320];
    moat_port_posix p2;
    moat_port port2;
    struct stat sb;
    path_of(x, "nested", sub, sizeof(sub));
    assert_int_equal(moat_port_posix_open(&p2, sub, &x->cfg, &port2), MOAT_OK);
    assert_int_equal(stat(sub, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    moat_port_posix_close(&p2);
}

static void test_busy(void **st)
{
    px *x = *st;
    moat_port_posix p2;
    moat_port port2;
    memset(&port2, 0xAA, sizeof(port2));
    assert_int_equal(moat_port_posix_open(&p2, x->dir, &x->cfg, &port2), MOAT_ERR_PORT_BUSY);
    assert_null(port2.ops);
    assert_null(port2.ctx);
    /* the first instance is unaffected */
    assert_int_equal(PCALL(&x->port, record_write, 0, (const uint8_t *)"ok", 2), MOAT_OK);
}

static void test_bad_args(void **st)
{
    px *x = *st;
    moat_port_posix p2;
    moat_port port2;
    moat_port_posix_config cfg;
    char longpath[MOAT_PORT_POSIX_PATH_MAX + 8];
    (void)x;
    memset(longpath, 'a', sizeof(longpath));
    longpath[0] = '/';
    longpath[MOAT_PORT_POSIX_PATH_MAX] = '\0'; /* strlen == PATH_MAX: too long */
    assert_int_equal(moat_port_posix_open(&p2, longpath, NULL, &port2), MOAT_ERR_INPUT_TOO_LARGE);
    assert_null(port2.ops);
    assert_int_equal(moat_port_posix_open(&p2, "", NULL, &port2), MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_port_posix_open(NULL, "/tmp", NULL, &port2), MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_port_posix_open(&p2, "/tmp", NULL, NULL), MOAT_ERR_INVALID_ARGUMENT);
    test_config(&cfg);
    cfg.slot_size[0] = 1000; /* not a multiple of the erase size */
    assert_int_equal(moat_port_posix_open(&p2, "/tmp/unused", &cfg, &port2),
                     MOAT_ERR_INVALID_ARGUMENT);
    test_config(&cfg);
    cfg.erase_size = 3000; /* not a power of two */
    assert_int_equal(moat_port_posix_open(&p2, "/tmp/unused", &cfg, &port2),
                     MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(access("/tmp/unused", F_OK), -1); /* nothing created */
}

static void test_corrupt_record(void **st)
{
    px *x = *st;
    uint8_t raw[64];
    uint8_t buf[32];
    size_t n;
    size_t len = 9;
    assert_int_equal(PCALL(&x->port, record_write, 7, (const uint8_t *)"hello", 5), MOAT_OK);
    n = read_file(x, "rec-00000007", raw, sizeof(raw));
    assert_int_equal(n, 8 + 5 + 32);
    raw[9] ^= 0x01; /* flip one payload bit */
    write_file(x, "rec-00000007", raw, n);
    memset(buf, 0xAA, sizeof(buf));
    assert_int_equal(PCALL(&x->port, record_read, 7, buf, sizeof(buf), &len), MOAT_ERR_PORT_CORRUPT);
    assert_int_equal(len, 0);
    for (size_t i = 0; i < sizeof(buf); i++) {
        assert_int_equal(buf[i], 0);
    }
    /* a truncated file (torn by a non-atomic writer) is also detected */
    raw[9] ^= 0x01;
    write_file(x, "rec-00000007", raw, n - 1);
    assert_int_equal(PCALL(&x->port, record_read, 7, buf, sizeof(buf), &len), MOAT_ERR_PORT_CORRUPT);
    /* rewriting repairs it */
    assert_int_equal(PCALL(&x->port, record_write, 7, (const uint8_t *)"again", 5), MOAT_OK);
    assert_int_equal(PCALL(&x->port, record_read, 7, buf, sizeof(buf), &len), MOAT_OK);
    assert_int_equal(len, 5);
    assert_memory_equal(buf, "again", 5);
}

static void test_corrupt_counter(void **st)
{
    px *x = *st;
    uint8_t raw[64];
    uint8_t after[64];
    uint64_t v = 77;
    size_t n;
    assert_int_equal(PCALL(&x->port, counter_advance, 2, 10), MOAT_OK);
    n = read_file(x, "ctr-00000002", raw, sizeof(raw));
    assert_int_equal(n, 8 + 8 + 32);
    raw[8] = 0; /* value 10 -> 0, tag no longer matches */
    write_file(x, "ctr-00000002", raw, n);
    assert_int_equal(PCALL(&x->port, counter_read, 2, &v), MOAT_ERR_PORT_CORRUPT);
    assert_int_equal(v, 0);
    /* fail closed: no advance over a counter that cannot be read */
    assert_int_equal(PCALL(&x->port, counter_advance, 2, 11), MOAT_ERR_PORT_CORRUPT);
    assert_int_equal(read_file(x, "ctr-00000002", after, sizeof(after)), n);
    assert_memory_equal(raw, after, n);
}

static void test_crash_leftovers(void **st)
{
    px *x = *st;
    uint8_t buf[16];
    size_t len = 0;
    assert_int_equal(PCALL(&x->port, record_write, 3, (const uint8_t *)"old", 3), MOAT_OK);
    /* a crash between writing the temporary file and the rename */
    write_file(x, "rec-00000003.tmp", (const uint8_t *)"garbage", 7);
    assert_true(exists(x, "rec-00000003.tmp"));
    px_reopen(x);
    assert_false(exists(x, "rec-00000003.tmp"));
    assert_int_equal(PCALL(&x->port, record_read, 3, buf, sizeof(buf), &len), MOAT_OK);
    assert_int_equal(len, 3);
    assert_memory_equal(buf, "old", 3);
}

static void test_no_time_config(void **st)
{
    px *x = *st;
    int64_t t = 5;
    x->cfg.no_time = true;
    px_reopen(x);
    assert_int_equal(PCALL(&x->port, time_now, &t), MOAT_ERR_PORT_NO_TIME);
    assert_int_equal(t, 0);
    assert_int_equal(moat_port_time(&x->port, &t), MOAT_ERR_PORT_NO_TIME);
}

static void test_firmware_path(void **st)
{
    px *x = *st;
    char fw[320];
    uint8_t img[5000];
    uint8_t want[32];
    uint8_t got[32];
    size_t len = 0;
    for (size_t i = 0; i < sizeof(img); i++) {
        img[i] = (uint8_t)(i * 7u);
    }
    write_file(x, "firmware.img", img, sizeof(img));
    path_of(x, "firmware.img", fw, sizeof(fw));
    x->cfg.firmware_path = fw;
    px_reopen(x);
    assert_int_equal(moat_hash(MOAT_HASH_SHA256, img, sizeof(img), want), MOAT_OK);
    assert_int_equal(PCALL(&x->port, measure_firmware, MOAT_HASH_SHA256, got, sizeof(got), &len),
                     MOAT_OK);
    assert_int_equal(len, 32);
    assert_memory_equal(got, want, 32);
    /* a missing image is an I/O failure, output wiped */
    assert_int_equal(unlink(fw), 0);
    assert_int_equal(PCALL(&x->port, measure_firmware, MOAT_HASH_SHA256, got, sizeof(got), &len),
                     MOAT_ERR_PORT_IO);
    assert_int_equal(len, 0);
    for (size_t i = 0; i < sizeof(got); i++) {
        assert_int_equal(got[i], 0);
    }
}

static void test_slot_config_mismatch(void **st)
{
    px *x = *st;
    moat_port_posix_config cfg = x->cfg;
    moat_port_posix_close(&x->p);
    cfg.slot_size[0] = 32768;
    assert_int_equal(moat_port_posix_open(&x->p, x->dir, &cfg, &x->port), MOAT_ERR_PORT_CORRUPT);
    assert_null(x->port.ops);
    /* the original configuration still opens */
    assert_int_equal(moat_port_posix_open(&x->p, x->dir, &x->cfg, &x->port), MOAT_OK);
}

static void test_uds_corrupt(void **st)
{
    px *x = *st;
    uint8_t short_uds[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    moat_port_posix_close(&x->p);
    write_file(x, "uds", short_uds, sizeof(short_uds));
    assert_int_equal(moat_port_posix_open(&x->p, x->dir, &x->cfg, &x->port), MOAT_ERR_PORT_CORRUPT);
    /* never silently replaced: the device identity would change */
    assert_int_equal(read_file(x, "uds", short_uds, sizeof(short_uds)), 10);
    assert_int_equal(short_uds[9], 10);
    /* restore a valid UDS for teardown */
    uint8_t uds[MOAT_PORT_UDS_SIZE];
    memset(uds, 0x42, sizeof(uds));
    write_file(x, "uds", uds, sizeof(uds));
    assert_int_equal(moat_port_posix_open(&x->p, x->dir, &x->cfg, &x->port), MOAT_OK);
}

static void test_closed_context(void **st)
{
    px *x = *st;
    moat_port stale = x->port;
    uint64_t v = 3;
    uint8_t b[8];
    size_t len = 4;
    moat_port_posix_close(&x->p);
    /* calls through a port whose context was closed fail cleanly */
    assert_int_equal(PCALL(&stale, counter_read, 0, &v), MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(v, 0);
    assert_int_equal(PCALL(&stale, record_read, 0, b, sizeof(b), &len), MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(PCALL(&stale, record_write, 0, b, 1), MOAT_ERR_INVALID_ARGUMENT);
    moat_port_posix_close(&x->p); /* double close is safe */
    assert_int_equal(moat_port_posix_open(&x->p, x->dir, &x->cfg, &x->port), MOAT_OK);
}

static void test_default_config(void **st)
{
    px *x = *st;
    char sub[320];
    moat_port_posix p2;
    moat_port port2;
    moat_port_slot_info info;
    path_of(x, "defaults", sub, sizeof(sub));
    assert_int_equal(moat_port_posix_open(&p2, sub, NULL, &port2), MOAT_OK);
    assert_int_equal(PCALL(&port2, slot_info, 1, &info), MOAT_OK);
    assert_int_equal(info.size, MOAT_PORT_POSIX_DEFAULT_SLOT_SIZE);
    assert_int_equal(info.erase_size, MOAT_PORT_POSIX_DEFAULT_ERASE_SIZE);
    assert_int_equal(info.erased_value, 0xFF);
    assert_int_equal(PCALL(&port2, slot_info, 2, &info), MOAT_ERR_PORT_NOT_FOUND);
    moat_port_posix_close(&p2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_file_modes, px_setup, px_teardown),
        cmocka_unit_test_setup_teardown(test_created_dir_mode, px_setup, px_teardown),
        cmocka_unit_test_setup_teardown(test_busy, px_setup, px_teardown),
        cmocka_unit_test_setup_teardown(test_bad_args, px_setup, px_teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_record, px_setup, px_teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_counter, px_setup, px_teardown),
        cmocka_unit_test_setup_teardown(test_crash_leftovers, px_setup, px_teardown),
        cmocka_unit_test_setup_teardown(test_no_time_config, px_setup, px_teardown),
        cmocka_unit_test_setup_teardown(test_firmware_path, px_setup, px_teardown),
        cmocka_unit_test_setup_teardown(test_slot_config_mismatch, px_setup, px_teardown),
        cmocka_unit_test_setup_teardown(test_uds_corrupt, px_setup, px_teardown),
        cmocka_unit_test_setup_teardown(test_closed_context, px_setup, px_teardown),
        cmocka_unit_test_setup_teardown(test_default_config, px_setup, px_teardown),
    };
    int failed = port_conformance_run(&posix_factory);
    failed += cmocka_run_group_tests_name("posix port specifics", tests, NULL, NULL);
    return failed;
}
