#!/usr/bin/env bash
# Hedged-requests benchmark (not a test; `mvn verify` never runs it). Builds if needed, starts the standalone
# simulator and the packaged app in front of it with two OpenAI-kind providers pointed at it: groq and fireworks,
# which both serve the catalog's meta-llama/llama-3.3-70b-instruct, under the upstream ids llama-3.3-70b-versatile
# and accounts/fireworks/models/llama-v3p3-70b-instruct. The simulator gives groq's id a heavy TTFT tail (TTFT 20 ms,
# but 5 % of requests wait 1500 ms for their first token: slowFirstTokenRate 0.05, slowFirstTokenMs 1500) and
# fireworks' a plain 20 ms TTFT; both then stream 16 tokens at 1000 tok/s. Every request pins groq first
# (provider.order ["groq", "fireworks"], provider.only the two).
#
# Then N streaming requests, C at a time, per mode (bench/hedge-load.js, Node): without hedging, with
# provider.hedge {"after": "p90"} and with {"after_ms": 100}. It measures the caller's time to the first content chunk
# and counts the extra upstream requests: hedges launched (answers with x-switchboard-hedged: true) and, as a check,
# what the simulator received for fireworks' id beyond what it would without hedging. Prints a Markdown table.
#
# The p90 mode needs groq's live TTFT p90 (at least switchboard.hedge.min-samples samples in the routing window):
# the gateway runs with the stats rollup and refresh every 2 s (production: 60 s / 30 s), and the no-hedge mode, run
# first, and a warm-up give it those samples; the log line before the p90 mode says what p90 the stats held then.
#
#   bench/hedge.sh                       # 400 requests per mode, 8 at a time (~1-2 min once built)
#   bench/hedge.sh --n 1000 --concurrency 16
#   bench/hedge.sh --slow-rate 0.1 --slow-ms 3000
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=target/bench
# shellcheck source=bench/lib.sh
. bench/lib.sh
MASTER_KEY=sk-bench-master-key
GATEWAY_MODEL=meta-llama/llama-3.3-70b-instruct
SLOW_ID=llama-3.3-70b-versatile                         # groq's upstream id
FAST_ID=accounts/fireworks/models/llama-v3p3-70b-instruct # fireworks'
TTFT_MS=20
N=400
CONCURRENCY=8
SLOW_RATE=0.05
SLOW_MS=1500

usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --n) N=$2; shift ;;
    --concurrency) CONCURRENCY=$2; shift ;;
    --slow-rate) SLOW_RATE=$2; shift ;;
    --slow-ms) SLOW_MS=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
command -v node >/dev/null 2>&1 || { log "node is not installed (apt-get install -y nodejs)"; exit 1; }

SIM_PID= APP_PID=
cleanup() {
  stop_started
  if [ -f "$OUT/hedge-pg/postmaster.pid" ]; then
    local pg_pid
    pg_pid=$(head -1 "$OUT/hedge-pg/postmaster.pid")
    [ -n "$pg_pid" ] && kill -TERM "$pg_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

build_app_if_needed
mkdir -p "$OUT"
start_simulator
SIM=http://127.0.0.1:$SIM_PORT
curl -sf -X PUT "$SIM/_sim/profiles/$SLOW_ID" -H 'content-type: application/json' \
  -d "{\"slowFirstTokenRate\": $SLOW_RATE, \"slowFirstTokenMs\": $SLOW_MS}" >/dev/null
log "groq ($SLOW_ID): TTFT $TTFT_MS ms, $SLOW_RATE of requests $SLOW_MS ms; fireworks ($FAST_ID): TTFT $TTFT_MS ms"

log "Starting the gateway ..."
start_gateway hedge $GATEWAY_JAVA_OPTS \
  -Dswitchboard.provider.groq.base-url="$SIM/v1" -Dswitchboard.provider.groq.api-key="$SIM_KEY" \
  -Dswitchboard.provider.fireworks.base-url="$SIM/v1" -Dswitchboard.provider.fireworks.api-key="$SIM_KEY" \
  -Dswitchboard.stats.rollup-interval=2s -Dswitchboard.stats.refresh-interval=2s
GW=http://127.0.0.1:$APP_PORT/v1
log "Gateway: $GW (pid $APP_PID)"

ORDER='"only": ["groq", "fireworks"], "order": ["groq", "fireworks"], "allow_fallbacks": true'
received() { # received MODEL: what the simulator received for an upstream id so far
  curl -sf "$SIM/_sim/requests" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{
    const m=JSON.parse(s)[process.argv[1]];console.log(m?m.received:0)})" "$1"
}
load() { # load N PROVIDER_JSON
  node bench/hedge-load.js --url "$GW" --key "$MASTER_KEY" --model "$GATEWAY_MODEL" --n "$1" \
    --concurrency "$CONCURRENCY" --provider "$2"
}
# the threshold a p90 hedge would use now: groq's TTFT p90 over the routing window as the gateway's stats say
groq_p90() {
  curl -sf "http://127.0.0.1:$APP_PORT/api/v1/models/$GATEWAY_MODEL/endpoints" | node -e "let s='';
    process.stdin.on('data',d=>s+=d).on('end',()=>{try{const e=(JSON.parse(s).data.endpoints||[])
    .find(x=>x.provider==='groq');console.log(e&&e.stats?'TTFT p90 '+Math.round(e.stats.ttft_p90_ms)
    +' ms over '+e.stats.ttft_samples+' samples':'no stats yet')}
    catch(x){console.log('null')}})"
}

