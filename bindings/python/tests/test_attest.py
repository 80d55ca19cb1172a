"""Attestation from Python: a simulated DICE device (UDS -> layers -> alias
key and certificate with DiceTcbInfo) enrolled by a Python CA, evidence
(EAT) issued by the device, verified and appraised by the service side,
and the signed attestation result checked with python3-jwcrypto; then the
attacks of issue 4, each with its exact error name and no state change."""

import base64
import hashlib
import json
import os
import time

import pytest

import moat
from conftest import assert_moat_error, b64u, b64u_decode, forge_segments

from jwcrypto import jwk as jcjwk
from jwcrypto import jws as jcjws
from jwcrypto import jwt as jcjwt

NOW = int(time.time())
DAY = 86400
HWMODEL = b"sensor-1"


def h512(data):
    return hashlib.sha512(data).digest()


class CA:
    """A manufacturer CA run from Python with the X.509 API."""

    def __init__(self, cn="moat test manufacturer CA"):
        self.key = moat.PrivateKey.generate("P-256")
        self.name = [("O", "moat test"), ("CN", cn)]
        self.cert = moat.issue_certificate(
            self.key, self.name, self.key, self.name, serial=1, not_before=NOW - DAY,
            not_after=NOW + 3650 * DAY, is_ca=True, key_usage=["keyCertSign"])
        self.serial = 0x1000

    def enroll(self, csr):
        """Issue the DeviceID certificate with moat.issue_certificate: subject
        serialNumber = hex UDS_ID (the issuer name of the first CDI
        certificate), SKI = UDS_ID (its AKI), a CA with keyCertSign."""
        subject, key = moat.parse_csr(csr)
        uds_id = moat.dice_id(key)
        assert subject == "serialNumber=" + uds_id.hex()
        self.serial += 1
        return moat.issue_certificate(
            self.key, self.cert, key, [("serialNumber", uds_id.hex())], serial=self.serial,
            not_before=NOW - DAY, not_after=253402300799, is_ca=True,
            key_usage=["keyCertSign"], ski=uds_id)


class Device:
    """A device simulator: UDS -> bootloader layer -> firmware layer ->
    alias key and certificate carrying the firmware measurement."""

    def __init__(self, ca, firmware=b"sensor firmware 1.2.3", svn=7, authority=b"vendor key",
                 tcb_flags=0, uds=None, mode="normal"):
        self.uds = uds if uds is not None else os.urandom(64)
        self.device_id_pub, self.uds_id = moat.dice_device_id(self.uds)
        self.device_id_cert = ca.enroll(moat.dice_device_id_csr(self.uds))
        self.ueid = moat.eat_ueid(self.device_id_pub)
        inputs = dict(authority_hash=h512(authority), mode=mode, profile_name="moat.test")
        layer1, self.cdi1 = moat.dice_layer(self.uds, code_hash=h512(b"bootloader 1"), **inputs)
        self.cdis, self.cdi2 = layer1.layer(code_hash=h512(firmware), **inputs)
        layer1.wipe()  # a layer never keeps the previous layer's CDIs
        # The firmware measurement: the code hash the bootloader layer
        # certified (SHA-512), which the TcbInfo and the token must carry.
        self.fw_digest = h512(firmware)
        self.svn = svn
        self.tcb = {"vendor": "moat", "model": "sensor-1", "version": "1.2.3", "svn": svn,
                    "layer": 2, "fwids": [("sha-512", self.fw_digest)], "flags": tcb_flags}
        self.alias_key = self.cdis.alias_key()
        self.alias_cert = self.cdis.alias_certificate(self.tcb)
        self.x5c = [self.alias_cert, self.cdi2, self.cdi1, self.device_id_cert]

    def claims(self, nonce, **changes):
        c = {"eat_nonce": nonce, "ueid": self.ueid, "oemid": 32473, "hwmodel": HWMODEL,
             "hwversion": "rev B", "swname": "sensor-fw", "swversion": "1.2.3",
             "dbgstat": "disabled-since-boot", "iat": NOW,
             "measurements": [{"name": "firmware", "version": "1.2.3", "svn": self.svn,
                               "alg": "sha-512", "digest": self.fw_digest}]}
        c.update(changes)
        return c

    def evidence(self, nonce, **changes):
        return moat.eat_issue(self.alias_key, self.claims(nonce, **changes), self.x5c)


