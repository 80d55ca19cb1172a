/*
 * Atomicity INSIDE one POSIX port operation, which the fault port cannot
 * test (it cuts only between calls). Linked against the test-only build of
 * the port (MOAT_PORT_POSIX_CRASH_POINTS), whose atomic replace can be made
 * to stop dead after any of its steps (half the bytes written, all written,
 * fsync'ed, renamed, directory fsync'ed), leaving the files as they are.
 * For every step k the test reopens the directory and asserts the record,
 * counter or key is exactly the old or the new one, as the step implies.
 *
 * Then a real-process test: a child rewrites a record (A/B alternately)
 * and advances a counter in a loop; the parent SIGKILLs it at random
 * instants 50 times and checks the record is A or B and the counter reads.
 * (A process kill keeps the page cache: this proves crash atomicity of the
 * file operations, not durability against power loss, which rests on the
 * fsync ordering checked step by step above.)
 *
 * Last, the conformance suite runs once more against this build, with the
 * port's own entropy source made to fail through the test hook.
 */
#define _GNU_SOURCE 1

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "conformance.h"
#include "moat/core.h"
#include "moat/crypto.h"
#include "moat_port_posix.h"

#define PCALL(port, fn, ...) ((port)->ops->fn((port)->ctx, __VA_ARGS__))
#define STEPS_ATOMIC 5u   /* half, written, fsync'ed, renamed, dir fsync'ed */
#define STEPS_UNLINK 2u   /* unlinked, dir fsync'ed */
#define STEP_RENAMED 4u   /* first step at which the new content is in place */
#define MAX_STEPS 200u    /* loop guard */
#define KILL_ROUNDS 50
#define KILL_MAX_DELAY_US 12000L
#define REC_A_LEN 1000u
#define REC_B_LEN 3000u

/* ----------------------------------------------------------- the factory */

typedef struct crash_state {
    moat_port_posix p;
    moat_port_posix_config cfg;
    char dir[256];
} crash_state;

static void test_config(moat_port_posix_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->slot_size[0] = 16384;
    cfg->slot_size[1] = 8192;
    cfg->erase_size = 4096;
}

static moat_err cs_open(void *state, const char *dir, moat_port *out)
{
    crash_state *s = state;
    test_config(&s->cfg);
    (void)snprintf(s->dir, sizeof(s->dir), "%s", dir);
    moat_port_posix_test_crash_at(0);
    return moat_port_posix_open(&s->p, s->dir, &s->cfg, out);
}

static moat_err cs_reopen(void *state, moat_port *out)
{
    crash_state *s = state;
    moat_port_posix_close(&s->p);
    moat_port_posix_test_crash_at(0);
    return moat_port_posix_open(&s->p, s->dir, &s->cfg, out);
}

static void cs_close(void *state)
{
    crash_state *s = state;
    moat_port_posix_close(&s->p);
    moat_port_posix_test_entropy_fail(false);
}

static void cs_entropy_fail(void *state, bool fail)
{
    (void)state;
    moat_port_posix_test_entropy_fail(fail);
}

static const port_factory crash_factory = {
    .name = "posix (test build with crash points)",
    .state_size = sizeof(crash_state),
    .open = cs_open,
    .reopen = cs_reopen,
    .close = cs_close,
    .has_time = true,
    .has_uds = true,
    .counter_max = UINT64_MAX,
    .slot_present = 0,
    .slot_absent = 2,
    .entropy_fail = cs_entropy_fail,
};

/* --------------------------------------------------------------- fixture */

typedef struct cx {
    crash_state s;
    moat_port port;
} cx;

static int cx_setup(void **st)
{
    cx *x = calloc(1, sizeof(*x));
    char dir[256];
    if (x == NULL) {
        return -1;
    }
    pc_make_tmpdir(dir, sizeof(dir));
    if (cs_open(&x->s, dir, &x->port) != MOAT_OK) {
        pc_remove_tree(dir);
        free(x);
        return -1;
    }
    *st = x;
    return 0;
}

static int cx_teardown(void **st)
{
    cx *x = *st;
    moat_port_posix_test_crash_at(0);
    cs_close(&x->s);
    pc_remove_tree(x->s.dir);
    free(x);
    return 0;
}

