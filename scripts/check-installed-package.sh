#!/usr/bin/env bash
# Checks what `cmake --install` puts in a prefix, as a user of it would:
#   check-installed-package.sh BUILD_DIR WORK_DIR
# installs BUILD_DIR (built already) into WORK_DIR/prefix, then
# - checks the installed files: libsds with its SONAME and no internal symbols
#   exported, sds.pc, version.hpp, the docs, the man pages, the conformance suite;
# - checks that the README's usage example is examples/readme_usage.cpp;
# - builds that example with pkg-config, as the README says, and runs it;
# - builds tests/package against the prefix with find_package(sds) (the same
#   example, a contract check, and an out-of-tree backend under the installed
#   conformance suite) and runs its tests with ctest.
# WORK_DIR is emptied first. Exits non-zero at the first failure. Registered
# in CTest as `installed_package` (tests/CMakeLists.txt); scripts/test-all.sh
# runs it in its "installed package" stage.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 BUILD_DIR WORK_DIR" >&2
  exit 2
fi
repo=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)
work=$2
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
prefix=$work/prefix
jobs=$(nproc)
fail() { echo "check-installed-package: $*" >&2; exit 1; }
cache() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
is_on() { case "${1^^}" in ON|1|TRUE|YES|Y) return 0 ;; *) return 1 ;; esac; }

cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$prefix/$(cache CMAKE_INSTALL_LIBDIR)

echo "--- installed files"
for file in "$libdir/pkgconfig/sds.pc" "$libdir/cmake/sds/sdsConfig.cmake" \
            "$prefix/include/sds/sds.hpp" "$prefix/include/sds/version.hpp" \
            "$prefix/include/sds_persistence.h" \
            "$prefix/share/doc/sds/README.md" "$prefix/share/doc/sds/LICENSE" \
            "$prefix/share/doc/sds/CHANGELOG.md" "$prefix/share/doc/sds/docs/DESIGN.md" \
            "$prefix/share/sds/conformance/conformance.hpp"; do
  [ -f "$file" ] || fail "missing ${file#"$prefix"/}"
done
if is_on "$(cache BUILD_SHARED_LIBS)"; then
  [ -f "$libdir/libsds.so.0" ] || fail "missing ${libdir#"$prefix"/}/libsds.so.0"
  soname=$(objdump -p "$libdir/libsds.so.0" | awk '$1 == "SONAME" { print $2 }')
  [ "$soname" = libsds.so.0 ] || fail "libsds.so.0 has SONAME '$soname'"
  internal=$(nm -D --defined-only -C "$libdir/libsds.so.0" |
             grep -E 'sds::(core|backend)::' || true)
  [ -z "$internal" ] || fail "libsds.so.0 exports internal symbols:"$'\n'"$internal"
fi
if is_on "$(cache SDS_BUILD_TOOLS)" && is_on "$(cache SDS_BUILD_MAN)"; then
  for page in sdsctl sdsctl-backends sdsctl-verify; do
    [ -f "$prefix/share/man/man1/$page.1" ] || fail "missing share/man/man1/$page.1"
  done
fi
echo "ok"

echo "--- the README's usage example is examples/readme_usage.cpp"
# The first C++ block after the heading "## Use".
awk '/^## Use$/ { in_use = 1; next }
     in_use && /^```cpp$/ { in_block = 1; next }
     in_block && /^```$/ { exit }
     in_block { print }' "$repo/README.md" >"$work/readme_block.cpp"
diff -u "$repo/examples/readme_usage.cpp" "$work/readme_block.cpp" ||
  fail "README.md's usage example differs from examples/readme_usage.cpp"
echo "ok"

echo "--- pkg-config: c++ -std=c++20 readme_usage.cpp \$(pkg-config --cflags --libs sds)"
export PKG_CONFIG_PATH=$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
static=()
is_on "$(cache BUILD_SHARED_LIBS)" || static=(--static)
# shellcheck disable=SC2046  # pkg-config's output is meant to be split
c++ -std=c++20 "$repo/examples/readme_usage.cpp" -o "$work/readme_usage" \
  $(pkg-config "${static[@]}" --cflags --libs sds) \
  -Wl,-rpath,"$(pkg-config --variable=libdir sds)"
mkdir -p "$work/run"
(cd "$work/run" && "$work/readme_usage") >"$work/readme_usage.out" ||
  fail "readme_usage (pkg-config build) failed"
grep -q '"text":"hello"' "$work/readme_usage.out" ||
  fail "readme_usage printed no document: $(cat "$work/readme_usage.out")"
echo "ok"

echo "--- pkg-config: cc -std=c99 -pedantic-errors c_api_test.c ... \$(pkg-config --cflags --libs sds)"
# shellcheck disable=SC2046  # pkg-config's output is meant to be split
cc -std=c99 -pedantic-errors -Wall -Wextra -pthread "$repo/tests/c_api_test.c" \
  "$repo/tests/c_api_map_backend.c" -o "$work/c_api_test" \
  $(pkg-config "${static[@]}" --cflags --libs sds) \
  -Wl,-rpath,"$(pkg-config --variable=libdir sds)"
"$work/c_api_test" || fail "c_api_test (pkg-config build) failed"
echo "ok"

if is_on "$(cache SDS_BUILD_NODE)"; then
  echo "--- the Node addon: NODE_PATH=<prefix>/lib/node_modules, from this prefix and a moved copy"
  package=$prefix/lib/node_modules/sds-persistence-native
  for file in package.json index.js index.d.ts sds_persistence_native.node; do
    [ -f "$package/$file" ] || fail "missing lib/node_modules/sds-persistence-native/$file"
  done
  runpath=$(objdump -p "$package/sds_persistence_native.node" | awk '$1 == "RUNPATH" || $1 == "RPATH" { print $2 }')
  case "$runpath" in
    '$ORIGIN'*) ;;
    *) fail "the addon's RUNPATH '$runpath' is not relative to \$ORIGIN" ;;
  esac
  cp -a "$prefix" "$work/moved-prefix"
  for modules in "$prefix/lib/node_modules" "$work/moved-prefix/lib/node_modules"; do
    # shellcheck disable=SC2016  # the JS is in single quotes on purpose
    (cd "$work/run" && env -u LD_LIBRARY_PATH NODE_PATH="$modules" node -e '
      const { SDS_NativePersistenceProvider } = require("sds-persistence-native")
      const provider = new SDS_NativePersistenceProvider("sqlite:node-check.db", "doc")
      provider.appendPatch(new TextEncoder().encode("hello"), 1)
        .then(() => provider.loadPatchesSince(0))
        .then((patches) => { console.log(new TextDecoder().decode(patches.at(-1))); return provider.close() })
        .catch((error) => { console.error(error); process.exitCode = 1 })') >"$work/node.out" ||
      fail "the installed addon failed under $modules: $(cat "$work/node.out")"
    grep -qx hello "$work/node.out" || fail "the installed addon printed: $(cat "$work/node.out")"
  done
  rm -rf "$work/moved-prefix"
  echo "ok"
fi

echo "--- find_package(sds): tests/package"
cmake -S "$repo/tests/package" -B "$work/package" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/package" -j"$jobs" >/dev/null
ctest --test-dir "$work/package" -j"$jobs" --output-on-failure
