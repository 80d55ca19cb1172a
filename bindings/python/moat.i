/*
 * moat.i - SWIG interface for the moat Python bindings.
 *
 * The generated low-level module is moat.lowlevel (Python proxy) over the
 * extension moat._moat. It is deliberately flat and C-shaped: every entry
 * point returns the moat_err code first, followed by its outputs, and never
 * raises for a moat failure. The Pythonic package (moat/__init__.py) turns
 * non-zero codes into moat.MoatError and wraps keys in classes.
 *
 * Conventions of this layer:
 * - Byte inputs are any object with the buffer protocol (bytes, bytearray,
 *   memoryview); None is passed as (NULL, 0). str is refused (TypeError):
 *   the Python layer encodes text explicitly.
 * - Byte outputs are allocated here (calloc), sized with the header's size
 *   macros or by retrying once with the size a MOAT_ERR_BUFFER_TOO_SMALL
 *   reports, copied into a new bytes object, then wiped and freed. On
 *   failure the output is None.
 * - A private key lives in a heap-allocated struct moatpy_key owned by the
 *   Python PrivateKey object; moatpy_key_free() wipes it with
 *   moat_ec_private_wipe() before freeing. Python never sees the scalar
 *   except through an explicit to_der() export.
 * - Key generation uses moat's HMAC-DRBG (SP 800-90A) instantiated from a
 *   seed the caller passes (the Python layer passes os.urandom(48), i.e.
 *   getrandom(2)), with a fixed personalization string; the DRBG state is
 *   wiped before returning.
 *
 * Thread safety: every helper is reentrant; a moatpy_key may be used for
 * signing from several threads at once (signing only reads it) but must not
 * be freed concurrently (the Python object's lifetime guarantees that).
 */
%module(package="moat") lowlevel

