"""JWS compact and General JSON Serialization through the bindings:
round trips and the exact error of every rejected input."""

import json

import pytest

import moat
from conftest import assert_moat_error, b64u, b64u_decode, forge, forge_segments


def _header(token):
    return json.loads(b64u_decode(token.split(".")[0]))


def _flip_sig(token, index=-1):
    """Flip the low bit of one raw signature byte and re-encode canonically."""
    h, p, s = token.split(".")
    raw = bytearray(b64u_decode(s))
    raw[index] ^= 1
    return "%s.%s.%s" % (h, p, b64u(bytes(raw)))


# ------------------------------------------------------------ compact


@pytest.mark.parametrize("payload", [b"", b"hello", bytes(range(256)) * 40])
def test_compact_round_trip(p256, p384, payload):
    for k, alg in ((p256, "ES256"), (p384, "ES384")):
        tok = moat.jws_sign_compact(k, payload)
        assert isinstance(tok, str) and tok.count(".") == 2
        hdr = _header(tok)
        assert hdr == {"alg": alg, "kid": k.public_key().thumbprint()}
        assert moat.jws_verify_compact(tok, k.public_key()) == payload
        # bytes token accepted too
        assert moat.jws_verify_compact(tok.encode(), k.public_key()) == payload


def test_compact_deterministic(p256):
    # RFC 6979: same key and payload give the same token.
    assert moat.jws_sign_compact(p256, b"x") == moat.jws_sign_compact(p256, b"x")


def test_compact_kid_options(p256):
    assert "kid" not in _header(moat.jws_sign_compact(p256, b"x", kid=""))
    assert _header(moat.jws_sign_compact(p256, b"x", kid="device-7"))["kid"] == "device-7"
    with pytest.raises(moat.MoatError) as e:
        moat.jws_sign_compact(p256, b"x", kid="k" * 64)
    assert_moat_error(e, "MOAT_ERR_INVALID_ARGUMENT")


def test_tampered_signature(p256):
    tok = moat.jws_sign_compact(p256, b"pay me")
    with pytest.raises(moat.MoatError) as e:
        moat.jws_verify_compact(_flip_sig(tok), p256.public_key())
    assert_moat_error(e, "MOAT_ERR_CRYPTO_SIG_INVALID")


def test_tampered_payload(p256):
    h, _, s = moat.jws_sign_compact(p256, b"pay me 1").split(".")
    with pytest.raises(moat.MoatError) as e:
        moat.jws_verify_compact("%s.%s.%s" % (h, b64u(b"pay me 9"), s), p256.public_key())
    assert_moat_error(e, "MOAT_ERR_CRYPTO_SIG_INVALID")


def test_wrong_key(p256, p256b):
    tok = moat.jws_sign_compact(p256, b"x")
    with pytest.raises(moat.MoatError) as e:
        moat.jws_verify_compact(tok, p256b.public_key())
    assert_moat_error(e, "MOAT_ERR_CRYPTO_SIG_INVALID")


def test_alg_none_with_signature(p256):
    # "none" is refused by the allow-list even when a signature is attached.
    tok = forge(p256, {"alg": "none"}, b"x")
    with pytest.raises(moat.MoatError) as e:
        moat.jws_verify_compact(tok, p256.public_key())
    assert_moat_error(e, "MOAT_ERR_JOSE_ALG_NOT_ALLOWED")


def test_alg_none_unsigned(p256):
    # The classic unsigned form has an empty signature segment: a format
    # error before the header is even looked at (jose.h).
    tok = b64u(b'{"alg":"none"}') + "." + b64u(b"x") + "."
    with pytest.raises(moat.MoatError) as e:
        moat.jws_verify_compact(tok, p256.public_key())
    assert_moat_error(e, "MOAT_ERR_JOSE_FORMAT")


@pytest.mark.parametrize("alg", ["HS256", "RS256", "ES512", "EdDSA", "es256"])
def test_alg_not_allowed(p256, alg):
    with pytest.raises(moat.MoatError) as e:
        moat.jws_verify_compact(forge(p256, {"alg": alg}, b"x"), p256.public_key())
    assert_moat_error(e, "MOAT_ERR_JOSE_ALG_NOT_ALLOWED")


def test_alg_key_mismatch(p256, p384):
    tok = moat.jws_sign_compact(p384, b"x")
    with pytest.raises(moat.MoatError) as e:
        moat.jws_verify_compact(tok, p256.public_key())
    assert_moat_error(e, "MOAT_ERR_JOSE_ALG_KEY_MISMATCH")


def test_forged_valid_header_accepted(p256):
    # Sanity check of the forging helper: a plain ES256 header verifies.
    assert moat.jws_verify_compact(forge(p256, {"alg": "ES256"}, b"ok"), p256.public_key()) == b"ok"


def test_crit_unknown(p256):
    tok = forge(p256, {"alg": "ES256", "crit": ["exp"], "exp": 1}, b"x")
    with pytest.raises(moat.MoatError) as e:
        moat.jws_verify_compact(tok, p256.public_key())
    assert_moat_error(e, "MOAT_ERR_JOSE_CRIT_UNKNOWN")


