"""python3 -m moat update SUBCOMMAND: the service side of verified updates.

  keygen           new signing key (PKCS#8 PEM, mode 0600) and its public JWK
  root-create      payload of a first trust root (version 1 by default)
  root-rotate      payload of the next trust root (version + 1)
  root-sign        add ONE signature to a trust root (payload or document)
  manifest-create  manifest payload from an image file (hashed in chunks)
  manifest-sign    add ONE signature to a manifest (payload or document)
  verify           verify a bundle (roots, manifest, image) offline, as a
                   device would, on a simulated device

A simulated device kept in a state file (a journal replayed through moat's
C code at each run), for scripted simulators and tests:

  device-init      create the state file (ids, components, slots[, root])
  device-install   update the trust root, verify a manifest, stage its image
  device-trial     STAGED -> TRIAL (the next boot runs the candidate once)
  device-boot      boot: prints the slot started and the counter status
  device-confirm   the running trial is good: counters advance
  device-revert    drop a STAGED or TRIAL update
  device-status    install state, root, counters, installed versions

k-of-n signing is k runs of root-sign / manifest-sign, each where its key
lives, passing the document file along. The device-* subcommands print the
device's status as JSON on stdout. Exit status: 0 success, 1 a moat error
(its name on stderr) or bad input, 2 usage. Formats: docs/manifest.md;
trust model: docs/update.md; walk-through: docs/python.md "Updates".
"""

import argparse
import json
import os
import sys
import time

import moat
from moat import update as up


def _read(path):
    if path == "-":
        return sys.stdin.buffer.read()
    with open(path, "rb") as f:
        return f.read()


def _write(path, text, mode=0o644):
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    if not text.endswith("\n"):
        text += "\n"
    if path in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    tmp = "%s.tmp-%d" % (path, os.getpid())
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _info(args, text):
    if not getattr(args, "quiet", False):
        print(text, file=sys.stderr)


def _pubkeys(paths):
    return [moat.load_public_key(_read(p)) for p in paths or ()]


def _time_arg(text):
    try:
        return up.parse_time(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e))


# ------------------------------------------------------------ commands


def cmd_keygen(args):
    with moat.PrivateKey.generate(args.curve) as key:
        pub = key.public_key()
        _write(args.out, moat.private_key_pem(key), mode=0o600)
    if args.pub:
        _write(args.pub, pub.jwk())
    print(pub.thumbprint())
    return 0


def cmd_root_create(args):
    payload = up.root_payload(args.version, args.expires, _pubkeys(args.root_key),
                              args.root_threshold, _pubkeys(args.targets_key),
                              args.targets_threshold, args.sequence_epoch)
    _write(args.out, payload)
    _info(args, "root version %d: unsigned; sign it with root-sign (%d root key(s) needed)"
          % (args.version, args.root_threshold))
    return 0


def cmd_root_rotate(args):
    prev = up.document_payload(_read(args.previous))
    payload = up.root_payload_next(prev, args.expires,
                                   _pubkeys(args.root_key) if args.root_key else None,
                                   args.root_threshold,
                                   _pubkeys(args.targets_key) if args.targets_key else None,
                                   args.targets_threshold, args.sequence_epoch)
    _write(args.out, payload)
    new = up.document_payload(payload)
    _info(args, "root version %d: unsigned; it needs %d signature(s) by keys of root %d AND "
          "%d by its own root keys (root-sign)"
          % (new["version"], prev["roles"]["root"]["threshold"], prev["version"],
             new["roles"]["root"]["threshold"]))
    return 0


def _sign(args, marker):
    data = _read(args.document)
    if up.document_payload(data).get(marker) != 1:
        print("moat: %s is not a %s document (no \"%s\":1)"
              % (args.document, marker.replace("moat_", ""), marker), file=sys.stderr)
        return 1
    with moat.load_private_key(_read(args.key)) as key:
        doc = up.sign(key, data)
    _write(args.out if args.out is not None else args.document, doc)
    kids = up.document_kids(doc)
    _info(args, "%d signature(s): %s" % (len(kids), ", ".join(str(k) for k in kids)))
    return 0


