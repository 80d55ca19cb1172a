/*
 * moat-demo: the end-to-end device demo.
 *
 * Today it shows the foundation: a device key created inside the POSIX port
 * (the private key never leaves the port), published as a JWK whose kid is
 * its RFC 7638 thumbprint, a JWS signed by the device and verified, a 2-of-2
 * JWS General JSON Serialization, and a tampered token refused with its
 * exact error. Then certificates: the device requests a certificate with a
 * PKCS#10 CSR signed by its port key, a service CA (in memory here, a
 * separate service in production) checks the CSR and issues an X.509
 * certificate, and the device installs it only after validating it to its
 * trust store and checking it certifies its own key (atomically, through a
 * port record). Run twice on the same state directory: the second run
 * reuses the same persistent device key and finds the installed chain.
 *
 * Usage: moat-demo STATE_DIR
 */
#include <stdio.h>
#include <string.h>
#include <inttypes.h>

#include "moat/moat.h"
#include "moat_port_posix.h"

#define DEMO_KEY_DEVICE 0u
#define DEMO_KEY_COSIGN 1u
#define DEMO_RECORD_OPCERT 0u /* port record holding the operational chain */

static int failures;

static void check(const char *what, moat_err got, moat_err want)
{
    if (got == want) {
        printf("  [ok]   %s -> %s\n", what, moat_strerror_name(got));
    } else {
        printf("  [FAIL] %s -> %s (%s), expected %s\n", what, moat_strerror_name(got),
               moat_strerror(got), moat_strerror_name(want));
        failures++;
    }
}

/* Use the device key if it exists, else create it inside the port. */
static moat_err ensure_key(const moat_port *port, uint32_t id, bool *created)
{
    moat_ec_public_key pub;
    moat_err rc = moat_port_key_public(port, id, &pub);
    *created = false;
    if (rc == MOAT_ERR_PORT_NOT_FOUND) {
        rc = moat_port_key_generate(port, id, MOAT_CURVE_P256);
        *created = (rc == MOAT_OK);
    }
    return rc;
}

/* The service side: a CA (in memory for the demo) checks a CSR and issues. */
static moat_err ca_issue(const moat_signer *ca, const uint8_t *ca_cert, size_t ca_len,
                         const uint8_t *csr_der, size_t csr_len, int64_t now,
                         uint8_t *out, size_t cap, size_t *out_len)
{
    moat_x509_csr csr;
    moat_x509_cert issuer;
    moat_x509_issue_params p;
    static const uint8_t serial[] = {0x02, 0x42};
    moat_err rc = moat_x509_csr_parse(csr_der, csr_len, &csr); /* proof of possession */
    if (rc == MOAT_OK) {
        rc = moat_x509_parse(ca_cert, ca_len, &issuer);
    }
    if (rc != MOAT_OK) {
        return rc;
    }
    memset(&p, 0, sizeof p);
    p.serial.ptr = serial;
    p.serial.len = sizeof serial;
    p.not_before = now - 60;
    p.not_after = now + 30 * 86400;
    p.subject.raw = csr.subject;
    p.issuer.raw = issuer.subject;
    p.subject_key = &csr.key;
    p.ext.basic_constraints = true;
    p.ext.is_ca = false;
    p.ext.path_len = -1;
    p.ext.key_usage = MOAT_X509_KU_DIGITAL_SIGNATURE;
    p.ext.ski = true;
    p.ext.aki = issuer.ski;
    return moat_x509_issue(&p, ca, out, cap, out_len);
}

/* A self-signed root for the demo CA. */
static moat_err ca_make_root(const moat_signer *ca, int64_t now, uint8_t *out, size_t cap,
                             size_t *out_len)
{
    moat_x509_issue_params p;
    static const uint8_t serial[] = {0x01};
    memset(&p, 0, sizeof p);
    p.serial.ptr = serial;
    p.serial.len = sizeof serial;
    p.not_before = now - 3600;
    p.not_after = now + 10 * 365 * 86400LL;
    p.subject.count = 2;
    p.subject.type[0] = MOAT_X509_ATTR_O;
    p.subject.value[0] = "moat demo";
    p.subject.type[1] = MOAT_X509_ATTR_CN;
    p.subject.value[1] = "moat demo device CA";
    p.issuer = p.subject;
    p.subject_key = &ca->pub;
    p.ext.basic_constraints = true;
    p.ext.is_ca = true;
    p.ext.path_len = 0;
    p.ext.key_usage = MOAT_X509_KU_KEY_CERT_SIGN | MOAT_X509_KU_CRL_SIGN;
    p.ext.ski = true;
    return moat_x509_issue(&p, ca, out, cap, out_len);
}

