"""moat: Python bindings to the moat security library (service side).

A thin Pythonic layer over the SWIG module :mod:`moat.lowlevel` (extension
``moat._moat``, which links libmoat statically). Every cryptographic decision
is taken by the C library; this package only moves bytes in and out and turns
error codes into exceptions.

Conventions:

* bytes in, bytes out: payloads, DER and digests are ``bytes``; JOSE
  serializations (compact JWS, JSON documents, JWK text) are ``str``.
* every failure of the library raises :class:`MoatError`, whose ``code`` is
  the ``moat_err`` value and ``name`` its symbolic name
  (e.g. ``"MOAT_ERR_JOSE_ALG_NOT_ALLOWED"``).
* private keys live in C memory owned by a :class:`PrivateKey` object and are
  wiped (``moat_ec_private_wipe``) when the object is collected, when
  :meth:`PrivateKey.wipe` is called, or on leaving a ``with`` block.
* key generation draws a 48-byte seed from ``os.urandom`` (``getrandom(2)``
  on Linux) and instantiates moat's HMAC-DRBG (SP 800-90A) with it; the DRBG
  state is wiped after use. Signatures are deterministic (RFC 6979) and need
  no randomness.

Thread safety: functions are reentrant; a key may sign from several threads.
"""

import base64 as _base64
import json as _json
import os as _os
import re as _re

from . import lowlevel as _ll

__all__ = [
    "MoatError",
    "PrivateKey",
    "PublicKey",
    "version",
    "error_name",
    "sha256",
    "digest",
    "jws_sign_compact",
    "jws_verify_compact",
    "jws_json_sign",
    "jws_json_verify",
    "load_private_key",
    "load_public_key",
    "CURVES",
]

#: Curve names accepted by this package, mapped to moat_curve values.
CURVES = {"P-256": _ll.curve_p256(), "P-384": _ll.curve_p384()}
_CURVE_NAMES = {v: k for k, v in CURVES.items()}
_FORMATS = {"pkcs8": _ll.format_pkcs8(), "sec1": _ll.format_sec1()}
_HASHES = {"sha256": 1, "sha384": 2, "sha512": 3}
_SEED_LEN = 48


class MoatError(Exception):
    """A moat function failed.

    Attributes:
        code: the ``moat_err`` integer.
        name: its symbolic name (``moat_strerror_name``).
        message: its message (``moat_strerror``).
        valid_signers: for :func:`jws_json_verify`, the number of distinct
            keys that did verify (set with ``MOAT_ERR_JOSE_THRESHOLD``).
        failed_index: for :func:`verify_chain`, the index of the
            certificate that failed (-1: none / the anchor).
    """

    def __init__(self, code, context=None):
        self.code = int(code)
        self.name = _ll.error_name(self.code)
        self.message = _ll.error_message(self.code)
        self.valid_signers = None
        self.failed_index = None
        text = "%s: %s" % (self.name, self.message)
        if context:
            text += " (%s)" % context
        super().__init__(text)


def error_name(code):
    """Symbolic name of a ``moat_err`` code."""
    return _ll.error_name(int(code))


def _check(res, context=None):
    """Split a low-level result [rc, out...]; raise MoatError when rc != 0."""
    if isinstance(res, (list, tuple)):
        rc, rest = res[0], list(res[1:])
    else:
        rc, rest = res, []
    if rc != 0:
        raise MoatError(rc, context)
    if not rest:
        return None
    return rest[0] if len(rest) == 1 else rest


def _bytes_in(data, what):
    if isinstance(data, str):
        raise TypeError("%s must be bytes-like, not str" % what)
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("%s must be bytes-like, not %s" % (what, type(data).__name__))
    return data


def _text_in(data, what):
    """JOSE text: str (encoded as UTF-8) or bytes-like."""
    if isinstance(data, str):
        return data.encode("utf-8")
    return _bytes_in(data, what)


def _kid_in(kid):
    if kid is None:
        return None
    if not isinstance(kid, str):
        raise TypeError("kid must be a str or None")
    if "\0" in kid:
        raise ValueError("kid must not contain NUL")
    return kid


def _curve_id(curve):
    if curve not in CURVES:
        raise ValueError("unsupported curve %r (use one of %s)" % (curve, ", ".join(CURVES)))
    return CURVES[curve]


def version():
    """The library version string ("MAJOR.MINOR.PATCH")."""
    return _ll.version()


def digest(data, alg="sha256"):
    """Hash ``data`` with moat_hash (``alg``: sha256, sha384, sha512)."""
    if alg not in _HASHES:
        raise ValueError("unsupported hash %r" % (alg,))
    return _check(_ll.hash(_HASHES[alg], _bytes_in(data, "data")))


def sha256(data):
    """SHA-256 of ``data`` through moat_hash."""
    return digest(data, "sha256")


class PublicKey:
    """A validated EC public key (P-256 or P-384).

    ``kid`` is the key id used to select this key when verifying a JWS JSON
    serialization; ``None`` means its RFC 7638 thumbprint (moat's default).
    """

    __slots__ = ("_curve", "_point", "kid")

    def __init__(self, curve, point, kid=None):
        cid = _curve_id(curve)
        point = bytes(_bytes_in(point, "point"))
        _check(_ll.pub_check(cid, point))
        self._curve = cid
        self._point = point
        self.kid = _kid_in(kid)

    @classmethod
    def _from_raw(cls, cid, point):
        return cls(_CURVE_NAMES[cid], point)

    @classmethod
    def from_point(cls, curve, point, kid=None):
        """From an uncompressed SEC1 point (0x04 || X || Y), checked on the curve."""
        return cls(curve, point, kid)

    @classmethod
    def from_jwk(cls, text):
        """Parse a public EC JWK (str or bytes). A private JWK (with "d") is
        refused with MOAT_ERR_JWK_PRIVATE_MEMBER."""
        cid, point = _check(_ll.pub_from_jwk(_text_in(text, "jwk")))
        return cls._from_raw(cid, point)

    @classmethod
    def from_spki(cls, der):
        """Parse a DER SubjectPublicKeyInfo (RFC 5480)."""
        cid, point = _check(_ll.pub_from_spki(_bytes_in(der, "der")))
        return cls._from_raw(cid, point)

    @property
    def curve(self):
        """Curve name ("P-256" or "P-384")."""
        return _CURVE_NAMES[self._curve]

    @property
    def point(self):
        """The uncompressed point 0x04 || X || Y."""
        return self._point

    def jwk(self):
        """The JWK text {"crv":..,"kty":"EC","x":..,"y":..,"kid":<thumbprint>}."""
        return _check(_ll.pub_jwk(self._curve, self._point)).decode("ascii")

    def thumbprint(self):
        """RFC 7638 SHA-256 thumbprint, base64url (43 characters)."""
        return _check(_ll.pub_thumbprint(self._curve, self._point)).decode("ascii")

    def to_spki(self):
        """DER SubjectPublicKeyInfo."""
        return _check(_ll.pub_to_spki(self._curve, self._point))

    def with_kid(self, kid):
        """A copy of this key carrying another ``kid``."""
        return PublicKey(self.curve, self._point, kid)

    def _record(self):
        kid = b"" if self.kid is None else self.kid.encode("utf-8")
        if len(kid) > 63:
            raise ValueError("kid longer than 63 bytes")
        return bytes([self._curve, len(self._point)]) + self._point + bytes([len(kid)]) + kid

    def __eq__(self, other):
        if not isinstance(other, PublicKey):
            return NotImplemented
        return self._curve == other._curve and self._point == other._point

    def __hash__(self):
        return hash((self._curve, self._point))

    def __repr__(self):
        return "<moat.PublicKey %s %s>" % (self.curve, self.thumbprint())


class _Secret:
    """Shared behaviour of objects holding secrets in C memory (private keys,
    DICE CDIs): ``with`` wipes on exit, and they can never be pickled or
    copied (a copy would be a second, unmanaged secret)."""

    __slots__ = ()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.wipe()
        return False

    def __reduce__(self):
        raise TypeError("moat.%s cannot be pickled" % type(self).__name__)

    def __copy__(self):
        raise TypeError("moat.%s cannot be copied" % type(self).__name__)

    def __deepcopy__(self, memo):
        raise TypeError("moat.%s cannot be copied" % type(self).__name__)


