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

/* ================================================================ X.509
 *
 * Certificates, CSRs and path validation (include/moat/x509.h). Structured
 * values cross the boundary as small record blobs, decoded or encoded by
 * moat/__init__.py:
 *
 *   record  = tag (1 byte) || length (2 bytes, big-endian) || value
 *
 * Certificate fields (moatpy_x509_fields output), one record each, repeated
 * tags for lists:
 *   'V' version (1)            'S' serial magnitude as encoded
 *   'I' issuer RFC 4514 text   'U' subject RFC 4514 text
 *   'B' notBefore, 'A' notAfter: int64 big-endian two's complement
 *   'P' key: key type (1) || curve (1) || EC point (empty unless EC)
 *   'G' signature algorithm (1)
 *   'C' basicConstraints: present (1) || cA (1) || pathLen (int16 BE)
 *   'K' keyUsage: present (1) || bits (uint16 BE)
 *   'E' one extKeyUsage OID (dotted text)
 *   'N' one subjectAltName: GeneralName type (1) || value
 *   'X' one extension: critical (1) || understood (1) || dotted OID
 *
 * Names to write (moat_x509_name), one record per attribute in order:
 *   tag = moat_x509_attr value (1..5), value = UTF-8 text (no NUL);
 *   or a single record 'R' whose value is a Name TLV used verbatim.
 *
 * Extensions to write (moat_x509_ext_params):
 *   'b' basicConstraints: cA (1) || pathLen (int16 BE, -1 none)
 *   'k' keyUsage bits (uint16 BE)     'e' extKeyUsage OID (dotted text)
 *   'd' SAN dNSName   'u' SAN URI     'i' SAN iPAddress (4 or 16 bytes)
 *   's' write subjectKeyIdentifier (empty value)
 *   'a' authorityKeyIdentifier keyIdentifier bytes
 *   'x' a raw extension: critical (1) || OID text length (1) || dotted OID
 *       || extnValue content (DER), at most MOATPY_RAW_EXT_MAX
 *
 * Certificate lists (bag and roots of moatpy_x509_verify): each DER
 * preceded by its length as 4 bytes big-endian.
 */

%{
#include "moat/x509.h"

/** Bounds of the X.509 helpers. */
#define MOATPY_X509_FIELDS_MAX (4u * MOAT_X509_MAX_CERT_SIZE + 4096u)
#define MOATPY_OID_MAX 64u
#define MOATPY_OID_TEXT_MAX 128u
#define MOATPY_X509_OUT_MAX (MOAT_X509_MAX_CERT_SIZE + 1024u)

/** A record writer over a fixed buffer. */
typedef struct { uint8_t *buf; size_t cap; size_t len; int overflow; } moatpy_rec;

static void moatpy_rec_put(moatpy_rec *r, uint8_t tag, const void *v, size_t n)
{
    if (n > 0xFFFFu || r->cap - r->len < 3u + n) {
        r->overflow = 1;
        return;
    }
    r->buf[r->len] = tag;
    r->buf[r->len + 1u] = (uint8_t)(n >> 8);
    r->buf[r->len + 2u] = (uint8_t)n;
    if (n > 0u) {
        memcpy(r->buf + r->len + 3u, v, n);
    }
    r->len += 3u + n;
}

static void moatpy_be64(int64_t v, uint8_t out[8])
{
    uint64_t u = (uint64_t)v;
    int i;
    for (i = 7; i >= 0; --i) {
        out[i] = (uint8_t)u;
        u >>= 8;
    }
}

/** A record reader. Returns 1 and the next record, 0 at the end, -1 malformed. */
static int moatpy_rec_next(const uint8_t *b, size_t len, size_t *pos, uint8_t *tag,
                           const uint8_t **v, size_t *n)
{
    if (*pos == len) {
        return 0;
    }
    if (len - *pos < 3u) {
        return -1;
    }
    *tag = b[*pos];
    *n = ((size_t)b[*pos + 1u] << 8) | b[*pos + 2u];
    if (len - *pos - 3u < *n) {
        return -1;
    }
    *v = b + *pos + 3u;
    *pos += 3u + *n;
    return 1;
}

/** Text storage for names: NUL-terminated copies of record values. */
typedef struct {
    char text[MOAT_X509_MAX_NAME_ATTRS][MOATPY_OID_TEXT_MAX * 2u];
} moatpy_name_store;

/** Decode a name blob into @p name (values copied into @p st). */
static moat_err moatpy_name_in(const uint8_t *b, size_t len, moat_x509_name *name,
                               moatpy_name_store *st)
{
    size_t pos = 0, v_len;
    const uint8_t *v;
    uint8_t tag;
    int more;

    memset(name, 0, sizeof(*name));
    while ((more = moatpy_rec_next(b, len, &pos, &tag, &v, &v_len)) == 1) {
        if (tag == 'R') {
            name->raw.ptr = v;
            name->raw.len = v_len;
            continue;
        }
        if (tag < 1u || tag > 5u || name->count == MOAT_X509_MAX_NAME_ATTRS) {
            return name->count == MOAT_X509_MAX_NAME_ATTRS ? MOAT_ERR_X509_TOO_MANY
                                                           : MOAT_ERR_INVALID_ARGUMENT;
        }
        if (v_len >= sizeof(st->text[0]) || memchr(v, 0, v_len) != NULL) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
        memcpy(st->text[name->count], v, v_len);
        st->text[name->count][v_len] = '\0';
        name->type[name->count] = (moat_x509_attr)tag;
        name->value[name->count] = st->text[name->count];
        name->count++;
    }
    return more < 0 ? MOAT_ERR_INVALID_ARGUMENT : MOAT_OK;
}

/** Most raw extensions one certificate or CSR request carries. */
#define MOATPY_RAW_EXT_MAX 8u

/** OID storage for extKeyUsage entries and raw extensions. */
typedef struct {
    uint8_t oid[MOAT_X509_MAX_EKU][MOATPY_OID_MAX];
    uint8_t raw_oid[MOATPY_RAW_EXT_MAX][MOATPY_OID_MAX];
    moat_x509_raw_ext raw[MOATPY_RAW_EXT_MAX];
} moatpy_ext_store;

/** Decode an extensions blob into @p ext (pointing into @p b and @p st). */
static moat_err moatpy_ext_in(const uint8_t *b, size_t len, moat_x509_ext_params *ext,
                              moatpy_ext_store *st)
{
    size_t pos = 0, v_len;
    const uint8_t *v;
    uint8_t tag;
    int more;

    memset(ext, 0, sizeof(*ext));
    ext->path_len = -1;
    while ((more = moatpy_rec_next(b, len, &pos, &tag, &v, &v_len)) == 1) {
        switch (tag) {
        case 'b':
            if (v_len != 3u) {
                return MOAT_ERR_INVALID_ARGUMENT;
            }
            ext->basic_constraints = true;
            ext->is_ca = v[0] != 0u;
            ext->path_len = (int)(int16_t)(uint16_t)(((unsigned)v[1] << 8) | v[2]);
            break;
        case 'k':
            if (v_len != 2u) {
                return MOAT_ERR_INVALID_ARGUMENT;
            }
            ext->key_usage = (uint16_t)(((unsigned)v[0] << 8) | v[1]);
            break;
        case 'e': {
            char dotted[MOATPY_OID_TEXT_MAX];
            size_t olen = 0;
            moat_err rc;
            if (ext->eku_count == MOAT_X509_MAX_EKU) {
                return MOAT_ERR_X509_TOO_MANY;
            }
            if (v_len >= sizeof(dotted) || memchr(v, 0, v_len) != NULL) {
                return MOAT_ERR_INVALID_ARGUMENT;
            }
            memcpy(dotted, v, v_len);
            dotted[v_len] = '\0';
            rc = moat_x509_oid_encode(dotted, st->oid[ext->eku_count], MOATPY_OID_MAX, &olen);
            if (rc != MOAT_OK) {
                return rc;
            }
            ext->eku[ext->eku_count].ptr = st->oid[ext->eku_count];
            ext->eku[ext->eku_count].len = olen;
            ext->eku_count++;
            break;
        }
        case 'd':
        case 'u':
        case 'i':
            if (ext->san_count == MOAT_X509_MAX_SAN) {
                return MOAT_ERR_X509_TOO_MANY;
            }
            ext->san[ext->san_count].type = tag == 'd' ? MOAT_X509_GN_DNS
                                          : tag == 'u' ? MOAT_X509_GN_URI : MOAT_X509_GN_IP;
            ext->san[ext->san_count].value.ptr = v;
            ext->san[ext->san_count].value.len = v_len;
            ext->san_count++;
            break;
        case 's':
            ext->ski = true;
            break;
        case 'a':
            ext->aki.ptr = v;
            ext->aki.len = v_len;
            break;
        case 'x': {
            /* critical (1) || OID text length (1) || dotted OID || extnValue */
            char dotted[MOATPY_OID_TEXT_MAX];
            size_t olen = 0, ol, i = ext->raw_count;
            moat_err rc;
            if (i == MOATPY_RAW_EXT_MAX) {
                return MOAT_ERR_X509_TOO_MANY;
            }
            if (v_len < 2u || v_len - 2u < (size_t)v[1] || v[1] >= sizeof(dotted) ||
                memchr(v + 2, 0, v[1]) != NULL) {
                return MOAT_ERR_INVALID_ARGUMENT;
            }
            ol = v[1];
            memcpy(dotted, v + 2, ol);
            dotted[ol] = '\0';
            rc = moat_x509_oid_encode(dotted, st->raw_oid[i], MOATPY_OID_MAX, &olen);
            if (rc != MOAT_OK) {
                return rc;
            }
            st->raw[i].oid.ptr = st->raw_oid[i];
            st->raw[i].oid.len = olen;
            st->raw[i].critical = v[0] != 0u;
            st->raw[i].value.ptr = v + 2u + ol;
            st->raw[i].value.len = v_len - 2u - ol;
            ext->raw = st->raw;
            ext->raw_count = i + 1u;
            break;
        }
        default:
            return MOAT_ERR_INVALID_ARGUMENT;
        }
    }
    return more < 0 ? MOAT_ERR_INVALID_ARGUMENT : MOAT_OK;
}

/** Split a length-prefixed certificate list into @p ptrs / @p lens. */
static moat_err moatpy_list_in(const uint8_t *b, size_t len, const uint8_t **ptrs,
                               size_t *lens, size_t max, size_t *count)
{
    size_t pos = 0;
    *count = 0;
    while (pos < len) {
        size_t n;
        if (len - pos < 4u) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
        n = ((size_t)b[pos] << 24) | ((size_t)b[pos + 1u] << 16) |
            ((size_t)b[pos + 2u] << 8) | b[pos + 3u];
        pos += 4u;
        if (len - pos < n) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
        if (*count == max) {
            return MOAT_ERR_X509_TOO_MANY;
        }
        ptrs[*count] = b + pos;
        lens[*count] = n;
        (*count)++;
        pos += n;
    }
    return MOAT_OK;
}

/** Copy @p r's buffer out as the helper's output (or fail on overflow). */
static moat_err moatpy_rec_out(moatpy_rec *r, uint8_t **out, size_t *out_len)
{
    if (r->overflow) {
        return MOAT_ERR_INTERNAL;
    }
    *out = r->buf;
    *out_len = r->len;
    r->buf = NULL;
    return MOAT_OK;
}

typedef struct {
    const moat_x509_name *subject; const moat_x509_ext_params *ext;
    const moat_signer *signer;
} moatpy_csr_ctx;
static moat_err moatpy_fill_csr(void *c, uint8_t *o, size_t cap, size_t *len)
{
    const moatpy_csr_ctx *x = (const moatpy_csr_ctx *)c;
    return moat_x509_csr_create(x->subject, x->ext, x->signer, o, cap, len);
}

typedef struct {
    const moat_x509_issue_params *p; const moat_signer *signer;
} moatpy_issue_ctx;
static moat_err moatpy_fill_issue(void *c, uint8_t *o, size_t cap, size_t *len)
{
    const moatpy_issue_ctx *x = (const moatpy_issue_ctx *)c;
    return moat_x509_issue(x->p, x->signer, o, cap, len);
}
%}

%apply (const uint8_t *IN, size_t IN_LEN) {
    (const uint8_t *pem, size_t pem_len),
    (const uint8_t *bag, size_t bag_len),
    (const uint8_t *roots, size_t roots_len),
    (const uint8_t *subject, size_t subject_len),
    (const uint8_t *issuer, size_t issuer_len),
    (const uint8_t *issuer_der, size_t issuer_der_len),
    (const uint8_t *ext, size_t ext_len),
    (const uint8_t *serial, size_t serial_len),
    (const uint8_t *ipaddr, size_t ipaddr_len),
    (const uint8_t *oid, size_t oid_len)
};
%apply (uint8_t **out, size_t *out_len) { (uint8_t **out2, size_t *out2_len) };
%apply int *OUTPUT { int *failed_out };
%apply long long *OUTPUT { long long *next_out };