def refvals(digest, min_svn=5, dbgstat=("disabled-since-boot", "disabled-permanently"),
            bootloader=h512(b"bootloader 1")):
    return {"moat_refvals": 1, "models": [{
        "hwmodel": b64u(HWMODEL), "dbgstat": list(dbgstat),
        "boot_layers": [[b64u(bootloader)]],
        "components": [{"name": "firmware", "digests": [["sha-512", b64u(digest)]],
                        "versions": ["1.2.3"], "min_svn": min_svn}]}]}


@pytest.fixture(scope="module")
def ca():
    return CA()


@pytest.fixture(scope="module")
def dev(ca):
    return Device(ca)


@pytest.fixture(scope="module")
def dev2(ca):
    return Device(ca)


@pytest.fixture(scope="module")
def verifier_key():
    return moat.PrivateKey.generate("P-256")


def verify(token, ca, store, **kw):
    return moat.eat_verify(token, roots=[ca.cert], nonce_store=store, now=kw.pop("now", NOW),
                           **kw)


def resign_payload(key, token, payload):
    """The token's header with another payload, validly signed by ``key``
    (an independent ECDSA implementation): what an attacker holding the
    key could produce."""
    h64 = token.split(".")[0]
    body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    return forge_segments(key, h64, b64u(body))


def payload_of(token):
    return json.loads(b64u_decode(token.split(".")[1]))


# ------------------------------------------------------------ round trip


def test_round_trip_device_to_signed_result(ca, dev, verifier_key):
    store = moat.NonceStore()
    nonce = store.issue(dev.ueid, now=NOW, ttl=120)
    assert len(nonce) == moat.NonceStore.NONCE_SIZE

    token = dev.evidence(nonce)
    hdr = json.loads(b64u_decode(token.split(".")[0]))
    assert hdr["alg"] == "ES256" and hdr["typ"] == "eat+jwt"
    assert [base64.b64decode(c) for c in hdr["x5c"]] == dev.x5c

    ev = verify(token, ca, store, min_svn=7)
    assert isinstance(ev, moat.Evidence)
    assert ev["eat_nonce"] == nonce
    assert ev["ueid"] == dev.ueid
    assert ev["eat_profile"] == moat.EAT_PROFILE
    assert ev["hwmodel"] == HWMODEL and ev["oemid"] == 32473
    assert ev["hwversion"] == "rev B"
    assert (ev["swname"], ev["swversion"]) == ("sensor-fw", "1.2.3")
    assert ev["dbgstat"] == "disabled-since-boot" and ev["iat"] == NOW
    assert ev["measurements"] == [{"name": "firmware", "version": "1.2.3", "svn": 7,
                                   "alg": "sha-512", "digest": dev.fw_digest}]
    assert ev["tcb"]["fwids"] == [("sha-512", dev.fw_digest)]
    assert [la["code_hash"] for la in ev["layers"]] == [h512(b"bootloader 1"), dev.fw_digest]
    assert {la["mode"] for la in ev["layers"]} == {"normal"}
    assert ev["layers"][0]["profile_name"] == "moat.test"
    assert ev["layers"][0]["authority_hash"] == h512(b"vendor key")
    assert ev["tcb"]["svn"] == 7 and ev["tcb"]["model"] == "sensor-1"
    assert ev["alias_key"] == dev.alias_key.public_key()
    assert ev["device_id_key"] == dev.device_id_pub
    assert ev["chain_len"] == 4

    res = moat.appraise(ev, refvals(dev.fw_digest), now=NOW)
    assert res.status == "affirming"
    assert res["ear.status"] == "affirming"
    dev_sub = res["submods"]["device"]
    assert dev_sub["ear.trustworthiness-vector"] == {
        "instance-identity": 2, "hardware": 2, "executables": 2, "configuration": 2}
    assert dev_sub["moat.ueid"] == b64u(dev.ueid)
    assert json.loads(res.json) == dict(res)

    jwt_text = res.sign(verifier_key)
    # python3-jwcrypto verifies the signed result with the verifier's JWK.
    key = jcjwk.JWK.from_json(verifier_key.public_key().jwk())
    t = jcjwt.JWT(jwt=jwt_text, key=key, algs=["ES256"])
    assert json.loads(t.claims) == dict(res)
    assert json.loads(t.header)["kid"] == verifier_key.public_key().thumbprint()
    # ... and the evidence itself with the x5c leaf key.
    leaf = moat.Certificate(dev.x5c[0])
    s = jcjws.JWS()
    s.deserialize(token)
    s.verify(jcjwk.JWK.from_json(leaf.public_key.jwk()), alg="ES256")
    assert json.loads(s.payload)["eat_profile"] == moat.EAT_PROFILE