class PrivateKey(_Secret):
    """An EC private key held in C memory and wiped when released.

    Create with :meth:`generate`, :meth:`from_der`, :meth:`from_jwk` or
    :meth:`from_scalar`. Use as a context manager (or call :meth:`wipe`) to
    wipe it deterministically; otherwise it is wiped when collected.
    Instances cannot be pickled or copied.
    """

    __slots__ = ("_h",)

    def __init__(self):
        raise TypeError("use PrivateKey.generate(), from_der(), from_jwk() or from_scalar()")

    @classmethod
    def _wrap(cls, res, context):
        handle = _check(res, context)
        obj = object.__new__(cls)
        obj._h = handle
        return obj

    @classmethod
    def generate(cls, curve="P-256"):
        """A new key from moat's HMAC-DRBG seeded with os.urandom(48)."""
        cid = _curve_id(curve)
        seed = bytearray(_os.urandom(_SEED_LEN))
        try:
            return cls._wrap(_ll.key_generate(cid, seed), "key generation")
        finally:
            seed[:] = bytes(len(seed))

    @classmethod
    def from_der(cls, der):
        """Import DER: SEC1 ECPrivateKey (RFC 5915) or PKCS#8 (RFC 5958)."""
        return cls._wrap(_ll.key_from_der(_bytes_in(der, "der")), None)

    @classmethod
    def from_jwk(cls, text):
        """Import a private EC JWK (with "d"; x/y must match d)."""
        return cls._wrap(_ll.key_from_jwk(_text_in(text, "jwk")), None)

    @classmethod
    def from_scalar(cls, curve, d):
        """Import a big-endian scalar of exactly the curve's size."""
        return cls._wrap(_ll.key_from_scalar(_curve_id(curve), _bytes_in(d, "d")), None)

    def _handle(self):
        h = getattr(self, "_h", None)
        if h is None:
            raise ValueError("private key has been wiped")
        return h

    @property
    def curve(self):
        """Curve name ("P-256" or "P-384")."""
        return _CURVE_NAMES[_ll.key_curve(self._handle())]

    def to_der(self, fmt="pkcs8"):
        """Export as DER ("pkcs8" or "sec1"). The result is secret: the
        caller is responsible for it (Python bytes cannot be wiped)."""
        if fmt not in _FORMATS:
            raise ValueError("unsupported format %r (pkcs8 or sec1)" % (fmt,))
        return _check(_ll.key_to_der(self._handle(), _FORMATS[fmt]))

    def public_key(self):
        """The matching :class:`PublicKey`."""
        h = self._handle()
        point = _check(_ll.key_public(h))
        return PublicKey._from_raw(_ll.key_curve(h), point)

    def wipe(self):
        """Wipe and free the key now (idempotent)."""
        h = getattr(self, "_h", None)
        if h is not None:
            self._h = None
            _ll.key_free(h)

    def __del__(self):
        try:
            self.wipe()
        except Exception:  # interpreter shutdown: the module may be gone
            pass

    def __repr__(self):
        if getattr(self, "_h", None) is None:
            return "<moat.PrivateKey (wiped)>"
        return "<moat.PrivateKey %s, public %s>" % (self.curve, self.public_key().thumbprint())


# ------------------------------------------------------------------ JWS


def jws_sign_compact(private_key, payload, kid=None):
    """Sign ``payload`` (bytes) as a compact JWS, ES256 or ES384 by curve.

    ``kid``: None puts the key's RFC 7638 thumbprint, "" no kid at all,
    another str that value. Returns the compact serialization (str).
    """
    if not isinstance(private_key, PrivateKey):
        raise TypeError("private_key must be a moat.PrivateKey")
    out = _check(_ll.jws_sign_compact(private_key._handle(), _bytes_in(payload, "payload"),
                                      _kid_in(kid)))
    return out.decode("ascii")


def jws_verify_compact(token, public_key):
    """Verify a compact JWS under ``public_key``; returns the payload bytes."""
    if not isinstance(public_key, PublicKey):
        raise TypeError("public_key must be a moat.PublicKey")
    return _check(_ll.jws_verify_compact(_text_in(token, "token"), public_key._curve,
                                         public_key._point))


def jws_json_sign(private_key, payload=None, doc=None, kid=None):
    """Add one signature to a JWS General JSON Serialization.

    Give ``payload`` (bytes) to start a new document, or ``doc`` (str) to add
    a signature to an existing one (its payload is kept byte for byte).
    Returns the new document (str).
    """
    if not isinstance(private_key, PrivateKey):
        raise TypeError("private_key must be a moat.PrivateKey")
    if (payload is None) == (doc is None):
        raise ValueError("give exactly one of payload or doc")
    d = None if doc is None else _text_in(doc, "doc")
    p = None if payload is None else _bytes_in(payload, "payload")
    out = _check(_ll.jws_json_sign(private_key._handle(), d, p, _kid_in(kid)))
    return out.decode("utf-8")


def jws_json_verify(doc, keys, threshold):
    """Verify a JWS General JSON Serialization with a k-of-n threshold.

    ``keys`` is a list of :class:`PublicKey` (selected by their ``kid``,
    by default the thumbprint); at least ``threshold`` distinct keys must
    have valid signatures. Returns the payload bytes. On
    MOAT_ERR_JOSE_THRESHOLD the exception's ``valid_signers`` holds the
    number of distinct keys that verified.
    """
    keys = list(keys)
    for k in keys:
        if not isinstance(k, PublicKey):
            raise TypeError("keys must be moat.PublicKey objects")
    if not isinstance(threshold, int) or isinstance(threshold, bool):
        raise TypeError("threshold must be an int")
    if threshold < 0 or threshold > 0x7FFFFFFF:
        raise ValueError("threshold out of range")
    blob = b"".join(k._record() for k in keys)
    res = _ll.jws_json_verify(_text_in(doc, "doc"), blob, threshold)
    rc, valid, payload = res[0], res[1], res[2]
    if rc != 0:
        err = MoatError(rc)
        err.valid_signers = valid
        raise err
    return payload


# ------------------------------------------------------------ key files

_PEM_RE = _re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\s*(.*?)\s*-----END \1-----", _re.S)


def _pem_blocks(data):
    return [(m.group(1).decode("ascii"), _base64.b64decode(m.group(2), validate=False))
            for m in _PEM_RE.finditer(data)]


def _is_json(data):
    return data.lstrip()[:1] == b"{"


def load_private_key(data):
    """Load a private key from file contents: a private JWK, PEM ("PRIVATE
    KEY" or "EC PRIVATE KEY") or DER (PKCS#8 or SEC1)."""
    data = bytes(_bytes_in(data, "data"))
    if _is_json(data):
        return PrivateKey.from_jwk(data)
    blocks = _pem_blocks(data)
    for label, der in blocks:
        if label in ("PRIVATE KEY", "EC PRIVATE KEY"):
            return PrivateKey.from_der(der)
    if blocks:
        raise ValueError("no PRIVATE KEY or EC PRIVATE KEY PEM block")
    return PrivateKey.from_der(data)


def load_public_key(data):
    """Load a public key from file contents: a JWK (public or private), PEM
    ("PUBLIC KEY" or a private key) or DER (SPKI or a private key)."""
    data = bytes(_bytes_in(data, "data"))
    if _is_json(data):
        obj = _json.loads(data)
        if isinstance(obj, dict) and "d" in obj:
            with PrivateKey.from_jwk(data) as k:
                return k.public_key()
        return PublicKey.from_jwk(data)
    blocks = _pem_blocks(data)
    for label, der in blocks:
        if label == "PUBLIC KEY":
            return PublicKey.from_spki(der)
        if label in ("PRIVATE KEY", "EC PRIVATE KEY"):
            with PrivateKey.from_der(der) as k:
                return k.public_key()
    if blocks:
        raise ValueError("no PUBLIC KEY or private key PEM block")
    try:
        return PublicKey.from_spki(data)
    except MoatError:
        with PrivateKey.from_der(data) as k:
            return k.public_key()


def private_key_pem(key, fmt="pkcs8"):
    """PEM text of a private key ("pkcs8": PRIVATE KEY, "sec1": EC PRIVATE KEY)."""
    label = "PRIVATE KEY" if fmt == "pkcs8" else "EC PRIVATE KEY"
    return _pem(label, key.to_der(fmt))


def public_key_pem(key):
    """PEM text of a public key (SubjectPublicKeyInfo)."""
    return _pem("PUBLIC KEY", key.to_spki())


def _pem(label, der):
    b = _base64.b64encode(der).decode("ascii")
    lines = [b[i:i + 64] for i in range(0, len(b), 64)]
    return "-----BEGIN %s-----\n%s\n-----END %s-----\n" % (label, "\n".join(lines), label)


# ---------------------------------------------------------------- X.509
#
# Certificates, CSRs and path validation over include/moat/x509.h. Values
# cross the C boundary as small record blobs (tag, 2-byte length, value);
# see the X.509 section of moat.i.

import struct as _struct

#: Attribute names accepted in subjects, mapped to moat_x509_attr values.
NAME_ATTRS = {"CN": 1, "O": 2, "OU": 3, "C": 4, "serialNumber": 5}

#: keyUsage bit names (RFC 5280 section 4.2.1.3), mapped to MOAT_X509_KU_*.
KEY_USAGE = {
    "digitalSignature": 1 << 0, "nonRepudiation": 1 << 1, "keyEncipherment": 1 << 2,
    "dataEncipherment": 1 << 3, "keyAgreement": 1 << 4, "keyCertSign": 1 << 5,
    "cRLSign": 1 << 6, "encipherOnly": 1 << 7, "decipherOnly": 1 << 8,
}

#: Well-known extended key usage names and their OIDs.
EKU = {"serverAuth": "1.3.6.1.5.5.7.3.1", "clientAuth": "1.3.6.1.5.5.7.3.2",
       "codeSigning": "1.3.6.1.5.5.7.3.3", "emailProtection": "1.3.6.1.5.5.7.3.4",
       "timeStamping": "1.3.6.1.5.5.7.3.8", "OCSPSigning": "1.3.6.1.5.5.7.3.9"}

_PURPOSES = {None: 0, "any": 0, "serverAuth": 1, "sslserver": 1, "clientAuth": 2,
             "sslclient": 2}
_PURPOSE_CUSTOM = 3
_NOT_FOUND = _ll.err_not_found()
_GN_NAMES = {2: "DNS", 6: "URI", 7: "IP", 0: "other"}
_KEY_TYPES = {0: None, 1: "EC", 2: "RSA"}
_SIG_ALGS = {0: None, 1: "ecdsa-with-SHA256", 2: "ecdsa-with-SHA384",
             3: "sha256WithRSAEncryption", 4: "sha384WithRSAEncryption"}


def _rec(tag, value):
    if len(value) > 0xFFFF:
        raise ValueError("value too long")
    return bytes([tag]) + _struct.pack(">H", len(value)) + bytes(value)


def _recs(blob):
    pos = 0
    while pos < len(blob):
        tag = blob[pos]
        (n,) = _struct.unpack(">H", blob[pos + 1:pos + 3])
        yield tag, blob[pos + 3:pos + 3 + n]
        pos += 3 + n


def _ip_bytes(value):
    import ipaddress
    if isinstance(value, (bytes, bytearray)):
        if len(value) not in (4, 16):
            raise ValueError("an IP address is 4 or 16 bytes")
        return bytes(value)
    return ipaddress.ip_address(value).packed