/* Power back: disarm the crash, drop RAM state, reopen the same directory. */
static void cx_reboot(cx *x)
{
    assert_int_equal(cs_reopen(&x->s, &x->port), MOAT_OK);
}

static bool file_exists(const cx *x, const char *name)
{
    char path[sizeof(x->s.dir) + 64];
    int n = snprintf(path, sizeof(path), "%s/%s", x->s.dir, name);
    assert_true(n > 0 && (size_t)n < sizeof(path));
    return access(path, F_OK) == 0;
}

/* Number of *.tmp entries in the state directory. */
static int tmp_files(const cx *x)
{
    DIR *d = opendir(x->s.dir);
    struct dirent *e;
    int n = 0;
    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l > 4 && strcmp(e->d_name + l - 4, ".tmp") == 0) {
            n++;
        }
    }
    closedir(d);
    return n;
}

static void pattern(uint8_t *b, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++) {
        b[i] = (uint8_t)(seed ^ (uint8_t)(i * 31u) ^ (uint8_t)(i >> 8));
    }
}

static uint8_t g_buf[MOAT_PORT_RECORD_MAX];
static uint8_t g_exp[MOAT_PORT_RECORD_MAX];

/* Record @p id holds pattern(n, seed), or is absent when n == SIZE_MAX. */
static void expect_record(const moat_port *port, uint32_t id, size_t n, uint8_t seed)
{
    size_t len = 7;
    moat_err rc = PCALL(port, record_read, id, g_buf, sizeof(g_buf), &len);
    if (n == SIZE_MAX) {
        assert_int_equal(rc, MOAT_ERR_PORT_NOT_FOUND);
        return;
    }
    assert_int_equal(rc, MOAT_OK);
    assert_int_equal(len, n);
    pattern(g_exp, n, seed);
    assert_memory_equal(g_buf, g_exp, n);
}

static moat_err write_pattern(const moat_port *port, uint32_t id, size_t n, uint8_t seed)
{
    pattern(g_exp, n, seed);
    return PCALL(port, record_write, id, g_exp, n);
}

/* ------------------------------------------------------ crash at step k */

typedef enum crash_op { C_REC_REPLACE, C_REC_CREATE, C_REC_ERASE, C_CTR, C_KEY } crash_op;

/* Old state before the operation, written with the crash disarmed. */
static void crash_setup(cx *x, crash_op op, moat_ec_public_key *old_key)
{
    switch (op) {
    case C_REC_REPLACE:
    case C_REC_ERASE:
        assert_int_equal(write_pattern(&x->port, 0, 4000, 0x11), MOAT_OK);
        break;
    case C_REC_CREATE:
        assert_int_equal(PCALL(&x->port, record_erase, 0), MOAT_OK);
        break;
    case C_CTR: {
        uint64_t v = 0;
        assert_int_equal(PCALL(&x->port, counter_read, 0, &v), MOAT_OK);
        assert_int_equal(PCALL(&x->port, counter_advance, 0, v + 5u), MOAT_OK);
        break;
    }
    case C_KEY:
    default:
        assert_int_equal(PCALL(&x->port, key_generate, 0, MOAT_CURVE_P256), MOAT_OK);
        assert_int_equal(PCALL(&x->port, key_public, 0, old_key), MOAT_OK);
        break;
    }
}

static moat_err crash_run(cx *x, crash_op op, uint64_t *ctr_old)
{
    switch (op) {
    case C_REC_REPLACE:
    case C_REC_CREATE:
        return write_pattern(&x->port, 0, 100, 0x22); /* shorter than the old */
    case C_REC_ERASE:
        return PCALL(&x->port, record_erase, 0);
    case C_CTR:
        assert_int_equal(PCALL(&x->port, counter_read, 0, ctr_old), MOAT_OK);
        return PCALL(&x->port, counter_advance, 0, *ctr_old + 4u);
    case C_KEY:
    default:
        return PCALL(&x->port, key_generate, 0, MOAT_CURVE_P256);
    }
}

