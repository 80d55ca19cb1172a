#!/bin/sh
# Generate the X.509 test fixtures with the openssl CLI (an independent
# implementation) at test time: tests/x509/CMakeLists.txt registers this as
# the ctest fixture "x509_fixtures" (FIXTURES_SETUP). Nothing generated here
# is committed.
#
# Usage: fixtures.sh OUTDIR
# For every certificate NAME it writes OUTDIR/NAME.pem, OUTDIR/NAME.der,
# OUTDIR/NAME.key (PEM private key) and OUTDIR/NAME.txt with what openssl
# reports, one "key=value" per line:
#   serial=<hex>  not_before=<epoch>  not_after=<epoch>
#   subject=<RFC 2253>  issuer=<RFC 2253>
# Certificates (see the *_ext sections below for their extensions):
#   ec256_ca     self-signed P-256 CA, pathlen 1, ecdsa-with-SHA256
#   ec256_leaf   P-256 leaf of ec256_ca, EKU, many SAN kinds, AKI/SKI
#   ec384_ca     self-signed P-384 CA, ecdsa-with-SHA384
#   ec384_leaf   P-384 leaf of ec384_ca
#   rsa_root     self-signed RSA-2048 CA, sha256WithRSAEncryption
#   rsa_ec_leaf  P-256 leaf of rsa_root (signed with RSA)
#   nc_ca        P-256 intermediate of ec256_ca with nameConstraints
#   dice_leaf    P-256 leaf of ec256_ca with DiceTcbInfo, open-dice and an
#                unknown extension
#   v1           self-signed v1 certificate (no extensions)
#   gentime      notAfter after 2049 (GeneralizedTime)
#   san16        16 subjectAltNames (MOAT_X509_MAX_SAN)
#   san17        17 subjectAltNames (one too many)
#   escapes      subject needing RFC 4514 escapes, serialNumber, DC, email
#                (no backslash in it: OpenSSL 3.0 prints '\' unescaped,
#                 against RFC 4514 section 2.4; moat escapes it)
#   serial_msb   serial with the top bit set in 20 octets (21 encoded)
set -eu

