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
#define ENV_HDR 12u /* envelope: magic(4) id(4) length(4) */
#define ENV_TAG 32u /* SHA-256 */

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
    assert_int_equal(mode_of(x, "key-00000005"), 0600);
    assert_int_equal(mode_of(x, "uds"), 0600);
    assert_int_equal(mode_of(x, "rec-00000001"), 0600);
    assert_int_equal(mode_of(x, "ctr-00000001"), 0600);
    assert_int_equal(mode_of(x, "slot-0.bin"), 0600);
    /* the key file is PKCS#8 DER of the key the port reports, in the
     * envelope: "MKY1", id 5, length, DER, SHA-256 of all before it */
    n = read_file(x, "key-00000005", der, sizeof(der));
    assert_true(n > ENV_HDR + ENV_TAG && n <= ENV_HDR + MOAT_EC_PRIV_DER_MAX + ENV_TAG);
    assert_memory_equal(der, "MKY1\x05\x00\x00\x00", 8);
    assert_int_equal(der[8] | (der[9] << 8), n - ENV_HDR - ENV_TAG);
    {
        uint8_t tag[32];
        assert_int_equal(moat_hash(MOAT_HASH_SHA256, der, n - ENV_TAG, tag), MOAT_OK);
        assert_memory_equal(tag, der + n - ENV_TAG, ENV_TAG);
    }
    assert_int_equal(moat_ec_private_from_der(der + ENV_HDR, n - ENV_HDR - ENV_TAG, &priv),
                     MOAT_OK);
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
    char cwd[512];
    path_of(x, "nested", sub, sizeof(sub));
    assert_int_equal(moat_port_posix_open(&p2, sub, &x->cfg, &port2), MOAT_OK);
    assert_int_equal(stat(sub, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    moat_port_posix_close(&p2);
    /* trailing slashes and a relative path (parent ".") are created and
     * their parent synced the same way */
    path_of(x, "nested2//", sub, sizeof(sub));
    assert_int_equal(moat_port_posix_open(&p2, sub, &x->cfg, &port2), MOAT_OK);
    moat_port_posix_close(&p2);
    assert_true(exists(x, "nested2/uds"));
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(x->dir), 0);
    assert_int_equal(moat_port_posix_open(&p2, "nested3", &x->cfg, &port2), MOAT_OK);
    moat_port_posix_close(&p2);
    assert_int_equal(chdir(cwd), 0);
    assert_true(exists(x, "nested3/uds"));
    /* a missing parent is an I/O failure, nothing created */
    path_of(x, "no/such", sub, sizeof(sub));
    assert_int_equal(moat_port_posix_open(&p2, sub, &x->cfg, &port2), MOAT_ERR_PORT_IO);
    assert_false(exists(x, "no"));
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
    assert_int_equal(n, ENV_HDR + 5 + ENV_TAG);
    assert_memory_equal(raw, "MRC1\x07\x00\x00\x00\x05\x00\x00\x00hello", 17);
    raw[13] ^= 0x01; /* flip one payload bit */
    write_file(x, "rec-00000007", raw, n);
    memset(buf, 0xAA, sizeof(buf));
    assert_int_equal(PCALL(&x->port, record_read, 7, buf, sizeof(buf), &len), MOAT_ERR_PORT_CORRUPT);
    assert_int_equal(len, 0);
    for (size_t i = 0; i < sizeof(buf); i++) {
        assert_int_equal(buf[i], 0);
    }
    /* a truncated file (torn by a non-atomic writer) is also detected */
    raw[13] ^= 0x01;
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
    assert_int_equal(n, ENV_HDR + 8 + ENV_TAG);
    assert_memory_equal(raw, "MCT1\x02\x00\x00\x00\x08\x00\x00\x00\x0a", 13);
    raw[12] = 0; /* value 10 -> 0, tag no longer matches */
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

static void copy_file(const px *x, const char *from, const char *to)
{
    uint8_t buf[8192];
    size_t n = read_file(x, from, buf, sizeof(buf));
    write_file(x, to, buf, n);
}

static bool all_zero(const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (b[i] != 0) {
            return false;
        }
    }
    return true;
}