def test_chain_validates_and_carries_tcb_info(ca, dev):
    path = moat.verify_chain(dev.alias_cert, [dev.cdi2, dev.cdi1, dev.device_id_cert],
                             [ca.cert], now=NOW)
    assert path == [0, 1, 2, 3, -1]
    assert moat.tcb_info_from_cert(dev.alias_cert) == dev.tcb
    with pytest.raises(moat.MoatError) as e:
        moat.tcb_info_from_cert(dev.cdi2)
    assert_moat_error(e, "MOAT_ERR_NOT_FOUND")
    der = moat.tcb_info_encode(dev.tcb)
    assert moat.tcb_info_parse(der) == dev.tcb
    # The CDI certificate's subject key is the next layer's CDI key.
    with dev.cdis.cdi_key() as k:
        assert moat.Certificate(dev.cdi2).public_key == k.public_key()
    alias = moat.Certificate(dev.alias_cert)
    assert not alias.is_ca
    assert ("2.23.133.5.4.1", True) in alias.extensions


def test_device_id_certify_matches_the_dice_profile(ca):
    uds = os.urandom(64)
    pub, uds_id = moat.dice_device_id(uds)
    with moat.dice_device_id_key(uds) as k:
        assert k.public_key() == pub
    assert moat.dice_id(pub) == uds_id
    cert = moat.dice_device_id_certify(moat.dice_device_id_csr(uds), ca.cert, ca.key,
                                       serial=77, not_before=NOW - DAY)
    c = moat.Certificate(cert)
    assert c.subject == "serialNumber=" + uds_id.hex()
    assert c.is_ca and c.public_key == pub
    # The same device enrolled by the Python CA chains its first layer too.
    layer1, cdi1 = moat.dice_layer(uds, code_hash=h512(b"bl"))
    alias = layer1.alias_certificate({"fwids": [("sha-256", bytes(32))]})
    layer1.wipe()
    assert moat.verify_chain(alias, [cdi1, cert], [ca.cert], now=NOW) == [0, 1, 2, -1]
    assert moat.verify_chain(alias, [cdi1, ca.enroll(moat.dice_device_id_csr(uds))],
                             [ca.cert], now=NOW) == [0, 1, 2, -1]
    with pytest.raises(moat.MoatError) as e:
        moat.dice_device_id_certify(moat.dice_device_id_csr(uds), ca.cert,
                                    moat.PrivateKey.generate(), serial=78, not_before=NOW)
    assert_moat_error(e, "MOAT_ERR_X509_KEY_MISMATCH")


