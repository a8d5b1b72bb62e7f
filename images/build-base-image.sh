#!/usr/bin/env bash
# Build the Debian systemd base image for test and demo hosts with debootstrap + docker import.
# The tag carries a hash of this recipe, so the image is rebuilt only when the recipe changes.
# Usage: images/build-base-image.sh [12|13]   (prints the image reference it made or found)
set -euo pipefail

release="${1:-12}"
case "$release" in
  12) suite=bookworm ;;
  13) suite=trixie ;;
  *) echo "ERROR: unsupported Debian release '$release'." >&2
     echo "FIX: pass 12 or 13." >&2; exit 1 ;;
esac

# The Debian mirror this machine's own apt uses (first URI ending in /debian), unless given.
host_debian_mirror() {
  grep -hoE '(URIs:|^deb)[[:space:]]+[^[:space:]]+/debian/?([[:space:]]|$)' \
    /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null \
    | awk '{print $2}' | sed 's|/$||' | head -n 1 || true
}
mirror="${MAGECLOUD_DEBIAN_MIRROR:-$(host_debian_mirror)}"
[ -n "$mirror" ] || { echo "ERROR: no Debian mirror found in this machine's apt sources." >&2
  echo "FIX: set MAGECLOUD_DEBIAN_MIRROR to a Debian mirror URL ending in /debian." >&2; exit 1; }
packages="systemd,systemd-sysv,dbus,python3,python3-apt,sudo,ca-certificates,iproute2,procps,gnupg,curl,locales"
repository="magecloud/debian"
recipe_hash=$( { cat "$0"; echo "$suite $mirror $packages"; } | sha256sum | cut -c1-12)
image="$repository:$release-$recipe_hash"

if docker image inspect "$image" >/dev/null 2>&1; then
  docker tag "$image" "$repository:$release"
  echo "$image"
  exit 0
fi

command -v debootstrap >/dev/null 2>&1 || {
  [ "$(id -u)" -eq 0 ] || { echo "ERROR: debootstrap is missing." >&2; echo "FIX: apt-get install debootstrap (as root)." >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
}

rootfs=$(mktemp -d /var/tmp/magecloud-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
log=/var/tmp/magecloud-debootstrap-$release.log
echo "Building $image with debootstrap ($suite) ..." >&2
if ! debootstrap --variant=minbase --include="$packages" "$suite" "$rootfs" "$mirror" >"$log" 2>&1; then
  echo "ERROR: debootstrap $suite failed: $(tail -n 1 "$log")" >&2
  echo "FIX: check that $mirror is reachable and read $log." >&2
  exit 1
fi

cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror $suite main
deb $mirror $suite-updates main
deb ${mirror%/debian}/debian-security $suite-security main
SOURCES
# Downloaded .debs stay in /var/cache/apt/archives, which test hosts mount from a shared host cache.
echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' >"$rootfs/etc/apt/apt.conf.d/10keep-downloaded"
echo 'APT::Install-Recommends "false";' >"$rootfs/etc/apt/apt.conf.d/10no-recommends"
# Units that have nothing to do in a container and only slow boot or fail there.
for unit in systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket \
            getty@tty1.service console-getty.service systemd-remount-fs.service \
            systemd-firstboot.service sys-kernel-debug.mount dev-hugepages.mount; do
  ln -sf /dev/null "$rootfs/etc/systemd/system/$unit"
done
echo "en_US.UTF-8 UTF-8" >"$rootfs/etc/locale.gen"
chroot "$rootfs" locale-gen >/dev/null
: >"$rootfs/etc/machine-id"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
# An empty package list must look stale, or apt (and Ansible's cache_valid_time) would trust it.
rm -f "$rootfs"/var/lib/apt/periodic/update-success-stamp
touch -d @0 "$rootfs"/var/lib/apt/lists

tar -C "$rootfs" -c . | docker import \
  --change 'CMD ["/sbin/init"]' \
  --change 'ENV container=docker' \
  - "$image" >/dev/null
docker tag "$image" "$repository:$release"
echo "$image"
