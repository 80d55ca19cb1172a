/**
 * @file moat_port_fault.h
 * @brief A port that wraps any port and injects faults: entropy failure,
 *        clock offsets and loss of time, and power cuts at the N-th
 *        persistent write. For tests and the port conformance suite.
 *
 * Persistent writes are counted in call order (1, 2, 3, ...) since
 * moat_port_fault_wrap() or the last moat_port_fault_reboot(): every call of
 * record_write, record_erase, counter_advance, slot_write, slot_erase and
 * key_generate counts, whatever its outcome (argument errors included), so
 * the index of a write is predictable from the caller's code alone.
 *
 * Power-cut model. When the cut is armed at N (moat_port_fault_cut_at()),
 * the N-th persistent write is the one during which power is lost. It
 * returns ::MOAT_ERR_PORT_POWER_CUT, and from then on EVERY call of the port
 * (reads, entropy and time included: the device is off) returns
 * ::MOAT_ERR_PORT_POWER_CUT with its outputs wiped, until
 * moat_port_fault_reboot(). What the cut write left in storage depends on
 * the mode:
 * - ::MOAT_PORT_FAULT_CUT_BEFORE: nothing (the write never reached storage);
 * - ::MOAT_PORT_FAULT_CUT_AFTER: the whole write (it completed; the caller
 *   never learned it did);
 * - ::MOAT_PORT_FAULT_CUT_TORN: a slot_write leaves a prefix of its data
 *   (the first half, rounded down to the slot's write_align); every other
 *   write behaves as BEFORE. For records, counters and keys that is what
 *   their atomic contract allows; for slot_erase it is because port.h has
 *   no partial-erase call to build a half-erased slot from (programming
 *   erased_value over written data is not what an interrupted flash erase
 *   leaves), so a cut erase leaves the slot untouched.
 *
 * What this port proves, and what it does not. Cuts happen only BETWEEN
 * calls of the wrapped port: the fault port checks the caller-visible
 * contract at call granularity (a caller's handling of a cut at every
 * operation boundary). It never interrupts the wrapped port INSIDE one
 * operation, so it cannot tell an atomic record_write from a non-atomic
 * one (truncate + write in place passes every cut test). The atomicity of
 * each operation is the wrapped port's own guarantee and needs its own
 * test: for the POSIX port, the crash-point and kill tests in
 * tests/port/test_port_posix_crash.c; for hardware, real power
 * interruption (see docs/porting.md).
 *
 * Entropy: the knob applies to entropy() and to key_generate (which counts
 * as one entropy call and, when the source is failing, returns
 * ::MOAT_ERR_PORT_ENTROPY without calling the wrapped port). Other uses of
 * entropy inside the wrapped port are out of its reach.
 *
 * key_sign wipes its output over ::MOAT_ECDSA_RAW_MAX bytes on every
 * failure, a power cut included.
 *
 * Memory: the ::moat_port_fault context is caller-owned, no heap; the inner
 * port must outlive it. Thread safety: none (as any port).
 */
#ifndef MOAT_PORT_FAULT_H
#define MOAT_PORT_FAULT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "moat/port.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief "Never" for moat_port_fault_entropy_fail_after(). */
#define MOAT_PORT_FAULT_NEVER UINT32_MAX

/** @brief What a power cut leaves of the write it interrupts. */
typedef enum moat_port_fault_cut_mode {
    MOAT_PORT_FAULT_CUT_BEFORE = 1, /**< nothing written */
    MOAT_PORT_FAULT_CUT_AFTER = 2,  /**< fully written, caller sees the cut */
    MOAT_PORT_FAULT_CUT_TORN = 3    /**< slot_write: a prefix; anything else: nothing */
} moat_port_fault_cut_mode;

/** @brief Fault port context (caller-owned; use the functions, not the fields). */
typedef struct moat_port_fault {
    moat_port inner;                 /**< wrapped port */
    uint32_t entropy_ok_left;        /**< entropy calls that still succeed */
    bool clock_no_time;              /**< report no time */
    int64_t clock_offset;            /**< seconds added to the inner time */
    uint32_t writes;                 /**< persistent writes since wrap/reboot */
    uint32_t cut_at;                 /**< 0: disarmed */
    moat_port_fault_cut_mode cut_mode; /**< model of the cut write */
    bool cut;                        /**< power is off */
    bool wrapped;                    /**< between wrap and wipe */
} moat_port_fault;

