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

/**
 * @brief sizeof one tree node on this build (for sizing arenas precisely).
 * @return the node size in bytes (before rounding up to the 16-byte arena
 *         alignment). Cannot fail. No heap, no stack buffer; reentrant.
 */
size_t moat_json_node_size(void);

/**
 * @brief Install moat's arena allocation hooks into cJSON (process-global).
 *
 * moat_json_parse() calls it on first use. The installation is guarded by a
 * plain static flag, so the very first call must not race another thread's
 * first call: multi-threaded programs call moat_json_init() (or one
 * moat_json_parse()) once at startup, before starting threads. Idempotent.
 * Cannot fail.
 *
 * Memory: no heap, no stack buffer (it only stores two function pointers in
 * cJSON). Thread safety: not safe against a concurrent first call (see
 * above); later calls are no-ops and safe.
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
 * @return ::MOAT_OK, or the same error moat_json_parse() would report from
 *   its validation pass:
 *   ::MOAT_ERR_JSON_TOO_LARGE (@p len above the max_input limit; checked
 *   first, before @p text is looked at);
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p text NULL);
 *   ::MOAT_ERR_JSON_SYNTAX (grammar, empty input, unescaped control
 *   character, bad escape, unterminated string);
 *   ::MOAT_ERR_JSON_DEPTH (nesting above max_depth);
 *   ::MOAT_ERR_JSON_TOO_MANY_MEMBERS (more values than max_members);
 *   ::MOAT_ERR_JSON_STRING_TOO_LONG (a string or name above max_string);
 *   ::MOAT_ERR_JSON_UTF8 (invalid UTF-8);
 *   ::MOAT_ERR_JSON_SURROGATE (lone or mismatched surrogate escape);
 *   ::MOAT_ERR_JSON_NUL_CHAR (a \\u0000 escape);
 *   ::MOAT_ERR_JSON_NUMBER (NaN, Infinity, leading zero, '+', bare '.',
 *   token longer than ::MOAT_JSON_MAX_NUMBER_LEN);
 *   ::MOAT_ERR_JSON_TRAILING (data after the value).
 *   Never ::MOAT_ERR_JSON_ARENA nor ::MOAT_ERR_JSON_DUPLICATE_KEY (those
 *   are found by the later passes of moat_json_parse()).
 *
 * Memory: no heap, no arena; a few hundred bytes of stack (no recursion).
 * Thread safety: reentrant; does not need moat_json_init().
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
 * @return ::MOAT_OK, or the precise error code of the first violation:
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p arena or @p root NULL; @p text NULL,
 *   unless @p len already exceeds max_input);
 *   every validation error listed for moat_json_validate()
 *   (::MOAT_ERR_JSON_TOO_LARGE, ::MOAT_ERR_JSON_SYNTAX,
 *   ::MOAT_ERR_JSON_DEPTH, ::MOAT_ERR_JSON_TOO_MANY_MEMBERS,
 *   ::MOAT_ERR_JSON_STRING_TOO_LONG, ::MOAT_ERR_JSON_UTF8,
 *   ::MOAT_ERR_JSON_SURROGATE, ::MOAT_ERR_JSON_NUL_CHAR (a \\u0000
 *   escape), ::MOAT_ERR_JSON_NUMBER, ::MOAT_ERR_JSON_TRAILING);
 *   ::MOAT_ERR_JSON_ARENA (@p arena_size, after 16-byte alignment, below
 *   what the validator computed, or cJSON ran out of arena);
 *   ::MOAT_ERR_JSON_DUPLICATE_KEY (a member name repeated in one object);
 *   ::MOAT_ERR_INTERNAL (cJSON disagreed with the validator: not expected).
 *   On failure the whole arena is wiped and *root is NULL.
 *
 * Stack: the validator is iterative, but cJSON's tree building recurses
 * once per nesting level (about 96 bytes a level on x86-64 -O2): measured
 * peaks about 5.7 KiB at depth 4 and 11.5 KiB at the hard cap of 64
 * (::MOAT_JSON_MAX_DEPTH_CAP). Size device stacks from max_depth.
 * Time: linear in @p len for validation, plus O(m^2) name comparisons per
 * object of m members.
 * Thread safety: reentrant once the hooks are installed (see
 * moat_json_init()); the arena is selected through a thread-local pointer.
 */
moat_err moat_json_parse(const char *text, size_t len,
                         const moat_json_limits *limits, void *arena,
                         size_t arena_size, const moat_json **root);

/**
 * @brief Type of @p v.
 * @param v a value of a parsed tree, or NULL
 * @return its type; ::MOAT_JSON_INVALID for NULL. Cannot fail.
 *
 * Accessors (this one and those below): no heap, no stack buffer; they only
 * read the tree, so any number of threads may read one tree concurrently
 * while its arena is neither reused nor wiped.
 */
