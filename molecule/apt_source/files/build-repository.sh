#!/usr/bin/env bash
# A signed apt repository (suite bookworm, component main) holding magecloud-probe 1.0 and 2.0, signed
# by a key made here; the public key and its fingerprint go to KEY_DIR for the test to pin.
# Usage: build-repository.sh REPO_DIR KEY_DIR
set -euo pipefail
repo="$1" key_dir="$2"
arch=$(dpkg --print-architecture)
export GNUPGHOME
GNUPGHOME=$(mktemp -d)
trap 'rm -rf "$GNUPGHOME"' EXIT

gpg --batch --quiet --passphrase '' --quick-gen-key 'magecloud apt source test <aptsrc@magecloud.invalid>' ed25519 sign never
fingerprint=$(gpg --with-colons --list-keys | awk -F: '$1 == "fpr" { print $10; exit }')
mkdir -p "$key_dir"
gpg --armor --export "$fingerprint" >"$key_dir/signing-key.asc"
echo "$fingerprint" >"$key_dir/signing-key.fingerprint"

mkdir -p "$repo/pool/main" "$repo/dists/bookworm/main/binary-$arch"
for version in 1.0 2.0; do
  package=$(mktemp -d)
  mkdir -p "$package/DEBIAN" "$package/usr/share/magecloud-probe"
  echo "$version" >"$package/usr/share/magecloud-probe/version"
  cat >"$package/DEBIAN/control" <<CONTROL
Package: magecloud-probe
Version: $version
Architecture: all
Maintainer: magecloud.platform maintainers <aptsrc@magecloud.invalid>
Description: Test package whose installed version shows which one apt chose
CONTROL
  dpkg-deb --root-owner-group --build "$package" "$repo/pool/main/magecloud-probe_${version}_all.deb" >/dev/null
  rm -rf "$package"
done

cd "$repo"
apt-ftparchive packages pool >"dists/bookworm/main/binary-$arch/Packages"
apt-ftparchive -o APT::FTPArchive::Release::Origin=magecloud-test -o APT::FTPArchive::Release::Suite=bookworm \
  -o APT::FTPArchive::Release::Codename=bookworm -o APT::FTPArchive::Release::Architectures="$arch" \
  -o APT::FTPArchive::Release::Components=main release dists/bookworm >dists/bookworm/Release.new
mv dists/bookworm/Release.new dists/bookworm/Release
gpg --batch --yes --local-user "$fingerprint" --clearsign -o dists/bookworm/InRelease dists/bookworm/Release
# The same repository under a second URI, for the php role's source (apt refuses one URI with two keys).
ln -sfn . php
