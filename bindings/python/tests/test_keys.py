"""Keys: generation, DER/JWK/SPKI round trips, thumbprints, wiping, errors."""

import copy
import json
import pickle

import pytest
from jwcrypto import jwk as jwjwk

import moat
from conftest import assert_moat_error, b64u


def test_version():
    v = moat.version()
    assert isinstance(v, str)
    parts = v.split(".")
    assert len(parts) == 3 and all(p.isdigit() for p in parts)


@pytest.mark.parametrize("curve,plen", [("P-256", 65), ("P-384", 97)])
def test_generate_and_public(curve, plen):
    k = moat.PrivateKey.generate(curve)
    assert k.curve == curve
    pub = k.public_key()
    assert pub.curve == curve
    assert len(pub.point) == plen and pub.point[0] == 4
    # Two generations differ (fresh seed each time).
    assert moat.PrivateKey.generate(curve).public_key() != pub


def test_generate_unknown_curve():
    with pytest.raises(ValueError):
        moat.PrivateKey.generate("P-521")


@pytest.mark.parametrize("fmt", ["pkcs8", "sec1"])
def test_der_round_trip(p256, p384, fmt):
    for k in (p256, p384):
        der = k.to_der(fmt)
        k2 = moat.PrivateKey.from_der(der)
        assert k2.public_key() == k.public_key()
        assert k2.to_der(fmt) == der


def test_der_matches_cryptography(p256):
    from cryptography.hazmat.primitives import serialization
    sk = serialization.load_der_private_key(p256.to_der("pkcs8"), password=None)
    spki = sk.public_key().public_bytes(serialization.Encoding.DER,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    assert spki == p256.public_key().to_spki()
    assert moat.PublicKey.from_spki(spki) == p256.public_key()


def test_der_garbage():
    with pytest.raises(moat.MoatError) as e:
        moat.PrivateKey.from_der(b"\x30\x03\x02\x01")
    assert_moat_error(e, "MOAT_ERR_CRYPTO_KEY_ENCODING")


def test_from_scalar_range():
    with pytest.raises(moat.MoatError) as e:
        moat.PrivateKey.from_scalar("P-256", bytes(32))
    assert_moat_error(e, "MOAT_ERR_CRYPTO_BAD_KEY")
    with pytest.raises(moat.MoatError) as e:
        moat.PrivateKey.from_scalar("P-256", b"\x01" * 31)
    assert_moat_error(e, "MOAT_ERR_CRYPTO_BAD_KEY")
    k = moat.PrivateKey.from_scalar("P-256", bytes(31) + b"\x01")
    # d = 1: the public key is the generator G.
    assert k.public_key().point.hex().startswith(
        "046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296")


def test_jwk_round_trip_and_thumbprint_vs_jwcrypto(p256, p384):
    for k in (p256, p384):
        pub = k.public_key()
        text = pub.jwk()
        obj = json.loads(text)
        assert obj["kty"] == "EC" and obj["crv"] == pub.curve
        assert obj["kid"] == pub.thumbprint()
        assert len(pub.thumbprint()) == 43
        assert moat.PublicKey.from_jwk(text) == pub
        # Independent RFC 7638 implementation.
        assert jwjwk.JWK.from_json(text).thumbprint() == pub.thumbprint()


def test_private_jwk_import_from_jwcrypto():
    jk = jwjwk.JWK.generate(kty="EC", crv="P-256")
    k = moat.PrivateKey.from_jwk(jk.export_private())
    assert k.public_key() == moat.PublicKey.from_jwk(jk.export_public())


def test_public_jwk_refuses_private_member():
    jk = jwjwk.JWK.generate(kty="EC", crv="P-256")
    with pytest.raises(moat.MoatError) as e:
        moat.PublicKey.from_jwk(jk.export_private())
    assert_moat_error(e, "MOAT_ERR_JWK_PRIVATE_MEMBER")


def test_jwk_errors(p256):
    obj = json.loads(p256.public_key().jwk())
    bad = dict(obj, kty="RSA")
    with pytest.raises(moat.MoatError) as e:
        moat.PublicKey.from_jwk(json.dumps(bad))
    assert_moat_error(e, "MOAT_ERR_JWK_KTY")
    bad = dict(obj)
    del bad["y"]
    with pytest.raises(moat.MoatError) as e:
        moat.PublicKey.from_jwk(json.dumps(bad))
    assert_moat_error(e, "MOAT_ERR_JWK_MEMBER_MISSING")
    bad = dict(obj, x=obj["x"] + "=")  # wrong length is checked first
    with pytest.raises(moat.MoatError) as e:
        moat.PublicKey.from_jwk(json.dumps(bad))
    assert_moat_error(e, "MOAT_ERR_JWK_COORD_LENGTH")
    bad = dict(obj, x=obj["x"][:-1] + "=")
    with pytest.raises(moat.MoatError) as e:
        moat.PublicKey.from_jwk(json.dumps(bad))
    assert_moat_error(e, "MOAT_ERR_B64_PADDING")
    bad = dict(obj, x=obj["x"][:-1] + "/")
    with pytest.raises(moat.MoatError) as e:
        moat.PublicKey.from_jwk(json.dumps(bad))
    assert_moat_error(e, "MOAT_ERR_B64_CHAR")
    # A point off the curve: y + 1.
    y = bytearray(p256.public_key().point[33:])
    y[-1] ^= 1
    bad = dict(obj, y=b64u(bytes(y)))
    with pytest.raises(moat.MoatError) as e:
        moat.PublicKey.from_jwk(json.dumps(bad))
    assert_moat_error(e, "MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE")
    with pytest.raises(moat.MoatError) as e:
        moat.PublicKey.from_jwk('{"kty":"EC","kty":"EC"}')
    assert_moat_error(e, "MOAT_ERR_JSON_DUPLICATE_KEY")


def test_point_validation(p256):
    pt = bytearray(p256.public_key().point)
    pt[-1] ^= 1
    with pytest.raises(moat.MoatError) as e:
        moat.PublicKey("P-256", bytes(pt))
    assert_moat_error(e, "MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE")
    with pytest.raises(moat.MoatError) as e:
        moat.PublicKey("P-256", b"\x02" + bytes(pt[1:33]))
    assert_moat_error(e, "MOAT_ERR_CRYPTO_POINT_ENCODING")


def test_wipe_and_context_manager():
    with moat.PrivateKey.generate() as k:
        assert k.public_key().curve == "P-256"
    with pytest.raises(ValueError):
        k.public_key()
    with pytest.raises(ValueError):
        moat.jws_sign_compact(k, b"x")
    k.wipe()  # idempotent
    assert "wiped" in repr(k)


def test_private_key_not_copyable(p256):
    with pytest.raises(TypeError):
        pickle.dumps(p256)
    with pytest.raises(TypeError):
        copy.copy(p256)
    with pytest.raises(TypeError):
        moat.PrivateKey()


def test_bytes_only_inputs(p256):
    with pytest.raises(TypeError):
        moat.PrivateKey.from_der("not bytes")
    with pytest.raises(TypeError):
        moat.jws_sign_compact(p256, "text payload")


def test_sha256():
    assert moat.sha256(b"abc").hex() == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    assert len(moat.digest(b"", "sha384")) == 48