def test_dice_layers_are_deterministic_and_in_place_equals_new():
    uds = os.urandom(32)
    inputs = dict(code_hash=h512(b"code"), authority_hash=h512(b"auth"), mode="normal")
    a, cert_a = moat.DiceCdis.from_uds(uds, **inputs)
    b, cert_b = moat.DiceCdis.from_uds(uds, **inputs)
    assert cert_a == cert_b and a.export() == b.export()
    # A 32-byte UDS is open-dice's "both CDIs = UDS" convention.
    c = moat.DiceCdis.from_cdis(uds, uds).derive(**inputs)
    assert c.export() == a.export()
    nxt, cert = a.layer(code_hash=h512(b"next"))
    cert2 = b.advance(code_hash=h512(b"next"))
    assert cert == cert2 and nxt.export() == b.export()
    # Another code hash changes CDI_Attest but not CDI_Seal.
    other = a.derive(code_hash=h512(b"other"))
    assert other.export()[0] != nxt.export()[0]
    assert other.export()[1] == nxt.export()[1]
    for x in (a, b, c, nxt, other):
        x.wipe()
    with pytest.raises(ValueError):
        a.export()


def test_dice_bad_input_wipes_in_place_layer():
    cdis = moat.DiceCdis.derive_from_uds(os.urandom(64), code_hash=h512(b"c"))
    with pytest.raises(moat.MoatError) as e:
        cdis.advance(code_hash=h512(b"c"), mode=4)
    assert_moat_error(e, "MOAT_ERR_DICE_BAD_INPUT")
    with pytest.raises(ValueError):  # fail closed: the CDIs are gone
        cdis.alias_key()
    with pytest.raises(moat.MoatError) as e:
        moat.dice_layer(os.urandom(16), code_hash=h512(b"c"))
    assert_moat_error(e, "MOAT_ERR_INVALID_ARGUMENT")
    with pytest.raises(ValueError):
        moat.dice_layer(os.urandom(64), code_hash=b"short")


def test_seal_only_same_authority_unseals():
    uds = os.urandom(64)
    l1 = moat.DiceCdis.derive_from_uds(uds, code_hash=h512(b"bl"))
    v1 = l1.derive(code_hash=h512(b"fw 1"), authority_hash=h512(b"vendor"))
    v2 = l1.derive(code_hash=h512(b"fw 2"), authority_hash=h512(b"vendor"))
    evil = l1.derive(code_hash=h512(b"fw 1"), authority_hash=h512(b"attacker"))
    blob = v1.seal(b"wifi password", label=b"cfg")
    assert len(blob) == len(b"wifi password") + 29
    assert v2.unseal(blob, label=b"cfg") == b"wifi password"  # firmware update
    with pytest.raises(moat.MoatError) as e:
        evil.unseal(blob, label=b"cfg")
    assert_moat_error(e, "MOAT_ERR_DICE_SEAL_AUTH")
    with pytest.raises(moat.MoatError) as e:
        v1.unseal(blob, label=b"other")
    assert_moat_error(e, "MOAT_ERR_DICE_SEAL_AUTH")
    with pytest.raises(moat.MoatError) as e:
        v1.unseal(blob[:10])
    assert_moat_error(e, "MOAT_ERR_DICE_SEAL_FORMAT")


