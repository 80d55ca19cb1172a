"""moat.update: verified updates, service side and device simulation.

Service side (the documents of docs/manifest.md, trust model in
docs/update.md):

* :func:`root_payload` / :func:`root_payload_next` build the payload of a
  trust root (``{"moat_root":1,...}``) and of its successor (rotation);
* :func:`manifest_payload` builds a manifest payload (``{"moat_manifest":1,
  ...}``) from an image file, hashing it in chunks (a progress bar on
  stderr for large images);
* :func:`sign` adds ONE signature to a document (a JWS General JSON
  Serialization, RFC 7515 section 7.2.1), or starts a document from a
  payload: k-of-n signing is k calls, each on the machine that holds its
  key, passing the document file along.

Device side, for simulators and offline checks: :class:`Device` is a
simulated device whose port (records, monotonic counters, update slots, a
settable clock) lives in memory; it runs exactly the C functions a device
runs: moat_update_root_bootstrap(), moat_update_root_rotate(),
moat_update_manifest_verify(), the streaming image check
(moat_update_stream_begin/write/finish) and the install state machine
(trial, boot, confirm). :func:`verify_bundle` chains them for one bundle
(roots, manifest, image). Every acceptance decision is taken by the C
library; every failure raises :class:`moat.MoatError` whose ``name`` is the
exact check that failed (e.g. ``MOAT_ERR_UPDATE_SEQUENCE_ROLLBACK``).

Times are integers, seconds since 1970-01-01 UTC; ``now=None`` means the
device has no trusted time (expiry is then not checked: docs/update.md).
"""

import base64 as _base64
import datetime as _dt
import json as _json
import os as _os
import re as _re
import struct as _struct
import sys as _sys
import time as _time

import moat as _moat
from moat import MoatError, PrivateKey, PublicKey
from . import lowlevel as _ll

__all__ = [
    "NO_TIME", "STATES", "SLOT_COUNT", "MAX_COMPONENTS", "MAX_KEYS",
    "Progress", "hash_file", "parse_time", "parse_version", "parse_uuid",
    "root_payload", "root_payload_next", "root_epoch", "manifest_payload", "sign",
    "is_document", "document_payload", "document_kids",
    "Root", "Manifest", "root_check", "manifest_check", "Device", "verify_bundle",
    "SimulatedDevice",
]

#: ``now`` for "the device has no trusted time".
NO_TIME = None
#: Install states (moat_update_state), by value.
STATES = {0: "none", 1: "staged", 2: "trial", 3: "confirmed", 4: "reverted"}
#: Update slots per device (MOAT_PORT_SLOT_COUNT).
SLOT_COUNT = _ll.update_slot_count()
#: Components per device (MOAT_UPDATE_MAX_COMPONENTS).
MAX_COMPONENTS = _ll.update_max_components()
#: Keys per role (MOAT_UPDATE_MAX_KEYS).
MAX_KEYS = _ll.update_max_keys()
#: Counter of the confirmed manifest sequence, and base of the svn counters.
COUNTER_SEQUENCE = _ll.update_counter_sequence()
COUNTER_SVN_BASE = _ll.update_counter_svn_base()

_C_NO_TIME = _ll.update_no_time()
_HASH_CHUNK = 1 << 20
_STREAM_CHUNK = 64 * 1024
#: Images at least this large show a progress bar (unless quiet).
PROGRESS_MIN = 1 << 20
_UINT32_MAX = 0xFFFFFFFF
_INT_MAX = (1 << 53) - 1
_NAME_RE = _re.compile(r"^[A-Za-z0-9._-]{1,31}$")
_VERSION_RE = _re.compile(r"^(0|[1-9][0-9]{0,9})\.(0|[1-9][0-9]{0,9})\.(0|[1-9][0-9]{0,9})$")
_UUID_RE = _re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _b64u(data):
    return _base64.urlsafe_b64encode(bytes(data)).rstrip(b"=").decode("ascii")


def _b64u_decode(text):
    if not isinstance(text, str):
        raise ValueError("base64url text expected")
    return _base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _check(res, context=None):
    return _moat._check(res, context)


def _c_now(now):
    if now is None:
        return _C_NO_TIME
    return _int(now, "now", -(1 << 62), 1 << 62)


def _int(value, what, lo, hi):
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("%s must be an int" % what)
    if value < lo or value > hi:
        raise ValueError("%s out of range (%d .. %d)" % (what, lo, hi))
    return value


# ------------------------------------------------------------- helpers