def test_b64_false_unsupported(p256):
    tok = forge(p256, {"alg": "ES256", "b64": False, "crit": ["b64"]}, b"x")
    with pytest.raises(moat.MoatError) as e:
        moat.jws_verify_compact(tok, p256.public_key())
    assert e.value.name in ("MOAT_ERR_UNSUPPORTED", "MOAT_ERR_JOSE_CRIT_UNKNOWN")


def test_duplicate_header_member(p256):
    tok = forge(p256, b'{"alg":"ES256","alg":"none"}', b"x")
    with pytest.raises(moat.MoatError) as e:
        moat.jws_verify_compact(tok, p256.public_key())
    assert_moat_error(e, "MOAT_ERR_JSON_DUPLICATE_KEY")


def test_header_not_object(p256):
    tok = forge(p256, b'["ES256"]', b"x")
    with pytest.raises(moat.MoatError) as e:
        moat.jws_verify_compact(tok, p256.public_key())
    assert_moat_error(e, "MOAT_ERR_JOSE_HEADER_INVALID")


@pytest.mark.parametrize("mutate,name", [
    (lambda t: t + "=", "MOAT_ERR_B64_PADDING"),
    (lambda t: t[:-2] + "+" + t[-1:], "MOAT_ERR_B64_CHAR"),
    (lambda t: t[:-1] + " ", "MOAT_ERR_B64_CHAR"),
    (lambda t: "." .join(t.split(".")[:2]), "MOAT_ERR_JOSE_FORMAT"),
    (lambda t: t + ".x", "MOAT_ERR_JOSE_FORMAT"),
])
def test_bad_serialization(p256, mutate, name):
    tok = moat.jws_sign_compact(p256, b"x")
    with pytest.raises(moat.MoatError) as e:
        moat.jws_verify_compact(mutate(tok), p256.public_key())
    assert_moat_error(e, name)


def test_payload_bytes_are_signed(p256):
    # Appending '=' to the payload segment changes the signed bytes: the
    # signature check (over the received bytes) fails first.
    h, p, s = moat.jws_sign_compact(p256, b"x").split(".")
    with pytest.raises(moat.MoatError) as e:
        moat.jws_verify_compact("%s.%s=.%s" % (h, p, s), p256.public_key())
    assert_moat_error(e, "MOAT_ERR_CRYPTO_SIG_INVALID")


@pytest.mark.parametrize("p64,name", [
    ("eA=", "MOAT_ERR_B64_PADDING"),
    ("eB", "MOAT_ERR_B64_TRAILING_BITS"),
    ("e/", "MOAT_ERR_B64_CHAR"),
    ("eAAAe", "MOAT_ERR_B64_LENGTH"),
])
def test_bad_base64_payload_validly_signed(p256, p64, name):
    # Non-canonical payload segments, validly signed: rejected when decoded.
    tok = forge_segments(p256, b64u(b'{"alg":"ES256"}'), p64)
    with pytest.raises(moat.MoatError) as e:
        moat.jws_verify_compact(tok, p256.public_key())
    assert_moat_error(e, name)


def test_bad_base64_header_validly_signed(p256):
    tok = forge_segments(p256, b64u(b'{"alg":"ES256"}') + "=", b64u(b"x"))
    with pytest.raises(moat.MoatError) as e:
        moat.jws_verify_compact(tok, p256.public_key())
    assert_moat_error(e, "MOAT_ERR_B64_PADDING")


def test_signature_wrong_length(p256):
    h, p, s = moat.jws_sign_compact(p256, b"x").split(".")
    short = b64u(b64u_decode(s)[:-1])
    with pytest.raises(moat.MoatError) as e:
        moat.jws_verify_compact("%s.%s.%s" % (h, p, short), p256.public_key())
    assert_moat_error(e, "MOAT_ERR_CRYPTO_SIG_ENCODING")


def test_signature_out_of_range(p256):
    h, p, _ = moat.jws_sign_compact(p256, b"x").split(".")
    sig = b"\xff" * 32 + b"\x01" * 32  # r >= n
    with pytest.raises(moat.MoatError) as e:
        moat.jws_verify_compact("%s.%s.%s" % (h, p, b64u(sig)), p256.public_key())
    assert_moat_error(e, "MOAT_ERR_CRYPTO_SIG_RANGE")


# --------------------------------------------------------------- JSON


def test_json_round_trip_2_of_3(p256, p256b, p384):
    doc = moat.jws_json_sign(p256, payload=b"release 1.2.3")
    doc = moat.jws_json_sign(p384, doc=doc)
    obj = json.loads(doc)
    assert set(obj) == {"payload", "signatures"} and len(obj["signatures"]) == 2
    keys = [p256.public_key(), p256b.public_key(), p384.public_key()]
    assert moat.jws_json_verify(doc, keys, 2) == b"release 1.2.3"
    assert moat.jws_json_verify(doc, keys, 1) == b"release 1.2.3"


