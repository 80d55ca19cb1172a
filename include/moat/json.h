/**
 * @file json.h
 * @brief Bounded, strict JSON (RFC 8259) parsing over cJSON, and a small
 *        bounded JSON writer.
 *
 * Parsing happens in two passes. A strict validator (no allocation) checks
 * the whole text first: grammar, UTF-8 (RFC 3629: no overlongs, no surrogate
 * code points, nothing above U+10FFFF), escapes (a \\uD800-\\uDBFF escape must
 * be followed by a \\uDC00-\\uDFFF one and vice versa; \\u0000 is rejected
 * because C strings could not carry it), numbers (no NaN, Infinity, leading
 * zeros, '+' or bare '.'), nesting depth, member/element count, string length,
 * total size and trailing data. Only then does cJSON build the tree, taking
 * all its memory from the caller's arena; finally duplicate member names are
 * rejected at every level (cJSON would silently return the first).
 *
 * Memory: the tree lives in the caller's arena (no heap on the device path).
 * MOAT_JSON_ARENA_SIZE() gives a safe arena size for a document.
 * When the arena is too small the parse fails with ::MOAT_ERR_JSON_ARENA.
 *
 * Thread safety: parsing is reentrant; the arena selection is thread-local.
 * cJSON's allocation hooks are process-global: moat installs them on first
 * use; when no moat parse is active on the calling thread they forward to
 * the C library allocator (hosted builds with MOAT_JSON_HEAP_FALLBACK) so
 * other cJSON users in the same process keep working.
 */
#ifndef MOAT_JSON_H
#define MOAT_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "moat/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Default maximum input size in bytes. */
#define MOAT_JSON_DEFAULT_MAX_INPUT 65536u
/** @brief Default maximum nesting depth (objects + arrays). */
#define MOAT_JSON_DEFAULT_MAX_DEPTH 16u
/** @brief Default maximum number of values (members + elements) in a document. */
#define MOAT_JSON_DEFAULT_MAX_MEMBERS 1024u
/** @brief Default maximum length of one string (bytes, after unescaping). */
#define MOAT_JSON_DEFAULT_MAX_STRING 16384u

/**
 * @brief Arena bytes sufficient for a document of @p input_len bytes holding
 *        at most @p values values: one node per value plus its strings.
 *        Conservative (covers 64-bit hosts); see moat_json_node_size().
 */
#define MOAT_JSON_ARENA_SIZE(input_len, values) \
    ((size_t)(values) * 80u + (size_t)(input_len) * 2u + 64u)

/** @brief Limits applied by moat_json_parse(). Zero fields take the default. */
typedef struct moat_json_limits {
    size_t max_input;   /**< bytes of input text */
    size_t max_depth;   /**< nesting depth */
    size_t max_members; /**< values in the whole document */
    size_t max_string;  /**< bytes in any one string or member name */
} moat_json_limits;

/** @brief A parsed JSON value (opaque; a cJSON node inside the arena). */
typedef struct cJSON moat_json;

/** @brief JSON value types. */
typedef enum moat_json_type {
    MOAT_JSON_INVALID = 0,
    MOAT_JSON_NULL,
    MOAT_JSON_FALSE,
    MOAT_JSON_TRUE,
    MOAT_JSON_NUMBER,
    MOAT_JSON_STRING,
    MOAT_JSON_ARRAY,
    MOAT_JSON_OBJECT
} moat_json_type;

/** @brief sizeof one tree node on this build (for sizing arenas precisely). */
size_t moat_json_node_size(void);

/**
 * @brief Validate strictly and parse @p text into @p arena.
 *
 * @param text  input, not necessarily NUL-terminated
 * @param len   its length in bytes (the whole of it must be one JSON value,
 *              optionally surrounded by JSON whitespace)
 * @param limits NULL for the defaults
 * @param arena caller memory for the tree; aligned to 16 internally
 * @param arena_size its size
 * @param[out] root the root value, valid while @p arena lives and is not
 *             reused; set to NULL on failure
 * @return ::MOAT_OK, or the precise ::MOAT_ERR_JSON_* code of the first
 *         violation (::MOAT_ERR_JSON_TOO_LARGE, ::MOAT_ERR_JSON_DEPTH,
 *         ::MOAT_ERR_JSON_TOO_MANY_MEMBERS, ::MOAT_ERR_JSON_STRING_TOO_LONG,
 *         ::MOAT_ERR_JSON_UTF8, ::MOAT_ERR_JSON_SURROGATE,
 *         ::MOAT_ERR_JSON_NUMBER, ::MOAT_ERR_JSON_TRAILING,
 *         ::MOAT_ERR_JSON_SYNTAX, ::MOAT_ERR_JSON_DUPLICATE_KEY,
 *         ::MOAT_ERR_JSON_ARENA). On failure the arena is wiped.
 */