/* After the reboot: exactly old (@p is_new false) or exactly new. */
static void crash_check(cx *x, crash_op op, bool is_new, uint64_t ctr_old,
                        const moat_ec_public_key *old_key)
{
    switch (op) {
    case C_REC_REPLACE:
        if (is_new) {
            expect_record(&x->port, 0, 100, 0x22);
        } else {
            expect_record(&x->port, 0, 4000, 0x11);
        }
        break;
    case C_REC_CREATE:
        if (is_new) {
            expect_record(&x->port, 0, 100, 0x22);
        } else {
            expect_record(&x->port, 0, SIZE_MAX, 0);
        }
        break;
    case C_REC_ERASE:
        if (is_new) {
            expect_record(&x->port, 0, SIZE_MAX, 0);
        } else {
            expect_record(&x->port, 0, 4000, 0x11);
        }
        break;
    case C_CTR: {
        uint64_t v = 0;
        assert_int_equal(PCALL(&x->port, counter_read, 0, &v), MOAT_OK);
        assert_true(v == (is_new ? ctr_old + 4u : ctr_old));
        break;
    }
    case C_KEY:
    default: {
        moat_ec_public_key pub;
        uint8_t digest[32];
        uint8_t sig[MOAT_ECDSA_RAW_MAX];
        assert_int_equal(PCALL(&x->port, key_public, 0, &pub), MOAT_OK);
        assert_int_equal(pub.q_len, old_key->q_len);
        if (is_new) {
            assert_memory_not_equal(pub.q, old_key->q, pub.q_len);
        } else {
            assert_memory_equal(pub.q, old_key->q, pub.q_len);
        }
        memset(digest, 0x5C, sizeof(digest));
        assert_int_equal(PCALL(&x->port, key_sign, 0, MOAT_HASH_SHA256, digest, 32, sig), MOAT_OK);
        assert_int_equal(moat_ecdsa_verify_digest(&pub, digest, 32, MOAT_SIG_RAW, sig, 64), MOAT_OK);
        break;
    }
    }
}

/*
 * For k = 1, 2, ...: set up the old state, arm a crash at step k, run the
 * operation (it must stop with MOAT_ERR_PORT_POWER_CUT), check the files
 * were left as the step implies, reboot, check old-or-new exactly, and
 * that the leftovers are gone. Ends when k passes the operation's last
 * step (it then completes normally); asserts the step count.
 */
static void crash_every_step(cx *x, crash_op op, uint32_t steps, uint32_t first_new)
{
    const char *tmp = op == C_CTR ? "ctr-00000000.tmp"
                      : op == C_KEY ? "key-00000000.tmp"
                                    : "rec-00000000.tmp";
    uint32_t k;
    for (k = 1; k <= MAX_STEPS; k++) {
        moat_ec_public_key old_key;
        uint64_t ctr_old = 0;
        moat_err rc;
        memset(&old_key, 0, sizeof(old_key));
        crash_setup(x, op, &old_key);
        moat_port_posix_test_crash_at(k);
        rc = crash_run(x, op, &ctr_old);
        if (!moat_port_posix_test_crashed()) {
            assert_int_equal(rc, MOAT_OK); /* past the last step */
            moat_port_posix_test_crash_at(0);
            crash_check(x, op, true, ctr_old, &old_key);
            break;
        }
        assert_int_equal(rc, MOAT_ERR_PORT_POWER_CUT);
        assert_int_equal(moat_port_posix_test_steps(), k);
        /* the files are as the crash left them */
        if (op != C_REC_ERASE) {
            assert_int_equal(file_exists(x, tmp), k < STEP_RENAMED);
        }
        cx_reboot(x);
        assert_int_equal(tmp_files(x), 0);
        crash_check(x, op, k >= first_new, ctr_old, &old_key);
    }
    assert_int_equal(k, steps + 1u);
}

static void test_crash_record_replace(void **st)
{
    crash_every_step(*st, C_REC_REPLACE, STEPS_ATOMIC, STEP_RENAMED);
}

static void test_crash_record_create(void **st)
{
    crash_every_step(*st, C_REC_CREATE, STEPS_ATOMIC, STEP_RENAMED);
}

static void test_crash_record_erase(void **st)
{
    crash_every_step(*st, C_REC_ERASE, STEPS_UNLINK, 1u);
}

static void test_crash_counter_advance(void **st)
{
    crash_every_step(*st, C_CTR, STEPS_ATOMIC, STEP_RENAMED);
}