/* A fresh directory gets every counter (at 0) and the UDS at once. */
static void test_init_creates_counters(void **st)
{
    px *x = *st;
    char name[32];
    for (uint32_t id = 0; id < MOAT_PORT_COUNTER_COUNT; id++) {
        uint64_t v = 9;
        (void)snprintf(name, sizeof(name), "ctr-%08x", (unsigned)id);
        assert_true(exists(x, name));
        assert_int_equal(mode_of(x, name), 0600);
        assert_int_equal(PCALL(&x->port, counter_read, id, &v), MOAT_OK);
        assert_int_equal(v, 0);
    }
    (void)snprintf(name, sizeof(name), "ctr-%08x", (unsigned)MOAT_PORT_COUNTER_COUNT);
    assert_false(exists(x, name));
    assert_true(exists(x, "uds"));
    assert_false(exists(x, "initializing"));
}

/* A deleted counter file never reads 0 again: corrupt, and stays so. */
static void test_counter_deleted(void **st)
{
    px *x = *st;
    uint64_t v = 9;
    char path[320];
    assert_int_equal(PCALL(&x->port, counter_advance, 3, 7), MOAT_OK);
    path_of(x, "ctr-00000003", path, sizeof(path));
    assert_int_equal(unlink(path), 0);
    assert_int_equal(PCALL(&x->port, counter_read, 3, &v), MOAT_ERR_PORT_CORRUPT);
    assert_int_equal(v, 0);
    assert_int_equal(PCALL(&x->port, counter_advance, 3, 8), MOAT_ERR_PORT_CORRUPT);
    assert_int_equal(PCALL(&x->port, counter_advance, 3, 0), MOAT_ERR_PORT_CORRUPT);
    assert_false(exists(x, "ctr-00000003")); /* not recreated */
    px_reopen(x);
    v = 9;
    assert_int_equal(PCALL(&x->port, counter_read, 3, &v), MOAT_ERR_PORT_CORRUPT);
    assert_int_equal(v, 0);
    assert_false(exists(x, "ctr-00000003"));
    /* the others are unaffected */
    assert_int_equal(PCALL(&x->port, counter_read, 4, &v), MOAT_OK);
    assert_int_equal(v, 0);
    /* a deleted record is simply absent (records may be erased) */
    assert_int_equal(PCALL(&x->port, record_write, 0, (const uint8_t *)"r", 1), MOAT_OK);
    path_of(x, "rec-00000000", path, sizeof(path));
    assert_int_equal(unlink(path), 0);
    size_t len = 3;
    uint8_t b[4];
    assert_int_equal(PCALL(&x->port, record_read, 0, b, sizeof(b), &len), MOAT_ERR_PORT_NOT_FOUND);
}

/* Kind and id are bound into the envelope: no file swaps between them. */
static void test_swapped_files(void **st)
{
    px *x = *st;
    uint8_t buf[64];
    uint8_t sig[MOAT_ECDSA_RAW_MAX];
    uint8_t digest[32];
    uint64_t v = 9;
    size_t len = 9;
    moat_ec_public_key pub;
    assert_int_equal(PCALL(&x->port, record_write, 1, (const uint8_t *)"12345678", 8), MOAT_OK);
    assert_int_equal(PCALL(&x->port, record_write, 2, (const uint8_t *)"abcdefgh", 8), MOAT_OK);
    assert_int_equal(PCALL(&x->port, counter_advance, 1, 5), MOAT_OK);
    assert_int_equal(PCALL(&x->port, counter_advance, 2, 100), MOAT_OK);
    /* record 1 copied over record 2 */
    copy_file(x, "rec-00000001", "rec-00000002");
    memset(buf, 0xAA, sizeof(buf));
    assert_int_equal(PCALL(&x->port, record_read, 2, buf, sizeof(buf), &len), MOAT_ERR_PORT_CORRUPT);
    assert_int_equal(len, 0);
    assert_true(all_zero(buf, sizeof(buf)));
    assert_int_equal(PCALL(&x->port, record_read, 1, buf, sizeof(buf), &len), MOAT_OK);
    assert_int_equal(len, 8);
    /* counter 1 (value 5) copied over counter 2 (value 100): no rollback */
    copy_file(x, "ctr-00000001", "ctr-00000002");
    assert_int_equal(PCALL(&x->port, counter_read, 2, &v), MOAT_ERR_PORT_CORRUPT);
    assert_int_equal(v, 0);
    assert_int_equal(PCALL(&x->port, counter_advance, 2, 6), MOAT_ERR_PORT_CORRUPT);
    /* a record with an 8-byte payload copied over a counter, and back */
    copy_file(x, "rec-00000001", "ctr-00000001");
    assert_int_equal(PCALL(&x->port, counter_read, 1, &v), MOAT_ERR_PORT_CORRUPT);
    copy_file(x, "ctr-00000003", "rec-00000003");
    assert_int_equal(PCALL(&x->port, record_read, 3, buf, sizeof(buf), &len), MOAT_ERR_PORT_CORRUPT);
    /* key 1 copied over key 2 */
    assert_int_equal(PCALL(&x->port, key_generate, 1, MOAT_CURVE_P256), MOAT_OK);
    assert_int_equal(PCALL(&x->port, key_generate, 2, MOAT_CURVE_P256), MOAT_OK);
    copy_file(x, "key-00000001", "key-00000002");
    memset(&pub, 0xAA, sizeof(pub));
    assert_int_equal(PCALL(&x->port, key_public, 2, &pub), MOAT_ERR_PORT_CORRUPT);
    assert_true(all_zero((const uint8_t *)&pub, sizeof(pub)));
    memset(digest, 3, sizeof(digest));
    memset(sig, 0xAA, sizeof(sig));
    assert_int_equal(PCALL(&x->port, key_sign, 2, MOAT_HASH_SHA256, digest, 32, sig),
                     MOAT_ERR_PORT_CORRUPT);
    assert_true(all_zero(sig, sizeof(sig)));
    /* a record copied over a key */
    copy_file(x, "rec-00000001", "key-00000001");
    assert_int_equal(PCALL(&x->port, key_public, 1, &pub), MOAT_ERR_PORT_CORRUPT);
}