%inline %{
/** MOAT_ERR_NOT_FOUND (end of a PEM bundle). */
int moatpy_err_not_found(void) { return (int)MOAT_ERR_NOT_FOUND; }

/** Parse a DER certificate and return its fields as records (see above). */
int moatpy_x509_fields(const uint8_t *der, size_t der_len, uint8_t **out, size_t *out_len)
{
    moat_x509_cert *cert;
    moatpy_rec r;
    char text[MOAT_X509_NAME_STRING_MAX];
    uint8_t tmp[8];
    size_t i, n;
    moat_err rc;

    cert = (moat_x509_cert *)calloc(1, sizeof(*cert));
    r.buf = (uint8_t *)calloc(1, MOATPY_X509_FIELDS_MAX);
    r.cap = MOATPY_X509_FIELDS_MAX;
    r.len = 0;
    r.overflow = 0;
    if (cert == NULL || r.buf == NULL) {
        free(cert);
        free(r.buf);
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_x509_parse(der, der_len, cert);
    if (rc == MOAT_OK) {
        tmp[0] = (uint8_t)cert->version;
        moatpy_rec_put(&r, 'V', tmp, 1);
        moatpy_rec_put(&r, 'S', cert->serial.ptr, cert->serial.len);
        rc = moat_x509_name_string(&cert->issuer, text, sizeof(text), &n);
    }
    if (rc == MOAT_OK) {
        moatpy_rec_put(&r, 'I', text, n);
        rc = moat_x509_name_string(&cert->subject, text, sizeof(text), &n);
    }
    if (rc == MOAT_OK) {
        moatpy_rec_put(&r, 'U', text, n);
        moatpy_be64(cert->not_before, tmp);
        moatpy_rec_put(&r, 'B', tmp, 8);
        moatpy_be64(cert->not_after, tmp);
        moatpy_rec_put(&r, 'A', tmp, 8);
        {
            uint8_t kb[2 + MOAT_EC_PUB_MAX];
            size_t kn = 2;
            kb[0] = (uint8_t)cert->key_type;
            kb[1] = 0;
            if (cert->key_type == MOAT_X509_KEY_EC) {
                kb[1] = (uint8_t)cert->ec_key.curve;
                memcpy(kb + 2, cert->ec_key.q, cert->ec_key.q_len);
                kn += cert->ec_key.q_len;
            }
            moatpy_rec_put(&r, 'P', kb, kn);
        }
        tmp[0] = (uint8_t)cert->sig_alg;
        moatpy_rec_put(&r, 'G', tmp, 1);
        tmp[0] = cert->has_basic_constraints ? 1u : 0u;
        tmp[1] = cert->is_ca ? 1u : 0u;
        tmp[2] = (uint8_t)((uint16_t)(int16_t)cert->path_len >> 8);
        tmp[3] = (uint8_t)(uint16_t)(int16_t)cert->path_len;
        moatpy_rec_put(&r, 'C', tmp, 4);
        tmp[0] = cert->has_key_usage ? 1u : 0u;
        tmp[1] = (uint8_t)(cert->key_usage >> 8);
        tmp[2] = (uint8_t)cert->key_usage;
        moatpy_rec_put(&r, 'K', tmp, 3);
        for (i = 0; rc == MOAT_OK && i < cert->eku_count; ++i) {
            rc = moat_x509_oid_string(&cert->eku[i], text, sizeof(text), &n);
            if (rc == MOAT_OK) {
                moatpy_rec_put(&r, 'E', text, n);
            }
        }
    }
    for (i = 0; rc == MOAT_OK && i < cert->san_count; ++i) {
        uint8_t sb[1 + 0x400];
        if (cert->san[i].value.len > sizeof(sb) - 1u) {
            rc = MOAT_ERR_INPUT_TOO_LARGE;
            break;
        }
        sb[0] = (uint8_t)cert->san[i].type;
        if (cert->san[i].value.len > 0u) {
            memcpy(sb + 1, cert->san[i].value.ptr, cert->san[i].value.len);
        }
        moatpy_rec_put(&r, 'N', sb, 1u + cert->san[i].value.len);
    }
    for (i = 0; rc == MOAT_OK && i < cert->ext_count; ++i) {
        uint8_t xb[2 + MOAT_X509_NAME_STRING_MAX];
        rc = moat_x509_oid_string(&cert->ext[i].oid, (char *)xb + 2, sizeof(xb) - 2u, &n);
        if (rc == MOAT_OK) {
            xb[0] = cert->ext[i].critical ? 1u : 0u;
            xb[1] = cert->ext[i].understood ? 1u : 0u;
            moatpy_rec_put(&r, 'X', xb, 2u + n);
        }
    }
    if (rc == MOAT_OK) {
        rc = moatpy_rec_out(&r, out, out_len);
    }
    moat_wipe(cert, sizeof(*cert));
    free(cert);
    free(r.buf);
    return rc;
}

/**
 * Decode the next CERTIFICATE PEM block of @p pem from @p offset. Returns
 * MOAT_ERR_NOT_FOUND when no block is left; *next_out is the offset after
 * the block.
 */
int moatpy_pem_decode_cert(const uint8_t *pem, size_t pem_len, long long offset,
                           long long *next_out, uint8_t **out, size_t *out_len)
{
    size_t off;
    uint8_t *buf;
    moat_err rc;

    *next_out = offset;
    if (offset < 0 || (unsigned long long)offset > pem_len) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    off = (size_t)offset;
    buf = (uint8_t *)calloc(1, MOAT_X509_MAX_CERT_SIZE);
    if (buf == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_pem_decode((const char *)pem, pem_len, "CERTIFICATE", &off, buf,
                         MOAT_X509_MAX_CERT_SIZE, out_len);
    if (rc != MOAT_OK) {
        free(buf);
        *out_len = 0;
        return rc;
    }
    *next_out = (long long)off;
    *out = buf;
    return MOAT_OK;
}

/**
 * Build and validate a path from @p der (the leaf) through @p bag to an
 * anchor of @p roots (both length-prefixed lists). @p purpose is a
 * moat_x509_purpose; for MOAT_X509_PURPOSE_CUSTOM, @p oid is the dotted
 * OID text. @p host (NULL: none), @p ipaddr (empty: none). Returns the
 * failing index in *failed_out and the path as int32 big-endian entries.
 */
int moatpy_x509_verify(const uint8_t *der, size_t der_len,
                       const uint8_t *bag, size_t bag_len,
                       const uint8_t *roots, size_t roots_len,
                       long long now, int purpose, const uint8_t *oid, size_t oid_len,
                       const char *host, const uint8_t *ipaddr, size_t ipaddr_len,
                       int *failed_out, uint8_t **out, size_t *out_len)
{
    const uint8_t *ptrs[MOAT_X509_MAX_CANDIDATES];
    size_t lens[MOAT_X509_MAX_CANDIDATES];
    const uint8_t *rptrs[MOAT_X509_MAX_RUNTIME_ANCHORS];
    size_t rlens[MOAT_X509_MAX_RUNTIME_ANCHORS];
    size_t nbag = 0, nroots = 0, i;
    uint8_t oidbuf[MOATPY_OID_MAX];
    char dotted[MOATPY_OID_TEXT_MAX];
    moat_x509_store store;
    moat_x509_verify_params vp;
    moat_x509_verify_result res;
    moat_x509_verify_work *work;
    moat_err rc;

    *failed_out = -1;
    if (der == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    ptrs[0] = der;
    lens[0] = der_len;
    rc = moatpy_list_in(bag, bag_len, ptrs + 1, lens + 1, MOAT_X509_MAX_CANDIDATES - 1u,
                        &nbag);
    if (rc != MOAT_OK) {
        return rc;
    }
    rc = moatpy_list_in(roots, roots_len, rptrs, rlens, MOAT_X509_MAX_RUNTIME_ANCHORS,
                        &nroots);
    if (rc != MOAT_OK) {
        return rc;
    }
    rc = moat_x509_store_init(&store, NULL, 0);
    for (i = 0; rc == MOAT_OK && i < nroots; ++i) {
        rc = moat_x509_store_add(&store, rptrs[i], rlens[i]);
    }
    if (rc != MOAT_OK) {
        return rc;
    }
    memset(&vp, 0, sizeof(vp));
    vp.now = (int64_t)now;
    vp.purpose = (moat_x509_purpose)purpose;
    if (purpose == (int)MOAT_X509_PURPOSE_CUSTOM) {
        size_t olen = 0;
        if (oid == NULL || oid_len >= sizeof(dotted) || memchr(oid, 0, oid_len) != NULL) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
        memcpy(dotted, oid, oid_len);
        dotted[oid_len] = '\0';
        rc = moat_x509_oid_encode(dotted, oidbuf, sizeof(oidbuf), &olen);
        if (rc != MOAT_OK) {
            return rc;
        }
        vp.purpose_oid.ptr = oidbuf;
        vp.purpose_oid.len = olen;
    }
    vp.dns_name = host;
    if (ipaddr_len > 0u) {
        vp.ip = ipaddr;
        vp.ip_len = ipaddr_len;
    }
    work = (moat_x509_verify_work *)calloc(1, sizeof(*work));
    if (work == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    memset(&res, 0, sizeof(res));
    rc = moat_x509_verify(&store, ptrs, lens, 1u + nbag, &vp, work, &res);
    free(work);
    *failed_out = res.failed_index;
    if (rc != MOAT_OK) {
        return rc;
    }
    *out = (uint8_t *)calloc(1, 4u * MOAT_X509_MAX_DEPTH);
    if (*out == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    for (i = 0; i < res.path_len && i < MOAT_X509_MAX_DEPTH; ++i) {
        uint32_t u = (uint32_t)res.path[i];
        (*out)[4u * i] = (uint8_t)(u >> 24);
        (*out)[4u * i + 1u] = (uint8_t)(u >> 16);
        (*out)[4u * i + 2u] = (uint8_t)(u >> 8);
        (*out)[4u * i + 3u] = (uint8_t)u;
    }
    *out_len = 4u * i;
    return MOAT_OK;
}

/** Create a CSR signed by @p key (subject and ext: record blobs). */
int moatpy_csr_create(moatpy_key *key, const uint8_t *subject, size_t subject_len,
                      const uint8_t *ext, size_t ext_len, uint8_t **out, size_t *out_len)
{
    moatpy_name_store *ns;
    moatpy_ext_store *es;
    moat_x509_name name;
    moat_x509_ext_params ep;
    moat_signer signer;
    moatpy_csr_ctx c;
    moat_err rc;

    if (key == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    ns = (moatpy_name_store *)calloc(1, sizeof(*ns));
    es = (moatpy_ext_store *)calloc(1, sizeof(*es));
    if (ns == NULL || es == NULL) {
        free(ns);
        free(es);
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moatpy_name_in(subject, subject_len, &name, ns);
    if (rc == MOAT_OK) {
        rc = moatpy_ext_in(ext, ext_len, &ep, es);
    }
    if (rc == MOAT_OK) {
        rc = moat_signer_from_private(&signer, &key->key);
    }
    if (rc == MOAT_OK) {
        c.subject = &name;
        c.ext = &ep;
        c.signer = &signer;
        rc = moatpy_fill(moatpy_fill_csr, &c, 1024u, out, out_len);
        moat_wipe(&signer, sizeof(signer));
    }
    free(ns);
    free(es);
    return rc;
}

/** Parse a CSR (and verify its self-signature): subject text and key. */
int moatpy_csr_parse(const uint8_t *der, size_t der_len, int *curve_out,
                     uint8_t **out, size_t *out_len, uint8_t **out2, size_t *out2_len)
{
    moat_x509_csr csr;
    char text[MOAT_X509_NAME_STRING_MAX];
    size_t n = 0;
    moat_err rc;

    *curve_out = 0;
    rc = moat_x509_csr_parse(der, der_len, &csr);
    if (rc == MOAT_OK) {
        rc = moat_x509_name_string(&csr.subject, text, sizeof(text), &n);
    }
    if (rc != MOAT_OK) {
        return rc;
    }
    *out = (uint8_t *)calloc(1, n + 1u);
    *out2 = (uint8_t *)calloc(1, csr.key.q_len);
    if (*out == NULL || *out2 == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    memcpy(*out, text, n);
    *out_len = n;
    memcpy(*out2, csr.key.q, csr.key.q_len);
    *out2_len = csr.key.q_len;
    *curve_out = (int)csr.key.curve;
    return MOAT_OK;
}

/**
 * Issue a certificate signed by @p key. Issuer name: the subject of
 * @p issuer_der when given (and its SKI as the AKI unless @p ext has one),
 * else the @p issuer name blob.
 */
int moatpy_x509_issue(moatpy_key *key, const uint8_t *issuer_der, size_t issuer_der_len,
                      const uint8_t *issuer, size_t issuer_len,
                      int curve, const uint8_t *pt, size_t pt_len,
                      const uint8_t *subject, size_t subject_len,
                      const uint8_t *serial, size_t serial_len,
                      long long not_before, long long not_after,
                      const uint8_t *ext, size_t ext_len,
                      uint8_t **out, size_t *out_len)
{
    moatpy_name_store *ns_sub, *ns_iss;
    moatpy_ext_store *es;
    moat_x509_cert *icert;
    moat_x509_issue_params p;
    moat_ec_public_key sub_key;
    moat_signer signer;
    moatpy_issue_ctx c;
    moat_err rc;

    if (key == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moatpy_pub(curve, pt, pt_len, &sub_key);
    if (rc != MOAT_OK) {
        return rc;
    }
    ns_sub = (moatpy_name_store *)calloc(1, sizeof(*ns_sub));
    ns_iss = (moatpy_name_store *)calloc(1, sizeof(*ns_iss));
    es = (moatpy_ext_store *)calloc(1, sizeof(*es));
    icert = (moat_x509_cert *)calloc(1, sizeof(*icert));
    if (ns_sub == NULL || ns_iss == NULL || es == NULL || icert == NULL) {
        rc = MOAT_ERR_OUT_OF_MEMORY;
        goto done;
    }
    memset(&p, 0, sizeof(p));
    rc = moatpy_name_in(subject, subject_len, &p.subject, ns_sub);
    if (rc == MOAT_OK) {
        rc = moatpy_ext_in(ext, ext_len, &p.ext, es);
    }
    if (rc == MOAT_OK && issuer_der != NULL) {
        rc = moat_x509_parse(issuer_der, issuer_der_len, icert);
        if (rc == MOAT_OK) {
            p.issuer.raw = icert->subject;
            if (p.ext.aki.ptr == NULL && icert->ski.ptr != NULL) {
                p.ext.aki = icert->ski;
            }
        }
    } else if (rc == MOAT_OK) {
        rc = moatpy_name_in(issuer, issuer_len, &p.issuer, ns_iss);
    }
    if (rc == MOAT_OK) {
        p.serial.ptr = serial;
        p.serial.len = serial_len;
        p.not_before = (int64_t)not_before;
        p.not_after = (int64_t)not_after;
        p.subject_key = &sub_key;
        rc = moat_signer_from_private(&signer, &key->key);
        if (rc == MOAT_OK) {
            c.p = &p;
            c.signer = &signer;
            rc = moatpy_fill(moatpy_fill_issue, &c, 2048u, out, out_len);
            moat_wipe(&signer, sizeof(signer));
        }
    }
done:
    free(ns_sub);
    free(ns_iss);
    free(es);
    free(icert);
    return rc;
}
%}

/* ========================================================== Attestation
 *
 * DICE device identity (include/moat/dice.h), EAT evidence, nonces,
 * verification and appraisal (include/moat/attest.h). Structured values
 * cross the boundary as record blobs (tag, 2-byte big-endian length,
 * value), like the X.509 section; moat/__init__.py builds and reads them.
 *
 * DICE input values (moatpy_dice_* "inblob"):
 *   'c' code hash (64)          'C' code descriptor
 *   'g' inline config (64)      'G' config descriptor (selects the
 *                                   descriptor form)
 *   'a' authority hash (64)     'A' authority descriptor
 *   'm' mode (1 byte)           'h' hidden (64)
 *   'p' profile name (UTF-8, no NUL)
 * Absent hashes, config and hidden are zeros; mode defaults to 0.
 *
 * DiceTcbInfo (in and out): 'v' vendor, 'm' model, 'r' version (UTF-8);
 *   's' svn, 'l' layer, 'i' index (uint64 BE); 'f' one FWID: hash alg (1)
 *   || digest; 'F' flags (uint32 BE); 'o' vendorInfo; 't' type. A field is
 *   present when its record is.
 *
 * One measurement ('M' in claims and evidence): alg (1) || has_svn (1) ||
 *   svn (uint64 BE) || name length (1) || name || version length (1) ||
 *   version || digest.
 *
 * Claims (moatpy_eat_issue): 'n' eat_nonce, 'u' ueid (17), 'P' oemid PEN
 *   (uint32 BE), 'o' oemid bytes, 'h' hwmodel, 'H' hwversion, 'N' swname,
 *   'V' swversion, 'd' dbgstat (1), 't' iat (int64 BE), 'M' measurements.
 *
 * Evidence (moatpy_eat_verify output): the claims records above, plus
 *   'T' the alias DiceTcbInfo (a nested blob), 'A' alias key and 'D'
 *   DeviceID key (curve (1) || point), 'L' chain length (1), and per DICE
 *   layer, first layer first, 'Y': code hash (64) || config (64) ||
 *   config is a hash (1) || authority hash (64) || mode (1) || profile name.
 *
 * Registered DeviceID keys (moatpy_eat_verify "keys"): records 'k' with
 *   curve (1) || point.
 *
 * Secrets: CDIs live in heap structs owned by Python objects
 * (moatpy_cdis, wiped by moatpy_cdis_free); every temporary holding a
 * secret (UDS copies are the caller's buffers; input structs, DRBG state,
 * work areas) is wiped before it is freed or goes out of scope.
 */

%{
#include "moat/dice.h"
#include "moat/attest.h"

/** The CDIs of one DICE layer, owned by a Python DiceCdis object. */
struct moatpy_cdis {
    moat_dice_cdis c;
};
typedef struct moatpy_cdis moatpy_cdis;

/** A nonce store owned by a Python NonceStore object. */
struct moatpy_nonces {
    moat_nonce_store s;
};
typedef struct moatpy_nonces moatpy_nonces;

/** Verified evidence owned by a Python Evidence object. */
struct moatpy_evidence {
    moat_eat_evidence ev;
};
typedef struct moatpy_evidence moatpy_evidence;

/** Personalization string of the DRBG used for nonces and seal IVs. */
static const char moatpy_rng_pers[] = "moat-python rng v1";

/** Longest text the blob decoders copy (bounds above the library's own,
 *  so the library reports the precise error for a value slightly too long). */
#define MOATPY_TEXT_MAX 256u
/** Capacity of an evidence record blob. */
#define MOATPY_EVIDENCE_BLOB_MAX 16384u
/** Capacity of a DiceTcbInfo record blob. */
#define MOATPY_TCB_BLOB_MAX 2048u
/** Most registered DeviceID keys one verification accepts. */
#define MOATPY_DEVICE_IDS_MAX 64u

static void moatpy_cdis_release(moatpy_cdis *c)
{
    if (c != NULL) {
        moat_wipe(c, sizeof(*c));
        free(c);
    }
}

static uint64_t moatpy_get_be(const uint8_t *v, size_t n)
{
    uint64_t u = 0;
    size_t i;
    for (i = 0; i < n; ++i) {
        u = (u << 8) | v[i];
    }
    return u;
}

/* Copy a record value as NUL-terminated text of at most cap - 1 bytes;
 * false when too long or when it holds a NUL. */
static int moatpy_text(const uint8_t *v, size_t n, char *dst, size_t cap)
{
    if (n >= cap || (n > 0u && memchr(v, 0, n) != NULL)) {
        return 0;
    }
    if (n > 0u) {
        memcpy(dst, v, n);
    }
    dst[n] = '\0';
    return 1;
}

/* Decode DICE input values; @p profile receives the profile name text. */
static moat_err moatpy_dice_input_in(const uint8_t *b, size_t len, moat_dice_input *in,
                                     char profile[MOATPY_TEXT_MAX])
{
    size_t pos = 0, n;
    const uint8_t *v;
    uint8_t tag;
    int more;

    memset(in, 0, sizeof(*in));
    in->config_type = MOAT_DICE_CONFIG_INLINE;
    while ((more = moatpy_rec_next(b, len, &pos, &tag, &v, &n)) == 1) {
        switch (tag) {
        case 'c':
        case 'g':
        case 'a':
        case 'h': {
            uint8_t *dst = tag == 'c' ? in->code_hash : tag == 'g' ? in->config_value
                         : tag == 'a' ? in->authority_hash : in->hidden;
            if (n != MOAT_DICE_HASH_SIZE) {
                return MOAT_ERR_INVALID_ARGUMENT;
            }
            memcpy(dst, v, n);
            break;
        }
        case 'C':
            in->code_descriptor = v;
            in->code_descriptor_len = n;
            break;
        case 'G':
            in->config_type = MOAT_DICE_CONFIG_DESCRIPTOR;
            in->config_descriptor = v;
            in->config_descriptor_len = n;
            break;
        case 'A':
            in->authority_descriptor = v;
            in->authority_descriptor_len = n;
            break;
        case 'm':
            if (n != 1u) {
                return MOAT_ERR_INVALID_ARGUMENT;
            }
            in->mode = (moat_dice_mode)v[0];
            break;
        case 'p':
            if (!moatpy_text(v, n, profile, MOATPY_TEXT_MAX)) {
                return MOAT_ERR_DICE_BAD_INPUT;
            }
            in->profile_name = profile;
            break;
        default:
            return MOAT_ERR_INVALID_ARGUMENT;
        }
    }
    return more < 0 ? MOAT_ERR_INVALID_ARGUMENT : MOAT_OK;
}

/* Decode a DiceTcbInfo blob into @p tcb (zeroed first). */
static moat_err moatpy_tcb_in(const uint8_t *b, size_t len, moat_dice_tcb_info *tcb)
{
    size_t pos = 0, n;
    const uint8_t *v;
    uint8_t tag;
    int more;

    memset(tcb, 0, sizeof(*tcb));
    while ((more = moatpy_rec_next(b, len, &pos, &tag, &v, &n)) == 1) {
        switch (tag) {
        case 'v':
        case 'm':
        case 'r': {
            char *dst = tag == 'v' ? tcb->vendor : tag == 'm' ? tcb->model : tcb->version;
            if (!moatpy_text(v, n, dst, MOAT_DICE_TCB_STRING_MAX + 1u)) {
                return MOAT_ERR_DICE_TCB_INFO;
            }
            tcb->present |= tag == 'v' ? MOAT_DICE_TCB_VENDOR
                          : tag == 'm' ? MOAT_DICE_TCB_MODEL : MOAT_DICE_TCB_VERSION;
            break;
        }
        case 's':
        case 'l':
        case 'i':
            if (n != 8u) {
                return MOAT_ERR_INVALID_ARGUMENT;
            }
            if (tag == 's') {
                tcb->svn = moatpy_get_be(v, 8);
                tcb->present |= MOAT_DICE_TCB_SVN;
            } else if (tag == 'l') {
                tcb->layer = moatpy_get_be(v, 8);
                tcb->present |= MOAT_DICE_TCB_LAYER;
            } else {
                tcb->index = moatpy_get_be(v, 8);
                tcb->present |= MOAT_DICE_TCB_INDEX;
            }
            break;
        case 'f':
            if (n < 1u || n - 1u > MOAT_HASH_MAX_SIZE ||
                tcb->fwid_count == MOAT_DICE_TCB_MAX_FWIDS) {
                return MOAT_ERR_DICE_TCB_INFO;
            }
            tcb->fwids[tcb->fwid_count].alg = (moat_hash_alg)v[0];
            memcpy(tcb->fwids[tcb->fwid_count].digest, v + 1, n - 1u);
            tcb->fwids[tcb->fwid_count].digest_len = n - 1u;
            tcb->fwid_count++;
            tcb->present |= MOAT_DICE_TCB_FWIDS;
            break;
        case 'F':
            if (n != 4u) {
                return MOAT_ERR_INVALID_ARGUMENT;
            }
            tcb->flags = (uint32_t)moatpy_get_be(v, 4);
            tcb->present |= MOAT_DICE_TCB_FLAGS;
            break;
        case 'o':
        case 't':
            if (n > MOAT_DICE_TCB_OCTETS_MAX) {
                return MOAT_ERR_DICE_TCB_INFO;
            }
            if (tag == 'o') {
                memcpy(tcb->vendor_info, v, n);
                tcb->vendor_info_len = n;
                tcb->present |= MOAT_DICE_TCB_VENDOR_INFO;
            } else {
                memcpy(tcb->type, v, n);
                tcb->type_len = n;
                tcb->present |= MOAT_DICE_TCB_TYPE;
            }
            break;
        default:
            return MOAT_ERR_INVALID_ARGUMENT;
        }
    }
    return more < 0 ? MOAT_ERR_INVALID_ARGUMENT : MOAT_OK;
}

/* Write @p tcb as a record blob. */
static void moatpy_tcb_out(moatpy_rec *r, const moat_dice_tcb_info *tcb)
{
    uint8_t tmp[1u + MOAT_HASH_MAX_SIZE];
    size_t i;

    if (tcb->present & MOAT_DICE_TCB_VENDOR) {
        moatpy_rec_put(r, 'v', tcb->vendor, strlen(tcb->vendor));
    }
    if (tcb->present & MOAT_DICE_TCB_MODEL) {
        moatpy_rec_put(r, 'm', tcb->model, strlen(tcb->model));
    }
    if (tcb->present & MOAT_DICE_TCB_VERSION) {
        moatpy_rec_put(r, 'r', tcb->version, strlen(tcb->version));
    }
    if (tcb->present & MOAT_DICE_TCB_SVN) {
        moatpy_be64((int64_t)tcb->svn, tmp);
        moatpy_rec_put(r, 's', tmp, 8);
    }
    if (tcb->present & MOAT_DICE_TCB_LAYER) {
        moatpy_be64((int64_t)tcb->layer, tmp);
        moatpy_rec_put(r, 'l', tmp, 8);
    }
    if (tcb->present & MOAT_DICE_TCB_INDEX) {
        moatpy_be64((int64_t)tcb->index, tmp);
        moatpy_rec_put(r, 'i', tmp, 8);
    }
    for (i = 0; (tcb->present & MOAT_DICE_TCB_FWIDS) && i < tcb->fwid_count &&
                i < MOAT_DICE_TCB_MAX_FWIDS; ++i) {
        size_t n = tcb->fwids[i].digest_len <= MOAT_HASH_MAX_SIZE ? tcb->fwids[i].digest_len : 0u;
        tmp[0] = (uint8_t)tcb->fwids[i].alg;
        memcpy(tmp + 1, tcb->fwids[i].digest, n);
        moatpy_rec_put(r, 'f', tmp, 1u + n);
    }
    if (tcb->present & MOAT_DICE_TCB_FLAGS) {
        tmp[0] = (uint8_t)(tcb->flags >> 24);
        tmp[1] = (uint8_t)(tcb->flags >> 16);
        tmp[2] = (uint8_t)(tcb->flags >> 8);
        tmp[3] = (uint8_t)tcb->flags;
        moatpy_rec_put(r, 'F', tmp, 4);
    }
    if (tcb->present & MOAT_DICE_TCB_VENDOR_INFO) {
        moatpy_rec_put(r, 'o', tcb->vendor_info, tcb->vendor_info_len);
    }
    if (tcb->present & MOAT_DICE_TCB_TYPE) {
        moatpy_rec_put(r, 't', tcb->type, tcb->type_len);
    }
}

/* Output a record writer's buffer (a new allocation of MOATPY_* bytes). */
static moat_err moatpy_rec_new(moatpy_rec *r, size_t cap)
{
    r->buf = (uint8_t *)calloc(1, cap);
    r->cap = cap;
    r->len = 0;
    r->overflow = 0;
    return r->buf == NULL ? MOAT_ERR_OUT_OF_MEMORY : MOAT_OK;
}

/* One measurement record (see the section comment). */
static void moatpy_meas_put(moatpy_rec *r, moat_hash_alg alg, bool has_svn, uint64_t svn,
                            const char *name, const char *version, const uint8_t *digest,
                            size_t digest_len)
{
    uint8_t b[1u + 1u + 8u + 1u + 255u + 1u + 255u + MOAT_HASH_MAX_SIZE];
    size_t nl = strlen(name), vl = strlen(version), pos = 0;

    if (nl > 255u || vl > 255u || digest_len > MOAT_HASH_MAX_SIZE) {
        r->overflow = 1;
        return;
    }
    b[pos++] = (uint8_t)alg;
    b[pos++] = has_svn ? 1u : 0u;
    moatpy_be64((int64_t)svn, b + pos);
    pos += 8u;
    b[pos++] = (uint8_t)nl;
    memcpy(b + pos, name, nl);
    pos += nl;
    b[pos++] = (uint8_t)vl;
    memcpy(b + pos, version, vl);
    pos += vl;
    memcpy(b + pos, digest, digest_len);
    pos += digest_len;
    moatpy_rec_put(r, 'M', b, pos);
}

/** Storage behind a decoded claims blob. */
typedef struct {
    char hwversion[MOATPY_TEXT_MAX];
    char swname[MOATPY_TEXT_MAX];
    char swversion[MOATPY_TEXT_MAX];
    char mname[MOAT_EAT_MAX_MEASUREMENTS][MOATPY_TEXT_MAX];
    char mversion[MOAT_EAT_MAX_MEASUREMENTS][MOATPY_TEXT_MAX];
    moat_eat_measurement m[MOAT_EAT_MAX_MEASUREMENTS];
} moatpy_claims_store;

/* Decode one measurement record into slot @p i of @p st. */
static moat_err moatpy_meas_in(const uint8_t *v, size_t n, moatpy_claims_store *st, size_t i)
{
    size_t pos = 0, nl, vl, dl;
    moat_eat_measurement *m = &st->m[i];

    if (n < 12u) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    m->alg = (moat_hash_alg)v[0];
    m->has_svn = v[1] != 0u;
    m->svn = moatpy_get_be(v + 2, 8);
    pos = 10u;
    nl = v[pos++];
    if (n - pos < nl + 1u || !moatpy_text(v + pos, nl, st->mname[i], MOATPY_TEXT_MAX)) {
        return n - pos < nl + 1u ? MOAT_ERR_INVALID_ARGUMENT : MOAT_ERR_EAT_CLAIM;
    }
    pos += nl;
    vl = v[pos++];
    if (n - pos < vl || !moatpy_text(v + pos, vl, st->mversion[i], MOATPY_TEXT_MAX)) {
        return n - pos < vl ? MOAT_ERR_INVALID_ARGUMENT : MOAT_ERR_EAT_CLAIM;
    }
    pos += vl;
    dl = n - pos;
    /* The library reads moat_hash_size(alg) bytes: the digest must have
     * exactly that size (an unknown algorithm is a claim error). */
    if (moat_hash_size(m->alg) == 0u || dl != moat_hash_size(m->alg)) {
        return MOAT_ERR_EAT_CLAIM;
    }
    m->name = st->mname[i];
    m->version = st->mversion[i];
    m->digest = v + pos;
    return MOAT_OK;
}

/* Decode a claims blob (pointers into @p b and @p st). */
static moat_err moatpy_claims_in(const uint8_t *b, size_t len, moat_eat_claims *c,
                                 moatpy_claims_store *st)
{
    size_t pos = 0, n;
    const uint8_t *v;
    uint8_t tag;
    int more;
    moat_err rc;

    memset(c, 0, sizeof(*c));
    c->dbgstat = MOAT_EAT_DBG_DISABLED;
    while ((more = moatpy_rec_next(b, len, &pos, &tag, &v, &n)) == 1) {
        switch (tag) {
        case 'n':
            c->nonce = v;
            c->nonce_len = n;
            break;
        case 'u':
            if (n != MOAT_EAT_UEID_SIZE) {
                return MOAT_ERR_EAT_UEID;
            }
            memcpy(c->ueid, v, n);
            break;
        case 'P':
            if (n != 4u) {
                return MOAT_ERR_INVALID_ARGUMENT;
            }
            c->oemid_pen = (uint32_t)moatpy_get_be(v, 4);
            break;
        case 'o':
            c->oemid = v;
            c->oemid_len = n;
            break;
        case 'h':
            c->hwmodel = v;
            c->hwmodel_len = n;
            break;
        case 'H':
        case 'N':
        case 'V': {
            char *dst = tag == 'H' ? st->hwversion : tag == 'N' ? st->swname : st->swversion;
            if (!moatpy_text(v, n, dst, MOATPY_TEXT_MAX)) {
                return MOAT_ERR_EAT_CLAIM;
            }
            if (tag == 'H') {
                c->hwversion = dst;
            } else if (tag == 'N') {
                c->swname = dst;
            } else {
                c->swversion = dst;
            }
            break;
        }
        case 'd':
            if (n != 1u) {
                return MOAT_ERR_INVALID_ARGUMENT;
            }
            c->dbgstat = (moat_eat_dbgstat)v[0];
            break;
        case 't':
            if (n != 8u) {
                return MOAT_ERR_INVALID_ARGUMENT;
            }
            c->iat = (int64_t)moatpy_get_be(v, 8);
            break;
        case 'M':
            if (c->measurement_count == MOAT_EAT_MAX_MEASUREMENTS) {
                return MOAT_ERR_EAT_CLAIM;
            }
            rc = moatpy_meas_in(v, n, st, c->measurement_count);
            if (rc != MOAT_OK) {
                return rc;
            }
            c->measurement_count++;
            break;
        default:
            return MOAT_ERR_INVALID_ARGUMENT;
        }
    }
    if (more < 0) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    c->measurements = c->measurement_count > 0u ? st->m : NULL;
    return MOAT_OK;
}

/* Write verified evidence as a record blob. */
static moat_err moatpy_evidence_out(const moat_eat_evidence *ev, uint8_t **out,
                                    size_t *out_len)
{
    moatpy_rec r, t;
    uint8_t tmp[1u + MOAT_EC_PUB_MAX];
    size_t i;
    moat_err rc;

    rc = moatpy_rec_new(&r, MOATPY_EVIDENCE_BLOB_MAX);
    if (rc != MOAT_OK) {
        return rc;
    }
    rc = moatpy_rec_new(&t, MOATPY_TCB_BLOB_MAX);
    if (rc != MOAT_OK) {
        free(r.buf);
        return rc;
    }
    moatpy_rec_put(&r, 'n', ev->nonce, ev->nonce_len);
    moatpy_rec_put(&r, 'u', ev->ueid, MOAT_EAT_UEID_SIZE);
    if (ev->oemid_pen != 0u) {
        tmp[0] = (uint8_t)(ev->oemid_pen >> 24);
        tmp[1] = (uint8_t)(ev->oemid_pen >> 16);
        tmp[2] = (uint8_t)(ev->oemid_pen >> 8);
        tmp[3] = (uint8_t)ev->oemid_pen;
        moatpy_rec_put(&r, 'P', tmp, 4);
    }
    if (ev->oemid_len > 0u) {
        moatpy_rec_put(&r, 'o', ev->oemid, ev->oemid_len);
    }
    moatpy_rec_put(&r, 'h', ev->hwmodel, ev->hwmodel_len);
    if (ev->hwversion[0] != '\0') {
        moatpy_rec_put(&r, 'H', ev->hwversion, strlen(ev->hwversion));
    }
    moatpy_rec_put(&r, 'N', ev->swname, strlen(ev->swname));
    moatpy_rec_put(&r, 'V', ev->swversion, strlen(ev->swversion));
    tmp[0] = (uint8_t)ev->dbgstat;
    moatpy_rec_put(&r, 'd', tmp, 1);
    moatpy_be64(ev->iat, tmp);
    moatpy_rec_put(&r, 't', tmp, 8);
    for (i = 0; i < ev->component_count && i < MOAT_EAT_MAX_MEASUREMENTS; ++i) {
        const moat_eat_component *c = &ev->components[i];
        moatpy_meas_put(&r, c->alg, c->has_svn, c->svn, c->name, c->version, c->digest,
                        c->digest_len);
    }
    moatpy_tcb_out(&t, &ev->tcb);
    if (t.overflow) {
        r.overflow = 1;
    } else {
        moatpy_rec_put(&r, 'T', t.buf, t.len);
    }
    tmp[0] = (uint8_t)ev->alias_key.curve;
    memcpy(tmp + 1, ev->alias_key.q, ev->alias_key.q_len);
    moatpy_rec_put(&r, 'A', tmp, 1u + ev->alias_key.q_len);
    tmp[0] = (uint8_t)ev->device_id_key.curve;
    memcpy(tmp + 1, ev->device_id_key.q, ev->device_id_key.q_len);
    moatpy_rec_put(&r, 'D', tmp, 1u + ev->device_id_key.q_len);
    tmp[0] = (uint8_t)ev->chain_len;
    moatpy_rec_put(&r, 'L', tmp, 1);
    for (i = 0; i < ev->layer_count && i < MOAT_EAT_MAX_LAYERS; ++i) {
        const moat_dice_open_input *l = &ev->layers[i];
        uint8_t lb[3u * MOAT_DICE_HASH_SIZE + 2u + MOAT_DICE_PROFILE_NAME_MAX];
        size_t pn = strnlen(l->profile_name, MOAT_DICE_PROFILE_NAME_MAX);
        memcpy(lb, l->code_hash, MOAT_DICE_HASH_SIZE);
        memcpy(lb + MOAT_DICE_HASH_SIZE, l->config, MOAT_DICE_INLINE_CONFIG_SIZE);
        lb[2u * MOAT_DICE_HASH_SIZE] = l->config_is_hash ? 1u : 0u;
        memcpy(lb + 2u * MOAT_DICE_HASH_SIZE + 1u, l->authority_hash, MOAT_DICE_HASH_SIZE);
        lb[3u * MOAT_DICE_HASH_SIZE + 1u] = (uint8_t)l->mode;
        memcpy(lb + 3u * MOAT_DICE_HASH_SIZE + 2u, l->profile_name, pn);
        moatpy_rec_put(&r, 'Y', lb, 3u * MOAT_DICE_HASH_SIZE + 2u + pn);
    }
    free(t.buf);
    rc = moatpy_rec_out(&r, out, out_len);
    free(r.buf);
    return rc;
}

/* A DRBG for one call, instantiated from the caller's fresh seed. */
static moat_err moatpy_rng_init(moat_drbg_ctx *drbg, const uint8_t *seed, size_t seed_len)
{
    return moat_drbg_init(drbg, seed, seed_len, (const uint8_t *)moatpy_rng_pers,
                          sizeof(moatpy_rng_pers) - 1u);
}

/* ----------------------------------------------------- fill closures */

typedef struct { const moat_dice_cdis *cdis; const moat_dice_tcb_info *tcb; } moatpy_alias_ctx;
static moat_err moatpy_fill_alias(void *c, uint8_t *o, size_t cap, size_t *len)
{
    const moatpy_alias_ctx *x = (const moatpy_alias_ctx *)c;
    return moat_dice_alias_cert(x->cdis, x->tcb, o, cap, len);
}

typedef struct { const uint8_t *uds; size_t uds_len; } moatpy_uds_ctx;
static moat_err moatpy_fill_did_csr(void *c, uint8_t *o, size_t cap, size_t *len)
{
    const moatpy_uds_ctx *x = (const moatpy_uds_ctx *)c;
    return moat_dice_device_id_csr(x->uds, x->uds_len, o, cap, len);
}

typedef struct {
    const uint8_t *csr; size_t csr_len; const uint8_t *ca; size_t ca_len;
    const moat_signer *signer; const uint8_t *serial; size_t serial_len;
    int64_t nb, na;
} moatpy_certify_ctx;
static moat_err moatpy_fill_certify(void *c, uint8_t *o, size_t cap, size_t *len)
{
    const moatpy_certify_ctx *x = (const moatpy_certify_ctx *)c;
    return moat_dice_device_id_certify(x->csr, x->csr_len, x->ca, x->ca_len, x->signer,
                                       x->serial, x->serial_len, x->nb, x->na, o, cap, len);
}

static moat_err moatpy_fill_tcb(void *c, uint8_t *o, size_t cap, size_t *len)
{
    return moat_dice_tcb_info_encode((const moat_dice_tcb_info *)c, o, cap, len);
}

typedef struct {
    const moat_dice_cdis *cdis; const uint8_t *label; size_t label_len;
    const uint8_t *in; size_t in_len; moat_drbg_ctx *drbg;
} moatpy_seal_ctx;
static moat_err moatpy_fill_seal(void *c, uint8_t *o, size_t cap, size_t *len)
{
    const moatpy_seal_ctx *x = (const moatpy_seal_ctx *)c;
    return moat_dice_seal(x->cdis, x->label, x->label_len, x->in, x->in_len,
                          moat_drbg_generate, x->drbg, o, cap, len);
}
static moat_err moatpy_fill_unseal(void *c, uint8_t *o, size_t cap, size_t *len)
{
    const moatpy_seal_ctx *x = (const moatpy_seal_ctx *)c;
    return moat_dice_unseal(x->cdis, x->label, x->label_len, x->in, x->in_len, o, cap, len);
}

typedef struct {
    const moat_eat_claims *claims; const moat_signer *signer;
    const uint8_t *const *x5c; const size_t *lens; size_t count;
    void *work; size_t work_size;
} moatpy_issue_eat_ctx;
static moat_err moatpy_fill_eat(void *c, uint8_t *o, size_t cap, size_t *len)
{
    const moatpy_issue_eat_ctx *x = (const moatpy_issue_eat_ctx *)c;
    return moat_eat_issue(x->claims, x->signer, x->x5c, x->lens, x->count, x->work,
                          x->work_size, (char *)o, cap, len);
}

typedef struct {
    const moat_eat_evidence *ev; const char *json; size_t json_len; int64_t now;
    void *work; size_t work_size; moat_ar_status status;
} moatpy_appraise_ctx;
static moat_err moatpy_fill_appraise(void *c, uint8_t *o, size_t cap, size_t *len)
{
    moatpy_appraise_ctx *x = (moatpy_appraise_ctx *)c;
    moat_err rc = moat_attest_appraise(x->ev, x->json, x->json_len, x->now, x->work,
                                       x->work_size, (char *)o, cap, len, &x->status);
    if (rc == MOAT_OK && *len > 0u && o[*len - 1u] == '\0') {
        *len -= 1u; /* a length that counts the NUL: return the text only */
    }
    return rc;
}

typedef struct { const char *json; size_t json_len; const moat_signer *signer; } moatpy_ar_ctx;
static moat_err moatpy_fill_ar_sign(void *c, uint8_t *o, size_t cap, size_t *len)
{
    const moatpy_ar_ctx *x = (const moatpy_ar_ctx *)c;
    return moat_attest_result_sign(x->json, x->json_len, x->signer, (char *)o, cap, len);
}
%}

/* Handle outputs of the attestation types. */
%define MOATPY_OUT_HANDLE(TYPE, NAME)
%typemap(in, numinputs=0) TYPE **NAME (TYPE *hout = NULL) {
    $1 = &hout;
}
%typemap(argout) TYPE **NAME {
    PyObject *o;
    if (*$1 != NULL) {
        o = SWIG_NewPointerObj(SWIG_as_voidptr(*$1), $*1_descriptor, 0);
    } else {
        Py_INCREF(Py_None);
        o = Py_None;
    }
    $result = SWIG_AppendOutput($result, o);
}
%enddef

typedef struct moatpy_cdis moatpy_cdis;
typedef struct moatpy_nonces moatpy_nonces;
typedef struct moatpy_evidence moatpy_evidence;
MOATPY_OUT_HANDLE(moatpy_cdis, OUT_CDIS)
MOATPY_OUT_HANDLE(moatpy_nonces, OUT_NONCES)
MOATPY_OUT_HANDLE(moatpy_evidence, OUT_EV)

%apply (const uint8_t *IN, size_t IN_LEN) {
    (const uint8_t *uds, size_t uds_len),
    (const uint8_t *inblob, size_t inblob_len),
    (const uint8_t *attest, size_t attest_len),
    (const uint8_t *seal, size_t seal_len),
    (const uint8_t *label, size_t label_len),
    (const uint8_t *blob, size_t blob_len),
    (const uint8_t *tcbblob, size_t tcbblob_len),
    (const uint8_t *claims, size_t claims_len),
    (const uint8_t *x5c, size_t x5c_len),
    (const uint8_t *nonce, size_t nonce_len),
    (const uint8_t *ueid, size_t ueid_len),
    (const uint8_t *csr, size_t csr_len),
    (const uint8_t *ca_cert, size_t ca_cert_len),
    (const uint8_t *keys, size_t keys_len)
};
%apply int *OUTPUT { int *status_out };

%inline %{
/** The EAT profile identifier (MOAT_EAT_PROFILE). */
const char *moatpy_eat_profile(void) { return MOAT_EAT_PROFILE; }
/** Capacity of a nonce store (MOAT_NONCE_STORE_MAX). */
int moatpy_nonce_store_max(void) { return (int)MOAT_NONCE_STORE_MAX; }
/** Size of the nonces moat_nonce_issue() hands out. */
int moatpy_nonce_size(void) { return (int)MOAT_NONCE_SIZE; }
/** Longest nonce lifetime (seconds). */
int moatpy_nonce_ttl_max(void) { return (int)MOAT_NONCE_TTL_MAX; }
/** Text of an attestation status value. */
const char *moatpy_ar_status_name(int s) { return moat_ar_status_name((moat_ar_status)s); }

/* ----------------------------------------------------------- DICE */

/** Wipe and free a CDI handle (NULL is ignored). */
void moatpy_cdis_free(moatpy_cdis *cdis)
{
    moatpy_cdis_release(cdis);
}

/**
 * One DICE layer transition into a new handle: from @p cur, or, when
 * @p cur is NULL, from the UDS (first mutable layer, certificate issued by
 * the DeviceID key). @p want_cert 0 derives the CDIs only.
 */
int moatpy_dice_layer(moatpy_cdis *cur, const uint8_t *uds, size_t uds_len,
                      const uint8_t *inblob, size_t inblob_len, int want_cert,
                      moatpy_cdis **OUT_CDIS, uint8_t **out, size_t *out_len)
{
    moat_dice_input in;
    char profile[MOATPY_TEXT_MAX];
    moatpy_cdis *next;
    uint8_t *cert = NULL;
    size_t cert_len = 0;
    moat_err rc;

    *OUT_CDIS = NULL;
    if ((cur == NULL) == (uds == NULL)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moatpy_dice_input_in(inblob, inblob_len, &in, profile);
    if (rc != MOAT_OK) {
        moat_wipe(&in, sizeof(in));
        return rc;
    }
    next = (moatpy_cdis *)calloc(1, sizeof(*next));
    if (want_cert) {
        cert = (uint8_t *)calloc(1, MOAT_DICE_CERT_MAX);
    }
    if (next == NULL || (want_cert && cert == NULL)) {
        rc = MOAT_ERR_OUT_OF_MEMORY;
    } else if (want_cert) {
        rc = cur != NULL
            ? moat_dice_layer(&cur->c, &in, &next->c, cert, MOAT_DICE_CERT_MAX, &cert_len)
            : moat_dice_layer_from_uds(uds, uds_len, &in, &next->c, cert, MOAT_DICE_CERT_MAX,
                                       &cert_len);
    } else {
        rc = cur != NULL ? moat_dice_derive(&cur->c, &in, &next->c)
                         : moat_dice_cdis_from_uds(uds, uds_len, &in, &next->c);
    }
    moat_wipe(&in, sizeof(in));
    if (rc != MOAT_OK) {
        moatpy_cdis_release(next);
        free(cert);
        return rc;
    }
    *OUT_CDIS = next;
    *out = cert;
    *out_len = cert_len;
    return MOAT_OK;
}

/**
 * The same transition in place: @p cur's CDIs are replaced by the next
 * layer's (the previous ones are never kept). On failure they are wiped
 * (fail closed): the caller must free the handle.
 */
int moatpy_dice_advance(moatpy_cdis *cur, const uint8_t *inblob, size_t inblob_len,
                        uint8_t **out, size_t *out_len)
{
    moat_dice_input in;
    char profile[MOATPY_TEXT_MAX];
    uint8_t *cert;
    size_t cert_len = 0;
    moat_err rc;

    if (cur == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moatpy_dice_input_in(inblob, inblob_len, &in, profile);
    if (rc != MOAT_OK) {
        moat_wipe(&in, sizeof(in));
        moat_wipe(&cur->c, sizeof(cur->c));
        return rc;
    }
    cert = (uint8_t *)calloc(1, MOAT_DICE_CERT_MAX);
    if (cert == NULL) {
        moat_wipe(&in, sizeof(in));
        moat_wipe(&cur->c, sizeof(cur->c));
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_dice_layer(&cur->c, &in, &cur->c, cert, MOAT_DICE_CERT_MAX, &cert_len);
    moat_wipe(&in, sizeof(in));
    if (rc != MOAT_OK) {
        moat_wipe(&cur->c, sizeof(cur->c));
        free(cert);
        return rc;
    }
    *out = cert;
    *out_len = cert_len;
    return MOAT_OK;
}

/** A handle over CDIs given by hardware (or a test): 32 + 32 bytes. */
int moatpy_dice_from_cdis(const uint8_t *attest, size_t attest_len, const uint8_t *seal,
                          size_t seal_len, moatpy_cdis **OUT_CDIS)
{
    moatpy_cdis *c;

    *OUT_CDIS = NULL;
    if (attest == NULL || seal == NULL || attest_len != MOAT_DICE_CDI_SIZE ||
        seal_len != MOAT_DICE_CDI_SIZE) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    c = (moatpy_cdis *)calloc(1, sizeof(*c));
    if (c == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    memcpy(c->c.attest, attest, MOAT_DICE_CDI_SIZE);
    memcpy(c->c.seal, seal, MOAT_DICE_CDI_SIZE);
    *OUT_CDIS = c;
    return MOAT_OK;
}

/** Export CDI_Attest || CDI_Seal (secret output). */
int moatpy_dice_export(moatpy_cdis *cur, uint8_t **out, size_t *out_len)
{
    if (cur == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out = (uint8_t *)calloc(1, 2u * MOAT_DICE_CDI_SIZE);
    if (*out == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    memcpy(*out, cur->c.attest, MOAT_DICE_CDI_SIZE);
    memcpy(*out + MOAT_DICE_CDI_SIZE, cur->c.seal, MOAT_DICE_CDI_SIZE);
    *out_len = 2u * MOAT_DICE_CDI_SIZE;
    return MOAT_OK;
}

/** Key pairs of a layer: 0 the CDI key (ASYM_KDF(CDI_Attest)), 1 the alias key. */
int moatpy_dice_key(moatpy_cdis *cur, int which, moatpy_key **OUT_KEY)
{
    moatpy_key *k;
    moat_err rc;

    *OUT_KEY = NULL;
    if (cur == NULL || (which != 0 && which != 1)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    k = moatpy_key_new();
    if (k == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = which == 0 ? moat_dice_keypair_from_cdi(cur->c.attest, &k->key, NULL)
                    : moat_dice_alias_keypair(&cur->c, &k->key, NULL);
    if (rc != MOAT_OK) {
        moatpy_key_release(k);
        return rc;
    }
    *OUT_KEY = k;
    return MOAT_OK;
}

/** The alias certificate of a layer, with the DiceTcbInfo blob @p tcbblob. */
int moatpy_dice_alias_cert(moatpy_cdis *cur, const uint8_t *tcbblob, size_t tcbblob_len,
                           uint8_t **out, size_t *out_len)
{
    moat_dice_tcb_info tcb;
    moatpy_alias_ctx c;
    moat_err rc;

    if (cur == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moatpy_tcb_in(tcbblob, tcbblob_len, &tcb);
    if (rc != MOAT_OK) {
        return rc;
    }
    c.cdis = &cur->c;
    c.tcb = &tcb;
    return moatpy_fill(moatpy_fill_alias, &c, MOAT_DICE_CERT_MAX, out, out_len);
}

/** Seal @p blob (the plaintext) under CDI_Seal; @p seed seeds the IV DRBG. */
int moatpy_dice_seal(moatpy_cdis *cur, const uint8_t *label, size_t label_len,
                     const uint8_t *blob, size_t blob_len, const uint8_t *seed,
                     size_t seed_len, uint8_t **out, size_t *out_len)
{
    moat_drbg_ctx drbg;
    moatpy_seal_ctx c;
    moat_err rc;

    if (cur == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (blob_len > MOAT_DICE_SEAL_MAX_PLAINTEXT) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    rc = moatpy_rng_init(&drbg, seed, seed_len);
    if (rc == MOAT_OK) {
        c.cdis = &cur->c;
        c.label = label;
        c.label_len = label_len;
        c.in = blob;
        c.in_len = blob_len;
        c.drbg = &drbg;
        rc = moatpy_fill(moatpy_fill_seal, &c, blob_len + MOAT_DICE_SEAL_OVERHEAD, out,
                         out_len);
    }
    moat_drbg_wipe(&drbg);
    return rc;
}

/** Open a sealed blob (secret output, wiped after the copy to Python). */
int moatpy_dice_unseal(moatpy_cdis *cur, const uint8_t *label, size_t label_len,
                       const uint8_t *blob, size_t blob_len, uint8_t **out, size_t *out_len)
{
    moatpy_seal_ctx c;

    if (cur == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (blob_len > MOAT_DICE_SEAL_MAX_PLAINTEXT + MOAT_DICE_SEAL_OVERHEAD) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    c.cdis = &cur->c;
    c.label = label;
    c.label_len = label_len;
    c.in = blob;
    c.in_len = blob_len;
    c.drbg = NULL;
    return moatpy_fill(moatpy_fill_unseal, &c, blob_len, out, out_len);
}

/** The DeviceID public key (curve, point) and UDS_ID of a UDS. */
int moatpy_dice_device_id(const uint8_t *uds, size_t uds_len, int *curve_out,
                          uint8_t **out, size_t *out_len, uint8_t **out2, size_t *out2_len)
{
    moat_ec_public_key pub;
    uint8_t id[MOAT_DICE_ID_SIZE];
    moat_err rc;

    *curve_out = 0;
    rc = moat_dice_device_id(uds, uds_len, NULL, &pub, id);
    if (rc != MOAT_OK) {
        return rc;
    }
    *out2 = (uint8_t *)calloc(1, MOAT_DICE_ID_SIZE);
    if (*out2 == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    memcpy(*out2, id, MOAT_DICE_ID_SIZE);
    *out2_len = MOAT_DICE_ID_SIZE;
    return moatpy_pub_out(&pub, curve_out, out, out_len);
}

/** The DeviceID private key of a UDS (device simulators only). */
int moatpy_dice_device_id_key(const uint8_t *uds, size_t uds_len, moatpy_key **OUT_KEY)
{
    moatpy_key *k;
    moat_err rc;

    *OUT_KEY = NULL;
    k = moatpy_key_new();
    if (k == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_dice_device_id(uds, uds_len, &k->key, NULL, NULL);
    if (rc != MOAT_OK) {
        moatpy_key_release(k);
        return rc;
    }
    *OUT_KEY = k;
    return MOAT_OK;
}

/** The DeviceID CSR of a UDS. */
int moatpy_dice_device_id_csr(const uint8_t *uds, size_t uds_len, uint8_t **out,
                              size_t *out_len)
{
    moatpy_uds_ctx c;
    c.uds = uds;
    c.uds_len = uds_len;
    return moatpy_fill(moatpy_fill_did_csr, &c, MOAT_DICE_CSR_MAX, out, out_len);
}

/** Service side: issue the DeviceID certificate from its CSR. */
int moatpy_dice_device_id_certify(const uint8_t *csr, size_t csr_len,
                                  const uint8_t *ca_cert, size_t ca_cert_len,
                                  moatpy_key *ca_key, const uint8_t *serial,
                                  size_t serial_len, long long not_before,
                                  long long not_after, uint8_t **out, size_t *out_len)
{
    moat_signer signer;
    moatpy_certify_ctx c;
    moat_err rc;

    if (ca_key == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moat_signer_from_private(&signer, &ca_key->key);
    if (rc != MOAT_OK) {
        return rc;
    }
    c.csr = csr;
    c.csr_len = csr_len;
    c.ca = ca_cert;
    c.ca_len = ca_cert_len;
    c.signer = &signer;
    c.serial = serial;
    c.serial_len = serial_len;
    c.nb = (int64_t)not_before;
    c.na = (int64_t)not_after;
    rc = moatpy_fill(moatpy_fill_certify, &c, MOAT_DICE_CERT_MAX, out, out_len);
    moat_wipe(&signer, sizeof(signer));
    return rc;
}

/** The DICE identifier of a public key. */
int moatpy_dice_id(int curve, const uint8_t *pt, size_t pt_len, uint8_t **out,
                   size_t *out_len)
{
    moat_ec_public_key pub;
    moat_err rc = moatpy_pub(curve, pt, pt_len, &pub);

    if (rc != MOAT_OK) {
        return rc;
    }
    *out = (uint8_t *)calloc(1, MOAT_DICE_ID_SIZE);
    if (*out == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_dice_id(&pub, *out);
    if (rc != MOAT_OK) {
        free(*out);
        *out = NULL;
        return rc;
    }
    *out_len = MOAT_DICE_ID_SIZE;
    return MOAT_OK;
}

/** DER-encode a DiceTcbInfo blob. */
int moatpy_dice_tcb_encode(const uint8_t *tcbblob, size_t tcbblob_len, uint8_t **out,
                           size_t *out_len)
{
    moat_dice_tcb_info tcb;
    moat_err rc = moatpy_tcb_in(tcbblob, tcbblob_len, &tcb);

    if (rc != MOAT_OK) {
        return rc;
    }
    return moatpy_fill(moatpy_fill_tcb, &tcb, MOAT_DICE_TCB_DER_MAX, out, out_len);
}

/**
 * DiceTcbInfo as a blob: from a DER DiceTcbInfo (@p from_cert 0) or from
 * the extension of a DER certificate (@p from_cert 1).
 */
int moatpy_dice_tcb_parse(const uint8_t *der, size_t der_len, int from_cert,
                          uint8_t **out, size_t *out_len)
{
    moat_dice_tcb_info tcb;
    moat_x509_cert *cert = NULL;
    moatpy_rec r;
    moat_err rc;

    if (from_cert) {
        cert = (moat_x509_cert *)calloc(1, sizeof(*cert));
        if (cert == NULL) {
            return MOAT_ERR_OUT_OF_MEMORY;
        }
        rc = moat_x509_parse(der, der_len, cert);
        if (rc == MOAT_OK) {
            rc = moat_dice_tcb_info_from_cert(cert, &tcb);
        }
        free(cert);
    } else {
        rc = moat_dice_tcb_info_parse(der, der_len, &tcb);
    }
    if (rc != MOAT_OK) {
        return rc;
    }
    rc = moatpy_rec_new(&r, MOATPY_TCB_BLOB_MAX);
    if (rc != MOAT_OK) {
        return rc;
    }
    moatpy_tcb_out(&r, &tcb);
    rc = moatpy_rec_out(&r, out, out_len);
    free(r.buf);
    return rc;
}

/* ------------------------------------------------------------ EAT */

/** moat's UEID of a DeviceID public key. */
int moatpy_eat_ueid(int curve, const uint8_t *pt, size_t pt_len, uint8_t **out,
                    size_t *out_len)
{
    moat_ec_public_key pub;
    moat_err rc = moatpy_pub(curve, pt, pt_len, &pub);

    if (rc != MOAT_OK) {
        return rc;
    }
    *out = (uint8_t *)calloc(1, MOAT_EAT_UEID_SIZE);
    if (*out == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_eat_ueid(&pub, *out);
    if (rc != MOAT_OK) {
        free(*out);
        *out = NULL;
        return rc;
    }
    *out_len = MOAT_EAT_UEID_SIZE;
    return MOAT_OK;
}

/** Issue evidence signed by @p key with the x5c chain @p x5c (a list blob). */
int moatpy_eat_issue(moatpy_key *key, const uint8_t *claims, size_t claims_len,
                     const uint8_t *x5c, size_t x5c_len, uint8_t **out, size_t *out_len)
{
    const uint8_t *ptrs[MOAT_EAT_CHAIN_MAX + 1u];
    size_t lens[MOAT_EAT_CHAIN_MAX + 1u];
    size_t count = 0;
    moatpy_claims_store *st;
    moat_eat_claims cl;
    moat_signer signer;
    moatpy_issue_eat_ctx c;
    moat_err rc;

    if (key == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moatpy_list_in(x5c, x5c_len, ptrs, lens, MOAT_EAT_CHAIN_MAX + 1u, &count);
    if (rc == MOAT_ERR_X509_TOO_MANY) {
        rc = MOAT_ERR_INVALID_ARGUMENT; /* as moat_eat_issue() for x5c_count */
    }
    if (rc != MOAT_OK) {
        return rc;
    }
    st = (moatpy_claims_store *)calloc(1, sizeof(*st));
    c.work_size = MOAT_EAT_ISSUE_WORK_SIZE;
    c.work = calloc(1, c.work_size);
    if (st == NULL || c.work == NULL) {
        free(st);
        free(c.work);
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moatpy_claims_in(claims, claims_len, &cl, st);
    if (rc == MOAT_OK) {
        rc = moat_signer_from_private(&signer, &key->key);
        if (rc == MOAT_OK) {
            c.claims = &cl;
            c.signer = &signer;
            c.x5c = ptrs;
            c.lens = lens;
            c.count = count;
            rc = moatpy_fill(moatpy_fill_eat, &c, MOAT_EAT_TOKEN_OUT_MAX, out, out_len);
            moat_wipe(&signer, sizeof(signer));
        }
    }
    moat_wipe(c.work, c.work_size);
    free(c.work);
    free(st);
    return rc;
}

/* ---------------------------------------------------------- nonces */

/** A new, empty nonce store. */
int moatpy_nonces_new(moatpy_nonces **OUT_NONCES)
{
    moatpy_nonces *s;
    moat_err rc;

    *OUT_NONCES = NULL;
    s = (moatpy_nonces *)calloc(1, sizeof(*s));
    if (s == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_nonce_store_init(&s->s);
    if (rc != MOAT_OK) {
        free(s);
        return rc;
    }
    *OUT_NONCES = s;
    return MOAT_OK;
}

/** Wipe and free a nonce store (NULL is ignored). */
void moatpy_nonces_free(moatpy_nonces *store)
{
    if (store != NULL) {
        moat_wipe(store, sizeof(*store));
        free(store);
    }
}

/** Issue a nonce (bound to @p ueid unless None), from a DRBG seeded with @p seed. */
int moatpy_nonce_issue(moatpy_nonces *store, const uint8_t *seed, size_t seed_len,
                       const uint8_t *ueid, size_t ueid_len, long long now,
                       long long ttl, uint8_t **out, size_t *out_len)
{
    moat_drbg_ctx drbg;
    moat_err rc;

    if (store == NULL || (ueid != NULL && ueid_len != MOAT_EAT_UEID_SIZE) || ttl < 0 ||
        ttl > (long long)UINT32_MAX) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out = (uint8_t *)calloc(1, MOAT_NONCE_SIZE);
    if (*out == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moatpy_rng_init(&drbg, seed, seed_len);
    if (rc == MOAT_OK) {
        rc = moat_nonce_issue(&store->s, moat_drbg_generate, &drbg, ueid, (int64_t)now,
                              (uint32_t)ttl, *out);
    }
    moat_drbg_wipe(&drbg);
    if (rc != MOAT_OK) {
        free(*out);
        *out = NULL;
        return rc;
    }
    *out_len = MOAT_NONCE_SIZE;
    return MOAT_OK;
}

/** moat_nonce_check (@p consume 0) or moat_nonce_consume (@p consume 1). */
int moatpy_nonce_use(moatpy_nonces *store, const uint8_t *nonce, size_t nonce_len,
                     const uint8_t *ueid, size_t ueid_len, long long now, int consume)
{
    if (store == NULL || nonce == NULL || ueid == NULL || ueid_len != MOAT_EAT_UEID_SIZE) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return consume ? moat_nonce_consume(&store->s, nonce, nonce_len, ueid, (int64_t)now)
                   : moat_nonce_check(&store->s, nonce, nonce_len, ueid, (int64_t)now);
}

/* -------------------------------------------------------- verifier */

/** Free verified evidence (NULL is ignored). */
void moatpy_evidence_free(moatpy_evidence *ev)
{
    if (ev != NULL) {
        moat_wipe(ev, sizeof(*ev));
        free(ev);
    }
}

/**
 * Verify evidence (moat_eat_verify). @p roots: list blob of trust anchors
 * (empty: none); @p keys: registered DeviceID keys (empty: none). On
 * success returns a handle (for appraisal) and the evidence blob.
 */
int moatpy_eat_verify(const uint8_t *tok, size_t tok_len,
                      const uint8_t *roots, size_t roots_len,
                      const uint8_t *keys, size_t keys_len,
                      moatpy_nonces *store, long long now, long long iat_max_age,
                      long long iat_skew, int dbgstat_allowed, int require_min_svn,
                      unsigned long long min_svn, moatpy_evidence **OUT_EV,
                      uint8_t **out, size_t *out_len)
{
    const uint8_t *rptrs[MOAT_X509_MAX_RUNTIME_ANCHORS];
    size_t rlens[MOAT_X509_MAX_RUNTIME_ANCHORS];
    size_t nroots = 0, nkeys = 0, pos = 0, n, i;
    moat_x509_store *xs = NULL;
    moat_ec_public_key *ids = NULL;
    moat_eat_policy pol;
    moatpy_evidence *ev = NULL;
    void *work = NULL;
    size_t work_size = moat_eat_verify_work_size();
    const uint8_t *v;
    uint8_t tag;
    int more;
    moat_err rc;

    *OUT_EV = NULL;
    if (store == NULL || tok == NULL || iat_max_age < 0 || iat_max_age > (long long)UINT32_MAX ||
        iat_skew < 0 || iat_skew > (long long)UINT32_MAX || dbgstat_allowed < 0) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moatpy_list_in(roots, roots_len, rptrs, rlens, MOAT_X509_MAX_RUNTIME_ANCHORS,
                        &nroots);
    if (rc != MOAT_OK) {
        return rc;
    }
    memset(&pol, 0, sizeof(pol));
    if (nroots > 0u) {
        xs = (moat_x509_store *)calloc(1, sizeof(*xs));
        if (xs == NULL) {
            return MOAT_ERR_OUT_OF_MEMORY;
        }
        rc = moat_x509_store_init(xs, NULL, 0);
        for (i = 0; rc == MOAT_OK && i < nroots; ++i) {
            rc = moat_x509_store_add(xs, rptrs[i], rlens[i]);
        }
        pol.store = xs;
    }
    if (rc == MOAT_OK && keys_len > 0u) {
        ids = (moat_ec_public_key *)calloc(MOATPY_DEVICE_IDS_MAX, sizeof(*ids));
        if (ids == NULL) {
            rc = MOAT_ERR_OUT_OF_MEMORY;
        }
        while (rc == MOAT_OK && (more = moatpy_rec_next(keys, keys_len, &pos, &tag, &v, &n)) != 0) {
            if (more < 0 || tag != 'k' || n < 2u) {
                rc = MOAT_ERR_INVALID_ARGUMENT;
            } else if (nkeys == MOATPY_DEVICE_IDS_MAX) {
                rc = MOAT_ERR_INPUT_TOO_LARGE;
            } else {
                rc = moatpy_pub(v[0], v + 1, n - 1u, &ids[nkeys++]);
            }
        }
        pol.device_ids = ids;
        pol.device_id_count = nkeys;
    }
    if (rc == MOAT_OK) {
        work = calloc(1, work_size);
        ev = (moatpy_evidence *)calloc(1, sizeof(*ev));
        if (work == NULL || ev == NULL) {
            rc = MOAT_ERR_OUT_OF_MEMORY;
        }
    }
    if (rc == MOAT_OK) {
        pol.nonces = &store->s;
        pol.now = (int64_t)now;
        pol.iat_max_age = (uint32_t)iat_max_age;
        pol.iat_skew = (uint32_t)iat_skew;
        pol.dbgstat_allowed = (uint32_t)dbgstat_allowed;
        pol.require_min_svn = require_min_svn != 0;
        pol.min_svn = (uint64_t)min_svn;
        rc = moat_eat_verify((const char *)tok, tok_len, &pol, work, work_size, &ev->ev);
    }
    if (rc == MOAT_OK) {
        rc = moatpy_evidence_out(&ev->ev, out, out_len);
    }
    if (work != NULL) {
        moat_wipe(work, work_size);
        free(work);
    }
    free(xs);
    free(ids);
    if (rc != MOAT_OK) {
        moatpy_evidence_free(ev);
        return rc;
    }
    *OUT_EV = ev;
    return MOAT_OK;
}

/* ------------------------------------------------------- appraisal */

/** Validate a reference values document. */
int moatpy_refvals_validate(const uint8_t *json, size_t json_len)
{
    size_t ws = moat_attest_appraise_work_size();
    void *work = calloc(1, ws);
    moat_err rc;

    if (work == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_attest_refvals_validate((const char *)json, json_len, work, ws);
    moat_wipe(work, ws);
    free(work);
    return rc;
}

/** Appraise verified evidence; returns the status and the result JSON. */
int moatpy_appraise(moatpy_evidence *ev, const uint8_t *json, size_t json_len,
                    long long now, int *status_out, uint8_t **out, size_t *out_len)
{
    moatpy_appraise_ctx c;
    moat_err rc;

    *status_out = 0;
    if (ev == NULL || json == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    c.ev = &ev->ev;
    c.json = (const char *)json;
    c.json_len = json_len;
    c.now = (int64_t)now;
    c.status = MOAT_AR_NONE;
    c.work_size = moat_attest_appraise_work_size();
    c.work = calloc(1, c.work_size);
    if (c.work == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moatpy_fill(moatpy_fill_appraise, &c, MOAT_AR_MAX + 1u, out, out_len);
    moat_wipe(c.work, c.work_size);
    free(c.work);
    *status_out = (int)c.status;
    return rc;
}

/** Sign an attestation result JSON as a JWT with the verifier's key. */
int moatpy_result_sign(moatpy_key *key, const uint8_t *json, size_t json_len,
                       uint8_t **out, size_t *out_len)
{
    moat_signer signer;
    moatpy_ar_ctx c;
    moat_err rc;

    if (key == NULL || json == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moat_signer_from_private(&signer, &key->key);
    if (rc != MOAT_OK) {
        return rc;
    }
    c.json = (const char *)json;
    c.json_len = json_len;
    c.signer = &signer;
    rc = moatpy_fill(moatpy_fill_ar_sign, &c, moat_jws_compact_size(json_len) + 256u, out,
                     out_len);
    moat_wipe(&signer, sizeof(signer));
    return rc;
}
%}

/* ================================================================ UPDATE
 *
 * Verified updates (include/moat/update.h), for the service side (checking
 * what it signs) and for device simulators: an in-memory port
 * ("moatpy_sim": records, counters, slots and a settable clock in heap
 * memory) so that Python verifies a bundle through exactly the C functions a
 * device runs (root bootstrap/rotation, moat_update_manifest_verify(), the
 * streaming image check and the install state machine).
 *
 * Blobs crossing the boundary use the record format of the X.509 section
 * (tag, 2-byte big-endian length, value); integers are big-endian:
 *   root:     'v' version u32, 'e' epoch u32, 'x' expires i64,
 *             'R' root threshold u32, 'r' root key (curve, point) ...,
 *             'T' targets threshold u32, 't' targets key ...
 *   device:   'v' vendor id (16), 'c' class id (16),
 *             'p' component: name length (1), name, major, minor, patch,
 *                 slot mask (u32 each) ... (in component order)
 *   snapshot: 'q' sequence u64, 's' svn u64 (one per component, in order),
 *             'z' slot size u64 (one per slot, in order)
 *   manifest: 'q' sequence u32, 'x' expires i64, 'c' component,
 *             'i' component index u32, 'V' major, minor, patch u32,
 *             's' svn u32, 'z' size u64, 'd' digest (32), 'l' slot u32,
 *             'r' root version u32, 'Q' sequence counter u64,
 *             'S' svn counter id u32 + value u64
 */
%{
#include <sys/types.h>
#include <sys/random.h>
#include <errno.h>
#include "moat/update.h"

/** Largest simulated slot (bytes). */
#define MOATPY_SIM_SLOT_MAX ((size_t)1 << 30)
/** Erase block of the simulated slots. */
#define MOATPY_SIM_ERASE 4096u

/** A simulated device port: everything in heap memory. */
struct moatpy_sim {
    uint8_t *rec[MOAT_PORT_RECORD_COUNT];
    size_t rec_len[MOAT_PORT_RECORD_COUNT];
    uint64_t ctr[MOAT_PORT_COUNTER_COUNT];
    uint8_t *slot[MOAT_PORT_SLOT_COUNT];
    size_t slot_size[MOAT_PORT_SLOT_COUNT];
    int64_t now;
    bool has_time;
    uint32_t writes;
    moat_port port;
};
typedef struct moatpy_sim moatpy_sim;
void moatpy_sim_free(moatpy_sim *s);

struct moatpy_root {
    moat_update_root r;
};
typedef struct moatpy_root moatpy_root;

struct moatpy_manifest {
    moat_update_manifest m;
};
typedef struct moatpy_manifest moatpy_manifest;

struct moatpy_stream {
    moat_update_stream s;
    int active;
};
typedef struct moatpy_stream moatpy_stream;

static moat_err moatpy_simp_entropy(void *ctx, uint8_t *out, size_t len)
{
    size_t done = 0;
    (void)ctx;
    while (done < len) {
        ssize_t n = getrandom(out + done, len - done, 0);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            moat_wipe(out, len);
            return MOAT_ERR_PORT_ENTROPY;
        }
        done += (size_t)n;
    }
    return MOAT_OK;
}

static moat_err moatpy_simp_time(void *ctx, int64_t *t)
{
    const moatpy_sim *s = (const moatpy_sim *)ctx;
    if (t == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *t = 0;
    if (!s->has_time) {
        return MOAT_ERR_PORT_NO_TIME;
    }
    *t = s->now;
    return MOAT_OK;
}

static moat_err moatpy_simp_ctr_read(void *ctx, uint32_t id, uint64_t *v)
{
    const moatpy_sim *s = (const moatpy_sim *)ctx;
    if (v == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *v = 0;
    if (id >= MOAT_PORT_COUNTER_COUNT) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *v = s->ctr[id];
    return MOAT_OK;
}

static moat_err moatpy_simp_ctr_advance(void *ctx, uint32_t id, uint64_t v)
{
    moatpy_sim *s = (moatpy_sim *)ctx;
    s->writes++;
    if (id >= MOAT_PORT_COUNTER_COUNT) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (v < s->ctr[id]) {
        return MOAT_ERR_PORT_COUNTER_DECREASE;
    }
    s->ctr[id] = v;
    return MOAT_OK;
}

static moat_err moatpy_simp_rec_read(void *ctx, uint32_t id, uint8_t *buf, size_t cap,
                                    size_t *len)
{
    const moatpy_sim *s = (const moatpy_sim *)ctx;
    if (len == NULL || (buf == NULL && cap != 0u)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *len = 0;
    if (id >= MOAT_PORT_RECORD_COUNT) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (s->rec[id] == NULL) {
        return MOAT_ERR_PORT_NOT_FOUND;
    }
    if (cap < s->rec_len[id]) {
        if (buf != NULL) {
            moat_wipe(buf, cap);
        }
        *len = s->rec_len[id];
        return MOAT_ERR_BUFFER_TOO_SMALL;
    }
    if (s->rec_len[id] > 0u) {
        memcpy(buf, s->rec[id], s->rec_len[id]);
    }
    *len = s->rec_len[id];
    return MOAT_OK;
}

static moat_err moatpy_simp_rec_write(void *ctx, uint32_t id, const uint8_t *data, size_t len)
{
    moatpy_sim *s = (moatpy_sim *)ctx;
    uint8_t *copy;
    s->writes++;
    if (id >= MOAT_PORT_RECORD_COUNT || (data == NULL && len != 0u)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (len > MOAT_PORT_RECORD_MAX) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    copy = (uint8_t *)calloc(1, len ? len : 1u);
    if (copy == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    if (len > 0u) {
        memcpy(copy, data, len);
    }
    if (s->rec[id] != NULL) {
        moat_wipe(s->rec[id], s->rec_len[id] ? s->rec_len[id] : 1u);
        free(s->rec[id]);
    }
    s->rec[id] = copy;
    s->rec_len[id] = len;
    return MOAT_OK;
}

static moat_err moatpy_simp_rec_erase(void *ctx, uint32_t id)
{
    moatpy_sim *s = (moatpy_sim *)ctx;
    s->writes++;
    if (id >= MOAT_PORT_RECORD_COUNT) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (s->rec[id] != NULL) {
        moat_wipe(s->rec[id], s->rec_len[id] ? s->rec_len[id] : 1u);
        free(s->rec[id]);
        s->rec[id] = NULL;
        s->rec_len[id] = 0;
    }
    return MOAT_OK;
}

static moat_err moatpy_simp_slot_info(void *ctx, uint32_t slot, moat_port_slot_info *info)
{
    const moatpy_sim *s = (const moatpy_sim *)ctx;
    if (info == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(info, 0, sizeof(*info));
    if (slot >= MOAT_PORT_SLOT_COUNT) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (s->slot[slot] == NULL) {
        return MOAT_ERR_PORT_NOT_FOUND;
    }
    info->size = s->slot_size[slot];
    info->erase_size = MOATPY_SIM_ERASE;
    info->write_align = 1u;
    info->erased_value = 0xFFu;
    return MOAT_OK;
}

/* The slot range [off, off + len) of an existing slot, overflow checked. */
static moat_err moatpy_simp_range(const moatpy_sim *s, uint32_t slot, size_t off, size_t len)
{
    if (slot >= MOAT_PORT_SLOT_COUNT) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (s->slot[slot] == NULL) {
        return MOAT_ERR_PORT_NOT_FOUND;
    }
    if (off > s->slot_size[slot] || len > s->slot_size[slot] - off) {
        return MOAT_ERR_PORT_RANGE;
    }
    return MOAT_OK;
}

static moat_err moatpy_simp_slot_read(void *ctx, uint32_t slot, size_t off, uint8_t *buf,
                                     size_t len)
{
    const moatpy_sim *s = (const moatpy_sim *)ctx;
    moat_err rc;
    if (buf == NULL && len != 0u) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moatpy_simp_range(s, slot, off, len);
    if (rc != MOAT_OK) {
        if (buf != NULL) {
            moat_wipe(buf, len);
        }
        return rc;
    }
    if (len > 0u) {
        memcpy(buf, s->slot[slot] + off, len);
    }
    return MOAT_OK;
}

static moat_err moatpy_simp_slot_write(void *ctx, uint32_t slot, size_t off,
                                      const uint8_t *data, size_t len)
{
    moatpy_sim *s = (moatpy_sim *)ctx;
    moat_err rc;
    s->writes++;
    if (data == NULL && len != 0u) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moatpy_simp_range(s, slot, off, len);
    if (rc == MOAT_OK && len > 0u) {
        /* NOR flash: programming only clears bits. */
        size_t i;
        for (i = 0; i < len; ++i) {
            s->slot[slot][off + i] &= data[i];
        }
    }
    return rc;
}

static moat_err moatpy_simp_slot_erase(void *ctx, uint32_t slot)
{
    moatpy_sim *s = (moatpy_sim *)ctx;
    moat_err rc;
    s->writes++;
    rc = moatpy_simp_range(s, slot, 0, 0);
    if (rc == MOAT_OK) {
        memset(s->slot[slot], 0xFF, s->slot_size[slot]);
    }
    return rc;
}

static const moat_port_ops moatpy_simp_ops = {
    MOAT_PORT_ABI_VERSION,
    moatpy_simp_entropy,
    moatpy_simp_time,
    NULL, /* device_secret */
    NULL, /* measure_firmware */
    moatpy_simp_ctr_read,
    moatpy_simp_ctr_advance,
    moatpy_simp_rec_read,
    moatpy_simp_rec_write,
    moatpy_simp_rec_erase,
    moatpy_simp_slot_info,
    moatpy_simp_slot_read,
    moatpy_simp_slot_write,
    moatpy_simp_slot_erase,
    NULL, /* key_generate */
    NULL, /* key_public */
    NULL  /* key_sign */
};

static void moatpy_put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void moatpy_put_u64(uint8_t *p, uint64_t v)
{
    moatpy_put_u32(p, (uint32_t)(v >> 32));
    moatpy_put_u32(p + 4, (uint32_t)v);
}

static uint32_t moatpy_get_u32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static uint64_t moatpy_get_u64(const uint8_t *p)
{
    return ((uint64_t)moatpy_get_u32(p) << 32) | moatpy_get_u32(p + 4);
}

/* Append one record (tag, u16 length, value) to r. */
static void moatpy_urec(moatpy_rec *r, uint8_t tag, const void *v, size_t n)
{
    moatpy_rec_put(r, tag, (const uint8_t *)v, n);
}

static void moatpy_urec_u32(moatpy_rec *r, uint8_t tag, uint32_t v)
{
    uint8_t b[4];
    moatpy_put_u32(b, v);
    moatpy_urec(r, tag, b, sizeof(b));
}

static void moatpy_urec_u64(moatpy_rec *r, uint8_t tag, uint64_t v)
{
    uint8_t b[8];
    moatpy_put_u64(b, v);
    moatpy_urec(r, tag, b, sizeof(b));
}

static void moatpy_role_out(moatpy_rec *r, uint8_t ttag, uint8_t ktag,
                            const moat_update_role *role)
{
    uint32_t i;
    moatpy_urec_u32(r, ttag, role->threshold);
    for (i = 0; i < role->nkeys && i < MOAT_UPDATE_MAX_KEYS; ++i) {
        uint8_t b[1 + MOAT_EC_PUB_MAX];
        size_t n = role->keys[i].key.q_len;
        if (n > MOAT_EC_PUB_MAX) {
            n = MOAT_EC_PUB_MAX;
        }
        b[0] = (uint8_t)role->keys[i].key.curve;
        memcpy(b + 1, role->keys[i].key.q, n);
        moatpy_urec(r, ktag, b, n + 1u);
    }
}

/* The root as a blob. */
static moat_err moatpy_root_out(const moat_update_root *root, uint8_t **out, size_t *out_len)
{
    moatpy_rec r;
    uint8_t x[8];
    moat_err rc = moatpy_rec_new(&r, 2u * MOAT_UPDATE_MAX_KEYS * (4u + MOAT_EC_PUB_MAX) + 128u);
    if (rc != MOAT_OK) {
        return rc;
    }
    moatpy_urec_u32(&r, 'v', root->version);
    moatpy_urec_u32(&r, 'e', root->epoch);
    moatpy_put_u64(x, (uint64_t)root->expires);
    moatpy_urec(&r, 'x', x, sizeof(x));
    moatpy_role_out(&r, 'R', 'r', &root->root);
    moatpy_role_out(&r, 'T', 't', &root->targets);
    rc = moatpy_rec_out(&r, out, out_len);
    free(r.buf);
    return rc;
}

/* The manifest as a blob. */
static moat_err moatpy_manifest_out(const moat_update_manifest *m, uint8_t **out,
                                    size_t *out_len)
{
    moatpy_rec r;
    uint8_t b[12];
    size_t n = strnlen(m->component, MOAT_UPDATE_NAME_SIZE);
    moat_err rc = moatpy_rec_new(&r, 256u);
    if (rc != MOAT_OK) {
        return rc;
    }
    moatpy_urec_u32(&r, 'q', m->sequence);
    moatpy_put_u64(b, (uint64_t)m->expires);
    moatpy_urec(&r, 'x', b, 8u);
    moatpy_urec(&r, 'c', m->component, n);
    moatpy_urec_u32(&r, 'i', m->component_index);
    moatpy_put_u32(b, m->version.major);
    moatpy_put_u32(b + 4, m->version.minor);
    moatpy_put_u32(b + 8, m->version.patch);
    moatpy_urec(&r, 'V', b, 12u);
    moatpy_urec_u32(&r, 's', m->svn);
    moatpy_urec_u64(&r, 'z', m->size);
    moatpy_urec(&r, 'd', m->digest, MOAT_UPDATE_DIGEST_SIZE);
    moatpy_urec_u32(&r, 'l', m->slot);
    moatpy_urec_u32(&r, 'r', m->root_version);
    moatpy_urec_u64(&r, 'Q', m->sequence_counter);
    moatpy_put_u32(b, m->svn_counter_id);
    moatpy_put_u64(b + 4, m->svn_counter);
    moatpy_urec(&r, 'S', b, 12u);
    rc = moatpy_rec_out(&r, out, out_len);
    free(r.buf);
    return rc;
}

/* Parse a device blob. */
static moat_err moatpy_device_in(const uint8_t *blob, size_t blob_len, moat_update_device *d)
{
    size_t pos = 0, n;
    const uint8_t *v;
    uint8_t tag;
    int more, have_v = 0, have_c = 0;

    memset(d, 0, sizeof(*d));
    while ((more = moatpy_rec_next(blob, blob_len, &pos, &tag, &v, &n)) != 0) {
        if (more < 0) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
        if (tag == 'v' && n == MOAT_UPDATE_UUID_SIZE) {
            memcpy(d->vendor_id, v, n);
            have_v = 1;
        } else if (tag == 'c' && n == MOAT_UPDATE_UUID_SIZE) {
            memcpy(d->class_id, v, n);
            have_c = 1;
        } else if (tag == 'p' && n >= 1u && n == 1u + (size_t)v[0] + 16u &&
                   v[0] >= 1u && v[0] < MOAT_UPDATE_NAME_SIZE) {
            moat_update_component *c;
            const uint8_t *q = v + 1 + v[0];
            if (d->ncomponents == MOAT_UPDATE_MAX_COMPONENTS) {
                return MOAT_ERR_INPUT_TOO_LARGE;
            }
            c = &d->components[d->ncomponents++];
            memcpy(c->name, v + 1, v[0]);
            c->installed.major = moatpy_get_u32(q);
            c->installed.minor = moatpy_get_u32(q + 4);
            c->installed.patch = moatpy_get_u32(q + 8);
            c->slots = moatpy_get_u32(q + 12);
        } else {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
    }
    return (have_v && have_c) ? MOAT_OK : MOAT_ERR_INVALID_ARGUMENT;
}

/* Parse a snapshot blob. */
static moat_err moatpy_snapshot_in(const uint8_t *blob, size_t blob_len,
                                   moat_update_snapshot *s)
{
    size_t pos = 0, n, nsvn = 0, nslot = 0;
    const uint8_t *v;
    uint8_t tag;
    int more;

    memset(s, 0, sizeof(*s));
    while ((more = moatpy_rec_next(blob, blob_len, &pos, &tag, &v, &n)) != 0) {
        if (more < 0 || n != 8u) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
        if (tag == 'q') {
            s->sequence = moatpy_get_u64(v);
        } else if (tag == 's' && nsvn < MOAT_UPDATE_MAX_COMPONENTS) {
            s->svn[nsvn++] = moatpy_get_u64(v);
        } else if (tag == 'z' && nslot < MOAT_PORT_SLOT_COUNT) {
            s->slot_size[nslot++] = moatpy_get_u64(v);
        } else {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
    }
    return MOAT_OK;
}

/* A workspace for a document of doc_len bytes. */
static void *moatpy_update_work(size_t doc_len, size_t *size)
{
    *size = moat_update_work_size(doc_len);
    return calloc(1, *size ? *size : 1u);
}

static void moatpy_work_free(void *work, size_t size)
{
    if (work != NULL) {
        moat_wipe(work, size);
        free(work);
    }
}

static moatpy_root *moatpy_root_alloc(void)
{
    return (moatpy_root *)calloc(1, sizeof(moatpy_root));
}

static void moatpy_root_release(moatpy_root *r)
{
    if (r != NULL) {
        moat_wipe(r, sizeof(*r));
        free(r);
    }
}

/* Hand a root (rc == MOAT_OK) to Python as a handle and a blob. */
static int moatpy_root_give(moat_err rc, moatpy_root *r, moatpy_root **OUT_ROOT,
                            uint8_t **out, size_t *out_len)
{
    if (rc == MOAT_OK) {
        rc = moatpy_root_out(&r->r, out, out_len);
    }
    if (rc != MOAT_OK) {
        moatpy_root_release(r);
        return rc;
    }
    *OUT_ROOT = r;
    return MOAT_OK;
}

static int moatpy_manifest_give(moat_err rc, moatpy_manifest *m,
                                moatpy_manifest **OUT_MANIFEST, uint8_t **out,
                                size_t *out_len)
{
    if (rc == MOAT_OK) {
        rc = moatpy_manifest_out(&m->m, out, out_len);
    }
    if (rc != MOAT_OK) {
        moat_wipe(m, sizeof(*m));
        free(m);
        return rc;
    }
    *OUT_MANIFEST = m;
    return MOAT_OK;
}
%}

typedef struct moatpy_sim moatpy_sim;
typedef struct moatpy_root moatpy_root;
typedef struct moatpy_manifest moatpy_manifest;
typedef struct moatpy_stream moatpy_stream;
MOATPY_OUT_HANDLE(moatpy_sim, OUT_SIM)
MOATPY_OUT_HANDLE(moatpy_root, OUT_ROOT)
MOATPY_OUT_HANDLE(moatpy_manifest, OUT_MANIFEST)
MOATPY_OUT_HANDLE(moatpy_stream, OUT_STREAM)

%apply (const uint8_t *IN, size_t IN_LEN) {
    (const uint8_t *devblob, size_t devblob_len),
    (const uint8_t *snapblob, size_t snapblob_len),
    (const uint8_t *chunk, size_t chunk_len)
};
%apply unsigned long long *OUTPUT { unsigned long long *value_out };
%apply int *OUTPUT { int *state_out, int *slot_out, int *counter_out };

%inline %{
/** MOAT_UPDATE_NO_TIME ("now" when the device has no trusted time). */
long long moatpy_update_no_time(void) { return (long long)MOAT_UPDATE_NO_TIME; }
/** Identifiers and bounds of update.h, for the Python layer. */
int moatpy_update_counter_sequence(void) { return (int)MOAT_UPDATE_COUNTER_SEQUENCE; }
int moatpy_update_counter_svn_base(void) { return (int)MOAT_UPDATE_COUNTER_SVN_BASE; }
int moatpy_update_max_components(void) { return (int)MOAT_UPDATE_MAX_COMPONENTS; }
int moatpy_update_max_keys(void) { return (int)MOAT_UPDATE_MAX_KEYS; }
int moatpy_update_slot_count(void) { return (int)MOAT_PORT_SLOT_COUNT; }
int moatpy_update_root_max_doc(void) { return (int)MOAT_UPDATE_ROOT_MAX_DOC; }
int moatpy_update_manifest_max_doc(void) { return (int)MOAT_UPDATE_MANIFEST_MAX_DOC; }

/** Free a root handle (NULL ignored). */
void moatpy_root_free(moatpy_root *root)
{
    moatpy_root_release(root);
}

/** Free a manifest handle (NULL ignored). */
void moatpy_manifest_free(moatpy_manifest *m)
{
    if (m != NULL) {
        moat_wipe(m, sizeof(*m));
        free(m);
    }
}

/**
 * A simulated device port with slots of the given sizes (0: no slot; each
 * rounded up to the erase block), every counter at 0, no record, clock
 * unset (no trusted time).
 */
int moatpy_sim_new(unsigned long long s0, unsigned long long s1, unsigned long long s2,
                   unsigned long long s3, moatpy_sim **OUT_SIM)
{
    unsigned long long sz[MOAT_PORT_SLOT_COUNT];
    moatpy_sim *s;
    size_t i;

    *OUT_SIM = NULL;
    sz[0] = s0;
    sz[1] = s1;
    sz[2] = s2;
    sz[3] = s3;
    s = (moatpy_sim *)calloc(1, sizeof(*s));
    if (s == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    s->port.ops = &moatpy_simp_ops;
    s->port.ctx = s;
    for (i = 0; i < MOAT_PORT_SLOT_COUNT; ++i) {
        size_t n;
        if (sz[i] == 0u) {
            continue;
        }
        if (sz[i] > MOATPY_SIM_SLOT_MAX) {
            moatpy_sim_free(s);
            return MOAT_ERR_INPUT_TOO_LARGE;
        }
        n = ((size_t)sz[i] + MOATPY_SIM_ERASE - 1u) / MOATPY_SIM_ERASE * MOATPY_SIM_ERASE;
        s->slot[i] = (uint8_t *)malloc(n);
        if (s->slot[i] == NULL) {
            moatpy_sim_free(s);
            return MOAT_ERR_OUT_OF_MEMORY;
        }
        memset(s->slot[i], 0xFF, n);
        s->slot_size[i] = n;
    }
    *OUT_SIM = s;
    return MOAT_OK;
}

/** Free a simulated device (NULL ignored). */
void moatpy_sim_free(moatpy_sim *s)
{
    size_t i;
    if (s == NULL) {
        return;
    }
    for (i = 0; i < MOAT_PORT_RECORD_COUNT; ++i) {
        if (s->rec[i] != NULL) {
            moat_wipe(s->rec[i], s->rec_len[i] ? s->rec_len[i] : 1u);
            free(s->rec[i]);
        }
    }
    for (i = 0; i < MOAT_PORT_SLOT_COUNT; ++i) {
        free(s->slot[i]);
    }
    moat_wipe(s, sizeof(*s));
    free(s);
}

/** Set the simulated clock (@p has_time 0: no trusted time). */
void moatpy_sim_set_time(moatpy_sim *s, int has_time, long long now)
{
    if (s != NULL) {
        s->has_time = has_time != 0;
        s->now = (int64_t)now;
    }
}

/** Read a counter through the port. */
int moatpy_sim_counter(moatpy_sim *s, int id, unsigned long long *value_out)
{
    uint64_t v = 0;
    moat_err rc;
    *value_out = 0;
    if (s == NULL || id < 0) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moat_port_counter_read(&s->port, (uint32_t)id, &v);
    *value_out = (unsigned long long)v;
    return rc;
}

/** Advance a counter through the port (provisioning / simulating history). */
int moatpy_sim_counter_advance(moatpy_sim *s, int id, unsigned long long value)
{
    if (s == NULL || id < 0) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return moat_port_counter_advance(&s->port, (uint32_t)id, (uint64_t)value);
}

/** Persistent writes made through the simulated port so far. */
unsigned long long moatpy_sim_writes(moatpy_sim *s)
{
    return s != NULL ? (unsigned long long)s->writes : 0u;
}

/** Read @p len bytes of slot @p slot at @p off. */
int moatpy_sim_slot_read(moatpy_sim *s, int slot, unsigned long long off,
                         unsigned long long len, uint8_t **out, size_t *out_len)
{
    moat_err rc;
    if (s == NULL || slot < 0 || len > MOATPY_SIM_SLOT_MAX || off > MOATPY_SIM_SLOT_MAX) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out = (uint8_t *)calloc(1, len ? (size_t)len : 1u);
    if (*out == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_port_slot_read(&s->port, (uint32_t)slot, (size_t)off, *out, (size_t)len);
    if (rc != MOAT_OK) {
        free(*out);
        *out = NULL;
        return rc;
    }
    *out_len = (size_t)len;
    return MOAT_OK;
}

/** Overwrite slot bytes directly (tests: simulate a flash corruption). */
int moatpy_sim_slot_poke(moatpy_sim *s, int slot, unsigned long long off,
                         const uint8_t *chunk, size_t chunk_len)
{
    if (s == NULL || slot < 0 || slot >= (int)MOAT_PORT_SLOT_COUNT) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (moatpy_simp_range(s, (uint32_t)slot, (size_t)off, chunk_len) != MOAT_OK ||
        off > MOATPY_SIM_SLOT_MAX) {
        return MOAT_ERR_PORT_RANGE;
    }
    if (chunk_len > 0u) {
        memcpy(s->slot[slot] + off, chunk, chunk_len);
    }
    return MOAT_OK;
}

/**
 * moat_update_root_check(): @p current (None for a first root), the
 * document, @p now (MOAT_UPDATE_NO_TIME for none). Returns the new root.
 */
int moatpy_update_root_check(moatpy_root *current, const uint8_t *doc, size_t doc_len,
                             long long now, moatpy_root **OUT_ROOT, uint8_t **out,
                             size_t *out_len)
{
    moatpy_root *r;
    size_t ws;
    void *work;
    moat_err rc;

    *OUT_ROOT = NULL;
    if (doc == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    r = moatpy_root_alloc();
    work = moatpy_update_work(doc_len, &ws);
    if (r == NULL || work == NULL) {
        free(r);
        free(work);
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_update_root_check(current != NULL ? &current->r : NULL, (const char *)doc,
                                doc_len, (int64_t)now, work, ws, &r->r);
    moatpy_work_free(work, ws);
    return moatpy_root_give(rc, r, OUT_ROOT, out, out_len);
}

/** moat_update_root_bootstrap() on a simulated device. */
int moatpy_update_root_bootstrap(moatpy_sim *s, const uint8_t *doc, size_t doc_len,
                                 long long now, moatpy_root **OUT_ROOT, uint8_t **out,
                                 size_t *out_len)
{
    moatpy_root *r;
    size_t ws;
    void *work;
    moat_err rc;

    *OUT_ROOT = NULL;
    if (s == NULL || doc == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    r = moatpy_root_alloc();
    work = moatpy_update_work(doc_len, &ws);
    if (r == NULL || work == NULL) {
        free(r);
        free(work);
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_update_root_bootstrap(&s->port, (const char *)doc, doc_len, (int64_t)now,
                                    work, ws, &r->r);
    moatpy_work_free(work, ws);
    return moatpy_root_give(rc, r, OUT_ROOT, out, out_len);
}

/** moat_update_root_load() on a simulated device. */
int moatpy_update_root_load(moatpy_sim *s, moatpy_root **OUT_ROOT, uint8_t **out,
                            size_t *out_len)
{
    moatpy_root *r;
    moat_err rc;

    *OUT_ROOT = NULL;
    if (s == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    r = moatpy_root_alloc();
    if (r == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_update_root_load(&s->port, &r->r);
    return moatpy_root_give(rc, r, OUT_ROOT, out, out_len);
}

/** moat_update_root_rotate() on a simulated device. */
int moatpy_update_root_rotate(moatpy_sim *s, moatpy_root *current, const uint8_t *doc,
                              size_t doc_len, long long now, moatpy_root **OUT_ROOT,
                              uint8_t **out, size_t *out_len)
{
    moatpy_root *r;
    size_t ws;
    void *work;
    moat_err rc;

    *OUT_ROOT = NULL;
    if (s == NULL || current == NULL || doc == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    r = moatpy_root_alloc();
    work = moatpy_update_work(doc_len, &ws);
    if (r == NULL || work == NULL) {
        free(r);
        free(work);
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_update_root_rotate(&s->port, &current->r, (const char *)doc, doc_len,
                                 (int64_t)now, work, ws, &r->r);
    moatpy_work_free(work, ws);
    return moatpy_root_give(rc, r, OUT_ROOT, out, out_len);
}

/**
 * moat_update_manifest_check() (pure: device and snapshot blobs) when
 * @p s is None, else moat_update_manifest_verify() on the simulated device
 * (the snapshot is read from its port; @p snapblob is ignored).
 */
int moatpy_update_manifest_verify(moatpy_sim *s, const uint8_t *doc, size_t doc_len,
                                  moatpy_root *root, const uint8_t *devblob,
                                  size_t devblob_len, const uint8_t *snapblob,
                                  size_t snapblob_len, long long now,
                                  moatpy_manifest **OUT_MANIFEST, uint8_t **out,
                                  size_t *out_len)
{
    moat_update_device dev;
    moat_update_snapshot snap;
    moatpy_manifest *m;
    size_t ws;
    void *work;
    moat_err rc;

    *OUT_MANIFEST = NULL;
    if (doc == NULL || root == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moatpy_device_in(devblob, devblob_len, &dev);
    if (rc == MOAT_OK && s == NULL) {
        rc = moatpy_snapshot_in(snapblob, snapblob_len, &snap);
    }
    if (rc != MOAT_OK) {
        return rc;
    }
    m = (moatpy_manifest *)calloc(1, sizeof(*m));
    work = moatpy_update_work(doc_len, &ws);
    if (m == NULL || work == NULL) {
        free(m);
        free(work);
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    if (s == NULL) {
        rc = moat_update_manifest_check((const char *)doc, doc_len, &root->r, &dev, &snap,
                                        (int64_t)now, work, ws, &m->m);
    } else {
        rc = moat_update_manifest_verify(&s->port, (const char *)doc, doc_len, &root->r,
                                         &dev, (int64_t)now, work, ws, &m->m);
    }
    moatpy_work_free(work, ws);
    return moatpy_manifest_give(rc, m, OUT_MANIFEST, out, out_len);
}
%}

/* ------------------------------------------------ streaming SHA-256 (files) */
%{
struct moatpy_hstream {
    moat_hash_ctx c;
    int alg;
};
typedef struct moatpy_hstream moatpy_hstream;
%}
typedef struct moatpy_hstream moatpy_hstream;
MOATPY_OUT_HANDLE(moatpy_hstream, OUT_HASH)

%inline %{
/** Start a streaming hash (MOAT_HASH_SHA256 = 1, SHA384 = 2, SHA512 = 3). */
int moatpy_hstream_new(int alg, moatpy_hstream **OUT_HASH)
{
    moatpy_hstream *h;
    moat_err rc;

    *OUT_HASH = NULL;
    if (moat_hash_size((moat_hash_alg)alg) == 0u) {
        return MOAT_ERR_UNSUPPORTED;
    }
    h = (moatpy_hstream *)calloc(1, sizeof(*h));
    if (h == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_hash_init(&h->c, (moat_hash_alg)alg);
    if (rc != MOAT_OK) {
        free(h);
        return rc;
    }
    h->alg = alg;
    *OUT_HASH = h;
    return MOAT_OK;
}

/** Feed @p chunk to a streaming hash. */
int moatpy_hstream_update(moatpy_hstream *h, const uint8_t *chunk, size_t chunk_len)
{
    if (h == NULL || (chunk == NULL && chunk_len != 0u)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_hash_update(&h->c, chunk, chunk_len);
    return MOAT_OK;
}

/** The digest so far (the context stays usable: a copy is finalized). */
int moatpy_hstream_digest(moatpy_hstream *h, uint8_t **out, size_t *out_len)
{
    moat_hash_ctx copy;
    size_t n;

    if (h == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    n = moat_hash_size((moat_hash_alg)h->alg);
    *out = (uint8_t *)calloc(1, n);
    if (*out == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    copy = h->c;
    moat_hash_final(&copy, *out);
    moat_wipe(&copy, sizeof(copy));
    *out_len = n;
    return MOAT_OK;
}

/** Wipe and free a streaming hash (NULL ignored). */
void moatpy_hstream_free(moatpy_hstream *h)
{
    if (h != NULL) {
        moat_wipe(h, sizeof(*h));
        free(h);
    }
}
%}

/* ------------------------------------------- image stream and install */
%inline %{
/** Start staging @p m's image on a simulated device (moat_update_stream_begin). */
int moatpy_update_stream_begin(moatpy_sim *s, moatpy_manifest *m, moatpy_stream **OUT_STREAM)
{
    moatpy_stream *st;
    moat_err rc;

    *OUT_STREAM = NULL;
    if (s == NULL || m == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    st = (moatpy_stream *)calloc(1, sizeof(*st));
    if (st == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_update_stream_begin(&st->s, &s->port, &m->m);
    if (rc != MOAT_OK) {
        moat_update_stream_abort(&st->s);
        free(st);
        return rc;
    }
    st->active = 1;
    *OUT_STREAM = st;
    return MOAT_OK;
}

/** The next chunk of the image (moat_update_stream_write). */
int moatpy_update_stream_write(moatpy_stream *st, const uint8_t *chunk, size_t chunk_len)
{
    if (st == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return moat_update_stream_write(&st->s, chunk, chunk_len);
}

/** Finish staging (moat_update_stream_finish). */
int moatpy_update_stream_finish(moatpy_stream *st)
{
    if (st == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    st->active = 0;
    return moat_update_stream_finish(&st->s);
}

/** Abort (if still open), wipe and free a stream (NULL ignored). */
void moatpy_stream_free(moatpy_stream *st)
{
    if (st != NULL) {
        moat_update_stream_abort(&st->s);
        moat_wipe(st, sizeof(*st));
        free(st);
    }
}

/** moat_update_trial() on a simulated device. */
int moatpy_update_trial(moatpy_sim *s)
{
    return s == NULL ? MOAT_ERR_INVALID_ARGUMENT : moat_update_trial(&s->port);
}

/** moat_update_boot(): the slot to boot, and the counter catch-up status. */
int moatpy_update_boot(moatpy_sim *s, int *slot_out, int *counter_out)
{
    uint32_t slot = MOAT_PORT_SLOT_COUNT;
    moat_err crc = MOAT_OK;
    moat_err rc;

    *slot_out = -1;
    *counter_out = MOAT_OK;
    if (s == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moat_update_boot(&s->port, &slot, &crc);
    *counter_out = (int)crc;
    if (rc == MOAT_OK) {
        *slot_out = (int)slot;
    }
    return rc;
}

/** moat_update_confirm() on a simulated device. */
int moatpy_update_confirm(moatpy_sim *s)
{
    return s == NULL ? MOAT_ERR_INVALID_ARGUMENT : moat_update_confirm(&s->port);
}

/** moat_update_revert() on a simulated device. */
int moatpy_update_revert(moatpy_sim *s)
{
    return s == NULL ? MOAT_ERR_INVALID_ARGUMENT : moat_update_revert(&s->port);
}

/** moat_update_status(): the install state (moat_update_state value). */
int moatpy_update_status(moatpy_sim *s, int *state_out)
{
    moat_update_state st = MOAT_UPDATE_STATE_NONE;
    moat_err rc;

    *state_out = 0;
    if (s == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moat_update_status(&s->port, &st);
    *state_out = (int)st;
    return rc;
}
%}

/* ================================================================ REPORT
 *
 * Failure reporting (include/moat/report.h). Service side: verify a batch
 * (moat_report_batch_verify(); the verified claims set is returned as JSON
 * text for the Python layer to decode) and sign an acknowledgement
 * (moat_report_ack_sign()). Device side, for tests and simulators: a
 * moat_report ring over the in-memory port of the UPDATE section
 * (moatpy_sim, which must outlive it), signing batches with a moatpy_key,
 * so that Python drives exactly the C device code.
 */
%{
#include "moat/report.h"

/** A simulated reporting device: the ring context over a moatpy_sim. */
struct moatpy_report {
    moat_report r;
};
typedef struct moatpy_report moatpy_report;
%}

typedef struct moatpy_report moatpy_report;
MOATPY_OUT_HANDLE(moatpy_report, OUT_REPORT)
%apply unsigned long long *OUTPUT {
    unsigned long long *rid_out, unsigned long long *freed_out,
    unsigned long long *pending_out, unsigned long long *dropped_out
};

%inline %{
/** MOAT_REPORT_BATCH_MAX (most events per batch). */
int moatpy_report_batch_max(void) { return (int)MOAT_REPORT_BATCH_MAX; }

/**
 * moat_report_batch_verify() under the device's public key (curve, point);
 * @p expected_device NULL accepts any "iss". Returns the verified claims
 * set (JSON text) only when every check passed.
 */
int moatpy_report_batch_verify(const uint8_t *tok, size_t tok_len, int curve,
                               const uint8_t *pt, size_t pt_len,
                               const char *expected_device,
                               uint8_t **out, size_t *out_len)
{
    moat_ec_public_key pub;
    moat_report_batch *batch = NULL;
    void *work = NULL;
    uint8_t *claims = NULL;
    size_t clen = 0;
    moat_err rc;

    *out = NULL;
    *out_len = 0;
    rc = moatpy_pub(curve, pt, pt_len, &pub);
    if (rc != MOAT_OK) {
        return rc;
    }
    batch = (moat_report_batch *)calloc(1, sizeof(*batch));
    work = calloc(1, moat_report_verify_work_size());
    claims = (uint8_t *)calloc(1, MOAT_REPORT_PAYLOAD_MAX);
    if (batch == NULL || work == NULL || claims == NULL) {
        rc = MOAT_ERR_OUT_OF_MEMORY;
    } else {
        rc = moat_report_batch_verify((const char *)tok, tok_len, &pub, expected_device,
                                      work, moat_report_verify_work_size(), batch);
    }
    if (rc == MOAT_OK) {
        /* The same token, already fully checked: its claims text. */
        rc = moat_jws_verify_compact((const char *)tok, tok_len, &pub, claims,
                                     MOAT_REPORT_PAYLOAD_MAX, &clen);
    }
    if (rc == MOAT_OK) {
        *out = claims;
        *out_len = clen;
        claims = NULL;
    }
    if (claims != NULL) {
        moat_wipe(claims, MOAT_REPORT_PAYLOAD_MAX);
        free(claims);
    }
    free(work);
    free(batch);
    return rc;
}

/** moat_report_ack_sign() with a service key; @p has_iat 0: no "iat". */
int moatpy_report_ack_sign(moatpy_key *key, const char *device_id,
                           unsigned long long ack_through, int has_iat, long long iat,
                           uint8_t **out, size_t *out_len)
{
    moat_signer signer;
    moat_err rc;

    *out = NULL;
    *out_len = 0;
    if (key == NULL || device_id == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moat_signer_from_private(&signer, &key->key);
    if (rc != MOAT_OK) {
        return rc;
    }
    *out = (uint8_t *)calloc(1, MOAT_REPORT_ACK_TOKEN_MAX);
    if (*out == NULL) {
        moat_wipe(&signer, sizeof(signer));
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_report_ack_sign(&signer, device_id, (uint64_t)ack_through,
                              has_iat ? (int64_t)iat : MOAT_REPORT_NO_IAT, (char *)*out,
                              MOAT_REPORT_ACK_TOKEN_MAX, out_len);
    moat_wipe(&signer, sizeof(signer));
    if (rc != MOAT_OK) {
        free(*out);
        *out = NULL;
        *out_len = 0;
    }
    return rc;
}

/** moat_report_open() over a simulated port (default records/counter). */
int moatpy_report_open(moatpy_sim *sim, const char *device_id, moatpy_report **OUT_REPORT)
{
    moatpy_report *r;
    moat_err rc;

    *OUT_REPORT = NULL;
    if (sim == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    r = (moatpy_report *)calloc(1, sizeof(*r));
    if (r == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_report_open(&r->r, &sim->port, device_id, NULL);
    if (rc != MOAT_OK) {
        free(r);
        return rc;
    }
    *OUT_REPORT = r;
    return MOAT_OK;
}

/** Free a reporting context (NULL ignored). */
void moatpy_report_free(moatpy_report *r)
{
    if (r != NULL) {
        moat_wipe(r, sizeof(*r));
        free(r);
    }
}

/** moat_report_boot(). */
int moatpy_report_boot(moatpy_report *r)
{
    return r == NULL ? MOAT_ERR_INVALID_ARGUMENT : moat_report_boot(&r->r);
}

/** moat_report_record(); returns the new id. */
int moatpy_report_record(moatpy_report *r, int kind, const char *component,
                         const char *version, int code, unsigned long long *rid_out)
{
    uint64_t id = 0;
    moat_err rc;
    *rid_out = 0;
    if (r == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moat_report_record(&r->r, (moat_report_kind)kind, component, version,
                            (int32_t)code, &id);
    *rid_out = (unsigned long long)id;
    return rc;
}

/** moat_report_export() signed by @p key (kid = its thumbprint). */
int moatpy_report_export(moatpy_report *r, moatpy_key *key, int max_events,
                         uint8_t **out, size_t *out_len)
{
    moat_signer signer;
    moat_err rc;

    *out = NULL;
    *out_len = 0;
    if (r == NULL || key == NULL || max_events <= 0) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moat_signer_from_private(&signer, &key->key);
    if (rc != MOAT_OK) {
        return rc;
    }
    *out = (uint8_t *)calloc(1, MOAT_REPORT_EXPORT_MAX);
    if (*out == NULL) {
        moat_wipe(&signer, sizeof(signer));
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_report_export(&r->r, &signer, NULL, (size_t)max_events, (char *)*out,
                            MOAT_REPORT_EXPORT_MAX, out_len, NULL, NULL);
    moat_wipe(&signer, sizeof(signer));
    if (rc != MOAT_OK) {
        free(*out);
        *out = NULL;
        *out_len = 0;
    }
    return rc;
}

/** moat_report_ack_apply() under the service key (curve, point). */
int moatpy_report_ack_apply(moatpy_report *r, const uint8_t *tok, size_t tok_len,
                            int curve, const uint8_t *pt, size_t pt_len,
                            unsigned long long *freed_out)
{
    moat_jwk jwk;
    uint64_t freed = 0;
    moat_err rc;

    *freed_out = 0;
    if (r == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(&jwk, 0, sizeof(jwk));
    rc = moatpy_pub(curve, pt, pt_len, &jwk.key);
    if (rc == MOAT_OK) {
        rc = moat_report_ack_apply(&r->r, (const char *)tok, tok_len, &jwk, &freed);
    }
    *freed_out = (unsigned long long)freed;
    return rc;
}

/** moat_report_status_get(): unacknowledged events held and the drop count. */
int moatpy_report_status(moatpy_report *r, unsigned long long *pending_out,
                         unsigned long long *dropped_out)
{
    moat_report_status st;
    moat_err rc;
    *pending_out = 0;
    *dropped_out = 0;
    if (r == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moat_report_status_get(&r->r, &st);
    if (rc == MOAT_OK) {
        *pending_out = (unsigned long long)st.pending;
        *dropped_out = (unsigned long long)st.dropped;
    }
    return rc;
}
%}

/* ======================================================= SEALED MESSAGES
 *
 * Sealed messages (include/moat/msg.h): seal (sign then encrypt) with a
 * moatpy_key and a DRBG seeded from Python's os.urandom; open with a
 * recipient moatpy_key, a packed sender directory and a replay state
 * (moatpy_msg_replay: moat_msg_replay over a one-record RAM port whose
 * record Python may save and restore).
 */
%{
#include "moat/msg.h"

/** Personalization string of the sealing DRBG. */
static const char moatpy_msg_pers[] = "moat-python seal v1";

/** A replay state over its own one-record RAM port. */
struct moatpy_msg_replay {
    moat_msg_replay r;
    moat_port port;
    uint8_t rec[MOAT_MSG_REPLAY_RECORD_SIZE];
    size_t rec_len;
    int rec_present;
};
typedef struct moatpy_msg_replay moatpy_msg_replay;

static moat_err moatpy_mr_entropy(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    (void)out;
    (void)len;
    return MOAT_ERR_PORT_ENTROPY; /* never used by the replay code */
}

static moat_err moatpy_mr_read(void *ctx, uint32_t id, uint8_t *buf, size_t cap, size_t *len)
{
    const moatpy_msg_replay *m = (const moatpy_msg_replay *)ctx;
    *len = 0;
    if (id != MOAT_MSG_DEFAULT_REPLAY_RECORD || !m->rec_present) {
        return MOAT_ERR_PORT_NOT_FOUND;
    }
    if (cap < m->rec_len) {
        *len = m->rec_len;
        return MOAT_ERR_BUFFER_TOO_SMALL;
    }
    memcpy(buf, m->rec, m->rec_len);
    *len = m->rec_len;
    return MOAT_OK;
}

static moat_err moatpy_mr_write(void *ctx, uint32_t id, const uint8_t *data, size_t len)
{
    moatpy_msg_replay *m = (moatpy_msg_replay *)ctx;
    if (id != MOAT_MSG_DEFAULT_REPLAY_RECORD || len > sizeof(m->rec)) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    memcpy(m->rec, data, len);
    m->rec_len = len;
    m->rec_present = 1;
    return MOAT_OK;
}

static const moat_port_ops moatpy_mr_ops = {
    .abi_version = MOAT_PORT_ABI_VERSION,
    .entropy = moatpy_mr_entropy,
    .record_read = moatpy_mr_read,
    .record_write = moatpy_mr_write,
};

/** The directory of moatpy_msg_open() (heap: about 64 KiB). */
typedef struct moatpy_msg_dir {
    moat_msg_peer peers[MOAT_MSG_DIRECTORY_MAX];
    char ids[MOAT_MSG_DIRECTORY_MAX][MOAT_MSG_ID_MAX + 1u];
} moatpy_msg_dir;
%}

typedef struct moatpy_msg_replay moatpy_msg_replay;
MOATPY_OUT_HANDLE(moatpy_msg_replay, OUT_MSG_REPLAY)
%apply (const uint8_t *IN, size_t IN_LEN) {
    (const uint8_t *mrec, size_t mrec_len),
    (const uint8_t *mpt, size_t mpt_len),
    (const uint8_t *mbody, size_t mbody_len),
    (const uint8_t *mseed, size_t mseed_len),
    (const uint8_t *mmsg, size_t mmsg_len),
    (const uint8_t *mdir, size_t mdir_len)
};
%apply unsigned long long *OUTPUT { unsigned long long *mhigh_out, unsigned long long *mbits_out };

%inline %{
/** MOAT_MSG_BODY_MAX. */
int moatpy_msg_body_max(void) { return (int)MOAT_MSG_BODY_MAX; }

/** A replay state; @p has_rec 1: start from a saved record (strictly parsed). */
int moatpy_msg_replay_new(int has_rec, const uint8_t *mrec, size_t mrec_len,
                          moatpy_msg_replay **OUT_MSG_REPLAY)
{
    moatpy_msg_replay *m;
    moat_err rc;
    *OUT_MSG_REPLAY = NULL;
    if (has_rec && mrec_len > MOAT_MSG_REPLAY_RECORD_SIZE) {
        return MOAT_ERR_MSG_REPLAY_RECORD;
    }
    m = (moatpy_msg_replay *)calloc(1, sizeof(*m));
    if (m == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    m->port.ops = &moatpy_mr_ops;
    m->port.ctx = m;
    if (has_rec) {
        memcpy(m->rec, mrec, mrec_len);
        m->rec_len = mrec_len;
        m->rec_present = 1;
    }
    rc = moat_msg_replay_open(&m->r, &m->port, MOAT_MSG_DEFAULT_REPLAY_RECORD);
    if (rc != MOAT_OK) {
        free(m);
        return rc;
    }
    *OUT_MSG_REPLAY = m;
    return MOAT_OK;
}

/** Wipe and free a replay state (NULL is ignored). */
void moatpy_msg_replay_free(moatpy_msg_replay *m)
{
    if (m != NULL) {
        moat_msg_replay_close(&m->r);
        moat_wipe(m, sizeof(*m));
        free(m);
    }
}

/** The persisted record (empty before the first accepted message). */
int moatpy_msg_replay_record(moatpy_msg_replay *m, uint8_t **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (m == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out = (uint8_t *)malloc(m->rec_len + 1u);
    if (*out == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    memcpy(*out, m->rec, m->rec_len);
    *out_len = m->rec_len;
    return MOAT_OK;
}

/** moat_msg_replay_get(). */
int moatpy_msg_replay_get(moatpy_msg_replay *m, const char *sender,
                          unsigned long long *mhigh_out, unsigned long long *mbits_out)
{
    uint64_t h = 0, b = 0;
    moat_err rc;
    *mhigh_out = 0;
    *mbits_out = 0;
    if (m == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moat_msg_replay_get(&m->r, sender, &h, &b);
    *mhigh_out = h;
    *mbits_out = b;
    return rc;
}

/** moat_msg_replay_forget() (the record is rewritten on success). */
int moatpy_msg_replay_forget(moatpy_msg_replay *m, const char *sender)
{
    if (m == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return moat_msg_replay_forget(&m->r, sender);
}

/** moat_msg_seal() with @p key to the recipient (curve, point). */
int moatpy_msg_seal(moatpy_key *key, const char *from, const char *to, const char *type,
                    unsigned long long seq, long long iat, int curve,
                    const uint8_t *mpt, size_t mpt_len, const uint8_t *mbody, size_t mbody_len,
                    const uint8_t *mseed, size_t mseed_len, uint8_t **out, size_t *out_len)
{
    moat_ec_public_key rpub;
    moat_signer signer;
    moat_drbg_ctx drbg;
    moat_msg_header h;
    void *work = NULL;
    char *msg = NULL;
    size_t cap, n = 0;
    moat_err rc;

    *out = NULL;
    *out_len = 0;
    if (key == NULL || from == NULL || to == NULL || type == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (mbody_len > MOAT_MSG_BODY_MAX) {
        return MOAT_ERR_MSG_TOO_LARGE;
    }
    rc = moatpy_pub(curve, mpt, mpt_len, &rpub);
    if (rc != MOAT_OK) {
        return rc;
    }
    rc = moat_signer_from_private(&signer, &key->key);
    if (rc != MOAT_OK) {
        return rc;
    }
    rc = moat_drbg_init(&drbg, mseed, mseed_len, (const uint8_t *)moatpy_msg_pers,
                        sizeof(moatpy_msg_pers) - 1u);
    if (rc != MOAT_OK) {
        return rc;
    }
    cap = moat_msg_sealed_size(mbody_len);
    work = calloc(1, moat_msg_seal_work_size(mbody_len));
    msg = (char *)calloc(1, cap);
    if (work == NULL || msg == NULL) {
        rc = MOAT_ERR_OUT_OF_MEMORY;
    } else {
        h.from = from;
        h.to = to;
        h.type = type;
        h.seq = seq;
        h.iat = iat;
        rc = moat_msg_seal(&signer, &h, &rpub, mbody, mbody_len, moat_drbg_generate, &drbg,
                           work, moat_msg_seal_work_size(mbody_len), msg, cap, &n);
    }
    moat_drbg_wipe(&drbg);
    if (work != NULL) {
        moat_wipe(work, moat_msg_seal_work_size(mbody_len));
        free(work);
    }
    if (rc == MOAT_OK) {
        *out = (uint8_t *)msg;
        *out_len = n;
        return MOAT_OK;
    }
    free(msg);
    return rc;
}

/**
 * moat_msg_open() as @p me with @p key. @p mdir packs the directory:
 * repeated [id_len (1) | id | curve (1) | point_len (1) | point]; @p types
 * is the allowed types joined by '\n'. @p out receives the body, @p out2
 * the info as JSON {"from":..,"type":..,"seq":..,"iat":..}.
 */
int moatpy_msg_open(moatpy_msg_replay *m, moatpy_key *key, const char *me,
                    const uint8_t *mdir, size_t mdir_len, const char *types,
                    const uint8_t *mmsg, size_t mmsg_len,
                    uint8_t **out, size_t *out_len, uint8_t **out2, size_t *out2_len)
{
    moatpy_msg_dir *d = NULL;
    char tbuf[MOAT_MSG_TYPES_MAX * (MOAT_MSG_TYPE_MAX + 1u)];
    const char *tlist[MOAT_MSG_TYPES_MAX];
    moat_jwe_decrypter dec;
    moat_msg_receiver rx;
    moat_msg_info info;
    size_t np = 0, nt = 0, pos = 0, blen = 0, tl, i;
    void *work = NULL;
    uint8_t *body = NULL;
    char *js = NULL;
    moat_err rc;

    *out = NULL;
    *out_len = 0;
    *out2 = NULL;
    *out2_len = 0;
    if (m == NULL || key == NULL || me == NULL || types == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    d = (moatpy_msg_dir *)calloc(1, sizeof(*d));
    if (d == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = MOAT_OK;
    while (rc == MOAT_OK && pos < mdir_len) {
        moat_ec_public_key pub;
        size_t il = mdir[pos], ql;
        if (np == MOAT_MSG_DIRECTORY_MAX || il == 0 || il > MOAT_MSG_ID_MAX ||
            mdir_len - pos < il + 3u) {
            rc = MOAT_ERR_INVALID_ARGUMENT;
            break;
        }
        memcpy(d->ids[np], mdir + pos + 1u, il);
        d->ids[np][il] = '\0';
        ql = mdir[pos + 2u + il];
        if (mdir_len - pos - 3u - il < ql) {
            rc = MOAT_ERR_INVALID_ARGUMENT;
            break;
        }
        rc = moatpy_pub(mdir[pos + 1u + il], mdir + pos + 3u + il, ql, &pub);
        if (rc == MOAT_OK) {
            rc = moat_jwk_from_public(&pub, &d->peers[np].key);
        }
        d->peers[np].id = d->ids[np];
        np++;
        pos += 3u + il + ql;
    }
    tl = strlen(types);
    if (rc == MOAT_OK && tl >= sizeof(tbuf)) {
        rc = MOAT_ERR_INVALID_ARGUMENT;
    }
    if (rc != MOAT_OK) {
        free(d);
        return rc;
    }
    memcpy(tbuf, types, tl + 1u);
    for (i = 0; i <= tl && nt < MOAT_MSG_TYPES_MAX; ) {
        tlist[nt++] = tbuf + i;
        while (i < tl && tbuf[i] != '\n') {
            i++;
        }
        tbuf[i] = '\0';
        i++;
    }
    rc = moat_jwe_decrypter_from_private(&dec, &key->key);
    if (rc != MOAT_OK) {
        free(d);
        return rc;
    }
    rx.me = me;
    rx.key = &dec;
    rx.directory = d->peers;
    rx.directory_count = np;
    rx.types = tlist;
    rx.type_count = nt;
    rx.replay = &m->r;
    work = calloc(1, moat_msg_open_work_size(mmsg_len));
    body = (uint8_t *)calloc(1, MOAT_MSG_BODY_MAX + 1u);
    js = (char *)calloc(1, 256u);
    if (work == NULL || body == NULL || js == NULL) {
        rc = MOAT_ERR_OUT_OF_MEMORY;
    } else {
        rc = moat_msg_open(&rx, (const char *)mmsg, mmsg_len, work,
                           moat_msg_open_work_size(mmsg_len), body, MOAT_MSG_BODY_MAX, &blen,
                           &info);
    }
    if (work != NULL) {
        moat_wipe(work, moat_msg_open_work_size(mmsg_len));
        free(work);
    }
    free(d);
    if (rc == MOAT_OK) {
        /* ids and types are printable ASCII without '"' or '\\'. */
        int k = snprintf(js, 256u, "{\"from\":\"%s\",\"type\":\"%s\",\"seq\":%llu,\"iat\":%lld}",
                         info.from, info.type, (unsigned long long)info.seq,
                         (long long)info.iat);
        if (k < 0 || k >= 256) {
            rc = MOAT_ERR_INTERNAL;
        } else {
            *out = body;
            *out_len = blen;
            *out2 = (uint8_t *)js;
            *out2_len = (size_t)k;
            return MOAT_OK;
        }
    }
    if (body != NULL) {
        moat_wipe(body, MOAT_MSG_BODY_MAX + 1u);
    }
    free(body);
    free(js);
    return rc;
}
%}