def test_appraisal_outcomes(ca, dev):
    store = moat.NonceStore()
    ev = verify(dev.evidence(store.issue(dev.ueid, now=NOW)), ca, store)
    res = moat.appraise(ev, refvals(b"\x00" * 64), now=NOW)
    assert res.status == "contraindicated"
    assert res["submods"]["device"]["ear.trustworthiness-vector"]["executables"] == 96
    assert any("digest" in r["reason"] for r in res["submods"]["device"]["moat.reasons"])
    res = moat.appraise(ev, refvals(dev.fw_digest, min_svn=9), now=NOW)
    assert res.status == "contraindicated"
    res = moat.appraise(ev, refvals(dev.fw_digest, bootloader=h512(b"old bootloader")),
                        now=NOW)
    assert res.status == "contraindicated"
    res = moat.appraise(ev, refvals(dev.fw_digest, dbgstat=["disabled"]), now=NOW)
    assert res.status == "contraindicated"
    assert res["submods"]["device"]["ear.trustworthiness-vector"]["configuration"] == 96
    with pytest.raises(moat.MoatError) as e:
        doc = refvals(dev.fw_digest)
        doc["models"][0]["hwmodel"] = b64u(b"other-model")
        moat.appraise(ev, doc, now=NOW)
    assert_moat_error(e, "MOAT_ERR_REFVAL_UNKNOWN_MODEL")
    with pytest.raises(moat.MoatError) as e:
        moat.refvals_validate('{"moat_refvals":2,"models":[]}')
    assert_moat_error(e, "MOAT_ERR_REFVAL_INVALID")
    with pytest.raises(moat.MoatError) as e:
        moat.refvals_validate('{"moat_refvals":1,"moat_refvals":1}')
    assert_moat_error(e, "MOAT_ERR_JSON_DUPLICATE_KEY")
    moat.refvals_validate(json.dumps(refvals(dev.fw_digest)))
    with pytest.raises(TypeError):
        moat.appraise(dict(ev), refvals(dev.fw_digest))


# --------------------------------------------------------------- attacks


def expect(name, fn, *args, **kw):
    with pytest.raises(moat.MoatError) as e:
        fn(*args, **kw)
    assert_moat_error(e, name)


def test_attack_replayed_token(ca, dev):
    store = moat.NonceStore()
    token = dev.evidence(store.issue(dev.ueid, now=NOW))
    verify(token, ca, store)
    expect("MOAT_ERR_EAT_NONCE_USED", verify, token, ca, store)


def test_attack_nonce_issued_to_another_device(ca, dev, dev2):
    store = moat.NonceStore()
    nonce = store.issue(dev2.ueid, now=NOW)
    expect("MOAT_ERR_EAT_NONCE_DEVICE", verify, dev.evidence(nonce), ca, store)
    store.check(nonce, dev2.ueid, now=NOW)  # unchanged: still good for its device
    verify(dev2.evidence(nonce), ca, store)


def test_attack_missing_short_or_unknown_nonce(ca, dev):
    store = moat.NonceStore()
    nonce = store.issue(dev.ueid, now=NOW)
    # The device refuses to issue them ...
    expect("MOAT_ERR_EAT_NONCE_MISSING", dev.evidence, nonce[:7])
    expect("MOAT_ERR_EAT_NONCE_MISSING", dev.evidence, None)
    # ... and a token forged with them is refused by the verifier.
    good = dev.evidence(nonce)
    body = payload_of(good)
    body["eat_nonce"] = b64u(nonce[:7])
    expect("MOAT_ERR_EAT_NONCE_MISSING", verify, resign_payload(dev.alias_key, good, body),
           ca, store)
    del body["eat_nonce"]
    expect("MOAT_ERR_EAT_NONCE_MISSING", verify, resign_payload(dev.alias_key, good, body),
           ca, store)
    expect("MOAT_ERR_EAT_NONCE_UNKNOWN", verify, dev.evidence(os.urandom(32)), ca, store)
    # Expired: unknown at now + ttl.
    expect("MOAT_ERR_EAT_NONCE_UNKNOWN", verify, good, ca, store, now=NOW + 300,
           iat_max_age=3600)
    verify(good, ca, store)  # none of the failures consumed it


