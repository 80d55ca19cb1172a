/**
 * @file der.h
 * @brief Internal strict DER reader and a small backward DER writer
 *        (ITU-T X.690, Distinguished Encoding Rules). Not a public header:
 *        included as "core/der.h" from src/.
 *
 * Reader: only definite, minimal lengths (X.690 section 10.1), at most
 * ::MOAT_DER_MAX_LEN_BYTES length octets, low-tag-number form only (a tag
 * whose number bits are all ones, i.e. the high-tag-number form, is rejected
 * with ::MOAT_ERR_DER_TAG), nesting bounded by ::MOAT_DER_MAX_DEPTH. INTEGERs
 * read through moat_der_read_uint() must be minimal and non-negative.
 * The reader never copies: values point into the caller's buffer.
 *
 * Writer: writes from the END of the caller's buffer towards its start, so a
 * constructed value's length is known when its header is written (write the
 * children last-to-first, then moat_der_put_constructed()). It keeps counting
 * after the buffer is full, so moat_der_writer_finish() can report the exact
 * size needed; on success it moves the encoding to the start of the buffer.
 *
 * Memory: no heap, a few words of stack. Thread safety: reentrant; a reader
 * or writer must not be shared between threads.
 */
#ifndef MOAT_CORE_DER_H
#define MOAT_CORE_DER_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "moat/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Maximum nesting depth of moat_der_enter(). */
#define MOAT_DER_MAX_DEPTH 16u
/** @brief Maximum number of long-form length octets accepted (lengths < 2^32). */
#define MOAT_DER_MAX_LEN_BYTES 4u
/** @brief Largest TLV header: 1 tag octet + 1 + MOAT_DER_MAX_LEN_BYTES. */
#define MOAT_DER_MAX_HEADER (2u + MOAT_DER_MAX_LEN_BYTES)

/** @name Universal tags (X.680 section 8.4) and class bits.
 *  @{ */
#define MOAT_DER_TAG_BOOLEAN 0x01u
#define MOAT_DER_TAG_INTEGER 0x02u
#define MOAT_DER_TAG_BIT_STRING 0x03u
#define MOAT_DER_TAG_OCTET_STRING 0x04u
#define MOAT_DER_TAG_NULL 0x05u
#define MOAT_DER_TAG_OID 0x06u
#define MOAT_DER_TAG_UTF8_STRING 0x0Cu
#define MOAT_DER_TAG_PRINTABLE_STRING 0x13u
#define MOAT_DER_TAG_UTC_TIME 0x17u
#define MOAT_DER_TAG_GENERALIZED_TIME 0x18u
#define MOAT_DER_TAG_SEQUENCE 0x30u
#define MOAT_DER_TAG_SET 0x31u
#define MOAT_DER_CONSTRUCTED 0x20u
#define MOAT_DER_CONTEXT 0x80u
/** @} */

/** @brief A context-specific tag number @p n (0..30), constructed (EXPLICIT). */
#define MOAT_DER_TAG_CTX_CONS(n) ((uint8_t)(0xA0u | (n)))
/** @brief A context-specific tag number @p n (0..30), primitive (IMPLICIT). */
#define MOAT_DER_TAG_CTX_PRIM(n) ((uint8_t)(0x80u | (n)))

/** @brief A read cursor over a DER buffer (or over a constructed value). */
typedef struct moat_der_reader {
    const uint8_t *buf; /**< start of the bytes */
    size_t len;         /**< number of bytes */
    size_t pos;         /**< next byte to read */
    unsigned depth;     /**< nesting depth (0 at top level) */
} moat_der_reader;

/** @brief Start reading @p len bytes at @p buf (depth 0). */
void moat_der_reader_init(moat_der_reader *r, const uint8_t *buf, size_t len);

/** @brief True when every byte of @p r has been consumed. */
bool moat_der_at_end(const moat_der_reader *r);

/**
 * @brief Look at the next tag without consuming it.
 * @return ::MOAT_ERR_DER_TRUNCATED at the end of the input.
 */
moat_err moat_der_peek_tag(const moat_der_reader *r, uint8_t *tag);

/**
 * @brief Read one TLV. On success @p value points into the buffer and the
 *        cursor moves past the value.
 * @return ::MOAT_ERR_DER_TRUNCATED, ::MOAT_ERR_DER_TAG (high-tag-number form),
 *         ::MOAT_ERR_DER_LENGTH (indefinite, non-minimal, too many octets).
 *         On failure the cursor does not move.
 */
moat_err moat_der_read_tlv(moat_der_reader *r, uint8_t *tag,
                           const uint8_t **value, size_t *len);