moat_json_type moat_json_type_of(const moat_json *v);

/**
 * @brief Member @p name of object @p obj (exact, case-sensitive match).
 * @param obj an object value (anything else, including NULL, gives NULL)
 * @param name NUL-terminated member name (NULL gives NULL)
 * @return the member's value, or NULL if absent. Cannot fail otherwise.
 *         Reentrant; no heap.
 */
const moat_json *moat_json_get(const moat_json *obj, const char *name);

/**
 * @brief Number of members/elements of an object/array.
 * @param v a value, or NULL
 * @return the count; 0 for NULL, scalars and empty containers. Cannot fail.
 *         Reentrant; no heap.
 */
size_t moat_json_size(const moat_json *v);

/**
 * @brief First child of an object/array.
 * @param v a value, or NULL
 * @return the first member/element, or NULL (empty container, scalar or
 *         NULL). Cannot fail. Reentrant; no heap.
 */
const moat_json *moat_json_child(const moat_json *v);
/**
 * @brief Next sibling within the same object/array.
 * @param v a member/element, or NULL
 * @return the next one, or NULL at the end (or for NULL). Cannot fail.
 *         Reentrant; no heap.
 */
const moat_json *moat_json_next(const moat_json *v);
/**
 * @brief Member name of an object member.
 * @param v a value, or NULL
 * @return its NUL-terminated name (in the arena), or NULL for array
 *         elements, the root and NULL. Cannot fail. Reentrant; no heap.
 */
const char *moat_json_name(const moat_json *v);

/**
 * @brief The string value of @p v.
 * @param v a value, or NULL (e.g. the result of a failed moat_json_get())
 * @param[out] s receives the NUL-terminated string (in the arena); NULL on
 *        failure
 * @param[out] len receives strlen (strings never contain NUL); 0 on failure;
 *        may be NULL
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p s NULL);
 *         ::MOAT_ERR_JSON_MISSING (@p v NULL); ::MOAT_ERR_JSON_TYPE (@p v
 *         not a string).
 *
 * Memory: no heap, no stack buffer. Thread safety: reentrant (read-only on
 * the tree).
 */
moat_err moat_json_string(const moat_json *v, const char **s, size_t *len);

/**
 * @brief An integer value: written as a JSON integer literal, exact and
 *        within [@p min, @p max].
 *
 * Only the integer form of RFC 8259 section 6 is accepted: an optional
 * minus and digits, without fraction or exponent ("-0" reads as 0). A
 * number written with '.', 'e' or 'E' is refused even when its value is
 * whole ("1.0", "1e0", "1e2", "5.0000000000000001"), so every verifier that
 * distinguishes integers from other numbers (e.g. Python's json module)
 * reads the same documents the same way. moat_json_parse() records the
 * form of each number literal for this check.
 * @param v a value, or NULL
 * @param min smallest accepted value
 * @param max largest accepted value (min > max accepts nothing)
 * @param[out] out the value; 0 on failure
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p out NULL);
 *         ::MOAT_ERR_JSON_MISSING (@p v NULL); ::MOAT_ERR_JSON_TYPE (not a
 *         number); ::MOAT_ERR_JSON_RANGE (not written as an integer
 *         literal, beyond +-(2^53-1), or outside [min, max]).
 *
 * Memory: no heap, no stack buffer. Thread safety: reentrant (read-only on
 * the tree).
 */
moat_err moat_json_int(const moat_json *v, int64_t min, int64_t max, int64_t *out);

/**
 * @brief A boolean value.
 * @param v a value, or NULL
 * @param[out] out the value; false on failure
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p out NULL);
 *         ::MOAT_ERR_JSON_MISSING (@p v NULL); ::MOAT_ERR_JSON_TYPE (neither
 *         true nor false). No heap, no stack buffer; reentrant.
 */
moat_err moat_json_bool(const moat_json *v, bool *out);

/**
 * @brief Convenience: moat_json_string(moat_json_get(obj, name), s, len).
 * @param obj an object (anything else behaves as a missing member)
 * @param name member name
 * @param[out] s as for moat_json_string()
 * @param[out] len as for moat_json_string(); may be NULL
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p s NULL);
 *         ::MOAT_ERR_JSON_MISSING (member absent, @p obj not an object or
 *         NULL, or @p name NULL); ::MOAT_ERR_JSON_TYPE (not a string).
 *         No heap, no stack buffer; reentrant.
 */
moat_err moat_json_get_string(const moat_json *obj, const char *name,
                              const char **s, size_t *len);
