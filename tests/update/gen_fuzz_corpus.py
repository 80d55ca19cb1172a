#!/usr/bin/python3
"""Regenerate the seed corpus fuzz/corpus/update_manifest/.

Run with Debian's /usr/bin/python3 (python3-cryptography):

  tests/update/gen_fuzz_corpus.py [FUZZ_CORPUS_DIR]

Each seed is the harness's mode byte (fuzz/update_manifest.c: bit 0 the
data is a payload the harness signs itself, bit 1 no trusted time, bit 2 the
root's sequence_epoch is 1, bit 3 the device declares 32-bit counters)
followed by the data. Whole documents (bit 0 clear) are JWS General JSON
Serializations signed here with the harness's targets keys: the P-256 and
P-384 keys whose scalars are the bytes seed, seed+1, ... with the first byte
forced to 0x01 (seeds 0x20 and 0x30), named by their RFC 7638 thumbprints.
ECDSA signatures are randomized, so the document files differ from run to
run. The test keys are obviously not secret.
"""
import base64
import hashlib
import json
import os
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

NOW_EXPIRES = 1798761600
VENDOR = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
CLASS = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
DIGEST = "ERERERERERERERERERERERERERERERERERERERERERE"


def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def harness_key(curve, seed):
    """The key fuzz/update_manifest.c builds with key(curve, seed)."""
    n = (curve.key_size + 7) // 8
    d = bytearray((seed + i) & 0xFF for i in range(n))
    d[0] = 0x01
    return ec.derive_private_key(int.from_bytes(bytes(d), "big"), curve)


def thumbprint(priv):
    """RFC 7638 thumbprint of the public key (members in lexical order)."""
    pub = priv.public_key().public_numbers()
    n = (priv.curve.key_size + 7) // 8
    crv = {256: "P-256", 384: "P-384"}[priv.curve.key_size]
    jwk = '{"crv":"%s","kty":"EC","x":"%s","y":"%s"}' % (
        crv, b64(pub.x.to_bytes(n, "big")), b64(pub.y.to_bytes(n, "big")))
    return b64(hashlib.sha256(jwk.encode()).digest())


K256 = harness_key(ec.SECP256R1(), 0x20)
K384 = harness_key(ec.SECP384R1(), 0x30)


def signature(priv, payload_b64):
    n = (priv.curve.key_size + 7) // 8
    alg, h = ("ES256", hashes.SHA256()) if n == 32 else ("ES384", hashes.SHA384())
    prot = b64(json.dumps({"alg": alg, "kid": thumbprint(priv)},
                          separators=(",", ":")).encode())
    r, s = decode_dss_signature(priv.sign((prot + "." + payload_b64).encode(), ec.ECDSA(h)))
    return {"protected": prot, "signature": b64(r.to_bytes(n, "big") + s.to_bytes(n, "big"))}


def document(payload, keys):
    p = b64(payload)
    doc = {"payload": p, "signatures": [signature(k, p) for k in keys]}
    return json.dumps(doc, separators=(",", ":")).encode()


def manifest(epoch=0, sequence="2", component="app", version="1.2.0", svn="3", size="1000",
             extra=""):
    """A manifest payload as text, so that any number form can be written."""
    head = '{"moat_manifest":1,'
    if epoch is not None:
        head += '"sequence_epoch":%s,' % epoch
    return (head + '"sequence":%s,"expires":%d,"vendor_id":"%s","class_id":"%s",'
            '"component":"%s","version":"%s","svn":%s,"size":%s,'
            '"digest":{"alg":"sha-256","value":"%s"},"slot":1%s}'
            % (sequence, NOW_EXPIRES, VENDOR, CLASS, component, version, svn, size,
               DIGEST, extra)).encode()


def seeds():
    valid = manifest()
    return {
        # payloads the harness signs (mode bit 0)
        "valid": b"\x01" + valid,
        "valid_no_time": b"\x03" + valid,
        "valid_epoch1": b"\x05" + manifest(epoch=1),
        "wrong_epoch": b"\x01" + manifest(epoch=1),
        "no_epoch": b"\x01" + manifest(epoch=None),
        "narrow_counters": b"\x0d" + manifest(epoch=1),
        "float_int": b"\x01" + manifest(sequence="2.0", svn="3e0"),
        "critical": b"\x01" + manifest(extra=',"x":1,"critical":["x"]'),
        "deps": b"\x01" + manifest(
            extra=',"dependencies":[{"component":"radio","min_version":"3.0.0"}]'),
        "dup_svn": b"\x01" + manifest(extra=',"svn":0'),
        "rollback": b"\x01" + manifest(sequence="1", component="radio", version="2.9.9",
                                       svn="0", size="65536"),
        "root_payload": b'\x01{"moat_root":1,"version":1,"expires":1,"roles":{}}',
        "size_2_63": b"\x01" + manifest(size="9223372036854775808"),
        # whole documents (mode bit 0 clear)
        "unsigned": b"\x00" + valid,
        "doc_valid": b"\x00" + document(valid, [K256, K384]),
        "doc_one_sig": b"\x00" + document(valid, [K256]),
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "fuzz", "corpus")
    out = os.path.join(out, "update_manifest")
    os.makedirs(out, exist_ok=True)
    for name, data in sorted(seeds().items()):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print("gen_fuzz_corpus: %d seeds in %s" % (len(seeds()), out))


if __name__ == "__main__":
    main()