static void test_crash_key_generate(void **st)
{
    crash_every_step(*st, C_KEY, STEPS_ATOMIC, STEP_RENAMED);
}

/*
 * Initialisation of a fresh directory crashed at every step: the next open
 * always completes it (every counter at 0, a 64-byte UDS, no marker) and
 * the directory is never left unopenable.
 */
static void test_crash_init(void **st)
{
    cx *x = *st;
    const uint32_t steps = (1u + MOAT_PORT_COUNTER_COUNT + 1u) * STEPS_ATOMIC + STEPS_UNLINK;
    uint32_t k;
    for (k = 1; k <= MAX_STEPS; k++) {
        char sub[320];
        moat_port_posix p;
        moat_port port;
        uint8_t uds[MOAT_PORT_UDS_SIZE];
        moat_err rc;
        (void)snprintf(sub, sizeof(sub), "%s/init-%u", x->s.dir, (unsigned)k);
        moat_port_posix_test_crash_at(k);
        rc = moat_port_posix_open(&p, sub, &x->s.cfg, &port);
        if (!moat_port_posix_test_crashed()) {
            assert_int_equal(rc, MOAT_OK);
            moat_port_posix_close(&p);
            break;
        }
        assert_int_equal(rc, MOAT_ERR_PORT_POWER_CUT);
        assert_null(port.ops);
        moat_port_posix_test_crash_at(0);
        assert_int_equal(moat_port_posix_open(&p, sub, &x->s.cfg, &port), MOAT_OK);
        for (uint32_t id = 0; id < MOAT_PORT_COUNTER_COUNT; id++) {
            uint64_t v = 9;
            assert_int_equal(PCALL(&port, counter_read, id, &v), MOAT_OK);
            assert_int_equal(v, 0);
        }
        assert_int_equal(PCALL(&port, device_secret, uds, sizeof(uds)), MOAT_OK);
        moat_wipe(uds, sizeof(uds));
        moat_port_posix_close(&p);
        (void)snprintf(sub, sizeof(sub), "init-%u/initializing", (unsigned)k);
        assert_false(file_exists(x, sub));
        (void)snprintf(sub, sizeof(sub), "%s/init-%u", x->s.dir, (unsigned)k);
        pc_remove_tree(sub);
    }
    assert_int_equal(k, steps + 1u);
}

/* No entropy while initialising: no UDS, marker left, redone next time. */
static void test_crash_entropy_at_init(void **st)
{
    cx *x = *st;
    char sub[320];
    moat_port_posix p;
    moat_port port;
    uint8_t uds[MOAT_PORT_UDS_SIZE];
    (void)snprintf(sub, sizeof(sub), "%s/noentropy", x->s.dir);
    moat_port_posix_test_entropy_fail(true);
    assert_int_equal(moat_port_posix_open(&p, sub, &x->s.cfg, &port), MOAT_ERR_PORT_ENTROPY);
    assert_null(port.ops);
    assert_false(file_exists(x, "noentropy/uds"));
    assert_true(file_exists(x, "noentropy/initializing"));
    moat_port_posix_test_entropy_fail(false);
    assert_int_equal(moat_port_posix_open(&p, sub, &x->s.cfg, &port), MOAT_OK);
    assert_int_equal(PCALL(&port, device_secret, uds, sizeof(uds)), MOAT_OK);
    assert_false(file_exists(x, "noentropy/initializing"));
    moat_wipe(uds, sizeof(uds));
    moat_port_posix_close(&p);
}

/* ------------------------------------------------------ fork + SIGKILL */

/* Child: rewrite record 0 (B, A, B, ...) and advance counter 0, forever. */
static void writer_child(const char *dir, const moat_port_posix_config *cfg, int ready_fd)
{
    static uint8_t a[REC_A_LEN];
    static uint8_t b[REC_B_LEN];
    moat_port_posix p;
    moat_port port;
    uint64_t c = 0;
    pattern(a, sizeof(a), 0xA5);
    pattern(b, sizeof(b), 0xB6);
    if (moat_port_posix_open(&p, dir, cfg, &port) != MOAT_OK ||
        PCALL(&port, counter_read, 0, &c) != MOAT_OK) {
        _exit(3);
    }
    if (write(ready_fd, "r", 1) != 1) {
        _exit(4);
    }
    for (unsigned i = 0;; i++) {
        const uint8_t *d = (i & 1u) ? a : b;
        size_t n = (i & 1u) ? sizeof(a) : sizeof(b);
        if (PCALL(&port, record_write, 0, d, n) != MOAT_OK ||
            PCALL(&port, counter_advance, 0, ++c) != MOAT_OK) {
            _exit(5);
        }
    }
}