def test_attack_untrusted_root(ca, dev):
    store = moat.NonceStore()
    other = CA("another manufacturer")
    token = dev.evidence(store.issue(dev.ueid, now=NOW))
    expect("MOAT_ERR_X509_NO_ISSUER", moat.eat_verify, token, roots=[other.cert],
           nonce_store=store, now=NOW)
    # A device enrolled by the untrusted CA, same UDS, same firmware.
    rogue = Device(other, uds=dev.uds)
    expect("MOAT_ERR_X509_NO_ISSUER", verify, rogue.evidence(store.issue(dev.ueid, now=NOW)),
           ca, store)
    verify(token, ca, store)


def test_attack_registered_device_id_instead_of_ca(ca, dev, dev2):
    store = moat.NonceStore()
    token = dev.evidence(store.issue(dev.ueid, now=NOW))
    expect("MOAT_ERR_X509_NO_ISSUER", moat.eat_verify, token, nonce_store=store, now=NOW,
           device_ids=[dev2.device_id_pub])
    ev = moat.eat_verify(token, nonce_store=store, now=NOW, device_ids=[dev.device_id_pub])
    assert ev["device_id_key"] == dev.device_id_pub


def test_attack_measurement_differs_from_tcb_info(ca, dev):
    store = moat.NonceStore()
    nonce = store.issue(dev.ueid, now=NOW)
    tampered = [{"name": "firmware", "version": "1.2.3", "svn": 7, "alg": "sha-512",
                 "digest": h512(b"patched firmware")}]
    expect("MOAT_ERR_EAT_TCB_MISMATCH", verify, dev.evidence(nonce, measurements=tampered),
           ca, store)
    wrong_svn = [dict(tampered[0], digest=dev.fw_digest, svn=9)]
    expect("MOAT_ERR_EAT_TCB_MISMATCH", verify, dev.evidence(nonce, measurements=wrong_svn),
           ca, store)
    verify(dev.evidence(nonce), ca, store)


def test_attack_debug_device_under_production_policy(ca, dev):
    store = moat.NonceStore()
    nonce = store.issue(dev.ueid, now=NOW)
    token = dev.evidence(nonce, dbgstat="enabled")
    expect("MOAT_ERR_EAT_DEBUG", verify, token, ca, store)
    ev = verify(token, ca, store, dbgstat=moat.DBGSTAT)  # a development policy
    assert ev["dbgstat"] == "enabled"


def test_attack_debug_flag_in_tcb_info_requires_dbgstat_enabled(ca):
    debug_dev = Device(ca, tcb_flags=moat.TCB_FLAGS["debug"])
    store = moat.NonceStore()
    nonce = store.issue(debug_dev.ueid, now=NOW)
    expect("MOAT_ERR_EAT_TCB_MISMATCH", verify, debug_dev.evidence(nonce), ca, store,
           dbgstat=moat.DBGSTAT)
    expect("MOAT_ERR_EAT_DEBUG", verify, debug_dev.evidence(nonce, dbgstat="enabled"), ca,
           store)


def test_attack_layer_booted_in_debug_mode(ca):
    debug_dev = Device(ca, mode="debug")
    store = moat.NonceStore()
    nonce = store.issue(debug_dev.ueid, now=NOW)
    # The CDI certificates certify mode debug: refused by a production
    # policy whatever the token says ...
    expect("MOAT_ERR_EAT_DEBUG", verify, debug_dev.evidence(nonce), ca, store)
    # ... and a development policy still wants dbgstat "enabled".
    expect("MOAT_ERR_EAT_TCB_MISMATCH", verify, debug_dev.evidence(nonce), ca, store,
           dbgstat=moat.DBGSTAT)
    ev = verify(debug_dev.evidence(nonce, dbgstat="enabled"), ca, store, dbgstat=moat.DBGSTAT)
    assert [la["mode"] for la in ev["layers"]] == ["debug", "debug"]


def test_attack_iat_too_old_or_in_the_future(ca, dev):
    store = moat.NonceStore()
    nonce = store.issue(dev.ueid, now=NOW)
    expect("MOAT_ERR_EAT_IAT", verify, dev.evidence(nonce, iat=NOW - 301), ca, store)
    expect("MOAT_ERR_EAT_IAT", verify, dev.evidence(nonce, iat=NOW + 61), ca, store)
    verify(dev.evidence(nonce, iat=NOW - 300), ca, store)