moat_err moat_json_parse(const char *text, size_t len,
                         const moat_json_limits *limits, void *arena,
                         size_t arena_size, const moat_json **root);

/** @brief Type of @p v (::MOAT_JSON_INVALID for NULL). */
moat_json_type moat_json_type_of(const moat_json *v);

/** @brief Member @p name of object @p obj, or NULL (also if @p obj is not an object). */
const moat_json *moat_json_get(const moat_json *obj, const char *name);

/** @brief Number of members/elements of an object/array (0 otherwise). */
size_t moat_json_size(const moat_json *v);

/** @brief First child of an object/array, or NULL. */
const moat_json *moat_json_child(const moat_json *v);
/** @brief Next sibling, or NULL. */
const moat_json *moat_json_next(const moat_json *v);
/** @brief Member name of an object member (NULL for array elements). */
const char *moat_json_name(const moat_json *v);

/**
 * @brief The string value of @p v.
 * @return ::MOAT_ERR_JSON_MISSING if @p v is NULL, ::MOAT_ERR_JSON_TYPE if not
 *         a string. @p len receives strlen (strings never contain NUL).
 */
moat_err moat_json_string(const moat_json *v, const char **s, size_t *len);

/**
 * @brief An integer value, exact and within [@p min, @p max].
 * @return ::MOAT_ERR_JSON_MISSING, ::MOAT_ERR_JSON_TYPE (not a number), or
 *         ::MOAT_ERR_JSON_RANGE (fractional, beyond +-(2^53-1), or outside
 *         [min, max]).
 */
moat_err moat_json_int(const moat_json *v, int64_t min, int64_t max, int64_t *out);

/** @brief A boolean value. Errors as moat_json_string(). */
moat_err moat_json_bool(const moat_json *v, bool *out);

/** @brief Convenience: moat_json_string(moat_json_get(obj, name), ...). */
moat_err moat_json_get_string(const moat_json *obj, const char *name,
                              const char **s, size_t *len);
/** @brief Convenience: moat_json_int(moat_json_get(obj, name), ...). */
moat_err moat_json_get_int(const moat_json *obj, const char *name, int64_t min,
                           int64_t max, int64_t *out);

/**
 * @brief A bounded JSON writer into a caller buffer. After an overflow it
 *        keeps counting, so moat_json_writer_finish() can report the size
 *        needed. Errors are sticky.
 */
typedef struct moat_json_writer {
    char *buf;    /**< output buffer */
    size_t cap;   /**< its capacity */
    size_t len;   /**< bytes produced so far (may exceed cap after overflow) */
    moat_err err; /**< first error, sticky */
} moat_json_writer;

/** @brief Start writing into @p buf of @p cap bytes. */
void moat_json_writer_init(moat_json_writer *w, char *buf, size_t cap);
/** @brief Append raw bytes (the caller guarantees they are valid JSON text). */
void moat_json_write_raw(moat_json_writer *w, const char *s, size_t len);
/** @brief Append a NUL-terminated raw text. */
void moat_json_write_cstr(moat_json_writer *w, const char *s);
/**
 * @brief Append @p s as a quoted JSON string, escaping '"', '\\' and control
 *        characters. Invalid UTF-8 sets ::MOAT_ERR_JSON_UTF8.
 */
void moat_json_write_string(moat_json_writer *w, const char *s, size_t len);
/** @brief Append a decimal integer. */
void moat_json_write_int(moat_json_writer *w, int64_t v);
/**
 * @brief Finish: NUL-terminate (the NUL is not counted in @p out_len).
 * @return ::MOAT_OK; the sticky error; or ::MOAT_ERR_BUFFER_TOO_SMALL with
 *         @p out_len = bytes needed including the NUL (the buffer is wiped).
 */
moat_err moat_json_writer_finish(moat_json_writer *w, size_t *out_len);

#ifdef __cplusplus
}
#endif
#endif /* MOAT_JSON_H */