log "Warm-up: $((N / 4)) requests without hedging"
load $((N / 4)) "{$ORDER}" >/dev/null

ROWS=()
run_mode() { # run_mode LABEL PROVIDER_JSON
  local label=$1 provider=$2 fast_before fast_after json
  fast_before=$(received "$FAST_ID")
  log "$label: $N streaming requests, $CONCURRENCY at a time"
  json=$(load "$N" "$provider")
  fast_after=$(received "$FAST_ID")
  ROWS+=("$label	$json	$((fast_after - fast_before))")
  log "$label: $json; fireworks received $((fast_after - fast_before))"
}
run_mode "no hedging" "{$ORDER}"
sleep 5 # two rollup + refresh rounds: the no-hedge run's groq samples reach the routing window's p90
log "groq endpoint, as the gateway's stats say now (the p90 mode's threshold): $(groq_p90)"
run_mode 'hedge {"after": "p90"}' "{$ORDER, \"hedge\": {\"after\": \"p90\"}}"
run_mode 'hedge {"after_ms": 100}' "{$ORDER, \"hedge\": {\"after_ms\": 100}}"

# one hedged generation's attempts, to show when the hedge went out
gen=$(curl -s -D - -o /dev/null "$GW/chat/completions" -H "authorization: Bearer $MASTER_KEY" \
  -H 'content-type: application/json' -d "{\"model\":\"$GATEWAY_MODEL\",\"stream\":true,\"provider\":{$ORDER,\
\"hedge\":{\"after\":\"p90\"}},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}" \
  | tr -d '\r' | awk -F': ' 'tolower($1)=="x-switchboard-generation-id"{print $2}')

{
  echo "| mode | requests | TTFT p50 | TTFT p99 | extra-request rate (hedged header) | fireworks received / request | errors | p99 factor (no-hedge p99 / p99) |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  base_p99=
  for row in "${ROWS[@]}"; do
    IFS=$'\t' read -r label json fast <<<"$row"
    node -e "const r=JSON.parse(process.argv[1]);const base=process.argv[3]?Number(process.argv[3]):r.p99;
      const f=(x)=>x===null?'-':x.toFixed(1)+' ms';
      console.log('| '+process.argv[2]+' | '+r.requests+' | '+f(r.p50)+' | '+f(r.p99)+' | '
        +(100*r.hedged/r.requests).toFixed(1)+' % | '+(Number(process.argv[4])/r.requests).toFixed(3)+' | '
        +r.errors+' | '+(base/r.p99).toFixed(2)+'x |')" "$json" "$label" "$base_p99" "$fast"
    if [ -z "$base_p99" ]; then base_p99=$(node -e "console.log(JSON.parse(process.argv[1]).p99)" "$json"); fi
  done
} | tee "$OUT/hedge.md"
echo
echo "$N requests per mode, $CONCURRENCY at a time, after a warm-up of $((N / 4)); groq TTFT $TTFT_MS ms with \
$SLOW_RATE at $SLOW_MS ms, fireworks TTFT $TTFT_MS ms; $(nproc) CPUs, shared. Fireworks serves only as the \
hedge (or on fail-over), so what it received per request is the extra-request rate as the upstream counted it
(a little below the header's: a hedge cancelled before its request reached the simulator is not counted there)."
if [ -n "$gen" ]; then
  sleep 2 # the generation log is written in batches (switchboard.generations.flush-interval 1s)
  echo
  echo "A hedged p90 request's attempts (GET /api/v1/generation?id=$gen):"
  curl -s "http://127.0.0.1:$APP_PORT/api/v1/generation?id=$gen" -H "authorization: Bearer $MASTER_KEY" \
    | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{try{const g=JSON.parse(s).data||JSON.parse(s);
      for(const a of g.attempts||[])console.log('  '+JSON.stringify(a))}catch(e){console.log('  '+s.slice(0,300))}})"
fi
