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
 * @brief Hard cap on the nesting depth, whatever the limits ask (the
 *        validator tracks object/array kinds in a 64-bit stack).
 */
#define MOAT_JSON_MAX_DEPTH_CAP 64u
/**
 * @brief Longest accepted number token, in characters (cJSON converts numbers
 *        through a 64-byte buffer; longer tokens are ::MOAT_ERR_JSON_NUMBER).
 */
#define MOAT_JSON_MAX_NUMBER_LEN 63u

/**
 * @brief Arena bytes sufficient for any document of at most @p input_len
 *        bytes holding at most @p values values (the count limited by
 *        moat_json_limits::max_members: every value, including the root and
 *        each member's value).
 *
 * Derivation: the parser takes one node per value (moat_json_node_size(),
 * rounded up to 16; at most 80 bytes on supported targets) and at most two
 * strings per value (a member name and a string value), each costing its raw
 * length in the input plus 2, rounded up to 16 (at most 17 extra bytes each);
 * a number instead costs at most its length plus 16 (some cJSON builds copy
 * it into an allocation); the raw lengths of all strings and numbers add up
 * to less than @p input_len; 16 more bytes cover aligning the arena. So
 * 80 + 2 * 17 <= 114 bytes per value, plus @p input_len, plus 16.
 * For the exact need of one document use moat_json_validate().
 */
#define MOAT_JSON_ARENA_SIZE(input_len, values) \
    ((size_t)(values) * 114u + (size_t)(input_len) + 16u)

/**
 * @brief Limits applied by moat_json_parse(). Zero fields take the default;
 *        max_depth above ::MOAT_JSON_MAX_DEPTH_CAP is clamped to the cap.
 */
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
    MOAT_JSON_INVALID = 0, /**< no value (NULL) */
    MOAT_JSON_NULL,        /**< null */
    MOAT_JSON_FALSE,       /**< false */
    MOAT_JSON_TRUE,        /**< true */
    MOAT_JSON_NUMBER,      /**< a number */
    MOAT_JSON_STRING,      /**< a string */
    MOAT_JSON_ARRAY,       /**< an array */
    MOAT_JSON_OBJECT       /**< an object */
} moat_json_type;

/** @brief sizeof one tree node on this build (for sizing arenas precisely). */
size_t moat_json_node_size(void);

/**
 * @brief Install moat's arena allocation hooks into cJSON (process-global).
 *
 * moat_json_parse() calls it on first use. The installation is guarded by a
 * plain static flag, so the very first call must not race another thread's
 * first call: multi-threaded programs call moat_json_init() (or one
 * moat_json_parse()) once at startup, before starting threads. Idempotent.
 */
void moat_json_init(void);

/**
 * @brief Run only the strict validator (first pass of moat_json_parse()) and
 *        report the arena size that parsing @p text needs.
 *
 * @param text input, not necessarily NUL-terminated
 * @param len its length in bytes
 * @param limits NULL for the defaults
 * @param[out] arena_needed bytes of arena moat_json_parse() needs for this
 *             text, including worst-case alignment slack; 0 on failure.
 *             May be NULL.
 * @return ::MOAT_OK or the same error moat_json_parse() would report from
 *         its validation pass (everything except ::MOAT_ERR_JSON_ARENA and
 *         ::MOAT_ERR_JSON_DUPLICATE_KEY). No allocation; reentrant.
 */
moat_err moat_json_validate(const char *text, size_t len,
                            const moat_json_limits *limits, size_t *arena_needed);

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
 * @return ::MOAT_OK, or the precise error code of the first
 *         violation (::MOAT_ERR_JSON_TOO_LARGE, ::MOAT_ERR_JSON_DEPTH,
 *         ::MOAT_ERR_JSON_TOO_MANY_MEMBERS, ::MOAT_ERR_JSON_STRING_TOO_LONG,
 *         ::MOAT_ERR_JSON_UTF8, ::MOAT_ERR_JSON_SURROGATE,
 *         ::MOAT_ERR_JSON_NUMBER, ::MOAT_ERR_JSON_TRAILING,
 *         ::MOAT_ERR_JSON_SYNTAX, ::MOAT_ERR_JSON_NUL_CHAR (a \\u0000
 *         escape), ::MOAT_ERR_JSON_DUPLICATE_KEY, ::MOAT_ERR_JSON_ARENA),
 *         or ::MOAT_ERR_INVALID_ARGUMENT (NULL text, arena or root). On
 *         failure the whole arena is wiped.
 *
 * Stack: a few hundred bytes (no recursion). Time: linear in @p len for
 * validation, plus O(m^2) name comparisons per object of m members.
 * Thread safety: reentrant once the hooks are installed (see
 * moat_json_init()); the arena is selected through a thread-local pointer.
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
 *         [min, max]). @p out is set to 0 on failure.
 * @note Numbers are held as IEEE-754 doubles: "1e2" reads as 100, and above
 *       2^52 a fractional part in the text may already be rounded away.
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
 *        characters (\\b \\f \\n \\r \\t, others as \\u00XX). Invalid
 *        UTF-8 (RFC 3629) sets ::MOAT_ERR_JSON_UTF8 and a NUL byte sets
 *        ::MOAT_ERR_JSON_NUL_CHAR (moat_json_parse() would reject \\u0000);
 *        in both cases nothing is appended.
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