def _name_blob(name):
    """[("CN", "dev"), ...] (one RDN each, in order), or raw Name DER bytes."""
    if isinstance(name, (bytes, bytearray, memoryview)):
        return _rec(ord("R"), bytes(name))
    if isinstance(name, str):
        raise TypeError("a name is a list of (attribute, value) pairs, e.g. [('CN', 'dev')]")
    out = b""
    for attr, value in name:
        if attr not in NAME_ATTRS:
            raise ValueError("unsupported name attribute %r (use %s)"
                             % (attr, ", ".join(NAME_ATTRS)))
        if not isinstance(value, str):
            raise TypeError("name values are str")
        out += _rec(NAME_ATTRS[attr], value.encode("utf-8"))
    return out


def _key_usage_bits(ku):
    if ku is None:
        return 0
    if isinstance(ku, int) and not isinstance(ku, bool):
        if ku < 0 or ku > 0x1FF:
            raise ValueError("keyUsage bits out of range")
        return ku
    bits = 0
    for name in ku:
        if name not in KEY_USAGE:
            raise ValueError("unknown keyUsage %r" % (name,))
        bits |= KEY_USAGE[name]
    return bits


def _der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def _raw_ext_rec(oid, critical, value):
    if not isinstance(oid, str) or not _re.match(r"^[0-9]+(\.[0-9]+)+$", oid):
        raise ValueError("extension OID must be dotted text, not %r" % (oid,))
    o = oid.encode("ascii")
    return _rec(ord("x"), bytes([1 if critical else 0, len(o)]) + o +
                bytes(_bytes_in(value, "extension value")))


def _ext_blob(is_ca=None, path_len=-1, key_usage=None, eku=(), san=(), ski=False, aki=None,
              extensions=()):
    out = b""
    if is_ca is not None:
        if not -1 <= path_len <= 0x7FFF:
            raise ValueError("path_len out of range")
        out += _rec(ord("b"), bytes([1 if is_ca else 0]) + _struct.pack(">h", path_len))
    bits = _key_usage_bits(key_usage)
    if bits:
        out += _rec(ord("k"), _struct.pack(">H", bits))
    for e in eku or ():
        out += _rec(ord("e"), EKU.get(e, e).encode("ascii"))
    for kind, value in san or ():
        if kind == "DNS":
            out += _rec(ord("d"), value.encode("ascii"))
        elif kind == "URI":
            out += _rec(ord("u"), value.encode("ascii"))
        elif kind == "IP":
            out += _rec(ord("i"), _ip_bytes(value))
        else:
            raise ValueError("SAN kinds are DNS, URI and IP, not %r" % (kind,))
    if isinstance(ski, (bytes, bytearray, memoryview)):
        # An explicit keyIdentifier (e.g. the DICE UDS_ID): OCTET STRING.
        kid = bytes(ski)
        out += _raw_ext_rec("2.5.29.14", False, b"\x04" + _der_len(len(kid)) + kid)
    elif ski:
        out += _rec(ord("s"), b"")
    if aki:
        out += _rec(ord("a"), bytes(aki))
    for ext in extensions or ():
        oid, critical, value = ext
        out += _raw_ext_rec(oid, critical, value)
    return out


def _list_blob(ders):
    out = b""
    for d in ders:
        d = bytes(_bytes_in(d, "certificate"))
        out += _struct.pack(">I", len(d)) + d
    return out