def cmd_root_sign(args):
    return _sign(args, "moat_root")


def cmd_manifest_sign(args):
    return _sign(args, "moat_manifest")


def _deps(items):
    out = []
    for item in items or ():
        name, sep, minv = item.partition("=")
        if not sep:
            raise ValueError("--depends takes NAME=MIN_VERSION, not %r" % item)
        out.append((name, minv))
    return out


def cmd_manifest_create(args):
    if args.root is not None:
        epoch = up.root_epoch(_read(args.root))
    else:
        epoch = args.sequence_epoch if args.sequence_epoch is not None else 0
    payload = up.manifest_payload(args.image, args.sequence, args.expires, args.vendor_id,
                                  args.class_id, args.component, args.version, args.svn,
                                  args.slot, _deps(args.depends),
                                  progress=False if args.quiet else None,
                                  sequence_epoch=epoch)
    _write(args.out, payload)
    p = up.document_payload(payload)
    _info(args, "manifest %s %s, epoch %d sequence %d, %d bytes, sha-256 %s: unsigned; sign "
          "it with manifest-sign" % (p["component"], p["version"], p["sequence_epoch"],
                                     p["sequence"], p["size"], p["digest"]["value"]))
    return 0


def _components(items, hint):
    """--component NAME=VERSION[@SLOT[,SLOT...]] (default: the manifest's
    component at 0.0.0 on slots 0 and 1 and its own slot)."""
    comps = []
    for item in items or ():
        name, _, rest = item.partition("=")
        ver, _, slots = rest.partition("@")
        ver = ver or "0.0.0"
        slot_list = [int(s) for s in slots.split(",")] if slots else [0, 1]
        comps.append({"name": name, "installed": ver, "slots": slot_list})
    if comps:
        return comps
    slot = hint.get("slot", 1)
    slots = sorted({0, 1} | ({slot} if isinstance(slot, int) and 0 <= slot < 4 else set()))
    return [{"name": hint.get("component", "app"), "installed": "0.0.0", "slots": slots}]


def cmd_verify(args):
    manifest = _read(args.manifest)
    roots = [_read(r) for r in args.root]
    hint = up.document_payload(manifest)
    comps = _components(args.component, hint)
    svn = {}
    for item in args.svn or ():
        name, sep, value = item.partition("=")
        if not sep:
            raise ValueError("--svn takes NAME=VALUE, not %r" % item)
        svn[name] = int(value)
    now = None if args.no_time else (int(time.time()) if args.now is None else args.now)
    size = os.stat(args.image).st_size
    slot_sizes = [args.slot_size or max(size, 1)] * up.SLOT_COUNT
    out = up.verify_bundle(roots, manifest, args.image, args.vendor_id, args.class_id,
                           components=comps, sequence=args.sequence, svn=svn,
                           slot_sizes=slot_sizes, now=now,
                           progress=False if args.quiet else None)
    out["now"] = now
    sys.stdout.write(json.dumps(out, indent=2, sort_keys=True) + "\n")
    _info(args, "OK: %s %s verified under root %d and staged in slot %d"
          % (out["component"], out["version"], out["root_version"], out["slot"]))
    return 0


def _now_of(args):
    return None if args.no_time else (int(time.time()) if args.now is None else args.now)


def _print_json(obj):
    sys.stdout.write(json.dumps(obj, indent=2, sort_keys=True) + "\n")
    sys.stdout.flush()


def _component_spec(item, version):
    """--component NAME or NAME=VERSION[@SLOT[,SLOT...]] (slots default 0,1)."""
    name, sep, rest = item.partition("=")
    ver, _, slots = rest.partition("@")
    if not sep:
        ver = version
    try:
        slot_list = [int(x) for x in slots.split(",")] if slots else [0, 1]
    except ValueError:
        raise ValueError("--component %r: slots are numbers, e.g. app=1.0.0@0,1" % item)
    up.parse_version(ver or "0.0.0")
    return {"name": name, "installed": ver or "0.0.0", "slots": slot_list}