/* key_sign wipes MOAT_ECDSA_RAW_MAX bytes on every failure. */
static void test_key_sign_failures_wipe(void **st)
{
    px *x = *st;
    uint8_t raw[256];
    uint8_t sig[MOAT_ECDSA_RAW_MAX + 8];
    uint8_t digest[48];
    size_t n;
    moat_port stale;
    memset(digest, 5, sizeof(digest));
    assert_int_equal(PCALL(&x->port, key_generate, 6, MOAT_CURVE_P384), MOAT_OK);
    /* corrupt key file */
    n = read_file(x, "key-00000006", raw, sizeof(raw));
    raw[ENV_HDR + 20] ^= 0x40;
    write_file(x, "key-00000006", raw, n);
    memset(sig, 0xAA, sizeof(sig));
    assert_int_equal(PCALL(&x->port, key_sign, 6, MOAT_HASH_SHA384, digest, 48, sig),
                     MOAT_ERR_PORT_CORRUPT);
    assert_true(all_zero(sig, MOAT_ECDSA_RAW_MAX));
    assert_int_equal(sig[MOAT_ECDSA_RAW_MAX], 0xAA); /* no overrun */
    /* a key "file" that is a directory, and one that is a FIFO (never blocks) */
    char path[320];
    path_of(x, "key-00000007", path, sizeof(path));
    assert_int_equal(mkdir(path, 0700), 0);
    memset(sig, 0xAA, sizeof(sig));
    assert_int_equal(PCALL(&x->port, key_sign, 7, MOAT_HASH_SHA256, digest, 32, sig),
                     MOAT_ERR_PORT_CORRUPT);
    assert_true(all_zero(sig, MOAT_ECDSA_RAW_MAX));
    assert_int_equal(rmdir(path), 0);
    path_of(x, "key-00000008", path, sizeof(path));
    assert_int_equal(mkfifo(path, 0600), 0);
    memset(sig, 0xAA, sizeof(sig));
    assert_int_equal(PCALL(&x->port, key_sign, 8, MOAT_HASH_SHA256, digest, 32, sig),
                     MOAT_ERR_PORT_CORRUPT);
    assert_true(all_zero(sig, MOAT_ECDSA_RAW_MAX));
    assert_int_equal(unlink(path), 0);
    /* a closed context */
    stale = x->port;
    moat_port_posix_close(&x->p);
    memset(sig, 0xAA, sizeof(sig));
    assert_int_equal(PCALL(&stale, key_sign, 6, MOAT_HASH_SHA384, digest, 48, sig),
                     MOAT_ERR_INVALID_ARGUMENT);
    assert_true(all_zero(sig, MOAT_ECDSA_RAW_MAX));
    assert_int_equal(moat_port_posix_open(&x->p, x->dir, &x->cfg, &x->port), MOAT_OK);
}