def test_attack_unknown_eat_profile(ca, dev):
    store = moat.NonceStore()
    good = dev.evidence(store.issue(dev.ueid, now=NOW))
    body = payload_of(good)
    assert body["eat_profile"] == moat.EAT_PROFILE
    body["eat_profile"] = "https://example.com/other-profile"
    expect("MOAT_ERR_EAT_PROFILE", verify, resign_payload(dev.alias_key, good, body), ca,
           store)
    verify(good, ca, store)


def test_attack_svn_below_minimum(ca, dev):
    store = moat.NonceStore()
    token = dev.evidence(store.issue(dev.ueid, now=NOW))
    expect("MOAT_ERR_EAT_SVN", verify, token, ca, store, min_svn=8)
    verify(token, ca, store, min_svn=7)


def test_attack_alg_none_and_hs256(ca, dev):
    store = moat.NonceStore()
    good = dev.evidence(store.issue(dev.ueid, now=NOW))
    hdr = json.loads(b64u_decode(good.split(".")[0]))
    _, p64, s64 = good.split(".")
    for alg in ("none", "HS256"):
        h = dict(hdr, alg=alg)
        h64 = b64u(json.dumps(h, separators=(",", ":")))
        expect("MOAT_ERR_JOSE_ALG_NOT_ALLOWED", verify, h64 + "." + p64 + "." + s64, ca,
               store)
    h64 = b64u(json.dumps(dict(hdr, alg="ES384"), separators=(",", ":")))
    # An ES384-sized signature under an ES384 header, for the P-256 leaf.
    expect("MOAT_ERR_JOSE_ALG_KEY_MISMATCH", verify,
           h64 + "." + p64 + "." + b64u(b64u_decode(s64) + bytes(32)), ca, store)
    verify(good, ca, store)


def test_attack_duplicate_claims(ca, dev):
    store = moat.NonceStore()
    good = dev.evidence(store.issue(dev.ueid, now=NOW))
    body = json.dumps(payload_of(good), separators=(",", ":"))
    dup = body[:-1] + ',"swversion":"9.9.9"}'
    forged = forge_segments(dev.alias_key, good.split(".")[0], b64u(dup))
    expect("MOAT_ERR_JSON_DUPLICATE_KEY", verify, forged, ca, store)
    verify(good, ca, store)


def test_attack_another_devices_chain_substituted(ca, dev, dev2):
    store = moat.NonceStore()
    nonce = store.issue(dev.ueid, now=NOW)
    good = dev.evidence(nonce)
    theirs = dev2.evidence(nonce)
    # dev's claims and signature under dev2's (valid) header and chain.
    mixed = theirs.split(".")[0] + "." + ".".join(good.split(".")[1:])
    expect("MOAT_ERR_CRYPTO_SIG_INVALID", verify, mixed, ca, store)
    # dev2 signing a token that claims dev's ueid.
    expect("MOAT_ERR_EAT_UEID", verify, dev2.evidence(nonce, ueid=dev.ueid), ca, store)
    verify(good, ca, store)


def test_attack_evidence_signed_by_cdi_key(ca, dev):
    store = moat.NonceStore()
    nonce = store.issue(dev.ueid, now=NOW)
    with dev.cdis.cdi_key() as cdi_key:
        # moat refuses to issue it (the leaf must certify the signing key) ...
        expect("MOAT_ERR_EAT_NOT_ALIAS", moat.eat_issue, cdi_key, dev.claims(nonce),
               dev.x5c)
        expect("MOAT_ERR_EAT_NOT_ALIAS", moat.eat_issue, cdi_key, dev.claims(nonce),
               dev.x5c[1:])
        # ... and the verifier refuses a forged one with the CDI chain.
        good = dev.evidence(nonce)
        hdr = json.loads(b64u_decode(good.split(".")[0]))
        hdr["x5c"] = hdr["x5c"][1:]
        h64 = b64u(json.dumps(hdr, separators=(",", ":")))
        forged = forge_segments(cdi_key, h64, good.split(".")[1])
    expect("MOAT_ERR_EAT_NOT_ALIAS", verify, forged, ca, store)
    verify(good, ca, store)