def cmd_device_init(args):
    if os.path.exists(args.state) and not args.force:
        print("moat: %s exists (use --force to replace it)" % args.state, file=sys.stderr)
        return 1
    comps = [_component_spec(c, args.version) for c in args.component]
    dev = up.SimulatedDevice(args.vendor_id, args.class_id, comps,
                             [args.slot_size] * up.SLOT_COUNT)
    if args.root:   # provisioning: all of it or no state file
        dev.apply_roots([_read(r) for r in args.root], _now_of(args))
    dev.save(args.state)
    _print_json(dev.status())
    _info(args, "device %s: %s" % (args.state, ", ".join(
        "%s %s" % (c["name"], c["installed"]) for c in comps)))
    return 0


def _device_run(args, action):
    """Load the state, run ``action(dev)`` and save the state whenever the
    journal grew (failures included: some change the port)."""
    dev = up.SimulatedDevice.load(args.state)
    try:
        extra = action(dev) or {}
    finally:
        if dev.changed:
            dev.save(args.state)
    out = dev.status()
    out.update(extra)
    _print_json(out)
    return dev, out


def cmd_device_install(args):
    roots = [_read(r) for r in args.root or ()]
    manifest = _read(args.manifest)
    image = _read(args.image)
    now = _now_of(args)

    def action(dev):
        applied = dev.apply_roots(roots, now)
        if applied:
            _info(args, "trust root now version %d" % applied[-1])
        return {"manifest": dev.install(manifest, image, now), "now": now}

    _dev, out = _device_run(args, action)
    m = out["manifest"]
    _info(args, "staged %s %s (sequence %d) in slot %d: run device-trial, then device-boot"
          % (m["component"], m["version"], m["sequence"], m["slot"]))
    return 0


def cmd_device_trial(args):
    _device_run(args, lambda dev: dev.trial())
    _info(args, "trial: the next device-boot starts the candidate once")
    return 0


def cmd_device_boot(args):
    def action(dev):
        slot, counters = dev.boot()
        return {"slot": slot, "counter_status": counters}

    _dev, out = _device_run(args, action)
    _info(args, "boot: slot %d, state %s, counters %s"
          % (out["slot"], out["state"], out["counter_status"]))
    return 0


def cmd_device_confirm(args):
    _dev, out = _device_run(args, lambda dev: dev.confirm())
    _info(args, "confirmed: sequence counter %d" % out["counters"]["sequence"])
    return 0


def cmd_device_revert(args):
    _device_run(args, lambda dev: dev.revert())
    _info(args, "reverted: the confirmed image boots")
    return 0


def cmd_device_status(args):
    _device_run(args, lambda dev: None)
    return 0


# -------------------------------------------------------------- parser


def _role_args(s, required):
    s.add_argument("--root-key", action="append", required=required, metavar="KEYFILE",
                   help="public (or private) key file of the root role (repeat per key)")
    s.add_argument("--root-threshold", type=int, required=required, metavar="K",
                   help="root signatures needed to rotate the root")
    s.add_argument("--targets-key", action="append", required=required, metavar="KEYFILE",
                   help="key file of the targets role, which signs manifests (repeat)")
    s.add_argument("--targets-threshold", type=int, required=required, metavar="K",
                   help="targets signatures needed on a manifest")
    s.add_argument("--sequence-epoch", type=int, default=None, metavar="E",
                   help="high half of the anti-rollback counters (recovery, docs/update.md)")


_TIME_HELP = "seconds since 1970, ISO 8601 (2030-01-01T00:00:00Z) or +N[smhdw] from now"


