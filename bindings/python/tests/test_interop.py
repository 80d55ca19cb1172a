"""Interoperability with python3-jwcrypto, an independent JOSE
implementation, in both directions: compact and General JSON Serialization,
ES256 and ES384."""

import json

import pytest
from jwcrypto import jwk as jwjwk
from jwcrypto import jws as jwjws
from jwcrypto.common import JWException

import moat

CURVES = [("P-256", "ES256"), ("P-384", "ES384")]


def _jw_private(key):
    """moat private key -> jwcrypto JWK (through PKCS#8 PEM)."""
    return jwjwk.JWK.from_pem(moat.private_key_pem(key).encode("ascii"))


def _jw_public(key):
    """moat public key -> jwcrypto JWK (through moat's JWK text)."""
    return jwjwk.JWK.from_json(key.jwk())


@pytest.mark.parametrize("curve,alg", CURVES)
def test_moat_compact_verified_by_jwcrypto(curve, alg):
    k = moat.PrivateKey.generate(curve)
    payload = b'{"fw":"1.2.3","digest":"abc"}\x00\xff'
    tok = moat.jws_sign_compact(k, payload)
    j = jwjws.JWS()
    j.deserialize(tok)
    j.verify(_jw_public(k.public_key()), alg=alg)
    assert j.payload == payload
    assert j.jose_header["kid"] == k.public_key().thumbprint()
    # and a wrong key fails in jwcrypto as well
    other = moat.PrivateKey.generate(curve).public_key()
    j2 = jwjws.JWS()
    j2.deserialize(tok)
    with pytest.raises(JWException):
        j2.verify(_jw_public(other), alg=alg)


@pytest.mark.parametrize("curve,alg", CURVES)
def test_jwcrypto_compact_verified_by_moat(curve, alg):
    jk = jwjwk.JWK.generate(kty="EC", crv=curve)
    payload = b"from jwcrypto \x01\x02"
    j = jwjws.JWS(payload)
    j.add_signature(jk, None, json.dumps({"alg": alg, "kid": jk.thumbprint()}))
    tok = j.serialize(compact=True)
    pub = moat.PublicKey.from_jwk(jk.export_public())
    assert pub.thumbprint() == jk.thumbprint()
    assert moat.jws_verify_compact(tok, pub) == payload
    # moat verifies a key imported the other way too (private JWK)
    with moat.PrivateKey.from_jwk(jk.export_private()) as k:
        assert moat.jws_verify_compact(tok, k.public_key()) == payload


def test_jwcrypto_hs256_refused():
    # An HMAC token "signed" with the public key bytes as secret: the
    # classic key-confusion attack. moat's allow-list refuses it.
    k = moat.PrivateKey.generate()
    secret = jwjwk.JWK(kty="oct", k=jwjwk.base64url_encode(k.public_key().to_spki()))
    j = jwjws.JWS(b"x")
    j.add_signature(secret, None, json.dumps({"alg": "HS256"}))
    with pytest.raises(moat.MoatError) as e:
        moat.jws_verify_compact(j.serialize(compact=True), k.public_key())
    assert e.value.name == "MOAT_ERR_JOSE_ALG_NOT_ALLOWED"


def test_moat_json_verified_by_jwcrypto():
    k1 = moat.PrivateKey.generate("P-256")
    k2 = moat.PrivateKey.generate("P-384")
    doc = moat.jws_json_sign(k1, payload=b"manifest")
    doc = moat.jws_json_sign(k2, doc=doc)
    for k, alg in ((k1, "ES256"), (k2, "ES384")):
        j = jwjws.JWS()
        j.deserialize(doc)
        j.verify(_jw_public(k.public_key()), alg=alg)
        assert j.payload == b"manifest"
    # jwcrypto with a key that signed nothing: fails
    j = jwjws.JWS()
    j.deserialize(doc)
    with pytest.raises(JWException):
        j.verify(_jw_public(moat.PrivateKey.generate().public_key()))


def test_jwcrypto_json_verified_by_moat():
    jks = [jwjwk.JWK.generate(kty="EC", crv=c) for c in ("P-256", "P-256", "P-384")]
    j = jwjws.JWS(b"k-of-n payload")
    for jk, alg in ((jks[0], "ES256"), (jks[2], "ES384")):
        j.add_signature(jk, None, json.dumps({"alg": alg, "kid": jk.thumbprint()}))
    doc = j.serialize(compact=False)
    assert "signatures" in json.loads(doc)
    keys = [moat.PublicKey.from_jwk(jk.export_public()) for jk in jks]
    assert moat.jws_json_verify(doc, keys, 2) == b"k-of-n payload"
    with pytest.raises(moat.MoatError) as e:
        moat.jws_json_verify(doc, keys, 3)
    assert e.value.name == "MOAT_ERR_JOSE_THRESHOLD"
    assert e.value.valid_signers == 2
    # moat adds a third signature to jwcrypto's document; jwcrypto still
    # verifies the result and moat now reaches 3-of-3.
    with moat.PrivateKey.from_jwk(jks[1].export_private()) as k:
        doc3 = moat.jws_json_sign(k, doc=doc)
    assert moat.jws_json_verify(doc3, keys, 3) == b"k-of-n payload"
    j3 = jwjws.JWS()
    j3.deserialize(doc3)
    j3.verify(jks[1], alg="ES256")


def test_jwcrypto_flattened_refused_by_moat():
    jk = jwjwk.JWK.generate(kty="EC", crv="P-256")
    j = jwjws.JWS(b"x")
    j.add_signature(jk, None, json.dumps({"alg": "ES256", "kid": jk.thumbprint()}))
    flat = j.serialize(compact=False)  # one signature: flattened form
    assert "signatures" not in json.loads(flat)
    with pytest.raises(moat.MoatError) as e:
        moat.jws_json_verify(flat, [moat.PublicKey.from_jwk(jk.export_public())], 1)
    assert e.value.name == "MOAT_ERR_JOSE_FORMAT"