def test_json_threshold_not_met(p256, p256b, p384):
    doc = moat.jws_json_sign(p256, payload=b"x")
    keys = [p256.public_key(), p256b.public_key(), p384.public_key()]
    with pytest.raises(moat.MoatError) as e:
        moat.jws_json_verify(doc, keys, 2)
    assert_moat_error(e, "MOAT_ERR_JOSE_THRESHOLD")
    assert e.value.valid_signers == 1


def test_json_same_key_counts_once(p256, p256b):
    doc = moat.jws_json_sign(p256, payload=b"x")
    doc = moat.jws_json_sign(p256, doc=doc, kid="again")
    keys = [p256.public_key(), p256.public_key().with_kid("again"), p256b.public_key()]
    with pytest.raises(moat.MoatError) as e:
        moat.jws_json_verify(doc, keys, 2)
    assert_moat_error(e, "MOAT_ERR_JOSE_THRESHOLD")
    assert e.value.valid_signers == 1


def test_json_tampered_entry_not_counted(p256, p256b):
    doc = moat.jws_json_sign(p256, payload=b"x")
    doc = moat.jws_json_sign(p256b, doc=doc)
    obj = json.loads(doc)
    raw = bytearray(b64u_decode(obj["signatures"][1]["signature"]))
    raw[-1] ^= 1
    obj["signatures"][1]["signature"] = b64u(bytes(raw))
    bad = json.dumps(obj)
    keys = [p256.public_key(), p256b.public_key()]
    assert moat.jws_json_verify(bad, keys, 1) == b"x"
    with pytest.raises(moat.MoatError) as e:
        moat.jws_json_verify(bad, keys, 2)
    assert_moat_error(e, "MOAT_ERR_JOSE_THRESHOLD")
    assert e.value.valid_signers == 1


def test_json_tampered_payload(p256):
    obj = json.loads(moat.jws_json_sign(p256, payload=b"x"))
    obj["payload"] = b64u(b"y")
    with pytest.raises(moat.MoatError) as e:
        moat.jws_json_verify(json.dumps(obj), [p256.public_key()], 1)
    assert_moat_error(e, "MOAT_ERR_JOSE_THRESHOLD")
    assert e.value.valid_signers == 0


def test_json_custom_kid(p256):
    doc = moat.jws_json_sign(p256, payload=b"x", kid="signer-A")
    assert moat.jws_json_verify(doc, [p256.public_key().with_kid("signer-A")], 1) == b"x"
    with pytest.raises(moat.MoatError) as e:
        moat.jws_json_verify(doc, [p256.public_key()], 1)  # kid = thumbprint
    assert_moat_error(e, "MOAT_ERR_JOSE_THRESHOLD")


def test_json_alg_none_entry_rejects_document(p256):
    doc = json.loads(moat.jws_json_sign(p256, payload=b"x"))
    none = forge(p256, {"alg": "none", "kid": "z"}, b"x").split(".")
    doc["signatures"].append({"protected": none[0], "signature": none[2]})
    with pytest.raises(moat.MoatError) as e:
        moat.jws_json_verify(json.dumps(doc), [p256.public_key()], 1)
    assert_moat_error(e, "MOAT_ERR_JOSE_ALG_NOT_ALLOWED")


def test_json_flattened_refused(p256):
    tok = moat.jws_sign_compact(p256, b"x").split(".")
    flat = json.dumps({"payload": tok[1], "protected": tok[0], "signature": tok[2]})
    with pytest.raises(moat.MoatError) as e:
        moat.jws_json_verify(flat, [p256.public_key()], 1)
    assert_moat_error(e, "MOAT_ERR_JOSE_FORMAT")


def test_json_bad_base64_signature(p256):
    obj = json.loads(moat.jws_json_sign(p256, payload=b"x"))
    obj["signatures"][0]["signature"] += "="
    with pytest.raises(moat.MoatError) as e:
        moat.jws_json_verify(json.dumps(obj), [p256.public_key()], 1)
    assert_moat_error(e, "MOAT_ERR_B64_PADDING")


def test_json_duplicate_member(p256):
    doc = moat.jws_json_sign(p256, payload=b"x")
    dup = '{"payload":"eQ",' + doc[1:]
    with pytest.raises(moat.MoatError) as e:
        moat.jws_json_verify(dup, [p256.public_key()], 1)
    assert_moat_error(e, "MOAT_ERR_JSON_DUPLICATE_KEY")


def test_json_threshold_arguments(p256):
    doc = moat.jws_json_sign(p256, payload=b"x")
    for k in (0, 2):
        with pytest.raises(moat.MoatError) as e:
            moat.jws_json_verify(doc, [p256.public_key()], k)
        assert_moat_error(e, "MOAT_ERR_INVALID_ARGUMENT")


def test_json_sign_arguments(p256):
    with pytest.raises(ValueError):
        moat.jws_json_sign(p256)
    with pytest.raises(ValueError):
        moat.jws_json_sign(p256, payload=b"x", doc="{}")
    with pytest.raises(moat.MoatError) as e:
        moat.jws_json_sign(p256, doc='{"payload":"eA"}')
    assert_moat_error(e, "MOAT_ERR_JOSE_FORMAT")