def register(sub):
    """Add the ``update`` command and its subcommands to an argparse
    subparsers object (called by moat/__main__.py)."""
    p = sub.add_parser("update", help="verified updates: keys, trust root, manifests, verify",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    us = p.add_subparsers(dest="update_cmd", required=True, metavar="SUBCOMMAND")

    s = us.add_parser("keygen", help="new signing key (PKCS#8 PEM) and its public JWK",
                      description="Generate a signing key for a root or targets role. The "
                      "private key is written with mode 0600; its RFC 7638 thumbprint (the "
                      "kid of its signatures) is printed.")
    s.add_argument("--curve", default="P-256", choices=sorted(moat.CURVES))
    s.add_argument("-o", "--out", required=True, metavar="KEY.pem", help="private key file")
    s.add_argument("--pub", default=None, metavar="PUB.jwk", help="also write the public JWK")
    s.set_defaults(func=cmd_keygen)

    s = us.add_parser("root-create", help="payload of a first trust root",
                      description="Write the (unsigned) payload of a trust root: role keys "
                      "and thresholds, version, expiry. Sign it with root-sign by a "
                      "threshold of its own root keys.")
    _role_args(s, True)
    s.add_argument("--expires", type=_time_arg, required=True, metavar="WHEN", help=_TIME_HELP)
    s.add_argument("--version", type=int, default=1, help="root version (default 1)")
    s.add_argument("-o", "--out", required=True, metavar="ROOT.json")
    s.add_argument("-q", "--quiet", action="store_true", help="no messages on stderr")
    s.set_defaults(func=cmd_root_create)

    s = us.add_parser("root-rotate", help="payload of the next trust root (version + 1)",
                      description="Write the (unsigned) payload of the successor of a root: "
                      "version + 1, new expiry, and the roles given (others kept). A device "
                      "accepts it only when signed by a threshold of the PREVIOUS root keys "
                      "AND a threshold of its own root keys (root-sign, once per key).")
    s.add_argument("--from", dest="previous", required=True, metavar="ROOT.json",
                   help="the current root (document or payload)")
    _role_args(s, False)
    s.add_argument("--expires", type=_time_arg, required=True, metavar="WHEN", help=_TIME_HELP)
    s.add_argument("-o", "--out", required=True, metavar="NEXT.json")
    s.add_argument("-q", "--quiet", action="store_true", help="no messages on stderr")
    s.set_defaults(func=cmd_root_rotate)

    for name, func, what in (("root-sign", cmd_root_sign, "trust root"),
                             ("manifest-sign", cmd_manifest_sign, "manifest")):
        s = us.add_parser(name, help="add one signature to a %s" % what,
                          description="Add ONE signature (ES256/ES384 by the key's curve, kid "
                          "= its RFC 7638 thumbprint) to a %s: a bare payload becomes a JWS "
                          "General JSON Serialization; a document keeps its payload byte for "
                          "byte. A second signature by the same key is refused. The document "
                          "is rewritten in place unless -o is given." % what)
        s.add_argument("--key", required=True, metavar="KEY.pem", help="private key file")
        s.add_argument("document", help="payload or document file")
        s.add_argument("-o", "--out", default=None, help="output (default: in place; - stdout)")
        s.add_argument("-q", "--quiet", action="store_true", help="no messages on stderr")
        s.set_defaults(func=func)

    s = us.add_parser("manifest-create", help="manifest payload from an image file",
                      description="Hash an image (SHA-256 in 1 MiB chunks; a progress bar on "
                      "stderr for images of 1 MiB or more) and write the (unsigned) manifest "
                      "payload. Sign it with manifest-sign by a threshold of targets keys.")
    s.add_argument("--image", required=True, metavar="FILE")
    s.add_argument("--sequence", type=int, required=True, metavar="N",
                   help="manifest sequence (above every sequence the device confirmed)")
    s.add_argument("--expires", type=_time_arg, required=True, metavar="WHEN", help=_TIME_HELP)
    s.add_argument("--vendor-id", required=True, metavar="UUID")
    s.add_argument("--class-id", required=True, metavar="UUID")
    s.add_argument("--component", required=True, metavar="NAME")
    s.add_argument("--version", required=True, metavar="X.Y.Z")
    s.add_argument("--svn", type=int, required=True, metavar="N", help="security version")
    s.add_argument("--slot", type=int, required=True, metavar="S", help="staging slot")
    s.add_argument("--depends", action="append", metavar="NAME=MIN_VERSION",
                   help="dependency on another component (repeatable)")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--root", metavar="ROOT.json",
                   help="the current trust root (document or payload): its sequence_epoch "
                   "is written into the manifest (devices refuse a manifest of another "
                   "epoch)")
    g.add_argument("--sequence-epoch", type=int, default=None, metavar="E",
                   help="the trust root's sequence_epoch, given directly (default 0, or "
                   "the epoch of --root)")
    s.add_argument("-o", "--out", required=True, metavar="MANIFEST.json")
    s.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no messages")
    s.set_defaults(func=cmd_manifest_create)

    s = us.add_parser("verify", help="verify a bundle offline, as a device would",
                      description="Verify a bundle on a simulated device running moat's C "
                      "code: bootstrap the first --root (the provisioned root), rotate "
                      "through the others in order, verify the manifest against the device "
                      "(ids, component, slot, counters, time), then stream the image through "
                      "the staging check (size, SHA-256, re-read of the slot). Prints the "
                      "result as JSON; on failure the exact error name goes to stderr.")
    s.add_argument("--root", action="append", required=True, metavar="ROOT.json",
                   help="root documents, provisioned root first (repeatable)")
    s.add_argument("--manifest", required=True, metavar="MANIFEST.json")
    s.add_argument("--image", required=True, metavar="FILE")
    s.add_argument("--vendor-id", required=True, metavar="UUID", help="the device's vendor id")
    s.add_argument("--class-id", required=True, metavar="UUID", help="the device's class id")
    s.add_argument("--component", action="append", metavar="NAME=VERSION[@SLOTS]",
                   help="a component of the device, its installed version and staging slots "
                   "(e.g. app=1.0.0@0,1; repeatable; default: the manifest's component at "
                   "0.0.0 on slots 0,1)")
    s.add_argument("--sequence", type=int, default=0, metavar="N",
                   help="the device's confirmed-sequence counter (default 0)")
    s.add_argument("--svn", action="append", metavar="NAME=N",
                   help="a component's svn counter (repeatable)")
    t = s.add_mutually_exclusive_group()
    t.add_argument("--now", type=_time_arg, default=None, metavar="WHEN",
                   help="the device's trusted time (default: this machine's clock)")
    t.add_argument("--no-time", action="store_true",
                   help="the device has no trusted time (expiry not checked)")
    s.add_argument("--slot-size", type=int, default=None, metavar="BYTES",
                   help="size of each simulated slot (default: the image size)")
    s.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no messages")
    s.set_defaults(func=cmd_verify)

    _device_parsers(us)
    return p


