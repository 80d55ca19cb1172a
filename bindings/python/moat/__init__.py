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


class PrivateKey:
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

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.wipe()
        return False

    def __reduce__(self):
        raise TypeError("moat.PrivateKey cannot be pickled")

    def __copy__(self):
        raise TypeError("moat.PrivateKey cannot be copied")

    def __deepcopy__(self, memo):
        raise TypeError("moat.PrivateKey cannot be copied")

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


def _ext_blob(is_ca=None, path_len=-1, key_usage=None, eku=(), san=(), ski=False, aki=None):
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
    if ski:
        out += _rec(ord("s"), b"")
    if aki:
        out += _rec(ord("a"), bytes(aki))
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
                      san=(), ski=True):
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
    ``ski``: write subjectKeyIdentifier.
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
                    san=san, ski=ski)
    return _check(_ll.x509_issue(h, issuer_der, issuer_name, subject_key._curve,
                                 subject_key._point, _name_blob(subject),
                                 _serial_bytes(serial), int(not_before), int(not_after),
                                 ext))


__all__ += ["Certificate", "pem_certs", "cert_pem", "verify_chain", "create_csr",
            "parse_csr", "issue_certificate", "KEY_USAGE", "EKU", "NAME_ATTRS"]