def _serial_bytes(serial):
    if isinstance(serial, (bytes, bytearray)):
        return bytes(serial)
    if not isinstance(serial, int) or isinstance(serial, bool) or serial <= 0:
        raise ValueError("serial must be a positive int (or its big-endian bytes)")
    return serial.to_bytes((serial.bit_length() + 7) // 8, "big")


def pem_certs(text):
    """Every CERTIFICATE block of a PEM text (str or bytes), as DER bytes."""
    data = _text_in(text, "text")
    out, offset = [], 0
    while True:
        res = _ll.pem_decode_cert(data, offset)
        rc, nxt, der = res[0], res[1], res[2]
        if rc == _NOT_FOUND:
            return out
        if rc != 0:
            raise MoatError(rc, "PEM block %d" % len(out))
        out.append(der)
        offset = nxt


def cert_pem(der):
    """PEM text of a DER certificate."""
    return _pem("CERTIFICATE", bytes(_bytes_in(der, "der")))


class Certificate:
    """A parsed X.509 certificate (moat_x509_parse; strict DER).

    Attributes: ``der``, ``version``, ``serial`` (int), ``subject`` and
    ``issuer`` (RFC 4514 strings), ``not_before`` / ``not_after`` (int,
    seconds since the epoch), ``key_type`` ("EC" or "RSA"),
    ``public_key`` (:class:`PublicKey` when EC, else None),
    ``signature_algorithm``, ``has_basic_constraints``, ``is_ca``,
    ``path_len`` (-1 when absent), ``key_usage`` (int of MOAT_X509_KU_* bits,
    None when absent), ``eku`` (list of dotted OIDs), ``san`` (list of
    (type, value): ("DNS", str), ("URI", str), ("IP", str), ("other", bytes)),
    ``extensions`` (list of (dotted OID, critical)).
    """

    __slots__ = ("der", "version", "serial", "subject", "issuer", "not_before",
                 "not_after", "key_type", "public_key", "signature_algorithm",
                 "has_basic_constraints", "is_ca", "path_len", "key_usage", "eku",
                 "san", "extensions", "understood")

    def __init__(self, der):
        import ipaddress
        self.der = bytes(_bytes_in(der, "der"))
        blob = _check(_ll.x509_fields(self.der))
        self.eku, self.san, self.extensions, self.understood = [], [], [], []
        self.key_usage = None
        self.public_key = None
        for tag, v in _recs(blob):
            t = chr(tag)
            if t == "V":
                self.version = v[0]
            elif t == "S":
                self.serial = int.from_bytes(v, "big")
            elif t == "I":
                self.issuer = v.decode("utf-8")
            elif t == "U":
                self.subject = v.decode("utf-8")
            elif t == "B":
                (self.not_before,) = _struct.unpack(">q", v)
            elif t == "A":
                (self.not_after,) = _struct.unpack(">q", v)
            elif t == "P":
                self.key_type = _KEY_TYPES.get(v[0])
                if v[0] == 1:
                    self.public_key = PublicKey._from_raw(v[1], bytes(v[2:]))
            elif t == "G":
                self.signature_algorithm = _SIG_ALGS.get(v[0])
            elif t == "C":
                self.has_basic_constraints = bool(v[0])
                self.is_ca = bool(v[1])
                (self.path_len,) = _struct.unpack(">h", v[2:4])
            elif t == "K":
                if v[0]:
                    (self.key_usage,) = _struct.unpack(">H", v[1:3])
            elif t == "E":
                self.eku.append(v.decode("ascii"))
            elif t == "N":
                kind = _GN_NAMES.get(v[0], "other")
                val = bytes(v[1:])
                if kind in ("DNS", "URI"):
                    val = val.decode("ascii", "replace")
                elif kind == "IP" and len(val) in (4, 16):
                    val = str(ipaddress.ip_address(val))
                self.san.append((kind, val))
            elif t == "X":
                oid = v[2:].decode("ascii")
                self.extensions.append((oid, bool(v[0])))
                if v[1]:
                    self.understood.append(oid)

    @classmethod
    def from_der(cls, der):
        """Parse one DER certificate."""
        return cls(der)

    @classmethod
    def from_pem(cls, text):
        """Parse the first CERTIFICATE block of a PEM text."""
        ders = pem_certs(text)
        if not ders:
            raise MoatError(_NOT_FOUND, "no CERTIFICATE block")
        return cls(ders[0])

    def pem(self):
        """PEM text of the certificate."""
        return cert_pem(self.der)

    def __repr__(self):
        return "<moat.Certificate %s (issuer %s)>" % (self.subject, self.issuer)


def verify_chain(leaf_der, bag, roots, now, purpose=None, hostname=None, ip=None):
    """Build and validate a path with moat_x509_verify.

    ``leaf_der``: the leaf (DER); ``bag``: candidate intermediates (DER, any
    order); ``roots``: trust anchors (DER CA certificates); ``now``: the
    validation time (seconds since the epoch); ``purpose``: None / "any",
    "serverAuth" ("sslserver"), "clientAuth" ("sslclient") or a dotted OID;
    ``hostname``: required DNS name; ``ip``: required address (str or 4/16
    bytes). Returns the path as indices, leaf first: i >= 0 is ``bag[i-1]``
    (0 the leaf), -(1 + j) is ``roots[j]``. On failure raises
    :class:`MoatError` with ``name`` the failed check and ``failed_index``
    (index as above of the failing certificate, -1 for none/the anchor).
    """
    leaf_der = bytes(_bytes_in(leaf_der, "leaf_der"))
    oid = None
    if purpose in _PURPOSES:
        pid = _PURPOSES[purpose]
    elif isinstance(purpose, str) and _re.match(r"^[0-9]+(\.[0-9]+)+$", purpose):
        pid, oid = _PURPOSE_CUSTOM, purpose.encode("ascii")
    else:
        raise ValueError("unknown purpose %r" % (purpose,))
    if hostname is not None and not isinstance(hostname, str):
        raise TypeError("hostname must be a str")
    ipb = None if ip is None else _ip_bytes(ip)
    res = _ll.x509_verify(leaf_der, _list_blob(bag), _list_blob(roots), int(now), pid, oid,
                          hostname, ipb)
    rc, failed, path = res[0], res[1], res[2]
    if rc != 0:
        err = MoatError(rc)
        err.failed_index = failed
        raise err
    return [x for (x,) in _struct.iter_unpack(">i", path)]


def _private(key, what):
    if not isinstance(key, PrivateKey):
        raise TypeError("%s must be a moat.PrivateKey" % what)
    return key._handle()


def create_csr(private_key, subject=(("CN", "dev"),), san=(), key_usage=None, eku=(),
               is_ca=None, path_len=-1):
    """A PKCS#10 CSR (DER) signed by ``private_key`` (ES256 / ES384 by curve).

    ``subject``: [(attr, value)] with attr in CN, O, OU, C, serialNumber;
    ``san``: [("DNS", name) | ("URI", uri) | ("IP", address)];
    requested extensions: ``key_usage`` (int bits or list of names),
    ``eku`` (names like "clientAuth" or dotted OIDs), ``is_ca`` / ``path_len``
    (basicConstraints, when is_ca is not None).
    """
    h = _private(private_key, "private_key")
    ext = _ext_blob(is_ca=is_ca, path_len=path_len, key_usage=key_usage, eku=eku, san=san)
    return _check(_ll.csr_create(h, _name_blob(subject), ext))


def parse_csr(der):
    """Parse a CSR and verify its self-signature: (subject string, PublicKey)."""
    cid, subject, point = _check(_ll.csr_parse(bytes(_bytes_in(der, "der"))))
    return subject.decode("utf-8"), PublicKey._from_raw(cid, point)


def issue_certificate(issuer_key, issuer, subject_key, subject, serial, not_before,
                      not_after, is_ca=False, path_len=-1, key_usage=None, eku=(),
                      san=(), ski=True, extensions=()):
    """Issue an X.509 v3 certificate (DER) signed by ``issuer_key``.

    ``issuer``: the issuer's certificate (DER bytes or :class:`Certificate`;
    its subject becomes the issuer name and its subjectKeyIdentifier the
    authorityKeyIdentifier), or a name list for a self-signed certificate.
    ``subject_key``: :class:`PublicKey` (or a :class:`PrivateKey`, whose
    public key is used). ``serial``: positive int. ``not_before`` /
    ``not_after``: seconds since the epoch. basicConstraints (critical) is
    always written: cA = ``is_ca``, pathLen = ``path_len`` (-1 none).
    ``key_usage``: int bits or names (default: keyCertSign+cRLSign for a CA,
    digitalSignature otherwise). ``eku``, ``san``: as :func:`create_csr`.
    ``ski``: write subjectKeyIdentifier (True: SHA-1 of the key bits; bytes:
    that keyIdentifier, e.g. the DICE UDS_ID). ``extensions``: more
    extensions written verbatim, [(dotted OID, critical, extnValue DER)].
    """
    h = _private(issuer_key, "issuer_key")
    if isinstance(subject_key, PrivateKey):
        subject_key = subject_key.public_key()
    if not isinstance(subject_key, PublicKey):
        raise TypeError("subject_key must be a moat.PublicKey or PrivateKey")
    if isinstance(issuer, Certificate):
        issuer = issuer.der
    if isinstance(issuer, (bytes, bytearray, memoryview)):
        issuer_der, issuer_name = bytes(issuer), None
    else:
        issuer_der, issuer_name = None, _name_blob(issuer)
    if key_usage is None:
        key_usage = ["keyCertSign", "cRLSign"] if is_ca else ["digitalSignature"]
    ext = _ext_blob(is_ca=bool(is_ca), path_len=path_len, key_usage=key_usage, eku=eku,
                    san=san, ski=ski, extensions=extensions)
    return _check(_ll.x509_issue(h, issuer_der, issuer_name, subject_key._curve,
                                 subject_key._point, _name_blob(subject),
                                 _serial_bytes(serial), int(not_before), int(not_after),
                                 ext))


__all__ += ["Certificate", "pem_certs", "cert_pem", "verify_chain", "create_csr",
            "parse_csr", "issue_certificate", "KEY_USAGE", "EKU", "NAME_ATTRS"]


# ---------------------------------------------------------- Attestation
#
# DICE device identity (include/moat/dice.h) for device simulators and
# tests, and the service side of attestation (include/moat/attest.h):
# nonces, EAT evidence verification, appraisal against reference values,
# signed attestation results. Values cross the C boundary as record blobs;
# see the Attestation section of moat.i. docs/python.md "Attestation" has a
# complete example.

import threading as _threading
import time as _time

#: moat's EAT profile identifier (the "eat_profile" claim).
EAT_PROFILE = _ll.eat_profile()

#: dbgstat names (RFC 9711 section 4.2.9), in the order of moat_eat_dbgstat.
DBGSTAT = ("enabled", "disabled", "disabled-since-boot", "disabled-permanently",
           "disabled-fully-and-permanently")

#: dbgstat values a production policy accepts (everything but "enabled").
DBGSTAT_PRODUCTION = DBGSTAT[1:]

#: DICE mode names (Open Profile for DICE "Mode Value Details").
DICE_MODES = {"not_configured": 0, "normal": 1, "debug": 2, "recovery": 3}
_DICE_MODE_NAMES = {v: k for k, v in DICE_MODES.items()}

#: DiceTcbInfo OperationalFlags bit names (bit n is 1 << n).
TCB_FLAGS = {"not_configured": 1 << 0, "not_secure": 1 << 1, "recovery": 1 << 2,
             "debug": 1 << 3}

#: Appraisal status values (AR4SI tiers), as moat_ar_status.
AR_STATUS = {0: "none", 2: "affirming", 32: "warning", 96: "contraindicated"}

_DIGEST_ALGS = {"sha-256": 1, "sha-384": 2, "sha-512": 3,
                "sha256": 1, "sha384": 2, "sha512": 3}
_DIGEST_NAMES = {1: "sha-256", 2: "sha-384", 3: "sha-512"}
_DICE_HASH = 64
_DICE_CDI = 32
_UEID_SIZE = 17
_NOT_AFTER_MAX = 253402300799  # 99991231235959Z


def _now(now):
    if now is None:
        return int(_time.time())
    if not isinstance(now, int) or isinstance(now, bool):
        raise TypeError("now must be an int (seconds since the epoch)")
    return now


def _uint(value, what, bits=64):
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("%s must be an int" % what)
    if value < 0 or value >= 1 << bits:
        raise ValueError("%s out of range" % what)
    return value


def _fixed(value, size, what):
    value = bytes(_bytes_in(value, what))
    if len(value) != size:
        raise ValueError("%s must be %d bytes" % (what, size))
    return value


def _alg_id(alg):
    if isinstance(alg, int) and not isinstance(alg, bool) and alg in _DIGEST_NAMES:
        return alg
    if alg not in _DIGEST_ALGS:
        raise ValueError("unsupported digest algorithm %r (sha-256, sha-384, sha-512)"
                         % (alg,))
    return _DIGEST_ALGS[alg]


def _strict_keys(d, allowed, what):
    if not isinstance(d, dict):
        raise TypeError("%s must be a dict" % what)
    extra = set(d) - set(allowed)
    if extra:
        raise ValueError("unknown %s keys: %s" % (what, ", ".join(sorted(map(str, extra)))))


def _pub_rec(v):
    return PublicKey._from_raw(v[0], bytes(v[1:]))


def b64url(data):
    """Unpadded base64url text of bytes (RFC 7515 section 2), as the EAT
    claims and the reference values documents use it."""
    return _base64.urlsafe_b64encode(bytes(_bytes_in(data, "data"))).rstrip(b"=").decode("ascii")


# ------------------------------------------------------------- DICE

_DICE_INPUT_KEYS = ("code_hash", "code_descriptor", "config", "config_descriptor",
                    "authority_hash", "authority_descriptor", "mode", "hidden",
                    "profile_name")


def _dice_input_blob(code_hash, code_descriptor=None, config=None, config_descriptor=None,
                     authority_hash=None, authority_descriptor=None, mode="normal",
                     hidden=None, profile_name=None):
    out = _rec(ord("c"), _fixed(code_hash, _DICE_HASH, "code_hash"))
    if code_descriptor is not None:
        out += _rec(ord("C"), bytes(_bytes_in(code_descriptor, "code_descriptor")))
    if config is not None and config_descriptor is not None:
        raise ValueError("give config (64-byte inline value) or config_descriptor, not both")
    if config is not None:
        out += _rec(ord("g"), _fixed(config, _DICE_HASH, "config"))
    if config_descriptor is not None:
        out += _rec(ord("G"), bytes(_bytes_in(config_descriptor, "config_descriptor")))
    if authority_hash is not None:
        out += _rec(ord("a"), _fixed(authority_hash, _DICE_HASH, "authority_hash"))
    if authority_descriptor is not None:
        out += _rec(ord("A"), bytes(_bytes_in(authority_descriptor, "authority_descriptor")))
    if isinstance(mode, str):
        if mode not in DICE_MODES:
            raise ValueError("unknown DICE mode %r (use %s)" % (mode, ", ".join(DICE_MODES)))
        mode = DICE_MODES[mode]
    out += _rec(ord("m"), bytes([_uint(mode, "mode", 8)]))
    if hidden is not None:
        out += _rec(ord("h"), _fixed(hidden, _DICE_HASH, "hidden"))
    if profile_name is not None:
        if not isinstance(profile_name, str):
            raise TypeError("profile_name must be a str")
        out += _rec(ord("p"), profile_name.encode("utf-8"))
    return out


class DiceCdis(_Secret):
    """The two CDIs (CDI_Attest, CDI_Seal) of one DICE layer, held in C
    memory and wiped when released (like :class:`PrivateKey`).

    For device simulators and tests; a real device computes them in its
    boot code. Create with :meth:`from_uds` (the first mutable layer, from
    the Unique Device Secret) or :meth:`from_cdis` (CDIs handed over by
    hardware), then run further layers with :meth:`layer` (new object) or
    :meth:`advance` (in place: the previous CDIs are overwritten and never
    kept, as moat_dice_layer() with next == current).

    Layer inputs (keyword arguments, Open Profile for DICE "Input Values"):
    ``code_hash`` (64 bytes, required), ``code_descriptor`` (bytes),
    ``config`` (64-byte inline value; zeros by default) or
    ``config_descriptor`` (bytes), ``authority_hash`` (64 bytes, zeros by
    default), ``authority_descriptor`` (bytes), ``mode`` ("normal",
    "debug", "recovery", "not_configured" or 0..3; default "normal"),
    ``hidden`` (64 bytes, zeros by default), ``profile_name`` (str written
    in the certificate; None omits it).
    """

    __slots__ = ("_h",)

    def __init__(self):
        raise TypeError("use DiceCdis.from_uds(), from_cdis() or dice_layer()")

    @classmethod
    def _wrap(cls, handle):
        obj = object.__new__(cls)
        obj._h = handle
        return obj

    @classmethod
    def _run(cls, cur, uds, inputs, want_cert):
        blob = _dice_input_blob(**inputs)
        res = _ll.dice_layer(cur, uds, blob, 1 if want_cert else 0)
        handle, cert = _check(res)
        return cls._wrap(handle), cert

    @classmethod
    def from_uds(cls, uds, **inputs):
        """The first mutable layer from the UDS (32..64 bytes): returns
        (DiceCdis, CDI certificate DER issued by the DeviceID key)."""
        return cls._run(None, bytes(_bytes_in(uds, "uds")), inputs, True)

    @classmethod
    def derive_from_uds(cls, uds, **inputs):
        """As :meth:`from_uds`, CDIs only (no certificate)."""
        return cls._run(None, bytes(_bytes_in(uds, "uds")), inputs, False)[0]

    @classmethod
    def from_cdis(cls, attest, seal):
        """CDIs handed over by a hardware DICE engine (32 bytes each)."""
        return cls._wrap(_check(_ll.dice_from_cdis(_fixed(attest, _DICE_CDI, "attest"),
                                                   _fixed(seal, _DICE_CDI, "seal"))))

    def _handle(self):
        h = getattr(self, "_h", None)
        if h is None:
            raise ValueError("CDIs have been wiped")
        return h

    def layer(self, **inputs):
        """Run the next layer: (next DiceCdis, its CDI certificate DER,
        issued by this layer's CDI key). This object is unchanged: wipe it
        when the previous layer must not keep its CDIs."""
        return self._run(self._handle(), None, inputs, True)

    def derive(self, **inputs):
        """The next layer's CDIs only (moat_dice_derive)."""
        return self._run(self._handle(), None, inputs, False)[0]

    def advance(self, **inputs):
        """Run the next layer in place and return its CDI certificate DER.
        On any failure the CDIs are wiped (fail closed) and the object can
        no longer be used."""
        h = self._handle()
        try:
            blob = _dice_input_blob(**inputs)
        except Exception:
            self.wipe()
            raise
        rc, cert = _ll.dice_advance(h, blob)
        if rc != 0:
            self.wipe()
            raise MoatError(rc, "DICE layer")
        return cert

    def export(self):
        """(CDI_Attest, CDI_Seal) as bytes. Secret: for known-answer tests
        only (Python bytes cannot be wiped)."""
        out = _check(_ll.dice_export(self._handle()))
        return out[:_DICE_CDI], out[_DICE_CDI:]

    def cdi_key(self):
        """This layer's CDI key pair (ASYM_KDF(CDI_Attest)) as a
        :class:`PrivateKey`: the key that issues the next CDI certificate
        and the alias certificate."""
        return PrivateKey._wrap(_ll.dice_key(self._handle(), 0), "CDI key")

    def alias_key(self):
        """This layer's alias (attestation) key pair as a :class:`PrivateKey`
        (the key that signs evidence)."""
        return PrivateKey._wrap(_ll.dice_key(self._handle(), 1), "alias key")

    def alias_certificate(self, tcb):
        """The alias certificate (DER), issued by this layer's CDI key, with
        the DiceTcbInfo ``tcb`` (a dict, see :func:`tcb_info_encode`)."""
        return _check(_ll.dice_alias_cert(self._handle(), _tcb_blob(tcb)))

    def seal(self, data, label=b""):
        """Encrypt device-local ``data`` under a key derived from CDI_Seal
        (AES-256-GCM; fresh nonce). Only firmware with the same CDI_Seal
        (same authority, mode, hidden inputs and UDS) can unseal it."""
        seed = bytearray(_os.urandom(_SEED_LEN))
        try:
            return _check(_ll.dice_seal(self._handle(), bytes(_bytes_in(label, "label")),
                                        bytes(_bytes_in(data, "data")), seed), "seal")
        finally:
            seed[:] = bytes(len(seed))

    def unseal(self, blob, label=b""):
        """Open a blob from :meth:`seal`; MOAT_ERR_DICE_SEAL_AUTH when it was
        sealed under another CDI_Seal or label, or modified."""
        return _check(_ll.dice_unseal(self._handle(), bytes(_bytes_in(label, "label")),
                                      bytes(_bytes_in(blob, "blob"))), "unseal")

    def wipe(self):
        """Wipe and free the CDIs now (idempotent)."""
        h = getattr(self, "_h", None)
        if h is not None:
            self._h = None
            _ll.cdis_free(h)

    def __del__(self):
        try:
            self.wipe()
        except Exception:  # interpreter shutdown
            pass

    def __repr__(self):
        return "<moat.DiceCdis%s>" % (" (wiped)" if getattr(self, "_h", None) is None else "")


def dice_layer(current, **inputs):
    """Run one DICE layer: ``current`` is a :class:`DiceCdis` or the UDS
    (bytes, for the first mutable layer). Returns (next DiceCdis, CDI
    certificate DER). Inputs as :class:`DiceCdis`."""
    if isinstance(current, DiceCdis):
        return current.layer(**inputs)
    return DiceCdis.from_uds(current, **inputs)


def dice_device_id(uds):
    """The DeviceID public key and UDS_ID of a UDS: (PublicKey, 20 bytes).
    It depends on the UDS only (stable across firmware updates)."""
    cid, point, ident = _check(_ll.dice_device_id(bytes(_bytes_in(uds, "uds"))))
    return PublicKey._from_raw(cid, point), ident


def dice_device_id_key(uds):
    """The DeviceID private key of a UDS (device simulators only)."""
    return PrivateKey._wrap(_ll.dice_device_id_key(bytes(_bytes_in(uds, "uds"))),
                            "DeviceID key")


def dice_device_id_csr(uds):
    """The DeviceID CSR (DER, PKCS#10) of a UDS, signed by the DeviceID key;
    subject serialNumber = hex UDS_ID."""
    return _check(_ll.dice_device_id_csr(bytes(_bytes_in(uds, "uds"))))


def dice_device_id_certify(csr, ca_cert, ca_key, serial, not_before,
                           not_after=_NOT_AFTER_MAX):
    """Manufacturer CA: check a DeviceID CSR and issue the DeviceID
    certificate (DER) the first CDI certificate chains to (subject =
    serialNumber hex UDS_ID, SKI = UDS_ID, CA, keyCertSign).
    ``ca_cert``: the CA certificate (DER or :class:`Certificate`);
    ``ca_key``: its :class:`PrivateKey`; ``serial``: positive int."""
    if isinstance(ca_cert, Certificate):
        ca_cert = ca_cert.der
    return _check(_ll.dice_device_id_certify(
        bytes(_bytes_in(csr, "csr")), bytes(_bytes_in(ca_cert, "ca_cert")),
        _private(ca_key, "ca_key"), _serial_bytes(serial), int(not_before), int(not_after)))


def dice_id(public_key):
    """The DICE identifier (20 bytes) of a public key (moat_dice_id)."""
    if not isinstance(public_key, PublicKey):
        raise TypeError("public_key must be a moat.PublicKey")
    return _check(_ll.dice_id(public_key._curve, public_key._point))


_TCB_KEYS = ("vendor", "model", "version", "svn", "layer", "index", "fwids", "flags",
             "vendor_info", "type")


def _tcb_blob(tcb):
    _strict_keys(tcb, _TCB_KEYS, "DiceTcbInfo")
    out = b""
    for key, tag in (("vendor", "v"), ("model", "m"), ("version", "r")):
        if tcb.get(key) is not None:
            if not isinstance(tcb[key], str):
                raise TypeError("DiceTcbInfo %s must be a str" % key)
            out += _rec(ord(tag), tcb[key].encode("utf-8"))
    for key, tag in (("svn", "s"), ("layer", "l"), ("index", "i")):
        if tcb.get(key) is not None:
            out += _rec(ord(tag), _struct.pack(">Q", _uint(tcb[key], key)))
    for fwid in tcb.get("fwids") or ():
        alg, dig = fwid
        out += _rec(ord("f"), bytes([_alg_id(alg)]) + bytes(_bytes_in(dig, "fwid digest")))
    flags = tcb.get("flags")
    if flags is not None:
        if not isinstance(flags, int) or isinstance(flags, bool):
            bits = 0
            for name in flags:
                if name not in TCB_FLAGS:
                    raise ValueError("unknown DiceTcbInfo flag %r" % (name,))
                bits |= TCB_FLAGS[name]
            flags = bits
        out += _rec(ord("F"), _struct.pack(">I", _uint(flags, "flags", 32)))
    for key, tag in (("vendor_info", "o"), ("type", "t")):
        if tcb.get(key) is not None:
            out += _rec(ord(tag), bytes(_bytes_in(tcb[key], key)))
    return out


def _tcb_dict(blob):
    d = {}
    for tag, v in _recs(blob):
        t = chr(tag)
        if t in "vmr":
            d[{"v": "vendor", "m": "model", "r": "version"}[t]] = v.decode("utf-8")
        elif t in "sli":
            d[{"s": "svn", "l": "layer", "i": "index"}[t]] = _struct.unpack(">Q", v)[0]
        elif t == "f":
            d.setdefault("fwids", []).append((_DIGEST_NAMES.get(v[0], v[0]), bytes(v[1:])))
        elif t == "F":
            d["flags"] = _struct.unpack(">I", v)[0]
        elif t == "o":
            d["vendor_info"] = bytes(v)
        elif t == "t":
            d["type"] = bytes(v)
    return d


def tcb_info_encode(tcb):
    """DER of a TCG DiceTcbInfo from a dict: ``vendor``, ``model``,
    ``version`` (str), ``svn``, ``layer``, ``index`` (int), ``fwids``
    ([(alg, digest)], alg "sha-256"/"sha-384"/"sha-512"), ``flags`` (int
    bits, or names of :data:`TCB_FLAGS`), ``vendor_info``, ``type`` (bytes).
    Absent or None keys are not written."""
    return _check(_ll.dice_tcb_encode(_tcb_blob(tcb)))


def tcb_info_parse(der):
    """Parse a DER DiceTcbInfo strictly into a dict (``flags`` as int bits,
    ``fwids`` as [(alg name, digest)])."""
    return _tcb_dict(_check(_ll.dice_tcb_parse(bytes(_bytes_in(der, "der")), 0)))


def tcb_info_from_cert(cert):
    """The DiceTcbInfo of a certificate (DER or :class:`Certificate`);
    MOAT_ERR_NOT_FOUND when it has none."""
    if isinstance(cert, Certificate):
        cert = cert.der
    return _tcb_dict(_check(_ll.dice_tcb_parse(bytes(_bytes_in(cert, "cert")), 1)))


# -------------------------------------------------------------- EAT


def eat_ueid(device_id_key):
    """moat's UEID (17 bytes) of a DeviceID :class:`PublicKey` (or
    :class:`PrivateKey`): 0x01 || SHA-256(SPKI)[:16]."""
    if isinstance(device_id_key, PrivateKey):
        device_id_key = device_id_key.public_key()
    if not isinstance(device_id_key, PublicKey):
        raise TypeError("device_id_key must be a moat.PublicKey")
    return _check(_ll.eat_ueid(device_id_key._curve, device_id_key._point))


_CLAIM_KEYS = ("eat_nonce", "ueid", "oemid", "hwmodel", "hwversion", "swname", "swversion",
               "dbgstat", "measurements", "iat")
_MEAS_KEYS = ("name", "version", "svn", "alg", "digest")


def _dbgstat_id(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return _uint(value, "dbgstat", 8)
    if value not in DBGSTAT:
        raise ValueError("unknown dbgstat %r (use %s)" % (value, ", ".join(DBGSTAT)))
    return DBGSTAT.index(value)


def _text_bytes(value, what):
    if not isinstance(value, str):
        raise TypeError("%s must be a str" % what)
    b = value.encode("utf-8")
    if len(b) > 255:
        raise ValueError("%s longer than 255 bytes" % what)
    return b


def _meas_rec(m):
    _strict_keys(m, _MEAS_KEYS, "measurement")
    for key in ("name", "version", "digest"):
        if key not in m:
            raise ValueError("measurement without %r" % key)
    name = _text_bytes(m["name"], "measurement name")
    ver = _text_bytes(m["version"], "measurement version")
    svn = m.get("svn")
    has_svn = svn is not None
    v = bytes([_alg_id(m.get("alg", "sha-256")), 1 if has_svn else 0])
    v += _struct.pack(">Q", _uint(svn, "svn") if has_svn else 0)
    v += bytes([len(name)]) + name + bytes([len(ver)]) + ver
    v += bytes(_bytes_in(m["digest"], "measurement digest"))
    return _rec(ord("M"), v)


def _meas_dict(v):
    alg, has_svn = v[0], v[1]
    (svn,) = _struct.unpack(">Q", v[2:10])
    pos = 10
    nl = v[pos]
    name = v[pos + 1:pos + 1 + nl].decode("utf-8")
    pos += 1 + nl
    vl = v[pos]
    ver = v[pos + 1:pos + 1 + vl].decode("utf-8")
    pos += 1 + vl
    d = {"name": name, "version": ver, "alg": _DIGEST_NAMES.get(alg, alg),
         "digest": bytes(v[pos:])}
    if has_svn:
        d["svn"] = svn
    return d


def _claims_blob(claims):
    _strict_keys(claims, _CLAIM_KEYS, "claims")
    for key in ("ueid", "hwmodel", "swname", "swversion", "dbgstat", "measurements"):
        if key not in claims:
            raise ValueError("claims without %r" % key)
    out = b""
    if claims.get("eat_nonce") is not None:  # absent: moat says EAT_NONCE_MISSING
        out += _rec(ord("n"), bytes(_bytes_in(claims["eat_nonce"], "eat_nonce")))
    out += _rec(ord("u"), bytes(_bytes_in(claims["ueid"], "ueid")))
    oemid = claims.get("oemid")
    if isinstance(oemid, int) and not isinstance(oemid, bool):
        out += _rec(ord("P"), _struct.pack(">I", _uint(oemid, "oemid (PEN)", 32)))
    elif oemid is not None:
        out += _rec(ord("o"), bytes(_bytes_in(oemid, "oemid")))
    hw = claims["hwmodel"]
    out += _rec(ord("h"), hw.encode("utf-8") if isinstance(hw, str) else
                bytes(_bytes_in(hw, "hwmodel")))
    if claims.get("hwversion") is not None:
        out += _rec(ord("H"), _text_bytes(claims["hwversion"], "hwversion"))
    out += _rec(ord("N"), _text_bytes(claims["swname"], "swname"))
    out += _rec(ord("V"), _text_bytes(claims["swversion"], "swversion"))
    out += _rec(ord("d"), bytes([_dbgstat_id(claims["dbgstat"])]))
    iat = _now(claims.get("iat"))
    out += _rec(ord("t"), _struct.pack(">q", iat))
    for m in claims["measurements"]:
        out += _meas_rec(m)
    return out


def eat_issue(alias_key, claims, x5c):
    """Issue evidence: an EAT (RFC 9711) as a JWT signed (ES256) by the
    alias key, header {"alg":"ES256","typ":"eat+jwt","x5c":[...]}.

    ``alias_key``: the :class:`PrivateKey` of the alias certificate
    (``DiceCdis.alias_key()``). ``claims``: a dict with ``eat_nonce``
    (bytes, 8..64, from the verifier), ``ueid`` (17 bytes, :func:`eat_ueid`
    of the DeviceID key), ``oemid`` (int PEN or 3/16 bytes, optional),
    ``hwmodel`` (bytes or str), ``hwversion`` (optional), ``swname``,
    ``swversion`` (str), ``dbgstat`` (a :data:`DBGSTAT` name),
    ``measurements`` (list of {"name", "version", "svn" (optional), "alg"
    (default "sha-256"), "digest"}), ``iat`` (int, default now).
    ``x5c``: the chain as DER, leaf first: alias certificate, CDI
    certificates (last layer first), DeviceID certificate.
    Returns the token (str)."""
    blob = _claims_blob(claims)
    if isinstance(x5c, (bytes, bytearray, memoryview, str)):
        raise TypeError("x5c must be a list of DER certificates")
    return _check(_ll.eat_issue(_private(alias_key, "alias_key"), blob,
                                _list_blob(x5c))).decode("ascii")


class NonceStore:
    """Verifier nonces: single use, bound to a device (its UEID) or to any
    device, with expiry (moat_nonce_store). The capacity is fixed at build
    time (:attr:`CAPACITY` = MOAT_NONCE_STORE_MAX); a full store reclaims
    expired entries, then fails with MOAT_ERR_EAT_NONCE_STORE_FULL.

    Thread safe: issue, check, consume and :func:`eat_verify` on one store
    are serialized by a lock.
    """

    CAPACITY = _ll.nonce_store_max()
    #: Size of the nonces :meth:`issue` returns.
    NONCE_SIZE = _ll.nonce_size()

    __slots__ = ("_h", "_lock")

    def __init__(self, capacity=None):
        if capacity is not None and capacity != self.CAPACITY:
            raise ValueError("the nonce store capacity is fixed at build time "
                             "(MOAT_NONCE_STORE_MAX = %d)" % self.CAPACITY)
        self._lock = _threading.Lock()
        self._h = _check(_ll.nonces_new())

    def _handle(self):
        h = getattr(self, "_h", None)
        if h is None:
            raise ValueError("nonce store has been wiped")
        return h

    def issue(self, device_ueid=None, now=None, ttl=300):
        """A fresh 32-byte nonce valid for ``ttl`` seconds from ``now``,
        bound to ``device_ueid`` (17 bytes) or, when None, to any device."""
        ueid = None if device_ueid is None else bytes(_bytes_in(device_ueid, "device_ueid"))
        seed = bytearray(_os.urandom(_SEED_LEN))
        try:
            with self._lock:
                return _check(_ll.nonce_issue(self._handle(), seed, ueid, _now(now),
                                              _uint(ttl, "ttl", 32)), "nonce issue")
        finally:
            seed[:] = bytes(len(seed))

    def _use(self, nonce, device_ueid, now, consume):
        with self._lock:
            _check(_ll.nonce_use(self._handle(), bytes(_bytes_in(nonce, "nonce")),
                                 _fixed(device_ueid, _UEID_SIZE, "device_ueid"), _now(now),
                                 1 if consume else 0))

    def check(self, nonce, device_ueid, now=None):
        """Raise the MoatError :func:`eat_verify` would give for this nonce
        (MOAT_ERR_EAT_NONCE_UNKNOWN, _USED, _DEVICE); no state change."""
        self._use(nonce, device_ueid, now, False)

    def consume(self, nonce, device_ueid, now=None):
        """As :meth:`check`, then mark the nonce used (protocols other
        than EAT; :func:`eat_verify` consumes the token's nonce itself)."""
        self._use(nonce, device_ueid, now, True)

    def wipe(self):
        """Forget every nonce and free the store (idempotent)."""
        h = getattr(self, "_h", None)
        if h is not None:
            self._h = None
            _ll.nonces_free(h)

    def __del__(self):
        try:
            self.wipe()
        except Exception:  # interpreter shutdown
            pass

    def __reduce__(self):
        raise TypeError("moat.NonceStore cannot be pickled")


class Evidence(dict):
    """Verified evidence from :func:`eat_verify`: a dict of the claims
    (``eat_nonce``, ``ueid``, ``oemid`` when present, ``hwmodel`` (bytes),
    ``hwversion`` when present, ``swname``, ``swversion``, ``dbgstat``
    (name), ``iat``, ``measurements``, ``eat_profile``) and the chain facts
    (``tcb``: the alias certificate's DiceTcbInfo, ``alias_key`` and
    ``device_id_key``: :class:`PublicKey`, ``chain_len``, ``layers``: what
    each CDI certificate certifies, first layer first, as dicts with
    ``code_hash``, ``config``, ``config_is_hash``, ``authority_hash``,
    ``mode`` and ``profile_name``). It also holds
    the C evidence that :func:`appraise` reads: only verified evidence can
    be appraised."""

    __slots__ = ("_h",)

    def __del__(self):
        h = getattr(self, "_h", None)
        if h is not None:
            self._h = None
            try:
                _ll.evidence_free(h)
            except Exception:  # interpreter shutdown
                pass

    def __reduce__(self):
        raise TypeError("moat.Evidence cannot be pickled (use dict(evidence))")


def _evidence(handle, blob):
    ev = Evidence()
    ev._h = handle
    ev["eat_profile"] = EAT_PROFILE
    ev["measurements"] = []
    for tag, v in _recs(blob):
        t = chr(tag)
        if t == "n":
            ev["eat_nonce"] = bytes(v)
        elif t == "u":
            ev["ueid"] = bytes(v)
        elif t == "P":
            ev["oemid"] = _struct.unpack(">I", v)[0]
        elif t == "o":
            ev["oemid"] = bytes(v)
        elif t == "h":
            ev["hwmodel"] = bytes(v)
        elif t == "H":
            ev["hwversion"] = v.decode("utf-8")
        elif t == "N":
            ev["swname"] = v.decode("utf-8")
        elif t == "V":
            ev["swversion"] = v.decode("utf-8")
        elif t == "d":
            ev["dbgstat"] = DBGSTAT[v[0]] if v[0] < len(DBGSTAT) else v[0]
        elif t == "t":
            ev["iat"] = _struct.unpack(">q", v)[0]
        elif t == "M":
            ev["measurements"].append(_meas_dict(v))
        elif t == "T":
            ev["tcb"] = _tcb_dict(v)
        elif t == "A":
            ev["alias_key"] = _pub_rec(v)
        elif t == "D":
            ev["device_id_key"] = _pub_rec(v)
        elif t == "L":
            ev["chain_len"] = v[0]
        elif t == "Y":
            ev.setdefault("layers", []).append({
                "code_hash": bytes(v[0:64]), "config": bytes(v[64:128]),
                "config_is_hash": bool(v[128]), "authority_hash": bytes(v[129:193]),
                "mode": _DICE_MODE_NAMES.get(v[193], v[193]),
                "profile_name": v[194:].decode("utf-8") or None})
    return ev


def eat_verify(token, roots=(), nonce_store=None, now=None, device_ids=(), iat_max_age=300,
               iat_skew=60, dbgstat=DBGSTAT_PRODUCTION, min_svn=None):
    """Verify evidence with moat_eat_verify (the one decision function):
    size, header (typ "eat+jwt", ES256 only), the x5c chain to one of
    ``roots`` (DER trust anchors) or to a registered DeviceID key of
    ``device_ids`` (:class:`PublicKey` list), the leaf is an alias
    certificate, the signature, the claims (strict), eat_profile, eat_nonce,
    ueid = the chain's DeviceID, ``now - iat_max_age <= iat <= now +
    iat_skew``, measurements = the alias DiceTcbInfo, ``dbgstat`` in the
    allowed names (default: production, everything but "enabled"), the
    TcbInfo svn >= ``min_svn`` (when not None), and finally the nonce is
    consumed from ``nonce_store`` (the only state change).

    Returns an :class:`Evidence`; raises :class:`MoatError` whose ``name``
    is the failed check (e.g. MOAT_ERR_EAT_NONCE_USED for a replay,
    MOAT_ERR_X509_NO_ISSUER for an untrusted root)."""
    if not isinstance(nonce_store, NonceStore):
        raise TypeError("nonce_store must be a moat.NonceStore")
    if isinstance(roots, (bytes, bytearray, memoryview)):
        raise TypeError("roots must be a list of DER certificates")
    roots = [r.der if isinstance(r, Certificate) else r for r in roots]
    keys = b""
    for k in device_ids:
        if not isinstance(k, PublicKey):
            raise TypeError("device_ids must be moat.PublicKey objects")
        keys += _rec(ord("k"), bytes([k._curve]) + k._point)
    if isinstance(dbgstat, str):
        dbgstat = (dbgstat,)
    mask = 0
    for name in dbgstat:
        mask |= 1 << _dbgstat_id(name)
    require = min_svn is not None
    with nonce_store._lock:
        res = _ll.eat_verify(_text_in(token, "token"), _list_blob(roots), keys,
                             nonce_store._handle(), _now(now), _uint(iat_max_age, "iat_max_age", 32),
                             _uint(iat_skew, "iat_skew", 32), mask, 1 if require else 0,
                             _uint(min_svn, "min_svn") if require else 0)
    handle, blob = _check(res)
    return _evidence(handle, blob)


# -------------------------------------------------------- appraisal


def _refvals_in(refvals):
    if isinstance(refvals, dict):
        return _json.dumps(refvals, separators=(",", ":")).encode("utf-8")
    return bytes(_text_in(refvals, "refvals"))


def refvals_validate(refvals):
    """Check a reference values document (str, bytes or dict) against its
    schema (docs/attestation.md "Reference values"); raises MoatError
    (MOAT_ERR_REFVAL_INVALID, MOAT_ERR_JSON_*) when it does not conform."""
    _check(_ll.refvals_validate(_refvals_in(refvals)))


class AttestationResult(dict):
    """An attestation result (RFC 9334 section 7.3, EAR-shaped): the parsed
    JSON as a dict, with ``json`` (the exact text moat wrote, which is what
    :meth:`sign` signs) and ``status`` ("affirming", "warning",
    "contraindicated")."""

    __slots__ = ("json", "status")

    def sign(self, verifier_key):
        """The result as a JWT (compact JWS, ES256, typ "JWT", kid = the
        key's thumbprint) signed by the verifier's :class:`PrivateKey`."""
        return attestation_result_sign(self.json, verifier_key)


def appraise(evidence, refvals, now=None):
    """Appraise :class:`Evidence` against reference values (str, bytes or
    dict): returns an :class:`AttestationResult`. A model without reference
    values raises MOAT_ERR_REFVAL_UNKNOWN_MODEL; otherwise the outcome is
    in the result (``status``, per-group trustworthiness vector, reasons)."""
    if not isinstance(evidence, Evidence) or getattr(evidence, "_h", None) is None:
        raise TypeError("evidence must come from moat.eat_verify()")
    res = _ll.appraise(evidence._h, _refvals_in(refvals), _now(now))
    rc, status, text = res[0], res[1], res[2]
    if rc != 0:
        raise MoatError(rc, "appraisal")
    text = text.decode("utf-8")
    out = AttestationResult(_json.loads(text))
    out.json = text
    out.status = AR_STATUS.get(status, "none")
    return out


def attestation_result_sign(result_json, verifier_key):
    """Sign an attestation result JSON text (``AttestationResult.json``) as
    a JWT with the verifier's key (moat_attest_result_sign)."""
    return _check(_ll.result_sign(_private(verifier_key, "verifier_key"),
                                  _text_in(result_json, "result_json"))).decode("ascii")


__all__ += ["EAT_PROFILE", "DBGSTAT", "DBGSTAT_PRODUCTION", "DICE_MODES", "TCB_FLAGS",
            "AR_STATUS", "DiceCdis", "dice_layer", "dice_device_id", "dice_device_id_key",
            "dice_device_id_csr", "dice_device_id_certify", "dice_id", "tcb_info_encode",
            "tcb_info_parse", "tcb_info_from_cert", "eat_ueid", "eat_issue", "NonceStore",
            "Evidence", "eat_verify", "refvals_validate", "AttestationResult", "appraise",
            "attestation_result_sign", "b64url"]


# ------------------------------------------------------- failure reports

#: Failure kinds (moat_report_kind), by their JSON names.
REPORT_KINDS = {"crash": 1, "watchdog_reset": 2, "update_failure": 3,
                "attestation_failure": 4, "security_violation": 5}


def report_batch_verify(token, device_public_key, device_id=None):
    """Verify a failure-report batch (moat_report_batch_verify) under the
    device's :class:`PublicKey` (its attestation alias key, or its device
    key) and return its claims as a dict: ``iss``, ``iat`` (when the device
    had trusted time), ``moat_report``, ``first_id``, ``last_id``,
    ``dropped`` and ``events`` (each with ``id``, ``kind``, ``component``,
    ``version``, ``code`` and ``time`` or ``boot``). ``device_id``: the
    "iss" required (None: any). Raises :class:`MoatError` with the exact
    check that failed."""
    if not isinstance(device_public_key, PublicKey):
        raise TypeError("device_public_key must be a moat.PublicKey")
    if device_id is not None and not isinstance(device_id, str):
        raise TypeError("device_id must be a str or None")
    claims = _check(_ll.report_batch_verify(_text_in(token, "token"), device_public_key._curve,
                                            device_public_key._point, device_id),
                    "report batch")
    return _json.loads(claims.decode("utf-8"))


def report_ack(batch, service_key, iat=None):
    """Acknowledge a verified batch (the dict of :func:`report_batch_verify`)
    through its ``last_id``: a JWT (typ "moat-report-ack+jwt") signed by the
    service's :class:`PrivateKey` (moat_report_ack_sign). ``iat``: seconds
    since 1970, or None for no "iat". Returns the token (str)."""
    if not isinstance(batch, dict):
        raise TypeError("batch must be the dict returned by report_batch_verify()")
    device, through = batch.get("iss"), batch.get("last_id")
    if not isinstance(device, str) or not isinstance(through, int) or through < 1:
        raise ValueError("batch lacks a device id (iss) or a last_id")
    return _check(_ll.report_ack_sign(_private(service_key, "service_key"), device, through,
                                      0 if iat is None else 1, 0 if iat is None else int(iat)),
                  "report ack").decode("ascii")


class ReportDevice:
    """A simulated reporting device: moat's C ring (moat_report_*) over an
    in-memory port, for tests and tools. ``device_id`` is its "iss".
    Nothing survives the object except through :meth:`reopen` (a reboot:
    the ring is re-read from the simulated storage). Not thread-safe."""

    def __init__(self, device_id, now=None):
        self.device_id = device_id
        self._sim = _check(_ll.sim_new(0, 0, 0, 0))
        self._h = None
        self.now = now
        self.reopen()

    @property
    def now(self):
        """The device's trusted time (None: no time; events carry the boot counter)."""
        return self._now

    @now.setter
    def now(self, value):
        self._now = None if value is None else int(value)
        _ll.sim_set_time(self._sim, 0 if value is None else 1, 0 if value is None else int(value))

    def reopen(self):
        """Reboot: drop the RAM context and re-read the ring (moat_report_open)."""
        self._free_ctx()
        self._h = _check(_ll.report_open(self._sim, self.device_id), "report open")

    def boot(self):
        """Advance the boot counter (moat_report_boot)."""
        _check(_ll.report_boot(self._h), "report boot")

    def record(self, kind, component, version="", code=0):
        """Record a failure event; returns its id."""
        if kind not in REPORT_KINDS:
            raise ValueError("unknown kind %r (use one of %s)" % (kind, ", ".join(REPORT_KINDS)))
        return _check(_ll.report_record(self._h, REPORT_KINDS[kind], component, version, code),
                      "report record")

    def export(self, key, max_events=16):
        """The oldest unacknowledged events as a batch signed by ``key``
        (a :class:`PrivateKey`: the alias or device key). Returns the token."""
        return _check(_ll.report_export(self._h, _private(key, "key"), max_events),
                      "report export").decode("ascii")

    def apply_ack(self, token, service_public_key):
        """Verify an acknowledgement under the service's :class:`PublicKey`
        and free what it acknowledges; returns the number freed."""
        if not isinstance(service_public_key, PublicKey):
            raise TypeError("service_public_key must be a moat.PublicKey")
        return _check(_ll.report_ack_apply(self._h, _text_in(token, "token"),
                                           service_public_key._curve, service_public_key._point),
                      "report ack")

    @property
    def pending(self):
        """Unacknowledged events held."""
        return _check(_ll.report_status(self._h))[0]

    @property
    def dropped(self):
        """Events dropped unacknowledged (ring full), since the beginning."""
        return _check(_ll.report_status(self._h))[1]

    def _free_ctx(self):
        h = getattr(self, "_h", None)
        if h is not None:
            self._h = None
            _ll.report_free(h)

    def __del__(self):
        try:
            self._free_ctx()
            sim = getattr(self, "_sim", None)
            if sim is not None:
                self._sim = None
                _ll.sim_free(sim)
        except Exception:  # interpreter shutdown
            pass

    def __reduce__(self):
        raise TypeError("moat.ReportDevice cannot be pickled")


__all__ += ["REPORT_KINDS", "report_batch_verify", "report_ack", "ReportDevice"]

# ------------------------------------------------------- sealed messages

#: Largest body of a sealed message (MOAT_MSG_BODY_MAX).
MESSAGE_BODY_MAX = _ll.msg_body_max()


class MessageReplayState:
    """Per-sender replay windows of a message receiver (moat_msg_replay, in
    C) over a one-record in-memory store. Persist :attr:`record` (bytes)
    after each accepted message and pass it back to the constructor on the
    next start, so that a restart does not reopen the window. A malformed
    record raises ``MOAT_ERR_MSG_REPLAY_RECORD``. Not thread-safe."""

    def __init__(self, record=None):
        if record is None:
            self._h = _check(_ll.msg_replay_new(0, b""), "replay state")
        else:
            self._h = _check(_ll.msg_replay_new(1, bytes(_bytes_in(record, "record"))),
                             "replay state")

    @property
    def record(self):
        """The persisted form (empty before the first accepted message)."""
        return _check(_ll.msg_replay_record(self._h))

    def window(self, sender):
        """``(highest, bitmap)`` of ``sender``'s window, or None if unknown."""
        res = _ll.msg_replay_get(self._h, sender)
        if res[0] == _MSG_NOT_FOUND:
            return None
        return tuple(_check(res, "replay window"))

    def forget(self, sender):
        """Remove ``sender``'s window (moat_msg_replay_forget), freeing its
        slot in the table of 16 senders; :attr:`record` changes (persist
        it). For RETIRED senders only: remove ``sender`` from every directory
        passed to :func:`open_message` first, since forgetting makes its old
        messages pass the replay window again (docs/messages.md). Raises
        ``MOAT_ERR_NOT_FOUND`` (nothing changes) for an unknown sender."""
        if not isinstance(sender, str):
            raise TypeError("sender must be a str")
        _check(_ll.msg_replay_forget(self._h, sender), "replay forget")

    def __del__(self):
        try:
            h = getattr(self, "_h", None)
            if h is not None:
                self._h = None
                _ll.msg_replay_free(h)
        except Exception:  # interpreter shutdown
            pass

    def __reduce__(self):
        raise TypeError("moat.MessageReplayState cannot be pickled (save .record)")


_MSG_NOT_FOUND = 7  # MOAT_ERR_NOT_FOUND


def seal_message(sender_key, recipient_public_key, sender, recipient, msg_type, seq, body,
                 iat=None):
    """Seal ``body`` (bytes, at most :data:`MESSAGE_BODY_MAX`) from
    ``sender`` to ``recipient`` (moat_msg_seal): a JWS signed by
    ``sender_key`` (:class:`PrivateKey`, kid = its thumbprint) over
    {"v":1,"from","to","type","seq","iat","body"}, encrypted as a JWE
    (ECDH-ES, A256GCM) to ``recipient_public_key`` (:class:`PublicKey`,
    P-256) with iss/aud/msg_type in its protected header. ``seq``: the
    sender's sequence number (1..2^53-1, never reused); ``iat``: seconds
    since 1970 (default: now). Returns the compact message (str)."""
    import time as _time
    if not isinstance(recipient_public_key, PublicKey):
        raise TypeError("recipient_public_key must be a moat.PublicKey")
    for v, what in ((sender, "sender"), (recipient, "recipient"), (msg_type, "msg_type")):
        if not isinstance(v, str):
            raise TypeError("%s must be a str" % what)
    if iat is None:
        iat = int(_time.time())
    return _check(_ll.msg_seal(_private(sender_key, "sender_key"), sender, recipient, msg_type,
                               int(seq), int(iat), recipient_public_key._curve,
                               recipient_public_key._point, bytes(_bytes_in(body, "body")),
                               _os.urandom(_SEED_LEN)),
                  "seal message").decode("ascii")


def open_message(message, recipient_key, me, directory, replay, types):
    """Open a sealed message as ``me`` (moat_msg_open): decrypt with
    ``recipient_key`` (:class:`PrivateKey`), verify the inner signature under
    the key ``directory`` (dict: sender id -> :class:`PublicKey`) holds for
    the sender, check recipient, type (``types``: the allowed types) and
    header binding, then the replay window of ``replay``
    (:class:`MessageReplayState`), which is updated only when every check
    passed. Returns a dict ``from``, ``type``, ``seq``, ``iat``, ``body``.
    Raises :class:`MoatError` with the exact check that failed (e.g.
    ``MOAT_ERR_MSG_REPLAY``)."""
    if not isinstance(replay, MessageReplayState):
        raise TypeError("replay must be a moat.MessageReplayState")
    if not isinstance(directory, dict) or not directory:
        raise TypeError("directory must be a non-empty dict of id -> moat.PublicKey")
    packed = bytearray()
    for ident, pub in directory.items():
        if not isinstance(ident, str) or not isinstance(pub, PublicKey):
            raise TypeError("directory must map str ids to moat.PublicKey")
        raw = ident.encode("utf-8")
        if not 0 < len(raw) < 256:
            raise ValueError("directory id of bad length: %r" % ident)
        packed += bytes([len(raw)]) + raw + bytes([pub._curve, len(pub._point)]) + pub._point
    types = list(types)
    if not types or not all(isinstance(t, str) and "\n" not in t for t in types):
        raise TypeError("types must be a non-empty list of str")
    body, info = _check(_ll.msg_open(replay._h, _private(recipient_key, "recipient_key"), me,
                                     bytes(packed), "\n".join(types),
                                     _text_in(message, "message")),
                        "open message")
    res = _json.loads(info.decode("ascii"))
    res["body"] = body
    return res


__all__ += ["MESSAGE_BODY_MAX", "MessageReplayState", "seal_message", "open_message"]