/** @brief Read one TLV whose tag must be @p tag (else ::MOAT_ERR_DER_TAG). */
moat_err moat_der_expect(moat_der_reader *r, uint8_t tag,
                         const uint8_t **value, size_t *len);

/**
 * @brief Read a constructed TLV with tag @p tag and open a child reader over
 *        its contents (depth + 1; ::MOAT_ERR_DER_DEPTH beyond
 *        ::MOAT_DER_MAX_DEPTH).
 */
moat_err moat_der_enter(moat_der_reader *r, uint8_t tag, moat_der_reader *child);

/** @brief ::MOAT_ERR_DER_TRAILING unless @p r is fully consumed. */
moat_err moat_der_finish(const moat_der_reader *r);

/**
 * @brief Check the content octets of an INTEGER for DER minimality and
 *        non-negativity and return its magnitude (leading 0x00 removed; the
 *        value zero gives a zero-length magnitude).
 * @return ::MOAT_ERR_DER_INTEGER (empty, non-minimal, or negative).
 */
moat_err moat_der_uint_magnitude(const uint8_t *value, size_t len,
                                 const uint8_t **mag, size_t *mag_len);

/** @brief Read an INTEGER (tag 0x02) as a non-negative minimal magnitude. */
moat_err moat_der_read_uint(moat_der_reader *r, const uint8_t **mag,
                            size_t *mag_len);

/**
 * @brief Read a BIT STRING with zero unused bits; @p bits receives the
 *        octets after the unused-bits octet.
 * @return ::MOAT_ERR_DER_TAG, ::MOAT_ERR_DER_LENGTH (empty or unused bits
 *         not zero).
 */
moat_err moat_der_read_bit_string_octets(moat_der_reader *r, const uint8_t **bits,
                                         size_t *bits_len);

/** @brief Read an OBJECT IDENTIFIER (tag 0x06, non-empty); @p oid receives its content octets. */
moat_err moat_der_read_oid(moat_der_reader *r, const uint8_t **oid, size_t *oid_len);

/* ----------------------------------------------------------------- writer */

/** @brief A backward DER writer (see the file comment). */
typedef struct moat_der_writer {
    uint8_t *buf;  /**< caller's buffer (may be NULL with cap 0: size only) */
    size_t cap;    /**< its capacity */
    size_t len;    /**< bytes produced so far (counted even past cap) */
} moat_der_writer;

/** @brief Start writing backward into @p buf of @p cap bytes. */
void moat_der_writer_init(moat_der_writer *w, uint8_t *buf, size_t cap);

/** @brief A mark for moat_der_put_constructed(): the current length. */
size_t moat_der_mark(const moat_der_writer *w);

/** @brief Prepend @p len raw bytes. */
void moat_der_put_raw(moat_der_writer *w, const uint8_t *data, size_t len);

/** @brief Prepend a tag and a minimal length header for @p content_len bytes. */
void moat_der_put_header(moat_der_writer *w, uint8_t tag, size_t content_len);

/**
 * @brief Prepend the header of a constructed value whose contents are
 *        everything written since @p mark.
 */
void moat_der_put_constructed(moat_der_writer *w, uint8_t tag, size_t mark);

/** @brief Prepend a primitive TLV. */
void moat_der_put_tlv(moat_der_writer *w, uint8_t tag, const uint8_t *value,
                      size_t len);

/**
 * @brief Prepend a non-negative INTEGER from a big-endian magnitude (leading
 *        zeros are dropped; a 0x00 is added when the top bit is set).
 */
void moat_der_put_uint(moat_der_writer *w, const uint8_t *mag, size_t len);

/** @brief Prepend an OBJECT IDENTIFIER from its encoded content octets. */
void moat_der_put_oid(moat_der_writer *w, const uint8_t *oid, size_t len);

/** @brief Prepend a BIT STRING with zero unused bits. */
void moat_der_put_bit_string(moat_der_writer *w, const uint8_t *data, size_t len);

/** @brief Size of the TLV header for @p content_len bytes of content. */
size_t moat_der_header_size(size_t content_len);

/**
 * @brief Finish: move the encoding to the start of the buffer.
 * @return ::MOAT_OK with *out_len the size; ::MOAT_ERR_BUFFER_TOO_SMALL with
 *         *out_len the size needed and the buffer wiped.
 */
moat_err moat_der_writer_finish(moat_der_writer *w, size_t *out_len);

#ifdef __cplusplus
}
#endif
#endif /* MOAT_CORE_DER_H */