/* The UDS is created only in a fresh directory; deleted later: corrupt. */
static void test_uds_deleted(void **st)
{
    px *x = *st;
    uint8_t saved[MOAT_PORT_UDS_SIZE];
    uint8_t uds[MOAT_PORT_UDS_SIZE];
    char path[320];
    moat_port before;
    assert_int_equal(read_file(x, "uds", saved, sizeof(saved)), MOAT_PORT_UDS_SIZE);
    path_of(x, "uds", path, sizeof(path));
    /* deleted while open: device_secret reports corruption, wiped */
    assert_int_equal(unlink(path), 0);
    memset(uds, 0xAA, sizeof(uds));
    assert_int_equal(PCALL(&x->port, device_secret, uds, sizeof(uds)), MOAT_ERR_PORT_CORRUPT);
    assert_true(all_zero(uds, sizeof(uds)));
    /* deleted at open: corrupt, never regenerated */
    moat_port_posix_close(&x->p);
    memset(&before, 0xAA, sizeof(before));
    assert_int_equal(moat_port_posix_open(&x->p, x->dir, &x->cfg, &before), MOAT_ERR_PORT_CORRUPT);
    assert_null(before.ops);
    assert_false(exists(x, "uds"));
    assert_int_equal(moat_port_posix_open(&x->p, x->dir, &x->cfg, &before), MOAT_ERR_PORT_CORRUPT);
    assert_false(exists(x, "uds"));
    /* putting it back restores the same identity */
    write_file(x, "uds", saved, sizeof(saved));
    assert_int_equal(chmod(path, 0600), 0);
    assert_int_equal(moat_port_posix_open(&x->p, x->dir, &x->cfg, &x->port), MOAT_OK);
    assert_int_equal(PCALL(&x->port, device_secret, uds, sizeof(uds)), MOAT_OK);
    assert_memory_equal(uds, saved, sizeof(saved));
    moat_wipe(uds, sizeof(uds));
    moat_wipe(saved, sizeof(saved));
}

/* Open a sub-directory @p name of x->dir prepared by the caller. */
static moat_err open_sub(const px *x, const char *name, moat_port_posix *p, moat_port *port)
{
    char sub[320];
    path_of(x, name, sub, sizeof(sub));
    return moat_port_posix_open(p, sub, &x->cfg, port);
}

static void make_sub_file(const px *x, const char *sub, const char *name, const uint8_t *b,
                          size_t n)
{
    char rel[160];
    (void)snprintf(rel, sizeof(rel), "%s/%s", sub, name);
    write_file(x, rel, b, n);
}

static void make_sub(const px *x, const char *sub)
{
    char path[320];
    path_of(x, sub, path, sizeof(path));
    assert_int_equal(mkdir(path, 0700), 0);
}

/* Fresh means no state files at all (foreign files are ignored). */
static void test_fresh_detection(void **st)
{
    px *x = *st;
    moat_port_posix p2;
    moat_port port2;
    uint8_t rec[64];
    size_t n;
    /* only foreign files: fresh, initialised */
    make_sub(x, "foreign");
    make_sub_file(x, "foreign", "notes.txt", (const uint8_t *)"hi", 2);
    assert_int_equal(open_sub(x, "foreign", &p2, &port2), MOAT_OK);
    moat_port_posix_close(&p2);
    assert_true(exists(x, "foreign/uds"));
    assert_true(exists(x, "foreign/ctr-00000000"));
    /* a record but no UDS: state exists, the UDS was lost */
    assert_int_equal(PCALL(&x->port, record_write, 0, (const uint8_t *)"r", 1), MOAT_OK);
    n = read_file(x, "rec-00000000", rec, sizeof(rec));
    make_sub(x, "reconly");
    make_sub_file(x, "reconly", "rec-00000000", rec, n);
    assert_int_equal(open_sub(x, "reconly", &p2, &port2), MOAT_ERR_PORT_CORRUPT);
    assert_false(exists(x, "reconly/uds"));
    assert_false(exists(x, "reconly/ctr-00000000"));
    /* a counter but no UDS */
    n = read_file(x, "ctr-00000005", rec, sizeof(rec));
    make_sub(x, "ctronly");
    make_sub_file(x, "ctronly", "ctr-00000005", rec, n);
    assert_int_equal(open_sub(x, "ctronly", &p2, &port2), MOAT_ERR_PORT_CORRUPT);
    assert_false(exists(x, "ctronly/uds"));
    /* a slot file but no UDS */
    make_sub(x, "slotonly");
    make_sub_file(x, "slotonly", "slot-0.bin", rec, 1);
    assert_int_equal(open_sub(x, "slotonly", &p2, &port2), MOAT_ERR_PORT_CORRUPT);
    assert_false(exists(x, "slotonly/uds"));
}

