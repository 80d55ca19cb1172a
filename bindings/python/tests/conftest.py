"""Shared fixtures for the moat Python binding tests.

The package under test is the one built by CMake: ctest puts
<build>/bindings/python/python on PYTHONPATH. Independent peers used to
cross-check moat: python3-jwcrypto (JOSE) and python3-cryptography (raw
ECDSA, to forge tokens with arbitrary headers).
"""

import base64
import json

import pytest

import moat

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature


def b64u(data):
    """Unpadded base64url (RFC 7515 section 2)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _raw_sign(key, signing_input):
    """ES256/ES384 raw r||s over signing_input with python3-cryptography."""
    sk = serialization.load_der_private_key(key.to_der("pkcs8"), password=None)
    size = 32 if key.curve == "P-256" else 48
    h = hashes.SHA256() if size == 32 else hashes.SHA384()
    r, s = decode_dss_signature(sk.sign(signing_input, ec.ECDSA(h)))
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def forge(key, header, payload):
    """A compact JWS with an arbitrary protected header (dict or raw bytes),
    validly signed by ``key`` with an independent implementation."""
    if isinstance(header, dict):
        header = json.dumps(header, separators=(",", ":")).encode("utf-8")
    return forge_segments(key, b64u(header), b64u(payload))


def forge_segments(key, h64, p64):
    """A compact JWS over arbitrary (possibly non-canonical) header and
    payload segments, validly signed over exactly those bytes."""
    signing_input = (h64 + "." + p64).encode("ascii")
    return signing_input.decode("ascii") + "." + b64u(_raw_sign(key, signing_input))


@pytest.fixture(scope="session")
def p256():
    return moat.PrivateKey.generate("P-256")


@pytest.fixture(scope="session")
def p256b():
    return moat.PrivateKey.generate("P-256")


@pytest.fixture(scope="session")
def p384():
    return moat.PrivateKey.generate("P-384")


def assert_moat_error(excinfo, name):
    """The exception is a MoatError with exactly this symbolic name, and its
    code/name/message are consistent."""
    err = excinfo.value
    assert isinstance(err, moat.MoatError)
    assert err.name == name, "expected %s, got %s" % (name, err.name)
    assert moat.error_name(err.code) == name
    assert err.code > 0
    assert err.message and name in str(err)