def test_attack_oversized_and_bad_base64url(ca, dev):
    store = moat.NonceStore()
    good = dev.evidence(store.issue(dev.ueid, now=NOW))
    expect("MOAT_ERR_EAT_TOO_LARGE", verify, good + "A" * 16384, ca, store)
    h, p, s = good.split(".")
    # Unchanged bytes are signed: a flipped character fails the signature ...
    expect("MOAT_ERR_CRYPTO_SIG_INVALID", verify, h + "." + p[:-1] + "*." + s, ca, store)
    # ... and a validly signed payload segment that is not base64url fails
    # its decoding (the payload is decoded only after the signature).
    expect("MOAT_ERR_B64_CHAR", verify,
           forge_segments(dev.alias_key, h, p[:-1] + "*"), ca, store)
    expect("MOAT_ERR_B64_CHAR", verify, h[:-1] + "*." + p + "." + s, ca, store)
    verify(good, ca, store)


# ----------------------------------------------------------------- nonces


def test_nonce_store_semantics(dev, dev2):
    store = moat.NonceStore(capacity=moat.NonceStore.CAPACITY)
    with pytest.raises(ValueError):
        moat.NonceStore(capacity=8)
    any_dev = store.issue(None, now=NOW, ttl=10)
    store.check(any_dev, dev.ueid, now=NOW)
    store.check(any_dev, dev2.ueid, now=NOW)
    store.consume(any_dev, dev2.ueid, now=NOW)
    expect("MOAT_ERR_EAT_NONCE_USED", store.check, any_dev, dev.ueid, now=NOW)
    expect("MOAT_ERR_EAT_NONCE_UNKNOWN", store.check, any_dev, dev.ueid, now=NOW + 10)
    nonces = [store.issue(dev.ueid, now=NOW, ttl=5) for _ in range(moat.NonceStore.CAPACITY - 1)]
    assert len(set(nonces)) == len(nonces)
    expect("MOAT_ERR_EAT_NONCE_STORE_FULL", store.issue, dev.ueid, now=NOW)
    store.issue(dev.ueid, now=NOW + 5)  # expired entries are reclaimed
    expect("MOAT_ERR_INVALID_ARGUMENT", store.issue, dev.ueid, now=NOW, ttl=0)
    store.wipe()
    with pytest.raises(ValueError):
        store.issue(dev.ueid)


def test_private_material_is_wiped_on_release():
    cdis = moat.DiceCdis.derive_from_uds(os.urandom(64), code_hash=h512(b"c"))
    with cdis:
        k = cdis.alias_key()
    assert repr(cdis) == "<moat.DiceCdis (wiped)>"
    with pytest.raises(ValueError):
        cdis.seal(b"x")
    k.wipe()
    assert repr(k) == "<moat.PrivateKey (wiped)>"
    for obj in (cdis, moat.NonceStore()):
        with pytest.raises(TypeError):
            import pickle
            pickle.dumps(obj)


def test_docs_python_md_attestation_example_runs():
    """The runnable example of docs/python.md "Attestation" runs as written."""
    path = os.path.join(os.path.dirname(__file__), "..", "..", "..", "docs", "python.md")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    start = text.index("```python", text.index("## Attestation")) + len("```python")
    code = text[start:text.index("```", start)]
    exec(compile(code, "docs/python.md#attestation", "exec"), {"__name__": "docs_example"})