/**
 * @brief Convenience: moat_json_int(moat_json_get(obj, name), min, max, out).
 * @param obj an object (anything else behaves as a missing member)
 * @param name member name
 * @param min smallest accepted value
 * @param max largest accepted value
 * @param[out] out the value; 0 on failure
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p out NULL);
 *         ::MOAT_ERR_JSON_MISSING (member absent, @p obj not an object or
 *         NULL, or @p name NULL); ::MOAT_ERR_JSON_TYPE (not a number);
 *         ::MOAT_ERR_JSON_RANGE (as for moat_json_int()).
 *         No heap, no stack buffer; reentrant.
 */
moat_err moat_json_get_int(const moat_json *obj, const char *name, int64_t min,
                           int64_t max, int64_t *out);

/**
 * @brief A bounded JSON writer into a caller buffer. After an overflow it
 *        keeps counting, so moat_json_writer_finish() can report the size
 *        needed. Errors are sticky: once @c err is set, every write is a
 *        no-op and moat_json_writer_finish() returns it.
 *
 * The write functions return nothing; their errors are recorded in @c err.
 * Memory: no heap; the writer uses only the caller's buffer and a few dozen
 * bytes of stack. Thread safety: reentrant; one writer must not be used by
 * two threads at once.
 */
typedef struct moat_json_writer {
    char *buf;    /**< output buffer */
    size_t cap;   /**< its capacity */
    size_t len;   /**< bytes produced so far (may exceed cap after overflow) */
    moat_err err; /**< first error, sticky */
} moat_json_writer;

/**
 * @brief Start writing into @p buf of @p cap bytes.
 * @param w the writer (NULL: nothing happens)
 * @param buf output buffer; may be NULL only with @p cap 0 (a size-only
 *        pass), else the sticky error is ::MOAT_ERR_INVALID_ARGUMENT
 * @param cap its capacity
 */
void moat_json_writer_init(moat_json_writer *w, char *buf, size_t cap);
/**
 * @brief Append raw bytes (the caller guarantees they are valid JSON text).
 * @param w the writer (NULL or a sticky error: nothing happens)
 * @param s the bytes; NULL with @p len != 0 sets ::MOAT_ERR_INVALID_ARGUMENT
 * @param len their number. A total length reaching SIZE_MAX - 1 sets
 *        ::MOAT_ERR_INPUT_TOO_LARGE.
 */
void moat_json_write_raw(moat_json_writer *w, const char *s, size_t len);
/**
 * @brief Append a NUL-terminated raw text (not escaped).
 * @param w the writer (NULL or a sticky error: nothing happens)
 * @param s the text; NULL sets ::MOAT_ERR_INVALID_ARGUMENT. Length overflow
 *        sets ::MOAT_ERR_INPUT_TOO_LARGE as for moat_json_write_raw().
 */
void moat_json_write_cstr(moat_json_writer *w, const char *s);
/**
 * @brief Append @p s as a quoted JSON string, escaping '"', '\\' and control
 *        characters (\\b \\f \\n \\r \\t, others as \\u00XX). Invalid
 *        UTF-8 (RFC 3629) sets ::MOAT_ERR_JSON_UTF8 and a NUL byte sets
 *        ::MOAT_ERR_JSON_NUL_CHAR (moat_json_parse() would reject \\u0000);
 *        in both cases nothing is appended.
 * @param w the writer (NULL or a sticky error: nothing happens)
 * @param s the string (UTF-8, not NUL-terminated); NULL with @p len != 0
 *        sets ::MOAT_ERR_INVALID_ARGUMENT
 * @param len its length in bytes. Length overflow sets
 *        ::MOAT_ERR_INPUT_TOO_LARGE as for moat_json_write_raw().
 */
void moat_json_write_string(moat_json_writer *w, const char *s, size_t len);
/**
 * @brief Append a decimal integer (INT64_MIN included).
 * @param w the writer (NULL or a sticky error: nothing happens)
 * @param v the value. Length overflow sets ::MOAT_ERR_INPUT_TOO_LARGE as for
 *        moat_json_write_raw().
 */
void moat_json_write_int(moat_json_writer *w, int64_t v);
/**
 * @brief Finish: NUL-terminate (the NUL is not counted in @p out_len).
 * @param w the writer
 * @param[out] out_len the text length without the NUL; the size needed on
 *        ::MOAT_ERR_BUFFER_TOO_SMALL; 0 on other failures
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p w or @p out_len NULL);
 *   the sticky error of an earlier write (::MOAT_ERR_INVALID_ARGUMENT,
 *   ::MOAT_ERR_JSON_UTF8, ::MOAT_ERR_JSON_NUL_CHAR,
 *   ::MOAT_ERR_INPUT_TOO_LARGE);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (text plus NUL do not fit; *out_len = bytes
 *   needed including the NUL).
 *   On every failure the buffer is wiped over its capacity.
 */
moat_err moat_json_writer_finish(moat_json_writer *w, size_t *out_len);

#ifdef __cplusplus
}
#endif
#endif /* MOAT_JSON_H */
