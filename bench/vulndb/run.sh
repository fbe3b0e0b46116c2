#!/bin/sh
# Compiles the benchmark (and the vulndb modules it imports) to bench/vulndb/.build/ and runs it.
# The bench deep-imports libs/vulndb/src modules that use no path aliases, so no tsc-alias step.
set -e
cd "$(dirname "$0")/../.."
npx tsc -p bench/vulndb/tsconfig.json
exec node --max-old-space-size=1024 bench/vulndb/.build/bench/vulndb/bench.js