/* An interrupted initialisation is redone; the marker never resets state. */
static void test_interrupted_init(void **st)
{
    px *x = *st;
    moat_port_posix p2;
    moat_port port2;
    uint8_t rec[64];
    uint8_t zero_ctr[64];
    uint64_t v = 9;
    size_t n;
    size_t nz;
    static const uint8_t marker[] = "x";
    nz = read_file(x, "ctr-00000001", zero_ctr, sizeof(zero_ctr)); /* counter 1 at 0 */
    /* marker alone, and marker with counters at 0: initialised */
    make_sub(x, "m1");
    make_sub_file(x, "m1", "initializing", marker, 1);
    make_sub_file(x, "m1", "ctr-00000001", zero_ctr, nz);
    make_sub_file(x, "m1", "uds.tmp", marker, 1);
    assert_int_equal(open_sub(x, "m1", &p2, &port2), MOAT_OK);
    assert_int_equal(PCALL(&port2, counter_read, 15, &v), MOAT_OK);
    assert_int_equal(v, 0);
    moat_port_posix_close(&p2);
    assert_false(exists(x, "m1/initializing"));
    assert_false(exists(x, "m1/uds.tmp"));
    assert_true(exists(x, "m1/uds"));
    /* marker next to a record: corrupt, nothing touched */
    assert_int_equal(PCALL(&x->port, record_write, 0, (const uint8_t *)"r", 1), MOAT_OK);
    n = read_file(x, "rec-00000000", rec, sizeof(rec));
    make_sub(x, "m2");
    make_sub_file(x, "m2", "initializing", marker, 1);
    make_sub_file(x, "m2", "rec-00000000", rec, n);
    assert_int_equal(open_sub(x, "m2", &p2, &port2), MOAT_ERR_PORT_CORRUPT);
    assert_false(exists(x, "m2/uds"));
    /* marker next to a counter above 0: initialisation never writes that */
    assert_int_equal(PCALL(&x->port, counter_advance, 2, 42), MOAT_OK);
    n = read_file(x, "ctr-00000002", rec, sizeof(rec));
    make_sub(x, "m3");
    make_sub_file(x, "m3", "initializing", marker, 1);
    make_sub_file(x, "m3", "ctr-00000002", rec, n);
    assert_int_equal(open_sub(x, "m3", &p2, &port2), MOAT_ERR_PORT_CORRUPT);
    assert_false(exists(x, "m3/uds"));
    assert_int_equal(read_file(x, "m3/ctr-00000002", zero_ctr, sizeof(zero_ctr)), n);
    assert_memory_equal(zero_ctr, rec, n); /* not reset */
    /* marker planted in a used directory: nothing is reset */
    moat_port_posix_close(&x->p);
    write_file(x, "initializing", marker, 1);
    assert_int_equal(moat_port_posix_open(&x->p, x->dir, &x->cfg, &x->port), MOAT_ERR_PORT_CORRUPT);
    char path[320];
    path_of(x, "initializing", path, sizeof(path));
    assert_int_equal(unlink(path), 0);
    assert_int_equal(moat_port_posix_open(&x->p, x->dir, &x->cfg, &x->port), MOAT_OK);
    assert_int_equal(PCALL(&x->port, counter_read, 2, &v), MOAT_OK);
    assert_int_equal(v, 42);
}

