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
 * port record). Finally attestation: a DICE layer derived from the port's
 * UDS and the firmware measurement, a DeviceID certificate from the
 * manufacturer CA, an alias key certified with the TCG DiceTcbInfo, EAT
 * evidence answering a verifier's nonce, and the verifier's checks and
 * appraisal against reference values (a replay is refused). Then the
 * renewable part: a verified update (trust root, signed manifest, streaming
 * staging, trial boot, confirm: counters move only at confirm), a sealed
 * device-to-device message (JWS inside JWE, replay refused), and a failure
 * report exported as a signed batch, verified and acknowledged.
 * Run twice on the same state directory: the second run
 * reuses the same persistent device key and finds the installed chain.
 *
 * Usage: moat-demo STATE_DIR
 */
#include <stdio.h>
#include <string.h>
#include <inttypes.h>

#include "moat/moat.h"
#include "moat_port_posix.h"
#include <stdarg.h>

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

/* A self-signed root for a demo CA: pathLen 0 for the operational CA
 * (issues device certificates only), none for the manufacturer (the DICE
 * chain below it has CA certificates: DeviceID and CDI). */
static moat_err ca_make_root(const moat_signer *ca, int64_t now, int path_len, uint8_t *out,
                             size_t cap, size_t *out_len)
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
    p.ext.path_len = path_len;
    p.ext.key_usage = MOAT_X509_KU_KEY_CERT_SIGN | MOAT_X509_KU_CRL_SIGN;
    p.ext.ski = true;
    return moat_x509_issue(&p, ca, out, cap, out_len);
}

/* A fixed demo key from a label (the demo's vendor keys must be the same on
 * every run, so that a second run finds its stored trust root valid). */
static moat_err demo_key(const char *label, moat_ec_private_key *priv, moat_signer *signer)
{
    uint8_t d[32];
    moat_err rc = moat_hash(MOAT_HASH_SHA256, label, strlen(label), d);
    if (rc == MOAT_OK) {
        rc = moat_ec_private_from_scalar(MOAT_CURVE_P256, d, sizeof d, priv);
    }
    moat_wipe(d, sizeof d);
    return rc == MOAT_OK ? moat_signer_from_private(signer, priv) : rc;
}

/* JWS General JSON Serialization of @p payload with one signature. */
static moat_err demo_sign_doc(const char *payload, const moat_signer *signer, void *work,
                              size_t work_size, char *out, size_t cap, size_t *len)
{
    return moat_jws_json_sign(NULL, 0, (const uint8_t *)payload, strlen(payload), signer, NULL,
                              work, work_size, out, cap, len);
}