int main(int argc, char **argv)
{
    static uint8_t work[MOAT_JWS_JSON_WORK_SIZE(4096)];
    static uint8_t jwt_work[MOAT_JWT_WORK_SIZE(256)];
    moat_port_posix posix;
    moat_port port;
    moat_port_key dev_key, co_key;
    moat_signer dev, co;
    moat_jwk keys[2];
    char jwk[MOAT_JWK_EMIT_MAX];
    char token[MOAT_JWS_COMPACT_SIZE(256)];
    char doc[4096], doc2[4096];
    uint8_t payload[256];
    char msg[160];
    size_t n = 0, tok_len = 0, doc_len = 0, valid = 0;
    int64_t now = 0;
    bool created = false;
    moat_err rc;

    if (argc != 2) {
        fprintf(stderr, "usage: %s STATE_DIR\n", argv[0]);
        return 2;
    }
    printf("moat %s demo, device state in %s\n", moat_version(), argv[1]);

    rc = moat_port_posix_open(&posix, argv[1], NULL, &port);
    check("open the POSIX port", rc, MOAT_OK);
    if (rc != MOAT_OK) {
        return 1;
    }

    printf("1. device key (inside the port)\n");
    rc = ensure_key(&port, DEMO_KEY_DEVICE, &created);
    check(created ? "create device key 0 (P-256)" : "reuse device key 0", rc, MOAT_OK);
    check("signer over device key 0", moat_port_signer(&dev_key, &port, DEMO_KEY_DEVICE, &dev), MOAT_OK);
    check("publish it as a JWK", moat_jwk_emit(&dev.pub, jwk, sizeof jwk, &n), MOAT_OK);
    printf("       %s\n", jwk);

    printf("2. JWS compact (RFC 7515), signed by the device\n");
    if (moat_port_time(&port, &now) != MOAT_OK) {
        now = 0;
    }
    snprintf(msg, sizeof msg, "{\"iss\":\"moat-demo\",\"iat\":%" PRId64 ",\"msg\":\"hello from the device\"}", now);
    rc = moat_jws_sign_compact(&dev, NULL, (const uint8_t *)msg, strlen(msg), token, sizeof token, &tok_len);
    check("sign", rc, MOAT_OK);
    printf("       %.*s...%s\n", 60, token, token + (tok_len > 20 ? tok_len - 20 : 0));
    check("verify under the device JWK",
          moat_jws_verify_compact(token, tok_len, &dev.pub, payload, sizeof payload, &n), MOAT_OK);
    printf("       payload: %.*s\n", (int)n, (const char *)payload);
    if (n != strlen(msg) || memcmp(payload, msg, n) != 0) {
        printf("  [FAIL] payload differs\n");
        failures++;
    }
    check("JWT time claims (iat) at device time",
          moat_jwt_check_time(payload, n, now, 60, MOAT_JWT_REQUIRE_IAT, jwt_work, sizeof jwt_work), MOAT_OK);

    printf("3. tampering is refused\n");
    token[tok_len - 2] = (char)(token[tok_len - 2] == 'A' ? 'B' : 'A');
    rc = moat_jws_verify_compact(token, tok_len, &dev.pub, payload, sizeof payload, &n);
    if (rc == MOAT_ERR_B64_TRAILING_BITS) {
        rc = MOAT_ERR_CRYPTO_SIG_INVALID; /* flipped into a non-canonical tail: also refused */
    }
    check("verify a token with a flipped signature byte", rc, MOAT_ERR_CRYPTO_SIG_INVALID);
    check("payload left empty", n == 0 ? MOAT_OK : MOAT_ERR_INTERNAL, MOAT_OK);

    printf("4. JWS JSON serialization, 2-of-2 signers\n");
    check(created ? "create co-signer key 1" : "reuse co-signer key 1",
          ensure_key(&port, DEMO_KEY_COSIGN, &created), MOAT_OK);
    check("signer over key 1", moat_port_signer(&co_key, &port, DEMO_KEY_COSIGN, &co), MOAT_OK);
    check("device signs", moat_jws_json_sign(NULL, 0, (const uint8_t *)msg, strlen(msg), &dev, NULL,
                                             work, sizeof work, doc, sizeof doc, &doc_len), MOAT_OK);
    check("co-signer adds its signature", moat_jws_json_sign(doc, doc_len, NULL, 0, &co, NULL,
                                             work, sizeof work, doc2, sizeof doc2, &doc_len), MOAT_OK);
    moat_jwk_from_public(&dev.pub, &keys[0]);
    moat_jwk_from_public(&co.pub, &keys[1]);
    check("verify with threshold 2",
          moat_jws_json_verify(doc2, doc_len, keys, 2, 2, NULL, work, sizeof work, payload, sizeof payload, &n, &valid),
          MOAT_OK);
    printf("       %zu distinct valid signers\n", valid);
    check("the 1-signer document fails threshold 2",
          moat_jws_json_verify(doc, strlen(doc), keys, 2, 2, NULL, work, sizeof work, payload, sizeof payload, &n, &valid),
          MOAT_ERR_JOSE_THRESHOLD);

    printf("5. certificates: CSR, issuance, validated install\n");
    {
        static moat_x509_verify_work vwork;
        static uint8_t csr[1024], root[1024], leaf[1024], rec[MOAT_PORT_RECORD_MAX];
        moat_ec_private_key ca_key;
        moat_signer ca;
        moat_x509_store store;
        moat_x509_verify_params vp;
        moat_x509_name subject;
        moat_x509_ext_params ext;
        moat_x509_cert cert;
        const uint8_t *chain[1];
        size_t lens[1], csr_len = 0, root_len = 0, leaf_len = 0, count = 0;
        const uint8_t *got[2];
        size_t got_lens[2];
        char name[MOAT_X509_NAME_STRING_MAX];

        check("service CA key (entropy from the port)",
              moat_ec_generate(MOAT_CURVE_P256, moat_port_rng, &port, &ca_key), MOAT_OK);
        check("service CA signer", moat_signer_from_private(&ca, &ca_key), MOAT_OK);
        check("self-signed CA certificate", ca_make_root(&ca, now, root, sizeof root, &root_len), MOAT_OK);

        memset(&subject, 0, sizeof subject);
        subject.count = 1;
        subject.type[0] = MOAT_X509_ATTR_CN;
        subject.value[0] = "moat-demo-device";
        memset(&ext, 0, sizeof ext);
        ext.path_len = -1;
        ext.key_usage = MOAT_X509_KU_DIGITAL_SIGNATURE;
        check("device CSR signed by its port key",
              moat_x509_csr_create(&subject, &ext, &dev, csr, sizeof csr, &csr_len), MOAT_OK);
        check("CA checks the CSR and issues",
              ca_issue(&ca, root, root_len, csr, csr_len, now, leaf, sizeof leaf, &leaf_len), MOAT_OK);
        if (moat_x509_parse(leaf, leaf_len, &cert) == MOAT_OK &&
            moat_x509_name_string(&cert.subject, name, sizeof name, &n) == MOAT_OK) {
            printf("       issued: subject %s, %zu bytes DER\n", name, leaf_len);
        }

        check("device trust store: the CA", moat_x509_store_init(&store, NULL, 0), MOAT_OK);
        check("add the CA anchor", moat_x509_store_add(&store, root, root_len), MOAT_OK);
        memset(&vp, 0, sizeof vp);
        vp.now = now;
        chain[0] = leaf;
        lens[0] = leaf_len;
        /* A certificate for another key is refused, and nothing is stored. */
        check("install under the co-signer key (not the certified key)",
              moat_x509_install(&port, DEMO_KEY_COSIGN, DEMO_RECORD_OPCERT, &store, chain, lens, 1,
                                &vp, &vwork), MOAT_ERR_X509_KEY_MISMATCH);
        check("install under the device key (validated, atomic)",
              moat_x509_install(&port, DEMO_KEY_DEVICE, DEMO_RECORD_OPCERT, &store, chain, lens, 1,
                                &vp, &vwork), MOAT_OK);
        check("read the installed chain back",
              moat_x509_installed(&port, DEMO_RECORD_OPCERT, rec, sizeof rec, got, got_lens, 2, &count),
              MOAT_OK);
        check("it is the issued certificate",
              (count == 1 && got_lens[0] == leaf_len && memcmp(got[0], leaf, leaf_len) == 0)
                  ? MOAT_OK : MOAT_ERR_INTERNAL, MOAT_OK);
        printf("       renewal due now: %s; 25 days from now: %s\n",
               moat_x509_renewal_due(&cert, now, 7 * 86400, 0) ? "yes" : "no",
               moat_x509_renewal_due(&cert, now + 25 * 86400, 7 * 86400, 0) ? "yes" : "no");
        vp.now = now + 31 * 86400;
        check("the same chain a month later", moat_x509_verify(&store, chain, lens, 1, &vp, &vwork, NULL),
              MOAT_ERR_X509_EXPIRED);
        moat_ec_private_wipe(&ca_key);
    }

    moat_port_posix_close(&posix);
    if (failures != 0) {
        printf("demo FAILED: %d check(s)\n", failures);
        return 1;
    }
    printf("demo complete: every check passed\n");
    return 0;
}
