#!/bin/sh
# DICE interop with the OpenSSL CLI (test_dice_interop, label interop).
# usage: dice_interop.sh DICE_CLI WORKDIR   (OPENSSL may name the binary)
#
# 1. `openssl x509 -text` parses the DeviceID, CDI and alias certificates
#    and shows the DICE extensions (1.3.6.1.4.1.11129.2.1.24, 2.23.133.5.4.1).
# 2. `openssl verify -ignore_critical` validates alias -> CDI2 -> CDI1 ->
#    DeviceID -> manufacturer CA.
# 3. Without -ignore_critical the same verification fails, and only with
#    "unhandled critical extension" (OpenSSL does not implement the DICE
#    extensions; moat's own validator understands them; docs/dice.md).
set -eu
CLI=$1
DIR=$2
OPENSSL=${OPENSSL:-openssl}
rm -rf "$DIR"
mkdir -p "$DIR"
"$CLI" "$DIR"
cd "$DIR"
for n in ca deviceid cdi1 cdi2 alias; do
  "$OPENSSL" x509 -inform DER -in $n.der -out $n.pem
  "$OPENSSL" x509 -in $n.pem -noout -text > $n.txt
done
grep -q "1.3.6.1.4.1.11129.2.1.24: critical" cdi1.txt
grep -q "1.3.6.1.4.1.11129.2.1.24: critical" cdi2.txt
grep -q "2.23.133.5.4.1: critical" alias.txt
grep -q "Subject: serialNumber" deviceid.txt
# The issuer of CDI1 is the DeviceID subject (serialNumber = UDS_ID).
dev_subj=$("$OPENSSL" x509 -in deviceid.pem -noout -subject -nameopt RFC2253 | sed 's/^subject=//')
cdi1_iss=$("$OPENSSL" x509 -in cdi1.pem -noout -issuer -nameopt RFC2253 | sed 's/^issuer=//')
[ "$dev_subj" = "$cdi1_iss" ] || { echo "CDI1 issuer '$cdi1_iss' != DeviceID subject '$dev_subj'"; exit 1; }
cat cdi2.pem cdi1.pem deviceid.pem > untrusted.pem

echo "== openssl verify -ignore_critical"
"$OPENSSL" verify -ignore_critical -CAfile ca.pem -untrusted untrusted.pem alias.pem
"$OPENSSL" verify -ignore_critical -CAfile ca.pem -untrusted untrusted.pem cdi2.pem

echo "== openssl verify (no -ignore_critical): must fail on the DICE extensions only"
if "$OPENSSL" verify -CAfile ca.pem -untrusted untrusted.pem alias.pem > strict.log 2>&1; then
  echo "unexpected: OpenSSL accepted unknown critical extensions"; cat strict.log; exit 1
fi
cat strict.log
grep -q "unhandled critical extension" strict.log
# Every error line is that one error (error 34, X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION).
if grep "error [0-9]" strict.log | grep -v "error 34 " > other.log; then
  echo "other verification errors:"; cat other.log; exit 1
fi
echo "dice interop: OK"
