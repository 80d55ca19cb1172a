/*
 * Port conformance suite: CMocka tests any port must pass. A port's test
 * program describes how to open a fresh port in an empty directory and how
 * to re-open it (simulating a reboot), then calls port_conformance_run().
 * Power-cut and entropy-failure cases wrap the port under test in the fault
 * port (ports/fault), so they apply to every port unchanged. Those cuts
 * fall BETWEEN port calls: they prove the caller-visible contract at call
 * granularity, not the atomicity of one operation inside the port, which
 * each port proves with its own intra-operation crash tests (POSIX:
 * test_port_posix_crash.c). Port-level entropy failure needs the optional
 * factory hook entropy_fail.
 */
#ifndef MOAT_TEST_PORT_CONFORMANCE_H
#define MOAT_TEST_PORT_CONFORMANCE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "moat/port.h"

/** How to open and re-open the port under test. */
typedef struct port_factory {
    const char *name;
    size_t state_size; /* bytes of factory state the suite allocates */
    /* Open a fresh port whose persistent state lives in @p dir (empty). */
    moat_err (*open)(void *state, const char *dir, moat_port *out);
    /* Simulate a reboot: drop all RAM state, re-open the same storage. */
    moat_err (*reopen)(void *state, moat_port *out);
    /* Close (the storage stays in the directory). */
    void (*close)(void *state);
    bool has_time;          /* time_now expected to succeed */
    bool has_uds;           /* device_secret expected to succeed */
    uint64_t counter_max;   /* largest counter value the port holds */
    uint32_t slot_present;  /* a slot the port has (size >= 16 KiB), or UINT32_MAX */
    uint32_t slot_absent;   /* a slot id in range the port lacks, or UINT32_MAX */
    /*
     * Optional: make the PORT's own entropy source fail (@p fail true) or
     * work again (false), e.g. a test build that forces the TRNG health
     * test to fail. With it the suite checks the port itself wipes and
     * fails closed (entropy, key_generate); without it that test is
     * skipped with a notice, and only the fault port's wrapper-level
     * entropy knob is exercised (which proves callers, not the port).
     */
    void (*entropy_fail)(void *state, bool fail);
} port_factory;

/** Run the whole suite against @p f; returns the number of failures. */
int port_conformance_run(const port_factory *f);

/* Helpers shared with port-specific tests. */
/** Make a fresh temporary directory (under $TMPDIR or /tmp) into @p out. */
void pc_make_tmpdir(char *out, size_t cap);
/** Remove a directory tree made by pc_make_tmpdir(). */
void pc_remove_tree(const char *dir);

#endif