/**
 * @brief Wrap @p inner (copied: its ops and ctx must stay valid) with no
 *        fault enabled. Passes every call through until a knob is set.
 * @param[out] f caller-owned context; must outlive @p out
 * @param inner the port to wrap
 * @param[out] out the fault port to hand to moat (context @p f)
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p f, @p out or @p inner
 *         NULL, or @p inner not a port of ABI ::MOAT_PORT_ABI_VERSION).
 *         On failure @p f and @p out are wiped.
 *
 * Memory: no heap. Thread safety: not thread-safe; serialize with every
 * other call on @p f and on the port it provides.
 */
moat_err moat_port_fault_wrap(moat_port_fault *f, const moat_port *inner, moat_port *out);

/**
 * @brief Entropy fails after @p n more successful calls: calls n+1, n+2,
 *        ... wipe their output and return ::MOAT_ERR_PORT_ENTROPY. 0 fails
 *        every call; ::MOAT_PORT_FAULT_NEVER restores normal operation.
 *        key_generate counts as one call (and fails the same way, with
 *        nothing changed).
 * @param f the fault context (NULL is ignored)
 * @param n successful entropy calls still allowed
 *
 * Memory: no heap. Thread safety: not thread-safe; serialize with every
 * other call on @p f and on the port it provides.
 */
void moat_port_fault_entropy_fail_after(moat_port_fault *f, uint32_t n);

/**
 * @brief Clock faults: @p offset_seconds is added to the inner time (a jump
 *        forward or back, applied from the next call); @p no_time makes
 *        time_now report ::MOAT_ERR_PORT_NO_TIME. (0, false) restores.
 *        An offset that would overflow int64 reports no time.
 * @param f the fault context (NULL is ignored)
 * @param offset_seconds added to every time the inner port reports
 * @param no_time true: time_now reports ::MOAT_ERR_PORT_NO_TIME
 *
 * Memory: no heap. Thread safety: not thread-safe; serialize with every
 * other call on @p f and on the port it provides.
 */
void moat_port_fault_set_clock(moat_port_fault *f, int64_t offset_seconds, bool no_time);

/**
 * @brief Arm a power cut at persistent write number @p n (counted from the
 *        last wrap or reboot, 1-based; writes already done count). @p n = 0
 *        disarms; an @p n already passed never fires.
 * @param f the fault context (NULL is ignored)
 * @param n the 1-based index of the write that is cut; 0 disarms
 * @param mode what the cut write leaves in storage (a value outside
 *        ::moat_port_fault_cut_mode acts as ::MOAT_PORT_FAULT_CUT_BEFORE)
 *
 * Memory: no heap. Thread safety: not thread-safe; serialize with every
 * other call on @p f and on the port it provides.
 */
void moat_port_fault_cut_at(moat_port_fault *f, uint32_t n, moat_port_fault_cut_mode mode);

/**
 * @brief Persistent writes attempted since wrap or the last reboot.
 * @param f the fault context
 * @return the count (saturating at UINT32_MAX); 0 for a NULL @p f.
 *
 * Memory: no heap. Thread safety: not thread-safe; serialize with every
 * other call on @p f and on the port it provides.
 */
uint32_t moat_port_fault_writes(const moat_port_fault *f);

/**
 * @brief true once a power cut has happened (until reboot).
 * @param f the fault context
 * @return true while power is off; false otherwise and for a NULL @p f.
 *
 * Memory: no heap. Thread safety: not thread-safe; serialize with every
 * other call on @p f and on the port it provides.
 */
bool moat_port_fault_is_cut(const moat_port_fault *f);

/**
 * @brief Simulate power coming back: clears the cut state, disarms the cut
 *        and resets the write count. Entropy and clock knobs are kept.
 *        The caller also re-opens the inner port if it keeps RAM state.
 * @param f the fault context (NULL is ignored)
 *
 * Memory: no heap. Thread safety: not thread-safe; serialize with every
 * other call on @p f and on the port it provides.
 */
void moat_port_fault_reboot(moat_port_fault *f);

#ifdef __cplusplus
}
#endif
#endif /* MOAT_PORT_FAULT_H */
