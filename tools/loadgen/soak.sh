#!/usr/bin/env bash
# The soak test (make soak): a generated dataset in SQLite with a bleve
# index, one `camreg serve`, and `camreg load` with 200 clients for 5
# minutes, its server's RSS sampled from /proc every 5 s.
#
# Settings (environment):
#   SOAK_DURATION  how long to load the server (default 5m)
#   SOAK_CLIENTS   concurrent clients (default 200)
#   SOAK_SCALE     camreg gen's --scale (default small)
#   SOAK_DIR       where the dataset, the server's files and the results go
#                  (default /tmp/camreg-soak; the dataset is kept and reused)
#   SOAK_PORT      the server's port on 127.0.0.1 (default 18480)
#   SOAK_MIX       camreg load's --mix (default its own: search=35,verify=35,read=20,write=10)
#
# The server runs with its rate limits raised, so that the load key and the
# public tier (all clients share 127.0.0.1) are not throttled. The results
# are $SOAK_DIR/result-<time>.json and summary-<time>.txt.
set -euo pipefail

duration=${SOAK_DURATION:-5m}
clients=${SOAK_CLIENTS:-200}
scale=${SOAK_SCALE:-small}
dir=${SOAK_DIR:-/tmp/camreg-soak}
port=${SOAK_PORT:-18480}
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$root/bin/camreg
stamp=$(date -u +%Y%m%dT%H%M%SZ)

cd "$root"
CGO_ENABLED=1 go build -o "$bin" .
mkdir -p "$dir"
export CAMREG_DATA=$dir/data CAMREG_ADDR=127.0.0.1:$port CAMREG_SEARCH=bleve
unset CAMREG_DB

if [ ! -e "$dir/data/camreg.db" ]; then
	if "$bin" gen --help >/dev/null 2>&1; then
		echo "== generating and loading the $scale dataset (camreg gen --seed 1 --scale $scale)"
		"$bin" gen --seed 1 --scale "$scale" --out "$dir/gen" --load
		echo "== building the search index"
		"$bin" reindex
	else
		echo "note: this camreg has no gen command yet: the soak runs on the demo dataset (serve --demo)"
	fi
fi
key=$("$bin" keys create --role admin --name "soak $stamp" 2>/dev/null | tail -1)

export CAMREG_RATE_LIMITS=public=1000000:1000000,admin=1000000:1000000
# --demo fills an empty registry only: it is what runs when camreg has no gen.
"$bin" serve --demo 2>"$dir/serve-$stamp.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
	if curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
	kill -0 $pid 2>/dev/null || { echo "the server exited: see $dir/serve-$stamp.log"; exit 1; }
	sleep 0.5
done

# Let the server build its matcher and verify's snapshot before the clients
# come (a verify waits for the matcher), as the first one to ask would.
curl -fs -m 300 "http://127.0.0.1:$port/v1/verify?model=WARM-UP" >/dev/null || true
sleep 10

echo "== load average before: $(uptime)"
mix=()
[ -n "${SOAK_MIX:-}" ] && mix=(--mix "$SOAK_MIX")
status=0
"$bin" load --url "http://127.0.0.1:$port" --key "$key" --clients "$clients" --duration "$duration" \
	--pid $pid --out "$dir/result-$stamp.json" "${mix[@]}" | tee "$dir/summary-$stamp.txt" || status=$?
echo "== load average after: $(uptime)" | tee -a "$dir/summary-$stamp.txt"
kill -0 $pid 2>/dev/null || { echo "the server died during the run: see $dir/serve-$stamp.log"; status=1; }
# The server's own count of 5xx answers, a check on the load tool's.
logged5xx=$(grep -c '"msg":"request".*"status":5[0-9][0-9]' "$dir/serve-$stamp.log" || true)
echo "5xx answers in the server's request log: $logged5xx" | tee -a "$dir/summary-$stamp.txt"
[ "$logged5xx" = 0 ] || status=1
echo "results: $dir/result-$stamp.json and $dir/summary-$stamp.txt"
exit $status