%{
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#include "moat/moat.h"

/** A private key owned by a Python object. */
struct moatpy_key {
    moat_ec_private_key key;
};
typedef struct moatpy_key moatpy_key;

/** Personalization string of the key-generation DRBG. */
static const char moatpy_keygen_pers[] = "moat-python keygen v1";

/** Largest output any helper allocates (bounds a reported size). */
#define MOATPY_OUT_MAX ((size_t)1 << 30)

/* One attempt at producing output into (out, cap); *len receives the length
 * or, on MOAT_ERR_BUFFER_TOO_SMALL, the size needed. */
typedef moat_err (*moatpy_fill_fn)(void *ctx, uint8_t *out, size_t cap, size_t *len);

/* Run fill with a first capacity guess; on MOAT_ERR_BUFFER_TOO_SMALL retry
 * once with the reported size. Every buffer is wiped before it is freed. */
static moat_err moatpy_fill(moatpy_fill_fn fill, void *ctx, size_t guess,
                            uint8_t **out, size_t *out_len)
{
    size_t cap = guess;
    int attempt;
    moat_err rc = MOAT_ERR_INTERNAL;

    *out = NULL;
    *out_len = 0;
    for (attempt = 0; attempt < 2; ++attempt) {
        size_t len = 0;
        uint8_t *buf;

        if (cap > MOATPY_OUT_MAX) {
            return MOAT_ERR_INPUT_TOO_LARGE;
        }
        buf = (uint8_t *)calloc(1, cap ? cap : 1);
        if (buf == NULL) {
            return MOAT_ERR_OUT_OF_MEMORY;
        }
        rc = fill(ctx, buf, cap, &len);
        if (rc == MOAT_OK) {
            *out = buf;
            *out_len = len;
            return MOAT_OK;
        }
        moat_wipe(buf, cap ? cap : 1);
        free(buf);
        if (rc != MOAT_ERR_BUFFER_TOO_SMALL || len <= cap) {
            return rc;
        }
        cap = len;
    }
    return rc;
}

static moatpy_key *moatpy_key_new(void)
{
    return (moatpy_key *)calloc(1, sizeof(moatpy_key));
}

static void moatpy_key_release(moatpy_key *k)
{
    if (k != NULL) {
        moat_ec_private_wipe(&k->key);
        moat_wipe(k, sizeof(*k));
        free(k);
    }
}

/* Import a public key from its curve and uncompressed point. */
static moat_err moatpy_pub(int curve, const uint8_t *pt, size_t pt_len,
                           moat_ec_public_key *pub)
{
    return moat_ec_public_from_point((moat_curve)curve, pt, pt_len, pub);
}

/* ------------------------------------------------------ fill closures */

typedef struct { const moat_ec_private_key *k; moat_key_format fmt; } moatpy_der_ctx;
static moat_err moatpy_fill_der(void *c, uint8_t *o, size_t cap, size_t *len)
{
    const moatpy_der_ctx *x = (const moatpy_der_ctx *)c;
    return moat_ec_private_to_der(x->k, x->fmt, o, cap, len);
}

typedef struct { const moat_ec_public_key *pub; } moatpy_pubctx;
static moat_err moatpy_fill_spki(void *c, uint8_t *o, size_t cap, size_t *len)
{
    return moat_ec_public_to_spki(((const moatpy_pubctx *)c)->pub, o, cap, len);
}
static moat_err moatpy_fill_jwk(void *c, uint8_t *o, size_t cap, size_t *len)
{
    return moat_jwk_emit(((const moatpy_pubctx *)c)->pub, (char *)o, cap, len);
}

typedef struct {
    const moat_signer *signer; const char *kid;
    const uint8_t *payload; size_t payload_len;
} moatpy_sign_ctx;
static moat_err moatpy_fill_compact(void *c, uint8_t *o, size_t cap, size_t *len)
{
    const moatpy_sign_ctx *x = (const moatpy_sign_ctx *)c;
    return moat_jws_sign_compact(x->signer, x->kid, x->payload, x->payload_len,
                                 (char *)o, cap, len);
}

typedef struct {
    const char *tok; size_t tok_len; const moat_ec_public_key *pub;
} moatpy_vrfy_ctx;
static moat_err moatpy_fill_verify(void *c, uint8_t *o, size_t cap, size_t *len)
{
    const moatpy_vrfy_ctx *x = (const moatpy_vrfy_ctx *)c;
    return moat_jws_verify_compact(x->tok, x->tok_len, x->pub, o, cap, len);
}

typedef struct {
    const char *doc; size_t doc_len;
    const uint8_t *payload; size_t payload_len;
    const moat_signer *signer; const char *kid;
    void *work; size_t work_size;
} moatpy_jsign_ctx;
static moat_err moatpy_fill_jsign(void *c, uint8_t *o, size_t cap, size_t *len)
{
    const moatpy_jsign_ctx *x = (const moatpy_jsign_ctx *)c;
    return moat_jws_json_sign(x->doc, x->doc_len, x->payload, x->payload_len,
                              x->signer, x->kid, x->work, x->work_size,
                              (char *)o, cap, len);
}

typedef struct {
    const char *doc; size_t doc_len;
    const moat_jwk *keys; size_t nkeys; size_t threshold;
    void *work; size_t work_size; size_t valid;
} moatpy_jvrfy_ctx;
static moat_err moatpy_fill_jverify(void *c, uint8_t *o, size_t cap, size_t *len)
{
    moatpy_jvrfy_ctx *x = (moatpy_jvrfy_ctx *)c;
    return moat_jws_json_verify(x->doc, x->doc_len, x->keys, x->nkeys, x->threshold,
                                NULL, x->work, x->work_size, o, cap, len, &x->valid);
}
%}

/* ------------------------------------------------------------ typemaps */

%include "typemaps.i"

/* Byte input: any buffer-protocol object, or None for (NULL, 0). */
%typemap(in) (const uint8_t *IN, size_t IN_LEN) (Py_buffer view, int have_view = 0) {
    if ($input == Py_None) {
        $1 = NULL;
        $2 = 0;
    } else {
        if (PyObject_GetBuffer($input, &view, PyBUF_SIMPLE) != 0) {
            SWIG_fail;
        }
        have_view = 1;
        $1 = ($1_ltype)view.buf;
        $2 = (size_t)view.len;
    }
}
%typemap(freearg) (const uint8_t *IN, size_t IN_LEN) {
    if (have_view$argnum) {
        PyBuffer_Release(&view$argnum);
    }
}
%typemap(typecheck, precedence=SWIG_TYPECHECK_POINTER) (const uint8_t *IN, size_t IN_LEN) {
    $1 = ($input == Py_None || PyObject_CheckBuffer($input)) ? 1 : 0;
}

/* Byte output: allocated by the helper, returned as bytes (None if NULL),
 * wiped and freed here. */