OUT=${1:?usage: fixtures.sh OUTDIR}
OPENSSL=${OPENSSL:-openssl}
mkdir -p "$OUT"
cd "$OUT"
rm -f ./*.pem ./*.der ./*.key ./*.txt ./*.csr ./*.cnf ./*.srl

cat > ext.cnf <<'EOF'
[ca_ext]
basicConstraints = critical,CA:TRUE,pathlen:1
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash

[root_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash

[leaf_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyAgreement
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = DNS:dev.example.com,DNS:*.example.com,IP:192.0.2.1,IP:2001:db8::1,URI:urn:moat:dev,email:dev@example.com
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[leaf384_ext]
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = DNS:p384.example.com
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[rsa_leaf_ext]
basicConstraints = critical,CA:FALSE
subjectAltName = DNS:rsa.example.com
authorityKeyIdentifier = keyid:always

[nc_ext]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign
nameConstraints = critical,permitted;DNS:example.com,permitted;IP:10.0.0.0/255.0.0.0,excluded;DNS:bad.example.com,excluded;IP:2001:db8::/ffff:ffff:0:0:0:0:0:0
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[dice_ext]
keyUsage = critical,digitalSignature
2.23.133.5.4.1 = critical,DER:3009800464696365830101
1.3.6.1.4.1.11129.2.1.24 = critical,DER:3003020101
1.2.3.4.5 = ASN1:UTF8String:hello

[gentime_ext]
basicConstraints = critical,CA:FALSE

[san16_ext]
subjectAltName = DNS:a1.example.com,DNS:a2.example.com,DNS:a3.example.com,DNS:a4.example.com,DNS:a5.example.com,DNS:a6.example.com,DNS:a7.example.com,DNS:a8.example.com,DNS:a9.example.com,DNS:a10.example.com,DNS:a11.example.com,DNS:a12.example.com,DNS:a13.example.com,DNS:a14.example.com,IP:10.1.2.3,URI:https://a16.example.com/

[san17_ext]
subjectAltName = DNS:a1.example.com,DNS:a2.example.com,DNS:a3.example.com,DNS:a4.example.com,DNS:a5.example.com,DNS:a6.example.com,DNS:a7.example.com,DNS:a8.example.com,DNS:a9.example.com,DNS:a10.example.com,DNS:a11.example.com,DNS:a12.example.com,DNS:a13.example.com,DNS:a14.example.com,DNS:a15.example.com,DNS:a16.example.com,DNS:a17.example.com
EOF

eckey() { "$OPENSSL" genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:$2" -out "$1.key" 2>/dev/null; }
rsakey() { "$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null; }

# selfsigned NAME SUBJ EXT DIGEST DAYS
selfsigned() {
    "$OPENSSL" req -new -x509 -key "$1.key" -subj "$2" -config ext.cnf -extensions "$3" \
        "-$4" -days "$5" -out "$1.pem" 2>/dev/null
}
# issue NAME SUBJ CA EXT DIGEST DAYS [extra x509 args]
issue() {
    n=$1; subj=$2; ca=$3; ext=$4; dg=$5; days=$6; shift 6
    "$OPENSSL" req -new -key "$n.key" -subj "$subj" -out "$n.csr" 2>/dev/null
    "$OPENSSL" x509 -req -in "$n.csr" -CA "$ca.pem" -CAkey "$ca.key" -CAcreateserial \
        -extfile ext.cnf -extensions "$ext" "-$dg" -days "$days" -out "$n.pem" "$@" 2>/dev/null
}
epoch() { date -u -d "$1" +%s; }
describe() {
    "$OPENSSL" x509 -in "$1.pem" -outform DER -out "$1.der"
    {
        echo "serial=$("$OPENSSL" x509 -in "$1.pem" -noout -serial | sed 's/^serial=//')"
        echo "not_before=$(epoch "$("$OPENSSL" x509 -in "$1.pem" -noout -startdate | sed 's/^notBefore=//')")"
        echo "not_after=$(epoch "$("$OPENSSL" x509 -in "$1.pem" -noout -enddate | sed 's/^notAfter=//')")"
        echo "subject=$("$OPENSSL" x509 -in "$1.pem" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')"
        echo "issuer=$("$OPENSSL" x509 -in "$1.pem" -noout -issuer -nameopt RFC2253 | sed 's/^issuer=//')"
    } > "$1.txt"
}

eckey ec256_ca P-256
selfsigned ec256_ca "/C=US/O=moat/CN=moat test EC CA" ca_ext sha256 3650
eckey ec256_leaf P-256
issue ec256_leaf "/O=moat/OU=devices/CN=dev.example.com" ec256_ca leaf_ext sha256 365

eckey ec384_ca P-384
selfsigned ec384_ca "/O=moat/CN=moat test P-384 CA" root_ext sha384 3650
eckey ec384_leaf P-384
issue ec384_leaf "/O=moat/CN=p384 device" ec384_ca leaf384_ext sha384 365

rsakey rsa_root
selfsigned rsa_root "/C=DE/L=Berlin/ST=Berlin/O=moat/CN=moat test RSA root" root_ext sha256 3650
eckey rsa_ec_leaf P-256
issue rsa_ec_leaf "/O=moat/CN=rsa-signed leaf" rsa_root rsa_leaf_ext sha256 365

eckey nc_ca P-256
issue nc_ca "/O=moat/CN=constrained CA" ec256_ca nc_ext sha256 1825

eckey dice_leaf P-256
issue dice_leaf "/serialNumber=0123456789abcdef/CN=alias" ec256_ca dice_ext sha256 365

eckey v1 P-256
"$OPENSSL" req -new -key v1.key -subj "/CN=v1 cert" -out v1.csr 2>/dev/null
"$OPENSSL" x509 -req -in v1.csr -key v1.key -sha256 -days 30 -out v1.pem 2>/dev/null

eckey gentime P-256
issue gentime "/CN=long lived" ec256_ca gentime_ext sha256 20000

eckey san16 P-256
issue san16 "/CN=sixteen" ec256_ca san16_ext sha256 30
eckey san17 P-256
issue san17 "/CN=seventeen" ec256_ca san17_ext sha256 30

eckey escapes P-256
issue escapes "/DC=example/emailAddress=a@example.com/serialNumber=42/OU=#hash/O=moat \"q\" <x>;y /CN= dev\\, one\\+x" \
    ec256_ca gentime_ext sha256 30

eckey serial_msb P-256
issue serial_msb "/CN=big serial" ec256_ca gentime_ext sha256 30 -set_serial 0x80112233445566778899AABBCCDDEEFF00112233

for n in ec256_ca ec256_leaf ec384_ca ec384_leaf rsa_root rsa_ec_leaf nc_ca dice_leaf v1 \
         gentime san16 san17 escapes serial_msb; do
    describe "$n"
done
# A bundle of three certificates with text around them and CRLF line ends.
{
    echo "explanatory text before"
    cat ec256_leaf.pem
    echo "between"
    cat ec256_ca.pem
    cat rsa_root.pem
    echo "trailing text"
} | sed 's/$/\r/' > bundle_crlf.pem
rm -f ./*.csr ./*.srl
echo "x509 fixtures written to $OUT"