/* Owner and mode of an existing directory; no symlink as the directory. */
static void test_insecure_dir(void **st)
{
    px *x = *st;
    moat_port_posix p2;
    moat_port port2;
    char link[320];
    moat_port_posix_close(&x->p);
    static const mode_t bad[] = {0770, 0720, 0702, 0777, 0722};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(chmod(x->dir, bad[i]), 0);
        memset(&port2, 0xAA, sizeof(port2));
        assert_int_equal(moat_port_posix_open(&p2, x->dir, &x->cfg, &port2),
                         MOAT_ERR_PORT_INSECURE);
        assert_null(port2.ops);
        assert_false(p2.open);
    }
    /* read/execute for others is allowed (only writing is dangerous) */
    assert_int_equal(chmod(x->dir, 0755), 0);
    assert_int_equal(moat_port_posix_open(&p2, x->dir, &x->cfg, &port2), MOAT_OK);
    moat_port_posix_close(&p2);
    assert_int_equal(chmod(x->dir, 0700), 0);
    /* a symlink to a good state directory is refused */
    (void)snprintf(link, sizeof(link), "%s.link", x->dir);
    assert_int_equal(symlink(x->dir, link), 0);
    assert_int_equal(moat_port_posix_open(&p2, link, &x->cfg, &port2), MOAT_ERR_PORT_INSECURE);
    assert_null(port2.ops);
    assert_int_equal(unlink(link), 0);
    /* owned by another user (needs root to set up) */
    if (geteuid() == 0) {
        assert_int_equal(chown(x->dir, 65534, 65534), 0);
        assert_int_equal(moat_port_posix_open(&p2, x->dir, &x->cfg, &port2),
                         MOAT_ERR_PORT_INSECURE);
        assert_int_equal(chown(x->dir, 0, 0), 0);
    } else {
        print_message("NOTICE: not root: the foreign-owner check is not exercised\n");
    }
    assert_int_equal(moat_port_posix_open(&x->p, x->dir, &x->cfg, &x->port), MOAT_OK);
}

/* Planted temporary files and symlinked state files are never followed. */
static void test_symlinks_not_followed(void **st)
{
    px *x = *st;
    uint8_t buf[16];
    size_t len = 0;
    char victim[320];
    char tmp[320];
    char rec[320];
    struct stat sb;
    write_file(x, "victim.txt", (const uint8_t *)"precious", 8);
    path_of(x, "victim.txt", victim, sizeof(victim));
    path_of(x, "rec-00000004.tmp", tmp, sizeof(tmp));
    assert_int_equal(symlink(victim, tmp), 0);
    assert_int_equal(PCALL(&x->port, record_write, 4, (const uint8_t *)"new", 3), MOAT_OK);
    assert_int_equal(read_file(x, "victim.txt", buf, sizeof(buf)), 8);
    assert_memory_equal(buf, "precious", 8);
    path_of(x, "rec-00000004", rec, sizeof(rec));
    assert_int_equal(lstat(rec, &sb), 0);
    assert_true(S_ISREG(sb.st_mode));
    assert_int_equal(PCALL(&x->port, record_read, 4, buf, sizeof(buf), &len), MOAT_OK);
    assert_int_equal(len, 3);
    /* a state file replaced by a symlink to a valid copy of itself */
    assert_int_equal(rename(rec, victim), 0);
    assert_int_equal(symlink(victim, rec), 0);
    assert_int_equal(PCALL(&x->port, record_read, 4, buf, sizeof(buf), &len),
                     MOAT_ERR_PORT_CORRUPT);
    assert_int_equal(len, 0);
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
        cmocka_unit_test_setup_teardown(test_init_creates_counters, px_setup, px_teardown),
        cmocka_unit_test_setup_teardown(test_counter_deleted, px_setup, px_teardown),
        cmocka_unit_test_setup_teardown(test_swapped_files, px_setup, px_teardown),
        cmocka_unit_test_setup_teardown(test_key_sign_failures_wipe, px_setup, px_teardown),
        cmocka_unit_test_setup_teardown(test_uds_deleted, px_setup, px_teardown),
        cmocka_unit_test_setup_teardown(test_fresh_detection, px_setup, px_teardown),
        cmocka_unit_test_setup_teardown(test_interrupted_init, px_setup, px_teardown),
        cmocka_unit_test_setup_teardown(test_insecure_dir, px_setup, px_teardown),
        cmocka_unit_test_setup_teardown(test_symlinks_not_followed, px_setup, px_teardown),
    };
    int failed = port_conformance_run(&posix_factory);
    failed += cmocka_run_group_tests_name("posix port specifics", tests, NULL, NULL);
    return failed;
}
