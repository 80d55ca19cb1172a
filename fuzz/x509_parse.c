/*
 * libFuzzer harness: strict X.509 certificate parsing (moat_x509_parse) and
 * the inspection helpers over its results.
 * Properties: a failed parse leaves the output wiped; an accepted
 * certificate's views all lie inside the input, its counts respect the
 * MOAT_X509_MAX_* bounds, the TBS is a prefix-free slice, its names render
 * as RFC 4514 strings (or fail without writing past the buffer), and its
 * extension OIDs convert to text and back to the same octets.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "moat/x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok) {
        abort();
    }
}

static int all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    size_t i;
    for (i = 0; i < n; i++) {
        if (b[i] != 0) {
            return 0;
        }
    }
    return 1;
}

static int inside(const moat_x509_bytes *b, const uint8_t *data, size_t size)
{
    if (b->ptr == NULL) {
        return b->len == 0;
    }
    return b->ptr >= data && b->len <= size && (size_t)(b->ptr - data) <= size - b->len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static moat_x509_cert cert;
    char text[MOAT_X509_NAME_STRING_MAX];
    uint8_t oid[128];
    size_t n = 0, n2 = 0, i;
    moat_err e;

    e = moat_x509_parse(data, size, &cert);
    if (e != MOAT_OK) {
        check(all_zero(&cert, sizeof(cert)));
        return 0;
    }
    check(size <= MOAT_X509_MAX_CERT_SIZE);
    check(cert.version >= 1 && cert.version <= 3);
    check(cert.serial.len >= 1 && cert.serial.len <= 20);
    check(inside(&cert.tbs, data, size) && inside(&cert.issuer, data, size) &&
          inside(&cert.subject, data, size) && inside(&cert.spki, data, size) &&
          inside(&cert.sig, data, size) && inside(&cert.serial, data, size));
    check(cert.ext_count <= MOAT_X509_MAX_EXTENSIONS && cert.san_count <= MOAT_X509_MAX_SAN &&
          cert.eku_count <= MOAT_X509_MAX_EKU &&
          cert.permitted_count + cert.excluded_count <= MOAT_X509_MAX_SUBTREES);
    check(cert.key_type == MOAT_X509_KEY_EC || cert.key_type == MOAT_X509_KEY_RSA);
    check(cert.sig_alg != MOAT_X509_SIG_UNKNOWN);
    check(cert.ext_count == 0 || cert.version == 3);
    e = moat_x509_name_string(&cert.subject, text, sizeof(text), &n);
    check(e != MOAT_OK || strlen(text) == n);
    e = moat_x509_name_string(&cert.issuer, text, sizeof(text), &n);
    check(e != MOAT_OK || strlen(text) == n);
    for (i = 0; i < cert.ext_count; i++) {
        check(inside(&cert.ext[i].oid, data, size) && inside(&cert.ext[i].value, data, size));
        /* Extension OIDs were validated: they print and re-encode exactly. */
        e = moat_x509_oid_string(&cert.ext[i].oid, text, sizeof(text), &n);
        if (e == MOAT_OK) {
            check(moat_x509_oid_encode(text, oid, sizeof(oid), &n2) == MOAT_OK);
            check(n2 == cert.ext[i].oid.len && memcmp(oid, cert.ext[i].oid.ptr, n2) == 0);
        } else {
            /* only arcs beyond 64 bits, or text beyond the buffer */
            check(e == MOAT_ERR_X509_BAD_OID || e == MOAT_ERR_BUFFER_TOO_SMALL);
        }
    }
    return 0;
}