%typemap(in, numinputs=0) (uint8_t **out, size_t *out_len) (uint8_t *obuf = NULL, size_t olen = 0) {
    $1 = &obuf;
    $2 = &olen;
}
%typemap(argout) (uint8_t **out, size_t *out_len) {
    PyObject *o;
    if (*$1 != NULL) {
        o = PyBytes_FromStringAndSize((const char *)*$1, (Py_ssize_t)*$2);
        moat_wipe(*$1, *$2);
        free(*$1);
        *$1 = NULL;
        if (o == NULL) {
            SWIG_fail;
        }
    } else {
        Py_INCREF(Py_None);
        o = Py_None;
    }
    $result = SWIG_AppendOutput($result, o);
}
%typemap(freearg) (uint8_t **out, size_t *out_len) {
    if ($1 != NULL && *$1 != NULL) {
        moat_wipe(*$1, *$2);
        free(*$1);
    }
}

/* Private key handle output. */
%typemap(in, numinputs=0) moatpy_key **OUT_KEY (moatpy_key *kout = NULL) {
    $1 = &kout;
}
%typemap(argout) moatpy_key **OUT_KEY {
    PyObject *o;
    if (*$1 != NULL) {
        o = SWIG_NewPointerObj(SWIG_as_voidptr(*$1), $*1_descriptor, 0);
    } else {
        Py_INCREF(Py_None);
        o = Py_None;
    }
    $result = SWIG_AppendOutput($result, o);
}

%apply (const uint8_t *IN, size_t IN_LEN) {
    (const uint8_t *seed, size_t seed_len),
    (const uint8_t *der, size_t der_len),
    (const uint8_t *d, size_t d_len),
    (const uint8_t *json, size_t json_len),
    (const uint8_t *pt, size_t pt_len),
    (const uint8_t *payload, size_t payload_len),
    (const uint8_t *tok, size_t tok_len),
    (const uint8_t *doc, size_t doc_len),
    (const uint8_t *keyblob, size_t keyblob_len),
    (const uint8_t *data, size_t data_len)
};

%apply int *OUTPUT { int *curve_out, int *valid_out };

/* The Python names drop the C prefix: moatpy_key_free -> key_free. */
%rename("%(strip:[moatpy_])s") "";

/* moatpy_key is opaque to Python: only handles cross the boundary. */
typedef struct moatpy_key moatpy_key;

