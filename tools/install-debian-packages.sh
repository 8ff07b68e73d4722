#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Routelake's tests use as real peers and
# independent readers (run as root, or with sudo):
#   bgpdump   — independent MRT reader
#   bird2, frr, gobgpd, exabgp — real BGP daemons as peers
#   pmacct    — pmbmpd as a BMP station
#   tshark    — independent BMP/BGP decoder
#   chromium  — headless browser for the UI tests
# Tests that need one of these and do not find it are skipped with a message
# naming the package (and fail under CI=true).
set -euo pipefail
PACKAGES=(bgpdump bird2 frr gobgpd exabgp pmacct tshark chromium)
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
# The daemons' packages start system services on install where they can; the
# tests start their own instances on loopback and need no system service.
for svc in bird frr exabgp gobgpd; do
  $SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || true
done
