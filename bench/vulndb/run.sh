#!/bin/sh
# Compiles the benchmark (and the vulndb modules it imports) to bench/vulndb/.build/, runs it, and
# removes the build again (it is not source: linters and formatters must not see it).
# The bench deep-imports libs/vulndb/src modules that use no path aliases, so no tsc-alias step.
set -e
cd "$(dirname "$0")/../.."
npx tsc -p bench/vulndb/tsconfig.json
status=0
node --max-old-space-size=1024 bench/vulndb/.build/bench/vulndb/bench.js || status=$?
rm -rf bench/vulndb/.build
exit $status