static void demo_append(char *buf, size_t cap, const char *fmt, ...)
{
    size_t used = strlen(buf);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, cap - used, fmt, ap);
    va_end(ap);
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
    moat_ec_private_key alias_key; /* the attestation key (steps 6 and 9) */
    moat_signer alias_signer;

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
        check("self-signed CA certificate", ca_make_root(&ca, now, 0, root, sizeof root, &root_len), MOAT_OK);

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

    printf("6. attestation: DICE identity, EAT evidence, verification and appraisal\n");
    /* the attestation (alias) key outlives step 6: failure reports (step 9)
     * are signed with it */
    memset(&alias_key, 0, sizeof alias_key);
    memset(&alias_signer, 0, sizeof alias_signer);
    {
        
        static uint8_t ca6[1024], csr6[MOAT_DICE_CSR_MAX], devid[MOAT_DICE_CERT_MAX];
        static uint8_t cdi1[MOAT_DICE_CERT_MAX], alias[MOAT_DICE_CERT_MAX];
        static uint8_t issue_work[MOAT_EAT_ISSUE_WORK_SIZE];
        static char evidence[MOAT_EAT_TOKEN_OUT_MAX], result[4096], result_jwt[8192];
        static uint8_t verify_work[128 * 1024], appraise_work[192 * 1024];
        static moat_nonce_store nonces;
        static const uint8_t devid_serial[] = {0x10, 0x01};
        moat_ec_private_key mfr_key;
        moat_signer mfr;
        moat_dice_input in;
        moat_dice_cdis cdis;
        moat_dice_tcb_info tcb;
        moat_ec_public_key devid_pub;
        moat_eat_claims claims;
        moat_eat_measurement meas[2];
        moat_eat_policy policy;
        moat_eat_evidence ev;
        moat_x509_store mfr_store;
        moat_ar_status status = MOAT_AR_NONE;
        uint8_t fw256[32], fw512[64], ueid[MOAT_EAT_UEID_SIZE], nonce[MOAT_NONCE_SIZE];
        char fw_b64[48], fw512_b64[96], hwmodel_b64[32], refvals[1024];
        const uint8_t *x5c[3];
        size_t x5c_lens[3], ca6_len = 0, csr6_len = 0, devid_len = 0, cdi1_len = 0;
        size_t alias_len = 0, tok_len6 = 0, res_len = 0, jwt_len = 0, k = 0;
        static const char hwmodel[] = "moat-demo-board";

        /* The manufacturer (offline, at provisioning): certifies the DeviceID. */
        check("manufacturer CA key", moat_ec_generate(MOAT_CURVE_P256, moat_port_rng, &port, &mfr_key), MOAT_OK);
        check("manufacturer signer", moat_signer_from_private(&mfr, &mfr_key), MOAT_OK);
        check("manufacturer CA certificate", ca_make_root(&mfr, now, -1, ca6, sizeof ca6, &ca6_len), MOAT_OK);
        check("DeviceID CSR (key derived from the UDS inside the port flow)",
              moat_dice_device_id_csr_from_port(&port, csr6, sizeof csr6, &csr6_len), MOAT_OK);
        check("manufacturer certifies the DeviceID",
              moat_dice_device_id_certify(csr6, csr6_len, ca6, ca6_len, &mfr, devid_serial,
                                          sizeof devid_serial, now - 60, 253402300799LL, devid,
                                          sizeof devid, &devid_len), MOAT_OK);

        /* Boot: one DICE layer measures the firmware. */
        memset(&in, 0, sizeof in);
        check("measure the firmware (SHA-512, SHA-256)",
              moat_port_measure_firmware(&port, MOAT_HASH_SHA512, fw512, sizeof fw512, &k) == MOAT_OK &&
              moat_port_measure_firmware(&port, MOAT_HASH_SHA256, fw256, sizeof fw256, &k) == MOAT_OK
                  ? MOAT_OK : MOAT_ERR_INTERNAL, MOAT_OK);
        memcpy(in.code_hash, fw512, sizeof in.code_hash);
        moat_hash(MOAT_HASH_SHA512, "moat demo firmware authority", 28, in.authority_hash);
        in.mode = MOAT_DICE_MODE_NORMAL;
        check("DICE layer from the UDS: CDIs + CDI certificate",
              moat_dice_layer_from_port(&port, &in, &cdis, cdi1, sizeof cdi1, &cdi1_len), MOAT_OK);
        memset(&tcb, 0, sizeof tcb);
        tcb.present = MOAT_DICE_TCB_VENDOR | MOAT_DICE_TCB_MODEL | MOAT_DICE_TCB_VERSION |
                      MOAT_DICE_TCB_SVN | MOAT_DICE_TCB_FWIDS;
        strcpy(tcb.vendor, "moat");
        strcpy(tcb.model, hwmodel);
        strcpy(tcb.version, "0.1.0");
        tcb.svn = 3;
        tcb.fwid_count = 2;
        tcb.fwids[0].alg = MOAT_HASH_SHA256;
        memcpy(tcb.fwids[0].digest, fw256, 32);
        tcb.fwids[0].digest_len = 32;
        /* the code hash the layer certified (verifiers bind the TcbInfo to it) */
        tcb.fwids[1].alg = MOAT_HASH_SHA512;
        memcpy(tcb.fwids[1].digest, in.code_hash, 64);
        tcb.fwids[1].digest_len = 64;
        check("alias certificate with DiceTcbInfo", moat_dice_alias_cert(&cdis, &tcb, alias, sizeof alias, &alias_len), MOAT_OK);
        check("alias (attestation) key", moat_dice_alias_keypair(&cdis, &alias_key, NULL), MOAT_OK);
        moat_wipe(&cdis, sizeof cdis); /* the layer's CDIs are not kept */
        check("alias signer", moat_signer_from_private(&alias_signer, &alias_key), MOAT_OK);
        check("DeviceID public key", moat_dice_device_id_from_port(&port, &devid_pub, NULL), MOAT_OK);
        check("ueid", moat_eat_ueid(&devid_pub, ueid), MOAT_OK);

        /* The verifier hands out a nonce for this device. */
        check("verifier: nonce store", moat_nonce_store_init(&nonces), MOAT_OK);
        check("verifier: nonce for this device",
              moat_nonce_issue(&nonces, moat_port_rng, &port, ueid, now, 300, nonce), MOAT_OK);

        /* The device answers with evidence. */
        memset(&claims, 0, sizeof claims);
        memset(meas, 0, sizeof meas);
        meas[0].name = "fw";
        meas[0].version = "0.1.0";
        meas[0].has_svn = true;
        meas[0].svn = 3;
        meas[0].alg = MOAT_HASH_SHA256;
        meas[0].digest = fw256;
        meas[1] = meas[0]; /* every TcbInfo fwid is reported */
        meas[1].name = "fw-sha512";
        meas[1].alg = MOAT_HASH_SHA512;
        meas[1].digest = fw512;
        claims.nonce = nonce;
        claims.nonce_len = sizeof nonce;
        memcpy(claims.ueid, ueid, sizeof ueid);
        claims.oemid_pen = 11129;
        claims.hwmodel = (const uint8_t *)hwmodel;
        claims.hwmodel_len = strlen(hwmodel);
        claims.swname = "moat-demo";
        claims.swversion = "0.1.0";
        claims.dbgstat = MOAT_EAT_DBG_DISABLED_SINCE_BOOT;
        claims.measurement_count = 2;
        claims.measurements = meas;
        claims.iat = now;
        x5c[0] = alias;
        x5c_lens[0] = alias_len;
        x5c[1] = cdi1;
        x5c_lens[1] = cdi1_len;
        x5c[2] = devid;
        x5c_lens[2] = devid_len;
        check("EAT evidence signed by the alias key",
              moat_eat_issue(&claims, &alias_signer, x5c, x5c_lens, 3, issue_work, sizeof issue_work,
                             evidence, sizeof evidence, &tok_len6), MOAT_OK);
        printf("       token: %zu bytes (x5c: alias, CDI, DeviceID)\n", tok_len6);

        /* The verifier: chain to the manufacturer, nonce, TcbInfo, policy. */
        check("verifier: manufacturer trust store", moat_x509_store_init(&mfr_store, NULL, 0), MOAT_OK);
        check("add the manufacturer anchor", moat_x509_store_add(&mfr_store, ca6, ca6_len), MOAT_OK);
        memset(&policy, 0, sizeof policy);
        policy.store = &mfr_store;
        policy.nonces = &nonces;
        policy.now = now;
        policy.iat_max_age = 300;
        policy.iat_skew = 60;
        policy.dbgstat_allowed = MOAT_EAT_DBG_PRODUCTION;
        check("verifier: verify the evidence",
              moat_eat_verify(evidence, tok_len6, &policy, verify_work, sizeof verify_work, &ev), MOAT_OK);
        moat_b64url_encode(fw256, 32, fw_b64, sizeof fw_b64, &k);
        moat_b64url_encode(fw512, 64, fw512_b64, sizeof fw512_b64, &k);
        moat_b64url_encode((const uint8_t *)hwmodel, strlen(hwmodel), hwmodel_b64, sizeof hwmodel_b64, &k);
        snprintf(refvals, sizeof refvals,
                 "{\"moat_refvals\":1,\"models\":[{\"hwmodel\":\"%s\","
                 "\"dbgstat\":[\"disabled-since-boot\"],\"components\":[{\"name\":\"fw\","
                 "\"digests\":[[\"sha-256\",\"%s\"]],\"versions\":[\"0.1.0\"],\"min_svn\":2},"
                 "{\"name\":\"fw-sha512\",\"digests\":[[\"sha-512\",\"%s\",3]]}]}]}",
                 hwmodel_b64, fw_b64, fw512_b64);
        check("verifier: appraise against reference values",
              moat_attest_appraise(&ev, refvals, strlen(refvals), now, appraise_work, sizeof appraise_work,
                                   result, sizeof result, &res_len, &status), MOAT_OK);
        check("status is affirming", status == MOAT_AR_AFFIRMING ? MOAT_OK : MOAT_ERR_INTERNAL, MOAT_OK);
        printf("       result: %.*s\n", (int)(res_len < 160 ? res_len : 160), result);
        check("verifier signs the attestation result (JWT)",
              moat_attest_result_sign(result, res_len, &mfr, result_jwt, sizeof result_jwt, &jwt_len), MOAT_OK);
        check("the same evidence again (replay)",
              moat_eat_verify(evidence, tok_len6, &policy, verify_work, sizeof verify_work, &ev),
              MOAT_ERR_EAT_NONCE_USED);
        moat_ec_private_wipe(&mfr_key);
    }

    printf("7. verified update: trust root, signed manifest, staging, trial, confirm\n");
    {
        static uint8_t uwork[MOAT_UPDATE_WORK_SIZE(8192)];
        static char upayload[2048], rootdoc[8192], mdoc[8192];
        static uint8_t image[64 * 1024];
        static const char vendor[] = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
        static const char klass[] = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6";
        moat_ec_private_key kroot, ktargets;
        moat_signer sroot, stargets;
        char jroot[MOAT_JWK_EMIT_MAX], jtargets[MOAT_JWK_EMIT_MAX], digest_b64[48];
        size_t l1 = 0, l2 = 0, dlen = 0, rlen = 0, mlen = 0;
        uint8_t digest[32];
        moat_update_root root;
        moat_update_device dv;
        moat_update_snapshot snap;
        moat_update_install inst;
        moat_update_manifest man;
        moat_update_stream st;
        uint32_t seq, slot = 0, boot_slot = 0;
        moat_err cstatus = MOAT_OK;

        check("vendor root key", demo_key("moat demo update root key", &kroot, &sroot), MOAT_OK);
        check("vendor targets key", demo_key("moat demo update targets key", &ktargets, &stargets), MOAT_OK);
        moat_jwk_emit(&sroot.pub, jroot, sizeof jroot, &l1);
        moat_jwk_emit(&stargets.pub, jtargets, sizeof jtargets, &l2);
        upayload[0] = '\0';
        demo_append(upayload, sizeof upayload,
                    "{\"moat_root\":1,\"version\":1,\"expires\":%lld,\"roles\":{\"root\":{\"keys\":[%s],"
                    "\"threshold\":1},\"targets\":{\"keys\":[%s],\"threshold\":1}}}",
                    (long long)(now + 365 * 86400LL), jroot, jtargets);
        check("sign the trust root", demo_sign_doc(upayload, &sroot, uwork, sizeof uwork, rootdoc,
                                                   sizeof rootdoc, &rlen), MOAT_OK);
        rc = moat_update_root_bootstrap(&port, rootdoc, rlen, now, uwork, sizeof uwork, &root);
        if (rc == MOAT_ERR_UPDATE_ROOT_EXISTS) {
            check("trust root already provisioned: load it", moat_update_root_load(&port, &root), MOAT_OK);
        } else {
            check("provision the trust root (verified, stored atomically)", rc, MOAT_OK);
        }

        memset(&dv, 0, sizeof dv);
        moat_update_uuid_parse(vendor, 36, dv.vendor_id);
        moat_update_uuid_parse(klass, 36, dv.class_id);
        strcpy(dv.components[0].name, "fw");
        dv.components[0].installed = (moat_update_version){1, 0, 0};
        dv.components[0].slots = 3u;
        dv.ncomponents = 1;
        if (moat_update_install_read(&port, &inst) == MOAT_OK && inst.active.valid) {
            dv.components[0].installed = inst.active.version;
            slot = inst.active.slot == 0 ? 1u : 0u;
        } else {
            slot = 1u;
        }
        check("read the device's counters", moat_update_snapshot_read(&port, &dv, &snap), MOAT_OK);
        seq = (uint32_t)(snap.sequence & 0xFFFFFFFFu) + 1u;
        for (size_t i = 0; i < sizeof image; i++) {
            image[i] = (uint8_t)(i * 7u + seq);
        }
        moat_hash(MOAT_HASH_SHA256, image, sizeof image, digest);
        moat_b64url_encode(digest, sizeof digest, digest_b64, sizeof digest_b64, &dlen);
        upayload[0] = '\0';
        demo_append(upayload, sizeof upayload,
                    "{\"moat_manifest\":1,\"sequence_epoch\":0,\"sequence\":%u,\"expires\":%lld,"
                    "\"vendor_id\":\"%s\",\"class_id\":\"%s\",\"component\":\"fw\","
                    "\"version\":\"%u.%u.%u\",\"svn\":1,\"size\":%u,"
                    "\"digest\":{\"alg\":\"sha-256\",\"value\":\"%.*s\"},\"slot\":%u}",
                    seq, (long long)(now + 86400), vendor, klass,
                    dv.components[0].installed.major, dv.components[0].installed.minor + 1u, 0u,
                    (unsigned)sizeof image, (int)dlen, digest_b64, slot);
        check("vendor signs the manifest", demo_sign_doc(upayload, &stargets, uwork, sizeof uwork, mdoc,
                                                         sizeof mdoc, &mlen), MOAT_OK);
        check("device verifies the manifest (k-of-n, rollback, expiry)",
              moat_update_manifest_verify(&port, mdoc, mlen, &root, &dv, now, uwork, sizeof uwork, &man),
              MOAT_OK);
        printf("       fw %u.%u.%u -> %u.%u.0, sequence %u, slot %u\n",
               dv.components[0].installed.major, dv.components[0].installed.minor,
               dv.components[0].installed.patch, dv.components[0].installed.major,
               dv.components[0].installed.minor + 1u, seq, slot);
        rc = moat_update_stream_begin(&st, &port, &man);
        for (size_t off = 0; rc == MOAT_OK && off < sizeof image; off += 4096) {
            rc = moat_update_stream_write(&st, image + off, 4096);
        }
        if (rc == MOAT_OK) {
            rc = moat_update_stream_finish(&st);
        }
        check("stream the image into the staging slot (hashed, read back)", rc, MOAT_OK);
        check("mark it for one trial boot", moat_update_trial(&port), MOAT_OK);
        check("boot decision: the trial image",
              moat_update_boot(&port, &boot_slot, &cstatus) == MOAT_OK && boot_slot == slot
                  ? MOAT_OK : MOAT_ERR_INTERNAL, MOAT_OK);
        check("the running firmware confirms (counters advance now)", moat_update_confirm(&port), MOAT_OK);
        check("the same manifest again is a rollback",
              moat_update_manifest_verify(&port, mdoc, mlen, &root, &dv, now, uwork, sizeof uwork, &man),
              MOAT_ERR_UPDATE_SEQUENCE_ROLLBACK);
        moat_ec_private_wipe(&kroot);
        moat_ec_private_wipe(&ktargets);
    }

    printf("8. sealed message: device -> peer (JWS inside JWE, replay window)\n");
    {
        static uint8_t swork[MOAT_MSG_SEAL_WORK_SIZE(64)];
        static uint8_t owork[MOAT_MSG_OPEN_WORK_SIZE(MOAT_MSG_SEALED_SIZE(64))];
        static char sealed[MOAT_MSG_SEALED_SIZE(64)];
        static moat_msg_replay peer_replay;
        moat_ec_private_key peer_key;
        moat_jwe_decrypter peer_dec;
        moat_ec_public_key peer_pub;
        moat_msg_header h;
        moat_msg_peer dir[1];
        moat_msg_receiver rx;
        moat_msg_info info;
        static const char *const types[] = {"telemetry"};
        static const char body[] = "{\"temp\":21.5}";
        uint8_t got[64];
        size_t slen = 0, glen = 0;
        uint64_t mseq = 0;

        check("peer key", moat_ec_generate(MOAT_CURVE_P256, moat_port_rng, &port, &peer_key), MOAT_OK);
        moat_ec_public_from_private(&peer_key, &peer_pub);
        check("next message sequence (port counter)", moat_msg_seq_next(&port, MOAT_MSG_DEFAULT_SEQ_COUNTER, &mseq), MOAT_OK);
        memset(&h, 0, sizeof h);
        h.from = "moat-demo-device";
        h.to = "peer-1";
        h.type = "telemetry";
        h.seq = mseq;
        h.iat = now;
        check("seal: signed by the device key (port), encrypted to the peer",
              moat_msg_seal(&dev, &h, &peer_pub, (const uint8_t *)body, strlen(body), moat_port_rng, &port,
                            swork, sizeof swork, sealed, sizeof sealed, &slen), MOAT_OK);
        printf("       %zu bytes, sequence %llu\n", slen, (unsigned long long)mseq);
        moat_jwe_decrypter_from_private(&peer_dec, &peer_key);
        dir[0].id = "moat-demo-device";
        moat_jwk_from_public(&dev.pub, &dir[0].key);
        memset(&peer_replay, 0, sizeof peer_replay);
        check("peer: replay state (in its own record)", moat_msg_replay_open(&peer_replay, &port, 51u), MOAT_OK);
        memset(&rx, 0, sizeof rx);
        rx.me = "peer-1";
        rx.key = &peer_dec;
        rx.directory = dir;
        rx.directory_count = 1;
        rx.types = types;
        rx.type_count = 1;
        rx.replay = &peer_replay;
        check("peer opens it", moat_msg_open(&rx, sealed, slen, owork, sizeof owork, got, sizeof got,
                                             &glen, &info), MOAT_OK);
        printf("       from %s: %.*s\n", info.from, (int)glen, (const char *)got);
        check("the same message again (replay)",
              moat_msg_open(&rx, sealed, slen, owork, sizeof owork, got, sizeof got, &glen, &info),
              MOAT_ERR_MSG_REPLAY);
        moat_ec_private_wipe(&peer_key);
    }

    printf("9. failure report: record, export signed, verify, acknowledge\n");
    {
        static moat_report rep;
        static char batch_tok[MOAT_REPORT_EXPORT_MAX], ack_tok[MOAT_REPORT_ACK_TOKEN_MAX];
        static uint8_t vwork9[MOAT_REPORT_VERIFY_WORK_SIZE];
        static moat_report_batch batch;
        moat_ec_private_key svc_key;
        moat_signer svc;
        moat_jwk svc_jwk;
        size_t blen = 0, alen = 0;
        uint64_t id = 0, first = 0, last = 0, freed = 0;

        check("open the report ring", moat_report_open(&rep, &port, "moat-demo-device", NULL), MOAT_OK);
        check("count this boot", moat_report_boot(&rep), MOAT_OK);
        check("record an update failure", moat_report_record(&rep, MOAT_REPORT_UPDATE_FAILURE, "fw", "1.1.0",
                                                             -5, &id), MOAT_OK);
        check("export the batch, signed by the attestation (alias) key",
              moat_report_export(&rep, &alias_signer, NULL, 16, batch_tok, sizeof batch_tok, &blen, &first, &last),
              MOAT_OK);
        printf("       events %llu..%llu\n", (unsigned long long)first, (unsigned long long)last);
        /* the service knows the alias key from the device's verified evidence
         * (the x5c leaf of step 6) */
        check("service verifies it under the alias certificate's key",
              moat_report_batch_verify(batch_tok, blen, &alias_signer.pub, "moat-demo-device", vwork9,
                                       sizeof vwork9, &batch), MOAT_OK);
        check("service key", moat_ec_generate(MOAT_CURVE_P256, moat_port_rng, &port, &svc_key), MOAT_OK);
        moat_signer_from_private(&svc, &svc_key);
        moat_jwk_from_public(&svc.pub, &svc_jwk);
        check("service acknowledges", moat_report_ack_sign(&svc, "moat-demo-device", last, now, ack_tok,
                                                           sizeof ack_tok, &alen), MOAT_OK);
        check("device frees the acknowledged records",
              moat_report_ack_apply(&rep, ack_tok, alen, &svc_jwk, &freed), MOAT_OK);
        moat_ec_private_wipe(&svc_key);
    }
    moat_ec_private_wipe(&alias_key);

    moat_port_posix_close(&posix);
    if (failures != 0) {
        printf("demo FAILED: %d check(s)\n", failures);
        return 1;
    }
    printf("demo complete: every check passed\n");
    return 0;
}
