#!/usr/bin/python3
"""Regenerate the seed corpora fuzz/corpus/{jwk,jws_compact,jws_json}/.

Run with Debian's /usr/bin/python3 (python3-jwcrypto, python3-cryptography):

  tests/jose/gen_fuzz_corpus.py [FUZZ_CORPUS_DIR]

The keys are the ones the harnesses build at first call: the RFC 7515
Appendix A.3 P-256 key and the P-384 key whose scalar is the bytes 1..48, so
the valid seeds verify and the fuzzer starts from deep inside the verifier.
ECDSA signatures are randomized, so the files differ from run to run.
"""
import base64
import json
import os
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from jwcrypto import jwk, jws
from jwcrypto.common import json_encode


def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


RFC_D = base64.urlsafe_b64decode("jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI=")
K256 = jwk.JWK.from_pyca(ec.derive_private_key(int.from_bytes(RFC_D, "big"), ec.SECP256R1()))
K384 = jwk.JWK.from_pyca(ec.derive_private_key(int.from_bytes(bytes(range(1, 49)), "big"),
                                               ec.SECP384R1()))
RFC_A3_JWS = ("eyJhbGciOiJFUzI1NiJ9."
              "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
              "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
              "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSA"
              "pmWQxfKTUJqPP3-Kg6NU1Q")
PAYLOAD = b'{"iss":"device","exp":1900000000,"nbf":1600000000}'


def pub(k):
    return json.loads(k.export_public())


def compact(k, hdr, payload=PAYLOAD):
    s = jws.JWS(payload)
    s.add_signature(k, None, json_encode(hdr))
    return s.serialize(compact=True)


def signed_raw(k, hdr, payload=PAYLOAD):
    """A token signed outside jwcrypto (which refuses unknown crit)."""
    sk = k.get_op_key("sign")
    size = (sk.curve.key_size + 7) // 8
    h = hashes.SHA256() if size == 32 else hashes.SHA384()
    inp = (b64(json.dumps(hdr).encode()) + "." + b64(payload)).encode()
    r, s_ = decode_dss_signature(sk.sign(inp, ec.ECDSA(h)))
    return inp.decode() + "." + b64(r.to_bytes(size, "big") + s_.to_bytes(size, "big"))


def raw_token(hdr, payload, sig):
    return ".".join([b64(json.dumps(hdr).encode()), b64(payload), b64(sig)])


def general(entries, payload=PAYLOAD):
    s = jws.JWS(payload)
    for k, hdr in entries:
        s.add_signature(k, None, json_encode(hdr))
    return s.serialize()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "fuzz", "corpus")
    kid256, kid384 = K256.thumbprint(), K384.thumbprint()
    p256 = pub(K256)
    corp = {"jwk": {}, "jws_compact": {}, "jws_json": {}}

    j = corp["jwk"]
    j["p256_public"] = json.dumps(p256)
    j["p384_public"] = K384.export_public()
    j["p256_private"] = K256.export_private()
    j["p384_private_kid_use"] = json.dumps(dict(json.loads(K384.export_private()),
                                                kid="k1", use="sig", alg="ES384"))
    j["p256_alg_mismatch"] = json.dumps(dict(p256, alg="ES384"))
    bad = dict(p256)
    bad["y"] = bad["y"][:-2] + ("A" if bad["y"][-2] != "A" else "B") + bad["y"][-1]
    j["not_on_curve"] = json.dumps(bad)
    j["missing_y"] = json.dumps({k: v for k, v in p256.items() if k != "y"})
    j["rsa"] = jwk.JWK.generate(kty="RSA", size=1024).export_public()
    j["oct"] = jwk.JWK.generate(kty="oct", size=256).export()
    j["dup_crv"] = '{"kty":"EC","crv":"P-256","crv":"P-384","x":"%s","y":"%s"}' % (
        p256["x"], p256["y"])

    c = corp["jws_compact"]
    c["rfc7515_a3"] = RFC_A3_JWS
    c["es256_kid"] = compact(K256, {"alg": "ES256", "kid": kid256})
    c["es384_kid_typ"] = compact(K384, {"alg": "ES384", "kid": kid384, "typ": "JWT"})
    c["es256_empty_payload"] = compact(K256, {"alg": "ES256"}, b"")
    c["es256_crit"] = signed_raw(K256, {"alg": "ES256", "crit": ["exp"], "exp": 1})
    c["alg_none"] = raw_token({"alg": "none"}, PAYLOAD, b"")
    hk = jwk.JWK.generate(kty="oct", size=256)
    c["hs256"] = compact(hk, {"alg": "HS256"})
    c["es384_header_p256_sig"] = raw_token({"alg": "ES384"}, PAYLOAD, bytes(96))
    c["r_zero"] = raw_token({"alg": "ES256"}, PAYLOAD, bytes(64))
    c["b64_false"] = raw_token({"alg": "ES256", "b64": False, "crit": ["b64"]},
                               PAYLOAD, bytes(range(64)))
    c["four_segments"] = c["es256_kid"] + ".AAAA"

    d = corp["jws_json"]
    d["two_of_two"] = general([(K256, {"alg": "ES256", "kid": kid256}),
                               (K384, {"alg": "ES384", "kid": kid384})])
    d["alias_kid"] = general([(K256, {"alg": "ES256", "kid": kid256}),
                              (K256, {"alg": "ES256", "kid": "alias"})])
    d["duplicate_signer"] = general([(K384, {"alg": "ES384", "kid": kid384}),
                                     (K384, {"alg": "ES384", "kid": kid384})])
    d["unknown_kid"] = general([(K256, {"alg": "ES256", "kid": "nobody"}),
                                (K256, {"alg": "ES256"})])
    doc = json.loads(d["two_of_two"])
    doc["signatures"][0]["header"] = {"x-note": "unprotected"}
    d["unprotected_header"] = json.dumps(doc)
    doc = json.loads(d["two_of_two"])
    doc["signatures"].append({"protected": b64(b'{"alg":"none"}'), "signature": ""})
    d["alg_none_entry"] = json.dumps(doc)
    doc = json.loads(d["two_of_two"])
    doc["payload"] = b64(b"tampered")
    d["tampered_payload"] = json.dumps(doc)
    flat = jws.JWS(PAYLOAD)
    flat.add_signature(K256, None, json_encode({"alg": "ES256", "kid": kid256}))
    d["flattened"] = flat.serialize()
    d["empty_signatures"] = json.dumps({"payload": b64(PAYLOAD), "signatures": []})
    doc = json.loads(d["two_of_two"])
    doc["signatures"] = doc["signatures"] * 9
    d["too_many_signatures"] = json.dumps(doc)

    for name, files in corp.items():
        path = os.path.join(out, name)
        os.makedirs(path, exist_ok=True)
        for fname, text in files.items():
            with open(os.path.join(path, fname), "w") as f:
                f.write(text)
        print("%s: %d seeds" % (path, len(files)))


if __name__ == "__main__":
    main()
