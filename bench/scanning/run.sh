#!/bin/sh
# Compiles the benchmark with the server it boots (aliases rewritten by tsc-alias) and runs it.
set -e
cd "$(dirname "$0")/../.."
npx tsc -p bench/scanning/tsconfig.json
npx tsc-alias -p bench/scanning/tsconfig.json
exec node dist/bench-scanning/bench/scanning/run.js
