"""Command line: python3 -m moat COMMAND ...

Commands:
  version                          print the library version
  keygen [--curve C] [-o FILE]     new private key, PKCS#8 PEM
  pubkey KEYFILE [--pem]           public key of a key file, as JWK (or PEM)
  jwk-thumbprint FILE              RFC 7638 thumbprint of a key file
  sign --key KEY [--kid K] [--json [--doc DOC]] [PAYLOAD|-]
                                   compact JWS (default) or General JSON
                                   Serialization (--json; --doc adds a
                                   signature to an existing document)
  verify --key PUB [--key PUB ...] [--threshold K] [TOKEN|-]
                                   verify a compact JWS (one key) or a JSON
                                   document (k of the keys); the payload is
                                   written to stdout
  update SUBCOMMAND ...            verified updates: keygen, root-create,
                                   root-rotate, root-sign, manifest-create,
                                   manifest-sign, verify; a simulated device:
                                   device-init, device-install, device-trial,
                                   device-boot, device-confirm, device-revert,
                                   device-status (see --help)

Key files: JWK, PEM (PRIVATE KEY, EC PRIVATE KEY, PUBLIC KEY) or DER.
Exit status: 0 success, 1 a moat error (its name on stderr), 2 usage.
"""

import argparse
import sys

import moat


def _read(path):
    if path == "-":
        return sys.stdin.buffer.read()
    with open(path, "rb") as f:
        return f.read()


def _write_text(path, text):
    if path in (None, "-"):
        sys.stdout.write(text)
        if not text.endswith("\n"):
            sys.stdout.write("\n")
    else:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def cmd_version(_args):
    print(moat.version())
    return 0


def cmd_keygen(args):
    with moat.PrivateKey.generate(args.curve) as key:
        _write_text(args.out, moat.private_key_pem(key))
    return 0


def cmd_pubkey(args):
    pub = moat.load_public_key(_read(args.file))
    _write_text(None, moat.public_key_pem(pub) if args.pem else pub.jwk())
    return 0


def cmd_thumbprint(args):
    print(moat.load_public_key(_read(args.file)).thumbprint())
    return 0


def cmd_sign(args):
    with moat.load_private_key(_read(args.key)) as key:
        if args.doc is not None:
            doc = _read(args.doc).decode("utf-8").strip()
            out = moat.jws_json_sign(key, doc=doc, kid=args.kid)
        elif args.json:
            out = moat.jws_json_sign(key, payload=_read(args.payload), kid=args.kid)
        else:
            out = moat.jws_sign_compact(key, _read(args.payload), kid=args.kid)
    _write_text(args.out, out)
    return 0


def cmd_verify(args):
    token = _read(args.token).strip()
    keys = [moat.load_public_key(_read(k)) for k in args.key]
    if token[:1] == b"{":
        payload = moat.jws_json_verify(token, keys, args.threshold)
    else:
        if len(keys) != 1:
            print("moat: a compact JWS is verified under exactly one --key", file=sys.stderr)
            return 2
        payload = moat.jws_verify_compact(token, keys[0])
    sys.stdout.buffer.write(payload)
    sys.stdout.buffer.flush()
    return 0


def _parser():
    p = argparse.ArgumentParser(prog="python3 -m moat", description="moat command line")
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("version", help="print the library version")
    s.set_defaults(func=cmd_version)

    s = sub.add_parser("keygen", help="generate a private key (PKCS#8 PEM)")
    s.add_argument("--curve", default="P-256", choices=sorted(moat.CURVES))
    s.add_argument("-o", "--out", default=None)
    s.set_defaults(func=cmd_keygen)

    s = sub.add_parser("pubkey", help="public key of a key file as JWK")
    s.add_argument("file")
    s.add_argument("--pem", action="store_true", help="PEM SubjectPublicKeyInfo instead")
    s.set_defaults(func=cmd_pubkey)

    s = sub.add_parser("jwk-thumbprint", help="RFC 7638 thumbprint of a key file")
    s.add_argument("file")
    s.set_defaults(func=cmd_thumbprint)

    s = sub.add_parser("sign", help="sign a payload as a JWS")
    s.add_argument("--key", required=True, help="private key file")
    s.add_argument("--kid", default=None, help='kid (default: thumbprint; "" for none)')
    s.add_argument("--json", action="store_true", help="General JSON Serialization")
    s.add_argument("--doc", default=None, help="existing JSON document to add a signature to")
    s.add_argument("-o", "--out", default=None)
    s.add_argument("payload", nargs="?", default="-")
    s.set_defaults(func=cmd_sign)

    s = sub.add_parser("verify", help="verify a JWS and print its payload")
    s.add_argument("--key", action="append", required=True, help="public key file (repeatable)")
    s.add_argument("--threshold", type=int, default=1, help="k for a JSON document")
    s.add_argument("token", nargs="?", default="-")
    s.set_defaults(func=cmd_verify)

    # Verified updates: python3 -m moat update SUBCOMMAND (moat/_update_cli.py).
    from . import _update_cli
    _update_cli.register(sub)
    return p


def main(argv=None):
    args = _parser().parse_args(argv)
    try:
        return args.func(args)
    except moat.MoatError as e:
        print("moat: %s" % e, file=sys.stderr)
        return 1
    except (OSError, ValueError, UnicodeDecodeError) as e:
        print("moat: %s" % e, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
