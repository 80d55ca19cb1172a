"""Interop of update documents with python3-jwcrypto, an independent JOSE
implementation (ctest python_update_interop, label interop):

* trust roots and manifests moat signs verify under jwcrypto, JSON
  serialization, EVERY signature checked (each one alone, under the key its
  kid names);
* manifests and roots jwcrypto signs (General JSON Serialization, two
  signers) verify under moat, on a simulated device running moat's C code.
"""

import json

import pytest
from jwcrypto import jwk as jwjwk
from jwcrypto import jws as jwjws
from jwcrypto.common import JWException

import moat
import moat.update as up
from conftest import assert_moat_error, b64u_decode

VENDOR = "8f2d3a4e-1b2c-4d5e-8f90-a1b2c3d4e5f6"
CLASS = "0c1d2e3f-4a5b-4c6d-9e8f-102132435465"
NOW = 1767225600
IMAGE = bytes(range(256)) * 300


def _jw_pub(key):
    return jwjwk.JWK.from_json(key.public_key().jwk())


def _jw_priv(key):
    return jwjwk.JWK.from_pem(moat.private_key_pem(key).encode("ascii"))


def _check_every_signature(doc, keys_by_kid):
    """jwcrypto verifies each signature of a General JSON document on its
    own (as a flattened JWS), under the key its protected kid names."""
    d = json.loads(doc)
    assert set(d) == {"payload", "signatures"}
    assert d["signatures"]
    for s in d["signatures"]:
        prot = json.loads(b64u_decode(s["protected"]))
        alg = {"P-256": "ES256", "P-384": "ES384"}[keys_by_kid[prot["kid"]].curve]
        assert prot["alg"] == alg
        one = jwjws.JWS()
        one.deserialize(json.dumps({"payload": d["payload"], "protected": s["protected"],
                                    "signature": s["signature"]}))
        one.verify(_jw_pub(keys_by_kid[prot["kid"]]), alg=alg)
        assert one.payload == b64u_decode(d["payload"])
        # and under any other key it fails in jwcrypto too
        other = next(k for kid, k in keys_by_kid.items() if kid != prot["kid"])
        bad = jwjws.JWS()
        bad.deserialize(json.dumps({"payload": d["payload"], "protected": s["protected"],
                                    "signature": s["signature"]}))
        with pytest.raises(JWException):
            bad.verify(_jw_pub(other), alg=alg)
    return len(d["signatures"])


@pytest.fixture(scope="module")
def keys():
    ks = {"r0": moat.PrivateKey.generate("P-256"), "r1": moat.PrivateKey.generate("P-384"),
          "t0": moat.PrivateKey.generate("P-256"), "t1": moat.PrivateKey.generate("P-384"),
          "t2": moat.PrivateKey.generate("P-256")}
    return ks


def _by_kid(keys):
    return {k.public_key().thumbprint(): k for k in keys.values()}


def _root_payload(keys):
    return up.root_payload(1, NOW + 86400 * 365, [keys["r0"], keys["r1"]], 2,
                           [keys["t0"], keys["t1"], keys["t2"]], 2)


def _manifest_payload(sequence=1):
    return up.manifest_payload(IMAGE, sequence, NOW + 86400, VENDOR, CLASS, "app", "1.1.0", 1, 1)


def _device():
    return up.Device(VENDOR, CLASS, [("app", "1.0.0", [0, 1])], now=NOW)


def test_moat_signed_root_and_manifest_verify_under_jwcrypto(keys):
    root = up.sign(keys["r1"], up.sign(keys["r0"], _root_payload(keys)))
    assert _check_every_signature(root, _by_kid(keys)) == 2
    man = _manifest_payload()
    for k in ("t0", "t1", "t2"):
        man = up.sign(keys[k], man)
    assert _check_every_signature(man, _by_kid(keys)) == 3
    # the whole document also parses as jwcrypto's General JSON Serialization
    j = jwjws.JWS()
    j.deserialize(man)
    j.verify(_jw_pub(keys["t1"]))
    assert json.loads(j.payload)["moat_manifest"] == 1


def _jw_sign(payload, signers):
    j = jwjws.JWS(payload)
    for k in signers:
        alg = "ES256" if k.curve == "P-256" else "ES384"
        j.add_signature(_jw_priv(k), None,
                        json.dumps({"alg": alg, "kid": k.public_key().thumbprint()}))
    doc = j.serialize(compact=False)
    if len(signers) == 1:
        # jwcrypto writes one signature as the flattened serialization
        # (RFC 7515 section 7.2.2); a moat device takes the General one
        assert "signatures" not in json.loads(doc)
        doc = up._general(doc)
    return doc


def test_jwcrypto_signed_documents_verify_under_moat(keys):
    root = _jw_sign(_root_payload(keys), [keys["r0"], keys["r1"]])
    man = _jw_sign(_manifest_payload(), [keys["t2"], keys["t1"]])
    assert len(json.loads(man)["signatures"]) == 2
    dev = _device()
    assert dev.bootstrap(root)["version"] == 1
    m = dev.verify_manifest(man)
    assert m["sequence"] == 1 and m["digest"] == moat.sha256(IMAGE)
    assert dev.stage(m, IMAGE) == "staged"
    # a jwcrypto document with one targets signature misses the threshold
    one = _jw_sign(_manifest_payload(), [keys["t0"]])
    with pytest.raises(moat.MoatError) as e:
        _device_with(root).verify_manifest(one)
    assert_moat_error(e, "MOAT_ERR_JOSE_THRESHOLD")
    # two jwcrypto signatures by the same key count once
    twice = _jw_sign(_manifest_payload(), [keys["t0"], keys["t0"]])
    with pytest.raises(moat.MoatError) as e:
        _device_with(root).verify_manifest(twice)
    assert_moat_error(e, "MOAT_ERR_JOSE_THRESHOLD")


def _device_with(root):
    dev = _device()
    dev.bootstrap(root)
    return dev


def test_mixed_signers(keys):
    """One signature by jwcrypto, the second added by moat (its payload kept
    byte for byte): both implementations accept every signature."""
    man = _jw_sign(_manifest_payload(), [keys["t0"]])
    man = up.sign(keys["t2"], man)
    assert _check_every_signature(man, _by_kid(keys)) == 2
    root = up.sign(keys["r1"], up.sign(keys["r0"], _root_payload(keys)))
    assert _device_with(root).verify_manifest(man)["component"] == "app"