static void test_kill_during_writes(void **st)
{
    cx *x = *st;
    const char *env = getenv("MOAT_TEST_SEED");
    unsigned seed = env != NULL ? (unsigned)strtoul(env, NULL, 10) : (unsigned)time(NULL);
    struct timespec t0;
    struct timespec t1;
    uint64_t last = 0;
    int seen_a = 0;
    int seen_b = 0;
    print_message("kill test seed %u (set MOAT_TEST_SEED to replay)\n", seed);
    assert_int_equal(write_pattern(&x->port, 0, REC_A_LEN, 0xA5), MOAT_OK);
    moat_port_posix_close(&x->s.p);
    (void)clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int round = 0; round < KILL_ROUNDS; round++) {
        int fds[2];
        char ready = 0;
        int status = 0;
        pid_t pid;
        size_t len = 0;
        uint64_t v = 0;
        struct timespec delay;
        long us = (long)(rand_r(&seed) % (unsigned)KILL_MAX_DELAY_US);
        assert_int_equal(pipe(fds), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            (void)close(fds[0]);
            writer_child(x->s.dir, &x->s.cfg, fds[1]);
            _exit(6);
        }
        (void)close(fds[1]);
        assert_int_equal(read(fds[0], &ready, 1), 1); /* child holds the port */
        (void)close(fds[0]);
        delay.tv_sec = 0;
        delay.tv_nsec = us * 1000L;
        (void)nanosleep(&delay, NULL);
        assert_int_equal(kill(pid, SIGKILL), 0);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL); /* never failed */
        /* reboot: the record is A or B, never torn or missing */
        assert_int_equal(moat_port_posix_open(&x->s.p, x->s.dir, &x->s.cfg, &x->port), MOAT_OK);
        assert_int_equal(PCALL(&x->port, record_read, 0, g_buf, sizeof(g_buf), &len), MOAT_OK);
        assert_true(len == REC_A_LEN || len == REC_B_LEN);
        pattern(g_exp, len, len == REC_A_LEN ? 0xA5 : 0xB6);
        assert_memory_equal(g_buf, g_exp, len);
        if (len == REC_A_LEN) {
            seen_a++;
        } else {
            seen_b++;
        }
        assert_int_equal(PCALL(&x->port, counter_read, 0, &v), MOAT_OK);
        assert_true(v >= last); /* never goes back */
        last = v;
        moat_port_posix_close(&x->s.p);
    }
    (void)clock_gettime(CLOCK_MONOTONIC, &t1);
    print_message("%d kills: record A %d times, B %d times, counter %llu, %.2f s\n", KILL_ROUNDS,
                  seen_a, seen_b, (unsigned long long)last,
                  (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    assert_true(last > 0); /* the child did write */
    assert_int_equal(cs_reopen(&x->s, &x->port), MOAT_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_crash_record_replace, cx_setup, cx_teardown),
        cmocka_unit_test_setup_teardown(test_crash_record_create, cx_setup, cx_teardown),
        cmocka_unit_test_setup_teardown(test_crash_record_erase, cx_setup, cx_teardown),
        cmocka_unit_test_setup_teardown(test_crash_counter_advance, cx_setup, cx_teardown),
        cmocka_unit_test_setup_teardown(test_crash_key_generate, cx_setup, cx_teardown),
        cmocka_unit_test_setup_teardown(test_crash_init, cx_setup, cx_teardown),
        cmocka_unit_test_setup_teardown(test_crash_entropy_at_init, cx_setup, cx_teardown),
        cmocka_unit_test_setup_teardown(test_kill_during_writes, cx_setup, cx_teardown),
    };
    int failed = cmocka_run_group_tests_name("posix port: crash inside operations", tests,
                                             NULL, NULL);
    failed += port_conformance_run(&crash_factory);
    return failed;
}