%inline %{
/** Library version string. */
const char *moatpy_version(void)
{
    return moat_version();
}

/** Symbolic name of an error code ("MOAT_ERR_..."). */
const char *moatpy_error_name(int code)
{
    return moat_strerror_name((moat_err)code);
}

/** Message of an error code. */
const char *moatpy_error_message(int code)
{
    return moat_strerror((moat_err)code);
}

/** Curve numbers (MOAT_CURVE_*). */
int moatpy_curve_p256(void) { return (int)MOAT_CURVE_P256; }
int moatpy_curve_p384(void) { return (int)MOAT_CURVE_P384; }
/** Key formats (MOAT_KEY_*). */
int moatpy_format_sec1(void) { return (int)MOAT_KEY_SEC1; }
int moatpy_format_pkcs8(void) { return (int)MOAT_KEY_PKCS8; }

/** Wipe and free a private key handle (NULL is ignored). */
void moatpy_key_free(moatpy_key *key)
{
    moatpy_key_release(key);
}

/**
 * Generate a key: HMAC-DRBG instantiated from @p seed (at least
 * MOAT_DRBG_MIN_SEED bytes of fresh entropy), then moat_ec_generate().
 */
int moatpy_key_generate(int curve, const uint8_t *seed, size_t seed_len,
                        moatpy_key **OUT_KEY)
{
    moat_drbg_ctx drbg;
    moatpy_key *k;
    moat_err rc;

    *OUT_KEY = NULL;
    if (moat_curve_size((moat_curve)curve) == 0u) {
        return MOAT_ERR_UNSUPPORTED;
    }
    k = moatpy_key_new();
    if (k == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_drbg_init(&drbg, seed, seed_len, (const uint8_t *)moatpy_keygen_pers,
                        sizeof(moatpy_keygen_pers) - 1u);
    if (rc == MOAT_OK) {
        rc = moat_ec_generate((moat_curve)curve, moat_drbg_generate, &drbg, &k->key);
    }
    moat_drbg_wipe(&drbg);
    if (rc != MOAT_OK) {
        moatpy_key_release(k);
        return rc;
    }
    *OUT_KEY = k;
    return MOAT_OK;
}

/** Import a DER private key (SEC1 ECPrivateKey or PKCS#8). */
int moatpy_key_from_der(const uint8_t *der, size_t der_len, moatpy_key **OUT_KEY)
{
    moatpy_key *k;
    moat_err rc;

    *OUT_KEY = NULL;
    k = moatpy_key_new();
    if (k == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_ec_private_from_der(der, der_len, &k->key);
    if (rc != MOAT_OK) {
        moatpy_key_release(k);
        return rc;
    }
    *OUT_KEY = k;
    return MOAT_OK;
}

/** Import a private key from a big-endian scalar. */
int moatpy_key_from_scalar(int curve, const uint8_t *d, size_t d_len,
                           moatpy_key **OUT_KEY)
{
    moatpy_key *k;
    moat_err rc;

    *OUT_KEY = NULL;
    k = moatpy_key_new();
    if (k == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_ec_private_from_scalar((moat_curve)curve, d, d_len, &k->key);
    if (rc != MOAT_OK) {
        moatpy_key_release(k);
        return rc;
    }
    *OUT_KEY = k;
    return MOAT_OK;
}

/** Import a private EC JWK (with "d"). */
int moatpy_key_from_jwk(const uint8_t *json, size_t json_len, moatpy_key **OUT_KEY)
{
    moatpy_key *k;
    moat_err rc;

    *OUT_KEY = NULL;
    k = moatpy_key_new();
    if (k == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_jwk_parse_private((const char *)json, json_len, &k->key, NULL);
    if (rc != MOAT_OK) {
        moatpy_key_release(k);
        return rc;
    }
    *OUT_KEY = k;
    return MOAT_OK;
}

/** The key's curve (MOAT_CURVE_*), 0 for NULL. */
int moatpy_key_curve(moatpy_key *key)
{
    return key != NULL ? (int)key->key.curve : 0;
}

/** Export the private key as DER (secret output, wiped after copy). */
int moatpy_key_to_der(moatpy_key *key, int fmt, uint8_t **out, size_t *out_len)
{
    moatpy_der_ctx c;

    if (key == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    c.k = &key->key;
    c.fmt = (moat_key_format)fmt;
    return moatpy_fill(moatpy_fill_der, &c, MOAT_EC_PRIV_DER_MAX, out, out_len);
}

/** The public point (0x04 || X || Y) of a private key. */
int moatpy_key_public(moatpy_key *key, uint8_t **out, size_t *out_len)
{
    moat_ec_public_key pub;
    moat_err rc;

    if (key == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moat_ec_public_from_private(&key->key, &pub);
    if (rc != MOAT_OK) {
        return rc;
    }
    *out = (uint8_t *)calloc(1, pub.q_len);
    if (*out == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    memcpy(*out, pub.q, pub.q_len);
    *out_len = pub.q_len;
    return MOAT_OK;
}

/** Validate an uncompressed point on @p curve. */
int moatpy_pub_check(int curve, const uint8_t *pt, size_t pt_len)
{
    moat_ec_public_key pub;
    return moatpy_pub(curve, pt, pt_len, &pub);
}

static int moatpy_pub_out(const moat_ec_public_key *pub, int *curve_out,
                          uint8_t **out, size_t *out_len)
{
    *out = (uint8_t *)calloc(1, pub->q_len);
    if (*out == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    memcpy(*out, pub->q, pub->q_len);
    *out_len = pub->q_len;
    *curve_out = (int)pub->curve;
    return MOAT_OK;
}

/** Parse a public EC JWK: returns the curve and the point. */
int moatpy_pub_from_jwk(const uint8_t *json, size_t json_len, int *curve_out,
                        uint8_t **out, size_t *out_len)
{
    moat_jwk jwk;
    moat_err rc;

    *curve_out = 0;
    rc = moat_jwk_parse((const char *)json, json_len, &jwk);
    if (rc != MOAT_OK) {
        return rc;
    }
    return moatpy_pub_out(&jwk.key, curve_out, out, out_len);
}

/** Parse a DER SubjectPublicKeyInfo: returns the curve and the point. */
int moatpy_pub_from_spki(const uint8_t *der, size_t der_len, int *curve_out,
                         uint8_t **out, size_t *out_len)
{
    moat_ec_public_key pub;
    moat_err rc;

    *curve_out = 0;
    rc = moat_ec_public_from_spki(der, der_len, &pub);
    if (rc != MOAT_OK) {
        return rc;
    }
    return moatpy_pub_out(&pub, curve_out, out, out_len);
}

/** Export a public key as DER SubjectPublicKeyInfo. */
int moatpy_pub_to_spki(int curve, const uint8_t *pt, size_t pt_len,
                       uint8_t **out, size_t *out_len)
{
    moat_ec_public_key pub;
    moatpy_pubctx c;
    moat_err rc = moatpy_pub(curve, pt, pt_len, &pub);

    if (rc != MOAT_OK) {
        return rc;
    }
    c.pub = &pub;
    return moatpy_fill(moatpy_fill_spki, &c, MOAT_EC_SPKI_MAX, out, out_len);
}

/** Emit a public key as JWK text (kid = RFC 7638 thumbprint). */
int moatpy_pub_jwk(int curve, const uint8_t *pt, size_t pt_len,
                   uint8_t **out, size_t *out_len)
{
    moat_ec_public_key pub;
    moatpy_pubctx c;
    moat_err rc = moatpy_pub(curve, pt, pt_len, &pub);

    if (rc != MOAT_OK) {
        return rc;
    }
    c.pub = &pub;
    return moatpy_fill(moatpy_fill_jwk, &c, MOAT_JWK_EMIT_MAX, out, out_len);
}

/** RFC 7638 SHA-256 thumbprint (base64url text). */
int moatpy_pub_thumbprint(int curve, const uint8_t *pt, size_t pt_len,
                          uint8_t **out, size_t *out_len)
{
    moat_ec_public_key pub;
    char kid[MOAT_JWK_KID_SIZE];
    size_t n;
    moat_err rc = moatpy_pub(curve, pt, pt_len, &pub);

    if (rc != MOAT_OK) {
        return rc;
    }
    rc = moat_jwk_thumbprint(&pub, kid);
    if (rc != MOAT_OK) {
        return rc;
    }
    n = strlen(kid);
    *out = (uint8_t *)calloc(1, n + 1u);
    if (*out == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    memcpy(*out, kid, n);
    *out_len = n;
    return MOAT_OK;
}

/** Compact JWS (ES256/ES384 by curve); @p kid NULL: thumbprint, "": none. */
int moatpy_jws_sign_compact(moatpy_key *key, const uint8_t *payload,
                            size_t payload_len, const char *kid,
                            uint8_t **out, size_t *out_len)
{
    moat_signer signer;
    moatpy_sign_ctx c;
    moat_err rc;

    if (key == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (payload_len > MOATPY_OUT_MAX) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    rc = moat_signer_from_private(&signer, &key->key);
    if (rc != MOAT_OK) {
        return rc;
    }
    c.signer = &signer;
    c.kid = kid;
    c.payload = payload;
    c.payload_len = payload_len;
    rc = moatpy_fill(moatpy_fill_compact, &c, moat_jws_compact_size(payload_len),
                     out, out_len);
    moat_wipe(&signer, sizeof(signer));
    return rc;
}

/** Verify a compact JWS under one public key; returns the payload. */
int moatpy_jws_verify_compact(const uint8_t *tok, size_t tok_len, int curve,
                              const uint8_t *pt, size_t pt_len,
                              uint8_t **out, size_t *out_len)
{
    moat_ec_public_key pub;
    moatpy_vrfy_ctx c;
    moat_err rc = moatpy_pub(curve, pt, pt_len, &pub);

    if (rc != MOAT_OK) {
        return rc;
    }
    c.tok = (const char *)tok;
    c.tok_len = tok_len;
    c.pub = &pub;
    return moatpy_fill(moatpy_fill_verify, &c, MOAT_B64URL_DEC_MAX(tok_len), out,
                       out_len);
}

/**
 * Add one signature to a General JSON Serialization (@p doc NULL: start one
 * over @p payload).
 */
int moatpy_jws_json_sign(moatpy_key *key, const uint8_t *doc, size_t doc_len,
                         const uint8_t *payload, size_t payload_len,
                         const char *kid, uint8_t **out, size_t *out_len)
{
    moat_signer signer;
    moatpy_jsign_ctx c;
    size_t guess;
    moat_err rc;

    if (key == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (doc_len > MOAT_JWS_JSON_MAX_INPUT || payload_len > MOATPY_OUT_MAX) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    rc = moat_signer_from_private(&signer, &key->key);
    if (rc != MOAT_OK) {
        return rc;
    }
    c.doc = (const char *)doc;
    c.doc_len = doc_len;
    c.payload = payload;
    c.payload_len = payload_len;
    c.signer = &signer;
    c.kid = kid;
    c.work_size = moat_jws_json_work_size(doc_len);
    c.work = calloc(1, c.work_size);
    if (c.work == NULL) {
        moat_wipe(&signer, sizeof(signer));
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    guess = doc_len + moat_jws_compact_size(payload_len) + 64u;
    rc = moatpy_fill(moatpy_fill_jsign, &c, guess, out, out_len);
    moat_wipe(c.work, c.work_size);
    free(c.work);
    moat_wipe(&signer, sizeof(signer));
    return rc;
}

/**
 * Verify a General JSON Serialization against a threshold. @p keyblob is a
 * sequence of records: curve (1 byte), point length (1 byte), point,
 * kid length (1 byte), kid (an empty kid means the RFC 7638 thumbprint).
 */
int moatpy_jws_json_verify(const uint8_t *doc, size_t doc_len,
                           const uint8_t *keyblob, size_t keyblob_len,
                           int threshold, int *valid_out,
                           uint8_t **out, size_t *out_len)
{
    moatpy_jvrfy_ctx c;
    moat_jwk *keys;
    size_t n = 0, pos = 0;
    moat_err rc = MOAT_OK;

    *valid_out = 0;
    if (threshold < 0 || doc_len > MOAT_JWS_JSON_MAX_INPUT) {
        return threshold < 0 ? MOAT_ERR_INVALID_ARGUMENT : MOAT_ERR_INPUT_TOO_LARGE;
    }
    /* A record is at least 3 bytes, so keyblob_len / 3 bounds the count. */
    keys = (moat_jwk *)calloc(keyblob_len / 3u + 1u, sizeof(moat_jwk));
    if (keys == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    while (rc == MOAT_OK && pos < keyblob_len) {
        size_t plen, klen;
        if (keyblob_len - pos < 2u) {
            rc = MOAT_ERR_INVALID_ARGUMENT;
            break;
        }
        plen = keyblob[pos + 1u];
        if (keyblob_len - pos - 2u < plen + 1u) {
            rc = MOAT_ERR_INVALID_ARGUMENT;
            break;
        }
        {
            moat_ec_public_key pub;
            rc = moatpy_pub(keyblob[pos], keyblob + pos + 2u, plen, &pub);
            if (rc == MOAT_OK) {
                rc = moat_jwk_from_public(&pub, &keys[n]);
            }
        }
        pos += 2u + plen;
        klen = keyblob[pos];
        pos += 1u;
        if (rc == MOAT_OK && (klen > MOAT_JWS_KID_MAX || keyblob_len - pos < klen)) {
            rc = MOAT_ERR_INVALID_ARGUMENT;
        }
        if (rc == MOAT_OK && klen > 0u) {
            memset(keys[n].kid, 0, sizeof(keys[n].kid));
            memcpy(keys[n].kid, keyblob + pos, klen);
        }
        pos += klen;
        ++n;
    }
    if (rc != MOAT_OK) {
        free(keys);
        return rc;
    }
    c.doc = (const char *)doc;
    c.doc_len = doc_len;
    c.keys = keys;
    c.nkeys = n;
    c.threshold = (size_t)threshold;
    c.valid = 0;
    c.work_size = moat_jws_json_work_size(doc_len);
    c.work = calloc(1, c.work_size);
    if (c.work == NULL) {
        free(keys);
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moatpy_fill(moatpy_fill_jverify, &c, MOAT_B64URL_DEC_MAX(doc_len), out,
                     out_len);
    *valid_out = (int)c.valid;
    moat_wipe(c.work, c.work_size);
    free(c.work);
    free(keys);
    return rc;
}

/** One-shot hash (MOAT_HASH_SHA256 = 1, SHA384 = 2, SHA512 = 3). */
int moatpy_hash(int alg, const uint8_t *data, size_t data_len,
                uint8_t **out, size_t *out_len)
{
    size_t n = moat_hash_size((moat_hash_alg)alg);
    moat_err rc;

    if (n == 0u) {
        return MOAT_ERR_UNSUPPORTED;
    }
    *out = (uint8_t *)calloc(1, n);
    if (*out == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_hash((moat_hash_alg)alg, data, data_len, *out);
    if (rc != MOAT_OK) {
        free(*out);
        *out = NULL;
        return rc;
    }
    *out_len = n;
    return MOAT_OK;
}
%}