def parse_time(text, now=None):
    """A time for ``expires`` / ``now``: an int (seconds since the epoch),
    a decimal string of one, an ISO 8601 date or date-time (UTC unless an
    offset is given, e.g. "2030-01-01" or "2030-01-01T00:00:00Z"), or a
    duration from ``now`` (default: the current time) such as "+365d",
    "+12h", "+30m", "+90s", "+2w"."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    if not isinstance(text, str):
        raise TypeError("a time is an int or a str")
    t = text.strip()
    m = _re.match(r"^\+([0-9]+)([smhdw])$", t)
    if m:
        unit = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[m.group(2)]
        base = int(_time.time()) if now is None else now
        return base + int(m.group(1)) * unit
    if _re.match(r"^-?[0-9]+$", t):
        return int(t)
    iso = t[:-1] + "+00:00" if t.endswith("Z") else t
    try:
        d = _dt.datetime.fromisoformat(iso)
    except ValueError:
        raise ValueError("not a time: %r (use seconds, ISO 8601 or +N[smhdw])" % text)
    if d.tzinfo is None:
        d = d.replace(tzinfo=_dt.timezone.utc)
    return int(d.timestamp())


def parse_version(text):
    """Check a version "MAJOR.MINOR.PATCH" (no leading zeros, each at most
    2^32-1; docs/manifest.md) and return it as a tuple of ints."""
    if not isinstance(text, str) or not _VERSION_RE.match(text):
        raise ValueError("version %r is not MAJOR.MINOR.PATCH" % (text,))
    parts = tuple(int(p) for p in text.split("."))
    if any(p > _UINT32_MAX for p in parts):
        raise ValueError("version %r: a part exceeds 2^32-1" % (text,))
    return parts


def parse_uuid(text):
    """Check a UUID in lower-case RFC 9562 text form and return its 16 bytes."""
    if isinstance(text, (bytes, bytearray)) and len(text) == 16:
        return bytes(text)
    if not isinstance(text, str) or not _UUID_RE.match(text):
        raise ValueError("%r is not a lower-case UUID (8-4-4-4-12 hex digits)" % (text,))
    return bytes.fromhex(text.replace("-", ""))


def _uuid_text(value):
    if isinstance(value, (bytes, bytearray)):
        if len(value) != 16:
            raise ValueError("a binary UUID is 16 bytes")
        h = bytes(value).hex()
        return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])
    parse_uuid(value)
    return value


def _name(value, what="component"):
    if not isinstance(value, str) or not _NAME_RE.match(value):
        raise ValueError("%s name %r: 1..31 characters of [A-Za-z0-9._-]" % (what, value))
    return value


class Progress:
    """A text progress bar on a stream (default stderr), no dependencies:
    ``label [#########...........]  45%  3.6/8.0 MiB``. Redrawn in place
    (carriage return) at most once per percent on a terminal, every 10 %
    otherwise (logs); :meth:`done` ends the line.
    ``enabled=False`` makes every call a no-op."""

    WIDTH = 30

    def __init__(self, total, label="", stream=None, enabled=True):
        self.total = max(int(total), 0)
        self.label = label
        self.stream = _sys.stderr if stream is None else stream
        self.enabled = enabled
        self.done_bytes = 0
        self._shown = -1
        self._ended = False

    def update(self, n):
        """``n`` more bytes are done."""
        self.done_bytes += n
        if not self.enabled or self._ended:
            return
        pct = 100 if self.total == 0 else min(100, self.done_bytes * 100 // self.total)
        if pct == self._shown or (pct < 100 and pct - self._shown < self._step()):
            return
        self._shown = pct
        fill = pct * self.WIDTH // 100
        mib = 1024.0 * 1024.0
        self.stream.write("\r%s [%s%s] %3d%% %6.1f/%.1f MiB" % (
            self.label, "#" * fill, "." * (self.WIDTH - fill), pct,
            self.done_bytes / mib, self.total / mib))
        self.stream.flush()

    def _step(self):
        """Percent between redraws: 1 on a terminal, 10 in a log file."""
        try:
            return 1 if self.stream.isatty() else 10
        except (AttributeError, ValueError):
            return 10

    def done(self):
        """End the bar's line (once)."""
        if self.enabled and not self._ended and self._shown >= 0:
            self.stream.write("\n")
            self.stream.flush()
        self._ended = True


def _progress_for(total, label, progress):
    """progress: None (automatic: a bar for large inputs), False (never),
    True (always) or a Progress-like object."""
    if progress is None:
        return Progress(total, label, enabled=total >= PROGRESS_MIN)
    if progress is True or progress is False:
        return Progress(total, label, enabled=progress)
    return progress


def hash_file(path, progress=None, chunk_size=_HASH_CHUNK):
    """SHA-256 (moat's streaming moat_hash) and size of a file, read in
    chunks of ``chunk_size`` bytes (constant memory). ``progress``: see
    :func:`manifest_payload`. Returns ``(size, digest)``."""
    size = _os.stat(path).st_size
    bar = _progress_for(size, "hashing %s" % _os.path.basename(str(path)), progress)
    h = _check(_ll.hstream_new(1))
    total = 0
    try:
        with open(path, "rb") as f:
            while True:
                block = f.read(chunk_size)
                if not block:
                    break
                _check(_ll.hstream_update(h, block))
                total += len(block)
                bar.update(len(block))
        digest = _check(_ll.hstream_digest(h))
    finally:
        _ll.hstream_free(h)
        bar.done()
    return total, digest


def _hash_bytes(data):
    return len(data), _moat.sha256(bytes(data))


# ------------------------------------------------------- documents


def _dumps(obj):
    return _json.dumps(obj, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def _keys_in(keys, what):
    out = []
    for k in keys:
        if isinstance(k, PrivateKey):
            k = k.public_key()
        if not isinstance(k, PublicKey):
            raise TypeError("%s keys must be moat.PublicKey (or PrivateKey) objects" % what)
        out.append(k)
    if not 1 <= len(out) <= MAX_KEYS:
        raise ValueError("the %s role needs 1..%d keys" % (what, MAX_KEYS))
    if len(set(out)) != len(out):
        raise ValueError("a %s key appears twice" % what)
    return out


def _role(keys, threshold, what):
    keys = _keys_in(keys, what)
    threshold = _int(threshold, "%s threshold" % what, 1, len(keys))
    return {"keys": [_json.loads(k.jwk()) for k in keys], "threshold": threshold}


def root_payload(version, expires, root_keys, root_threshold, targets_keys,
                 targets_threshold, sequence_epoch=None):
    """The payload of a trust root (docs/manifest.md "Trust root"), as
    bytes: ``{"moat_root":1,"version":..,"expires":..,["sequence_epoch":..,]
    "roles":{"root":{"keys":[JWK..],"threshold":k},"targets":{...}}}``.
    Each JWK carries its RFC 7638 thumbprint as "kid". A key may serve one
    role only. ``expires``: see :func:`parse_time`."""
    root = _role(root_keys, root_threshold, "root")
    targets = _role(targets_keys, targets_threshold, "targets")
    rk = {k["kid"] for k in root["keys"]}
    if any(k["kid"] in rk for k in targets["keys"]):
        raise ValueError("a key may serve one role only (root or targets)")
    p = {"moat_root": 1, "version": _int(version, "version", 1, _UINT32_MAX),
         "expires": _int(parse_time(expires), "expires", 0, _INT_MAX)}
    if sequence_epoch is not None:
        p["sequence_epoch"] = _int(sequence_epoch, "sequence_epoch", 0, 0x7FFFFFFF)
    p["roles"] = {"root": root, "targets": targets}
    return _dumps(p)


def _keys_of(role):
    return [PublicKey.from_jwk(_json.dumps(k)) for k in role["keys"]]


def root_payload_next(previous, expires, root_keys=None, root_threshold=None,
                      targets_keys=None, targets_threshold=None, sequence_epoch=None):
    """The payload of the successor of root ``previous`` (a root document or
    payload, str/bytes/dict): version + 1, the roles not given kept from
    ``previous``, a new ``expires``. ``sequence_epoch`` None keeps the
    previous epoch (raising it is the recovery from a fast-forwarded
    sequence and requires new targets keys: docs/update.md). The result
    must be signed by a threshold of the PREVIOUS root keys and a threshold
    of its own root keys (:func:`sign`, once per key)."""
    prev = document_payload(previous) if not isinstance(previous, dict) else previous
    if prev.get("moat_root") != 1:
        raise ValueError("previous is not a trust root (no \"moat_root\":1)")
    roles = prev["roles"]
    rkeys = _keys_of(roles["root"]) if root_keys is None else root_keys
    rth = roles["root"]["threshold"] if root_threshold is None else root_threshold
    tkeys = _keys_of(roles["targets"]) if targets_keys is None else targets_keys
    tth = roles["targets"]["threshold"] if targets_threshold is None else targets_threshold
    if sequence_epoch is None:
        sequence_epoch = prev.get("sequence_epoch")
    return root_payload(prev["version"] + 1, expires, rkeys, rth, tkeys, tth, sequence_epoch)


def root_epoch(root):
    """The ``sequence_epoch`` of a trust root: a root document or payload
    (str/bytes), its parsed payload (dict) or a verified :class:`Root`.
    0 when the root has no such member. Read from the payload as given
    (not verified): this is for the signer, who built the root."""
    if isinstance(root, Root):
        return root["epoch"]
    p = root if isinstance(root, dict) else document_payload(root)
    if p.get("moat_root") != 1:
        raise ValueError("not a trust root (no \"moat_root\":1)")
    return _int(p.get("sequence_epoch", 0), "sequence_epoch", 0, 0x7FFFFFFF)


def manifest_payload(image, sequence, expires, vendor_id, class_id, component, version,
                     svn, slot, dependencies=(), progress=None, extra=None, critical=None,
                     sequence_epoch=0):
    """The payload of a manifest (docs/manifest.md "Manifest"), as bytes.

    ``image``: a file path (hashed in 1 MiB chunks with moat's SHA-256;
    ``progress`` None shows a bar on stderr for files of 1 MiB or more,
    False never, True always, or pass a :class:`Progress`) or the image
    bytes. ``sequence`` (1..2^32-1) must exceed every sequence the device
    confirmed; ``svn`` (0..2^32-1) must not go below the component's;
    ``version`` "MAJOR.MINOR.PATCH" above the installed one; ``slot`` the
    staging slot; ``dependencies``: {name: min_version} or a list of
    (name, min_version). ``extra``/``critical``: extension members and the
    names a verifier must understand (a moat device understands none: this
    is for tests of the critical-member rule). ``sequence_epoch``: the
    ``sequence_epoch`` of the trust root the manifest is issued under
    (:func:`root_epoch`); a device refuses a manifest of another epoch
    (MOAT_ERR_UPDATE_EPOCH), so after a root rotation that raises the epoch
    only manifests issued for the new epoch install."""
    if isinstance(image, (bytes, bytearray, memoryview)):
        size, digest = _hash_bytes(image)
    else:
        size, digest = hash_file(image, progress)
    if size == 0:
        raise ValueError("an image cannot be empty")
    p = {"moat_manifest": 1,
         "sequence_epoch": _int(sequence_epoch, "sequence_epoch", 0, 0x7FFFFFFF),
         "sequence": _int(sequence, "sequence", 1, _UINT32_MAX),
         "expires": _int(parse_time(expires), "expires", 0, _INT_MAX),
         "vendor_id": _uuid_text(vendor_id),
         "class_id": _uuid_text(class_id),
         "component": _name(component),
         "version": version,
         "svn": _int(svn, "svn", 0, _UINT32_MAX),
         "size": size,
         "digest": {"alg": "sha-256", "value": _b64u(digest)},
         "slot": _int(slot, "slot", 0, SLOT_COUNT - 1)}
    parse_version(version)
    deps = list(dependencies.items()) if isinstance(dependencies, dict) else list(dependencies)
    if deps:
        p["dependencies"] = []
        for name, minv in deps:
            parse_version(minv)
            p["dependencies"].append({"component": _name(name), "min_version": minv})
    if extra:
        for k, v in extra.items():
            if k in p:
                raise ValueError("extra member %r is a manifest member" % k)
            p[k] = v
    if critical is not None:
        p["critical"] = list(critical)
    return _dumps(p)


def _general(data):
    """A flattened JWS JSON Serialization (RFC 7515 section 7.2.2: "payload",
    "protected", "signature" at the top) rewritten as the equivalent
    General one; anything else unchanged. The signed bytes are untouched."""
    try:
        obj = _json.loads(data)
    except ValueError:
        return data
    if isinstance(obj, dict) and "payload" in obj and "signature" in obj and \
            "signatures" not in obj:
        sig = {k: obj[k] for k in ("protected", "header", "signature") if k in obj}
        extra = set(obj) - {"payload", "protected", "header", "signature"}
        if extra:
            raise ValueError("unexpected members in a flattened JWS: %s" % ", ".join(sorted(extra)))
        return _dumps({"payload": obj["payload"], "signatures": [sig]})
    return data


def is_document(data):
    """True when ``data`` (str/bytes) is a JWS General JSON Serialization
    (an object with "payload" and "signatures"), False for a bare payload."""
    try:
        obj = _json.loads(data)
    except ValueError:
        return False
    return isinstance(obj, dict) and "payload" in obj and "signatures" in obj


def document_payload(data):
    """The payload of a document (or a bare payload) as a dict, WITHOUT
    verifying anything: for building the next document, never for a
    decision (use :func:`root_check` / :class:`Device`)."""
    if isinstance(data, dict):
        return data
    obj = _json.loads(data)
    if isinstance(obj, dict) and "payload" in obj and "signatures" in obj:
        obj = _json.loads(_b64u_decode(obj["payload"]))
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    return obj


def document_kids(data):
    """The "kid" of each signature of a document, in order (unverified)."""
    obj = _json.loads(data)
    kids = []
    for s in obj.get("signatures", []):
        prot = _json.loads(_b64u_decode(s.get("protected", "")))
        kids.append(prot.get("kid"))
    return kids


def sign(key, data):
    """Add ONE signature by ``key`` (a :class:`moat.PrivateKey`) to
    ``data``: a document (str/bytes, its payload kept byte for byte; a
    flattened serialization is rewritten as the General one), or a bare
    payload (bytes/str), which starts a new document. The protected
    header is {"alg":ES256|ES384,"kid":<RFC 7638 thumbprint>}. Signing twice
    with the same key is refused (a second signature by one key never
    counts: moat counts each distinct key once). Returns the document (str).
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    data = _general(bytes(data).strip())
    if is_document(data):
        kid = key.public_key().thumbprint()
        if kid in document_kids(data):
            raise ValueError("the document already carries a signature by this key")
        return _moat.jws_json_sign(key, doc=data)
    return _moat.jws_json_sign(key, payload=data)


# ------------------------------------------------- verified results


def _be(v):
    return int.from_bytes(v, "big")


def _pub_of(v):
    return PublicKey._from_raw(v[0], bytes(v[1:]))


class Root(dict):
    """A verified trust root: ``version``, ``epoch``, ``expires``,
    ``root_keys`` / ``targets_keys`` (lists of :class:`moat.PublicKey`),
    ``root_threshold`` / ``targets_threshold``. Holds the C root (only a
    verified root can be used to check a manifest or a rotation)."""

    __slots__ = ("_h",)

    def __del__(self):
        h = getattr(self, "_h", None)
        if h is not None:
            self._h = None
            try:
                _ll.root_free(h)
            except Exception:  # interpreter shutdown
                pass

    def __reduce__(self):
        raise TypeError("moat.update.Root cannot be pickled (use dict(root))")


def _root(res):
    h, blob = _check(res)
    r = Root(root_keys=[], targets_keys=[])
    r._h = h
    for tag, v in _moat._recs(blob):
        t = chr(tag)
        if t == "v":
            r["version"] = _be(v)
        elif t == "e":
            r["epoch"] = _be(v)
        elif t == "x":
            r["expires"] = _struct.unpack(">q", v)[0]
        elif t == "R":
            r["root_threshold"] = _be(v)
        elif t == "T":
            r["targets_threshold"] = _be(v)
        elif t == "r":
            r["root_keys"].append(_pub_of(v))
        elif t == "t":
            r["targets_keys"].append(_pub_of(v))
    return r


class Manifest(dict):
    """A verified manifest: ``sequence``, ``expires``, ``component``,
    ``component_index``, ``version`` (str), ``svn``, ``size``, ``digest``
    (bytes), ``slot``, ``root_version``, and the counter values that
    confirming it will set (``sequence_counter``, ``svn_counter_id``,
    ``svn_counter``). Holds the C manifest that staging needs."""

    __slots__ = ("_h",)

    def __del__(self):
        h = getattr(self, "_h", None)
        if h is not None:
            self._h = None
            try:
                _ll.manifest_free(h)
            except Exception:  # interpreter shutdown
                pass

    def __reduce__(self):
        raise TypeError("moat.update.Manifest cannot be pickled (use dict(manifest))")


def _manifest(res):
    h, blob = _check(res)
    m = Manifest()
    m._h = h
    for tag, v in _moat._recs(blob):
        t = chr(tag)
        if t == "q":
            m["sequence"] = _be(v)
        elif t == "x":
            m["expires"] = _struct.unpack(">q", v)[0]
        elif t == "c":
            m["component"] = bytes(v).decode("ascii")
        elif t == "i":
            m["component_index"] = _be(v)
        elif t == "V":
            m["version"] = "%d.%d.%d" % _struct.unpack(">III", v)
        elif t == "s":
            m["svn"] = _be(v)
        elif t == "z":
            m["size"] = _be(v)
        elif t == "d":
            m["digest"] = bytes(v)
        elif t == "l":
            m["slot"] = _be(v)
        elif t == "r":
            m["root_version"] = _be(v)
        elif t == "Q":
            m["sequence_counter"] = _be(v)
        elif t == "S":
            m["svn_counter_id"] = _be(v[:4])
            m["svn_counter"] = _be(v[4:])
    return m


def _doc_bytes(doc):
    if isinstance(doc, str):
        return doc.encode("utf-8")
    return bytes(_moat._bytes_in(doc, "document"))


def root_check(doc, current=None, now=None):
    """moat_update_root_check(): accept ``doc`` as a first root
    (``current`` None) or as the successor of ``current`` (a :class:`Root`).
    Pure: no state. Returns the new :class:`Root`."""
    if current is not None and not isinstance(current, Root):
        raise TypeError("current must be a moat.update.Root")
    return _root(_ll.update_root_check(None if current is None else current._h,
                                       _doc_bytes(doc), _c_now(now)))


def _component_rec(c):
    if isinstance(c, dict):
        name, installed, slots = c["name"], c.get("installed", "0.0.0"), c.get("slots", (0,))
    else:
        name, installed, slots = (tuple(c) + ("0.0.0", (0,)))[:3]
    nb = _name(name).encode("ascii")
    ver = parse_version(installed)
    mask = 0
    for s in ([slots] if isinstance(slots, int) else slots):
        mask |= 1 << _int(s, "slot", 0, SLOT_COUNT - 1)
    return _moat._rec(ord("p"), bytes([len(nb)]) + nb + _struct.pack(">IIII", *ver, mask))


def _device_blob(vendor_id, class_id, components):
    comps = list(components)
    if not 1 <= len(comps) <= MAX_COMPONENTS:
        raise ValueError("a device has 1..%d components" % MAX_COMPONENTS)
    blob = _moat._rec(ord("v"), parse_uuid(vendor_id)) + _moat._rec(ord("c"), parse_uuid(class_id))
    for c in comps:
        blob += _component_rec(c)
    return blob


def manifest_check(doc, root, vendor_id, class_id, components, sequence=0, svn=(),
                   slot_sizes=(), now=None):
    """moat_update_manifest_check(): the pure decision, with the device
    state given explicitly (``sequence`` counter value, ``svn`` counter
    values per component, ``slot_sizes``). Returns a :class:`Manifest`."""
    if not isinstance(root, Root):
        raise TypeError("root must be a moat.update.Root")
    snap = _moat._rec(ord("q"), _struct.pack(">Q", sequence))
    for v in svn:
        snap += _moat._rec(ord("s"), _struct.pack(">Q", v))
    for v in slot_sizes:
        snap += _moat._rec(ord("z"), _struct.pack(">Q", v))
    return _manifest(_ll.update_manifest_verify(None, _doc_bytes(doc), root._h,
                                                _device_blob(vendor_id, class_id, components),
                                                snap, _c_now(now)))


# ----------------------------------------------------------- device


class Device:
    """A simulated device: moat's update functions over an in-memory port.

    ``vendor_id``, ``class_id``: UUID text. ``components``: a list of
    {"name", "installed" (version, default "0.0.0"), "slots" (staging slot
    numbers, default [0])} or (name, installed, slots) tuples; the order
    selects the svn counters and must never change. ``slot_sizes``: bytes
    of slots 0..3 (0: no slot; rounded up to 4 KiB erase blocks).
    ``now``: the device clock (None: no trusted time), settable later.

    The port keeps records (the stored root, the install state), the 16
    monotonic counters and the slots; nothing survives the object. Not
    thread-safe (one device, one thread, like a port)."""

    def __init__(self, vendor_id, class_id, components, slot_sizes=(256 * 1024, 256 * 1024),
                 now=None):
        sizes = list(slot_sizes) + [0] * (SLOT_COUNT - len(slot_sizes))
        if len(sizes) != SLOT_COUNT:
            raise ValueError("at most %d slots" % SLOT_COUNT)
        self._components = [dict(c) if isinstance(c, dict) else
                            dict(zip(("name", "installed", "slots"), c)) for c in components]
        self.vendor_id = vendor_id
        self.class_id = class_id
        self._blob = _device_blob(vendor_id, class_id, components)
        self._h = _check(_ll.sim_new(*[_int(s, "slot size", 0, 1 << 30) for s in sizes]))
        self._root = None
        #: moat_err of the counter catch-up of the last :meth:`boot` (0: none).
        self.counter_status = 0
        self.now = now

    @property
    def now(self):
        """The device's trusted time (None: no time)."""
        return self._now

    @now.setter
    def now(self, value):
        self._now = None if value is None else _int(value, "now", 0, _INT_MAX)
        _ll.sim_set_time(self._h, 0 if value is None else 1, 0 if value is None else value)

    def __del__(self):
        h = getattr(self, "_h", None)
        if h is not None:
            self._h = None
            try:
                _ll.sim_free(h)
            except Exception:  # interpreter shutdown
                pass

    def __reduce__(self):
        raise TypeError("moat.update.Device cannot be pickled")

    @property
    def components(self):
        """The component descriptions (copies)."""
        return [dict(c) for c in self._components]

    def set_installed(self, name, version):
        """Record that component ``name`` now runs ``version`` (what the
        firmware knows about itself after a confirmed update)."""
        for c in self._components:
            if c["name"] == name:
                parse_version(version)
                c["installed"] = version
                self._blob = _device_blob(self.vendor_id, self.class_id, self._components)
                return
        raise KeyError(name)

    # -- trust root
    def bootstrap(self, doc):
        """moat_update_root_bootstrap(): accept and store the first root."""
        self._root = _root(_ll.update_root_bootstrap(self._h, _doc_bytes(doc), _c_now(self._now)))
        return self._root

    def load_root(self):
        """moat_update_root_load(): the stored root."""
        self._root = _root(_ll.update_root_load(self._h))
        return self._root

    @property
    def root(self):
        """The current root (loaded from the port if needed)."""
        if self._root is None:
            self.load_root()
        return self._root

    def rotate(self, doc):
        """moat_update_root_rotate(): accept ``doc`` as the successor of
        the stored root and persist it."""
        self._root = _root(_ll.update_root_rotate(self._h, self.root._h, _doc_bytes(doc),
                                                  _c_now(self._now)))
        return self._root

    # -- manifest and image
    def verify_manifest(self, doc):
        """moat_update_manifest_verify(): read-only check of ``doc`` against
        the stored root, the device and its counters. Returns a
        :class:`Manifest`."""
        return _manifest(_ll.update_manifest_verify(self._h, _doc_bytes(doc), self.root._h,
                                                    self._blob, None, _c_now(self._now)))

    def stage(self, manifest, image, chunk_size=_STREAM_CHUNK, progress=False):
        """Stream ``image`` (bytes, a path or a binary file object) into the
        manifest's slot: moat_update_stream_begin(), _write() per chunk of
        ``chunk_size`` bytes, _finish() (length and digest, re-read and
        re-hash of the slot, state STAGED persisted). ``progress``: as
        :func:`manifest_payload` (default: no bar)."""
        if not isinstance(manifest, Manifest):
            raise TypeError("manifest must come from Device.verify_manifest()")
        if not isinstance(chunk_size, int) or chunk_size < 1:
            raise ValueError("chunk_size must be a positive int")
        close = None
        if isinstance(image, (bytes, bytearray, memoryview)):
            data = memoryview(bytes(image))
            total = len(data)
            reader = None
        elif hasattr(image, "read"):
            reader, total = image, manifest["size"]
        else:
            close = reader = open(image, "rb")
            total = _os.fstat(reader.fileno()).st_size
        bar = _progress_for(total, "staging", progress)
        st = _check(_ll.update_stream_begin(self._h, manifest._h))
        try:
            pos = 0
            while True:
                if reader is None:
                    block = data[pos:pos + chunk_size]
                    pos += len(block)
                else:
                    block = reader.read(chunk_size)
                if not block:
                    break
                _check(_ll.update_stream_write(st, block))
                bar.update(len(block))
            _check(_ll.update_stream_finish(st))
        finally:
            _ll.stream_free(st)
            bar.done()
            if close is not None:
                close.close()
        return self.status()

    # -- install state machine
    def status(self):
        """moat_update_status(): "none", "staged", "trial", "confirmed" or
        "reverted"."""
        return STATES.get(_check(_ll.update_status(self._h)), "unknown")

    def trial(self):
        """moat_update_trial(): STAGED -> TRIAL."""
        _check(_ll.update_trial(self._h))

    def boot(self):
        """moat_update_boot(): the slot to start (consumes a trial).

        A counter that cannot be brought up to the confirmed image does not
        stop the boot: its error code is left in :attr:`counter_status`
        (0 when the counters are current)."""
        slot, crc = _check(_ll.update_boot(self._h))
        self.counter_status = crc
        return slot

    def confirm(self):
        """moat_update_confirm(): the running trial is good; counters move."""
        _check(_ll.update_confirm(self._h))

    def revert(self):
        """moat_update_revert(): drop a pending (STAGED or TRIAL) update."""
        _check(_ll.update_revert(self._h))

    # -- port access (simulation)
    def counter(self, counter_id):
        """Read monotonic counter ``counter_id`` through the port."""
        return _check(_ll.sim_counter(self._h, counter_id))

    def advance_counter(self, counter_id, value):
        """Advance a counter (provisioning, or simulating a history)."""
        _check(_ll.sim_counter_advance(self._h, counter_id, value))

    @property
    def sequence(self):
        """The confirmed-sequence counter (epoch * 2^32 + sequence)."""
        return self.counter(COUNTER_SEQUENCE)

    def svn(self, name):
        """The svn counter of component ``name``."""
        for i, c in enumerate(self._components):
            if c["name"] == name:
                return self.counter(COUNTER_SVN_BASE + i)
        raise KeyError(name)

    @property
    def writes(self):
        """Persistent writes made through the port so far (records,
        counters, slot writes and erases)."""
        return _ll.sim_writes(self._h)

    def slot_read(self, slot, offset, length):
        """Read bytes of a slot through the port."""
        return _check(_ll.sim_slot_read(self._h, slot, offset, length))

    def slot_poke(self, slot, offset, data):
        """Overwrite slot bytes behind moat's back (simulate corruption)."""
        _check(_ll.sim_slot_poke(self._h, slot, offset, bytes(data)))


def verify_bundle(roots, manifest, image, vendor_id, class_id, components=None, sequence=0,
                  svn=None, slot_sizes=None, now=None, progress=False, chunk_size=_STREAM_CHUNK):
    """Verify a bundle offline exactly as a device would, on a fresh
    simulated :class:`Device`: bootstrap ``roots[0]`` (the provisioned
    root), rotate through ``roots[1:]`` in order, verify ``manifest``, then
    stream ``image`` (bytes or path) through the staging check.

    ``components``: the device's components (default: the manifest's
    component at version 0.0.0 with slots 0, 1 and the manifest's slot,
    read from the unverified payload only to describe the device; slot 0
    holds the factory image, so staging into it is refused as a device
    would: MOAT_ERR_UPDATE_SLOT_ACTIVE). ``sequence``: the
    device's confirmed-sequence counter; ``svn``: {component: counter}.
    ``slot_sizes``: default: every slot the size of the image (rounded up).
    Returns a dict: root and manifest facts and the install state
    ("staged"). Raises MoatError with the failed check's name."""
    if isinstance(roots, (str, bytes, bytearray)):
        roots = [roots]
    roots = list(roots)
    if not roots:
        raise ValueError("at least one root document is needed")
    hint = document_payload(manifest)
    if components is None:
        comp = hint.get("component")
        slot = hint.get("slot", 0)
        if not isinstance(comp, str) or not isinstance(slot, int) or not 0 <= slot < SLOT_COUNT:
            raise ValueError("name the device's components (the manifest does not say)")
        components = [{"name": comp, "installed": "0.0.0", "slots": sorted({0, 1, slot})}]
    if slot_sizes is None:
        if isinstance(image, (bytes, bytearray, memoryview)):
            n = len(image)
        else:
            n = _os.stat(image).st_size
        n = max(n, 1)
        slot_sizes = [n] * SLOT_COUNT
    dev = Device(vendor_id, class_id, components, slot_sizes, now)
    if sequence:
        dev.advance_counter(COUNTER_SEQUENCE, sequence)
    for name, value in (svn or {}).items():
        names = [c["name"] for c in dev.components]
        dev.advance_counter(COUNTER_SVN_BASE + names.index(name), value)
    root = dev.bootstrap(roots[0])
    for doc in roots[1:]:
        root = dev.rotate(doc)
    m = dev.verify_manifest(manifest)
    state = dev.stage(m, image, chunk_size=chunk_size, progress=progress)
    out = {"root_version": root["version"], "root_expires": root["expires"],
           "sequence_epoch": root["epoch"]}
    out.update({k: v for k, v in m.items() if k != "digest"})
    out["digest"] = _b64u(m["digest"])
    out["state"] = state
    return out


# ------------------------------------------- persisted simulated device


#: Format marker of a :class:`SimulatedDevice` state file.
STATE_FORMAT = 1
_OPS = ("bootstrap", "rotate", "install", "trial", "boot", "confirm", "revert")


class SimulatedDevice:
    """A :class:`Device` whose state survives the process: the simulated
    device of ``python3 -m moat update device-*``, for scripted simulators
    and tests.

    The port of a :class:`Device` lives in C memory and is not readable
    from Python (its records are moat's own layout), so the state file is
    a journal, not a memory dump: the device description (ids, components,
    slot sizes) and every operation that changed the port (root bootstrap
    and rotations, installs with their manifest, image and clock, trial,
    boot, confirm, revert) with its outcome. :meth:`load` builds a fresh
    :class:`Device` and runs the journal again through the same C
    functions; the simulated port is deterministic (no entropy, the clock
    of each operation is recorded), so the records, counters and slots come
    back exactly. Each replayed outcome (error name, booted slot, counter
    status) and the final port write count and install state must match
    what was saved, else the file is refused (``ValueError``: edited by
    hand, or written by another moat). Images are kept once each, by
    digest.

    An operation is journaled when it succeeded or changed the port (some
    failures do, e.g. a boot that drops a trial whose slot no longer
    verifies); a refusal that changed nothing (every verification failure)
    is not. When a trial is confirmed, the component's installed version
    becomes the manifest's (what the firmware would report after booting
    it). Not thread-safe; one process per state file at a time."""

    def __init__(self, vendor_id, class_id, components, slot_sizes=(256 * 1024, 256 * 1024)):
        comps = []
        for c in components:
            c = dict(c) if isinstance(c, dict) else dict(zip(("name", "installed", "slots"), c))
            slots = c.get("slots", [0])
            comps.append({"name": _name(c["name"]), "installed": c.get("installed", "0.0.0"),
                          "slots": [slots] if isinstance(slots, int) else list(slots)})
        sizes = list(slot_sizes) + [0] * (SLOT_COUNT - len(slot_sizes))
        self._params = {"vendor_id": _uuid_text(vendor_id), "class_id": _uuid_text(class_id),
                        "components": comps, "slot_sizes": sizes}
        #: The :class:`Device` (port in memory) this object drives.
        self.device = Device(vendor_id, class_id, comps, sizes, None)
        self._journal = []
        self._images = {}
        self._pending = None
        self._last_boot = None
        #: True when the journal grew since :meth:`load` / construction.
        self.changed = True

    # -- persistence
    @classmethod
    def load(cls, path):
        """Read a state file written by :meth:`save` and replay it."""
        with open(path, "rb") as f:
            data = f.read()
        try:
            st = _json.loads(data)
            if not isinstance(st, dict) or st.get("moat_sim_device") != STATE_FORMAT:
                raise ValueError("no \"moat_sim_device\":%d" % STATE_FORMAT)
            p = st["device"]
            self = cls(p["vendor_id"], p["class_id"], p["components"], p["slot_sizes"])
            self._images = {k: _base64.b64decode(v, validate=True)
                            for k, v in st["images"].items()}
            for entry in st["journal"]:
                if not isinstance(entry, dict) or entry.get("op") not in _OPS:
                    raise ValueError("unknown journal entry %r" % (entry,))
                self._run(dict(entry), expect=entry)
            summary = st["summary"]
        except (KeyError, TypeError, AttributeError, ValueError) as e:
            raise ValueError("%s: not a simulated device state file (%s)" % (path, e))
        if summary.get("writes") != self.device.writes or \
                summary.get("state") != self.device.status():
            raise ValueError("%s: the journal does not replay to the saved state (edited by "
                             "hand, or written by another moat)" % path)
        self.changed = False
        return self

    def save(self, path):
        """Write the state file (atomically: a temporary file, then a
        rename)."""
        out = {"moat_sim_device": STATE_FORMAT, "device": self._params,
               "images": {k: _base64.b64encode(v).decode("ascii")
                          for k, v in sorted(self._images.items())},
               "journal": self._journal,
               "summary": {"writes": self.device.writes, "state": self.device.status()}}
        text = _json.dumps(out, indent=1, sort_keys=True) + "\n"
        path = _os.fspath(path)
        tmp = "%s.tmp-%d" % (path, _os.getpid())
        fd = _os.open(tmp, _os.O_WRONLY | _os.O_CREAT | _os.O_EXCL, 0o644)
        try:
            with _os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            _os.replace(tmp, path)
        except BaseException:
            try:
                _os.unlink(tmp)
            except OSError:
                pass
            raise
        self.changed = False

    # -- the journal
    def _run(self, entry, expect=None):
        """Run one operation on the device; journal it if it succeeded or
        changed the port. ``expect``: replay, the outcome must match."""
        dev = self.device
        dev.now = entry.get("now")
        before = dev.writes
        err = None
        try:
            extra = self._op(entry) or {}
        except MoatError as e:
            err, extra = e, {}
        entry["result"] = "MOAT_OK" if err is None else err.name
        entry.update(extra)
        if expect is not None:
            for k in ("result",) + tuple(extra):
                if expect.get(k) != entry[k]:
                    raise ValueError("journal entry %d (%s): %s %r on replay, %r saved"
                                     % (len(self._journal), entry["op"], k, entry[k],
                                        expect.get(k)))
        if err is None or dev.writes != before:
            if entry["op"] == "install":
                key = entry["image"]
                if key not in self._images:
                    self._images[key] = entry.pop("_image")
                entry.pop("_image", None)
            self._journal.append(entry)
            self.changed = True
        if err is not None and expect is None:
            raise err
        return extra

    def _op(self, e):
        dev, op = self.device, e["op"]
        if op == "bootstrap":
            dev.bootstrap(e["doc"])
        elif op == "rotate":
            dev.rotate(e["doc"])
        elif op == "install":
            image = e["_image"] if "_image" in e else self._images[e["image"]]
            m = dev.verify_manifest(e["manifest"])
            dev.stage(m, image)
            self._pending = {k: m[k] for k in ("component", "version", "sequence", "svn",
                                               "slot", "size")}
        elif op == "trial":
            dev.trial()
        elif op == "boot":
            self._last_boot = None
            slot = dev.boot()
            self._last_boot = slot
            return {"slot": slot, "counter_status": _moat.error_name(dev.counter_status)}
        elif op == "confirm":
            try:
                dev.confirm()
            finally:
                if self._pending is not None and dev.status() == "confirmed":
                    dev.set_installed(self._pending["component"], self._pending["version"])
                    self._pending = None
        elif op == "revert":
            dev.revert()
        return None

    # -- operations
    def root_version(self):
        """Version of the stored root, None when the device has none."""
        try:
            return self.device.load_root()["version"]
        except MoatError as e:
            if e.name == "MOAT_ERR_PORT_NOT_FOUND":
                return None
            raise

    def apply_roots(self, docs, now=None):
        """Bring the trust root up to date with ``docs`` (root documents,
        oldest first): bootstrap the first when the device has no root,
        then rotate through every document whose payload version is above
        the stored root's (older or equal ones are skipped: the device has
        them; skipping accepts nothing). Returns the versions applied."""
        applied = []
        for doc in docs:
            doc = _doc_bytes(doc).decode("utf-8")
            current = self.root_version()
            if current is None:
                self._run({"op": "bootstrap", "doc": doc, "now": now})
            else:
                try:
                    v = document_payload(doc).get("version")
                except ValueError:
                    v = None    # not even JSON: let moat refuse it
                if isinstance(v, int) and not isinstance(v, bool) and v <= current:
                    continue
                self._run({"op": "rotate", "doc": doc, "now": now})
            applied.append(self.device.load_root()["version"])
        return applied

    def install(self, manifest, image, now=None):
        """Verify ``manifest`` against the stored root and the device, and
        stage ``image`` (bytes or a path) into its slot. Returns the
        verified manifest's facts."""
        if not isinstance(image, (bytes, bytearray, memoryview)):
            with open(image, "rb") as f:
                image = f.read()
        image = bytes(image)
        doc = _doc_bytes(manifest).decode("utf-8")
        self._run({"op": "install", "manifest": doc, "image": _b64u(_moat.sha256(image)),
                   "now": now, "_image": image})
        return dict(self._pending)

    def trial(self):
        """STAGED -> TRIAL (moat_update_trial)."""
        self._run({"op": "trial"})

    def boot(self):
        """moat_update_boot(): returns ``(slot, counter_status_name)``."""
        out = self._run({"op": "boot"})
        return out["slot"], out["counter_status"]

    def confirm(self):
        """moat_update_confirm(): counters move; the component's installed
        version becomes the confirmed manifest's."""
        self._run({"op": "confirm"})

    def revert(self):
        """moat_update_revert(): drop a STAGED or TRIAL update."""
        self._run({"op": "revert"})

    def status(self):
        """The device as a dict: install ``state``, stored root
        (``root_version``, ``sequence_epoch``; None without a root),
        ``counters`` (``sequence``: epoch * 2^32 + sequence, ``svn`` per
        component), ``components`` (installed versions), ``pending`` (the
        staged or trial manifest, else None), ``last_boot_slot`` and
        ``journal`` (entries)."""
        dev = self.device
        state = dev.status()
        rv = self.root_version()
        root = dev.root if rv is not None else None
        return {"state": state,
                "root_version": rv,
                "sequence_epoch": None if root is None else root["epoch"],
                "counters": {"sequence": dev.sequence,
                             "svn": {c["name"]: dev.svn(c["name"]) for c in dev.components}},
                "components": dev.components,
                "pending": dict(self._pending) if self._pending is not None and
                state in ("staged", "trial") else None,
                "last_boot_slot": self._last_boot,
                "journal": len(self._journal)}
