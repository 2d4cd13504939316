#!/usr/bin/env bash
# The packages against the install rules: a stripped staging install of the package
# build tree (`DESTDIR=... cmake --install --strip`) must hold exactly the files the .debs ship
# (the packages' own /usr/share/doc and lintian overrides aside, man pages compared without
# dh_compress's .gz), every shipped ELF file is stripped with its debug symbols in a -dbgsym
# package, the declared dependencies and maintainer-script integration are there, and lintian
# reports no error and no warning.
#
#   check-packages.sh BUILD_DIR DEBS_DIR
# BUILD_DIR is debian/rules' build tree (build/deb), DEBS_DIR where `scripts/dev package` put the
# .debs (build/debs). Exits 77 (skipped) when they have not been built.
set -euo pipefail
build_dir=$1
debs_dir=$2

shopt -s nullglob
debs=("$debs_dir"/*.deb)
if [[ ! -f $build_dir/CMakeCache.txt || ${#debs[@]} -eq 0 ]]; then
  echo "skipped: no packages in $debs_dir (scripts/dev package builds them)"
  exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# Files and symlinks (with their targets) under a tree, one per line, sorted.
listing() {
  (cd "$1" && find . \( -type f -o -type l \) -printf '%p%y %l\n' | sed -e 's|^\.||' -e 's|f $||' -e 's|l \(.*\)| -> \1|' |
    sed -E 's|^(/usr/share/man/.*)\.gz( -> .*)?$|\1\2|' | grep -v -e '^/usr/share/doc/' -e '^/usr/share/lintian/' | sort)
}

DESTDIR="$work/staging" cmake --install "$build_dir" --strip >/dev/null
mkdir -p "$work/shipped"
for deb in "${debs[@]}"; do
  [[ $deb == *-dbgsym_* ]] || dpkg-deb -x "$deb" "$work/shipped"
done
listing "$work/staging" >"$work/staging.txt"
listing "$work/shipped" >"$work/shipped.txt"
if ! diff -u "$work/staging.txt" "$work/shipped.txt" >"$work/diff.txt"; then
  fail "cmake --install and the packages differ (- staging only, + packages only):"
  cat "$work/diff.txt"
else
  echo "ok: cmake --install and the packages hold the same $(wc -l <"$work/staging.txt") files"
fi

# Every ELF file, installed or shipped, is stripped; its debug symbols are in a -dbgsym package.
elf_count=0
for tree in staging shipped; do
  while IFS= read -r -d '' file; do
    [[ $(head -c4 "$file" | od -An -c | tr -d ' ') == 177ELF ]] || continue
    elf_count=$((elf_count + 1))
    if grep -q -e ' \.symtab' -e ' \.debug_info' <<<"$(readelf -S "$file")"; then
      fail "$tree: ${file#"$work/$tree"} is not stripped"
    fi
  done < <(find "$work/$tree" -type f -print0)
done
echo "ok: $elf_count ELF files checked for symbols"
for package in vgpu-guest vgpud vgpu-admin vgpu-console; do
  dbgsym=("$debs_dir/${package}-dbgsym_"*.deb)
  if [[ ${#dbgsym[@]} -eq 0 ]] || ! grep -q '/usr/lib/debug/.build-id/.*\.debug$' <<<"$(dpkg-deb -c "${dbgsym[0]}")"; then
    fail "no debug symbols package for $package"
  fi
done

# Dependencies and what debhelper generated for the maintainer scripts.
field() { dpkg-deb -f "$debs_dir/$1"_*.deb "$2"; }
expect() { # package field pattern what
  if ! grep -Eq "$3" <<<"$(field "$1" "$2")"; then fail "$1: $2 lacks $4"; fi
}
expect vgpu-guest Depends 'libpci3' "libpci3"
expect vgpu-admin Depends 'pkexec' "pkexec"
expect vgpu-admin Depends 'polkitd' "polkitd"
expect vgpu-admin Depends 'libqt6core6' "Qt 6 core"
expect vgpu-console Depends 'libqt6widgets6' "Qt 6 widgets"
expect vgpu-console Depends 'libqcustomplot' "QCustomPlot"
expect vgpud Depends 'libsystemd0' "libsystemd0"
# (Read whole before grep, which would stop reading early under pipefail.)
script() { dpkg-deb -I "$debs_dir/$1"_*.deb "$2" 2>/dev/null || true; }
has() { grep -q "$3" <<<"$(script "$1" "$2")"; }
has vgpu-guest postinst 'systemd-sysusers.*vgpu.conf' || fail "vgpu-guest's postinst does not create the vgpu group"
has vgpud postinst 'systemd-sysusers.*vgpud.conf' || fail "vgpud's postinst does not create the vgpud-admin group"
has vgpu-guest postinst 'systemd-tmpfiles.*vgpu.conf' || fail "vgpu-guest's postinst does not create /run/vgpu"
has vgpud postinst 'deb-systemd-helper.*vgpud.service' || fail "vgpud's postinst does not enable vgpud.service"
has vgpud conffiles '^/etc/vgpu/vgpud.conf$' || fail "/etc/vgpu/vgpud.conf is not a conffile"
has vgpu-guest conffiles '^/etc/vgpu/shim.conf$' || fail "/etc/vgpu/shim.conf is not a conffile"
if [[ -n $(script vgpu-guest shlibs) || -n $(script vgpu-guest triggers) ]]; then
  fail "vgpu-guest declares shlibs or an ldconfig trigger for its private libraries"
fi

# lintian: no error, no warning (overrides carry their reason in debian/*.lintian-overrides).
if command -v lintian >/dev/null; then
  if ! lintian --fail-on error,warning --suppress-tags-from-file /dev/null "${debs[@]}" >"$work/lintian.txt" 2>&1; then
    fail "lintian:"
  fi
  cat "$work/lintian.txt"
  echo "lintian: $(grep -c '^E:' "$work/lintian.txt" || true) errors, $(grep -c '^W:' "$work/lintian.txt" || true) warnings"
else
  fail "lintian is not installed (scripts/debian-packages-package.txt)"
fi

if ((failures > 0)); then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all package checks passed (${#debs[@]} packages)"
