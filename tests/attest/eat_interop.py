#!/usr/bin/python3
"""Interop: a token moat issues verifies under python3-jwcrypto with the key
of the x5c leaf (RFC 7515 section 4.1.6), and its claims follow moat's EAT
profile (docs/eat-profile.md). Usage: eat_interop.py --cli PATH/eat_cli"""
import argparse
import base64
import json
import subprocess
import sys

from cryptography import x509
from jwcrypto import jwk, jws


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    args = ap.parse_args()
    token = subprocess.run([args.cli], check=True, capture_output=True,
                           text=True).stdout.strip()
    h64 = token.split(".")[0]
    header = json.loads(base64.urlsafe_b64decode(h64 + "=" * (-len(h64) % 4)))
    assert header["alg"] == "ES256", header
    assert header["typ"] == "eat+jwt", header
    chain = [base64.b64decode(c, validate=True) for c in header["x5c"]]
    assert len(chain) == 4, len(chain)
    leaf = x509.load_der_x509_certificate(chain[0])
    for c in chain[1:]:
        x509.load_der_x509_certificate(c)
    key = jwk.JWK.from_pyca(leaf.public_key())
    sig = jws.JWS()
    sig.deserialize(token)
    sig.verify(key, alg="ES256")
    claims = json.loads(sig.payload)
    assert claims["eat_profile"] == "https://moat.dev/eat-profile/v1", claims
    for name in ("eat_nonce", "ueid", "hwmodel", "swname", "swversion", "dbgstat",
                 "measurements", "iat"):
        assert name in claims, name
    nonce = base64.urlsafe_b64decode(claims["eat_nonce"] + "=" * (-len(claims["eat_nonce"]) % 4))
    assert 8 <= len(nonce) <= 64
    # a tampered token must fail under jwcrypto too
    bad = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    sig2 = jws.JWS()
    sig2.deserialize(bad)
    try:
        sig2.verify(key, alg="ES256")
    except jws.InvalidJWSSignature:
        pass
    else:
        print("tampered token verified", file=sys.stderr)
        return 1
    print("eat interop OK: jwcrypto verified the token under the x5c leaf key")
    return 0


if __name__ == "__main__":
    sys.exit(main())