def _time_args(s):
    t = s.add_mutually_exclusive_group()
    t.add_argument("--now", type=_time_arg, default=None, metavar="WHEN",
                   help="the device's trusted time (default: this machine's clock)")
    t.add_argument("--no-time", action="store_true",
                   help="the device has no trusted time (expiry not checked)")


_STATE_HELP = ("Simulated device state file (JSON): the device description and a journal "
               "of the operations that changed its port, replayed through moat's C code "
               "at each run (records, monotonic counters and slots come back exactly; a "
               "file that does not replay to its saved state is refused). Prints the "
               "device's status as JSON; on failure the exact error name goes to stderr "
               "and the state is saved only if the port changed.")


def _device_parsers(us):
    s = us.add_parser("device-init", help="create a simulated device state file",
                      description="Create a simulated device: vendor and class ids, its "
                      "components (installed version and staging slots) and slot sizes; "
                      "no root unless --root (provisioning: the first is bootstrapped, the "
                      "others rotated in order). " + _STATE_HELP)
    s.add_argument("state", metavar="STATE.json")
    s.add_argument("--vendor-id", required=True, metavar="UUID")
    s.add_argument("--class-id", required=True, metavar="UUID")
    s.add_argument("--component", action="append", required=True,
                   metavar="NAME[=VERSION[@SLOTS]]",
                   help="a component (repeatable, order fixes its svn counter): its "
                   "installed version (default --version) and staging slots (default 0,1)")
    s.add_argument("--version", default="0.0.0", metavar="X.Y.Z",
                   help="installed version of components given by name only (default 0.0.0)")
    s.add_argument("--slot-size", type=int, default=256 * 1024, metavar="BYTES",
                   help="size of each of the %d slots (default 262144)" % up.SLOT_COUNT)
    s.add_argument("--root", action="append", metavar="ROOT.json",
                   help="provisioned root document(s), oldest first (repeatable)")
    _time_args(s)
    s.add_argument("--force", action="store_true", help="replace an existing state file")
    s.add_argument("-q", "--quiet", action="store_true", help="no messages on stderr")
    s.set_defaults(func=cmd_device_init)

    s = us.add_parser("device-install", help="verify a manifest and stage its image",
                      description="Bring the trust root up to date (bootstrap the first "
                      "--root if the device has none; rotate through every later one whose "
                      "version is above the stored root's, in order), verify the manifest "
                      "against the root, the device and its counters, then stream the image "
                      "into the manifest's slot (size, SHA-256, re-read): state STAGED. "
                      "Counters do not move. " + _STATE_HELP)
    s.add_argument("state", metavar="STATE.json")
    s.add_argument("--root", action="append", metavar="ROOT.json",
                   help="root documents, oldest first (repeatable; optional once the "
                   "device has a root)")
    s.add_argument("--manifest", required=True, metavar="MANIFEST.json")
    s.add_argument("--image", required=True, metavar="FILE")
    _time_args(s)
    s.add_argument("-q", "--quiet", action="store_true", help="no messages on stderr")
    s.set_defaults(func=cmd_device_install)

    for name, func, short, desc in (
            ("device-trial", cmd_device_trial, "STAGED -> TRIAL",
             "moat_update_trial(): mark the staged image for ONE trial boot (the next "
             "device-boot starts it; a second boot without device-confirm reverts)."),
            ("device-boot", cmd_device_boot, "boot: the slot started and the counter status",
             "moat_update_boot(): the boot decision. Prints the status with \"slot\" (the "
             "slot started) and \"counter_status\" (the counter catch-up, MOAT_OK when "
             "current). In TRIAL it starts the candidate once; a trial already booted and "
             "never confirmed is reverted and the confirmed image boots."),
            ("device-confirm", cmd_device_confirm, "confirm the running trial",
             "moat_update_confirm(): the trial booted and is good: it becomes the confirmed "
             "image, the sequence and svn counters advance to the manifest's values and "
             "the component's installed version becomes the manifest's."),
            ("device-revert", cmd_device_revert, "drop a STAGED or TRIAL update",
             "moat_update_revert(): drop a pending update; the confirmed image stays. "
             "Refused after confirm (MOAT_ERR_UPDATE_STATE)."),
            ("device-status", cmd_device_status, "print the simulated device's status",
             "moat_update_status() and the port: install state, stored root version and "
             "epoch, counters (sequence: epoch * 2^32 + sequence; svn per component), "
             "installed versions, the pending manifest, the last booted slot.")):
        s = us.add_parser(name, help=short, description=desc + " " + _STATE_HELP)
        s.add_argument("state", metavar="STATE.json")
        s.add_argument("-q", "--quiet", action="store_true", help="no messages on stderr")
        s.set_defaults(func=func)
