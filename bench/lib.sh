# Shared by the bench scripts (sourced, not run): the JDK, ports, the standalone simulator, waiting for readiness.
# The caller sets OUT (a work directory) and may set SIM_KEY, TTFT_MS, TOKENS_PER_SECOND, OUTPUT_TOKENS and SIM_PORT,
# and call pin_cpus to place the gateway and the rest on separate CPUs.

export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
# glibc gives each thread that mallocs its own 64 MB arena; the JVM's many threads then hold RSS nobody uses
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
JAVA="$JAVA_HOME/bin/java"
JAR=target/quarkus-app/quarkus-run.jar
SIM_KEY=${SIM_KEY:-sim-key-1}
TTFT_MS=${TTFT_MS:-5}
TOKENS_PER_SECOND=${TOKENS_PER_SECOND:-1000}
OUTPUT_TOKENS=${OUTPUT_TOKENS:-16}
# The gateway's JVM options. Its live set is ~50 MB after a full GC; left to itself the JVM caps the heap at a quarter
# of the machine's RAM, and the serial and parallel collectors grow the old generation (rather than collect it) while
# they can, so RSS climbs towards that cap for many minutes without any leak. A cap bounds it.
GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS:--Xms64m -Xmx160m}

log() { printf '[bench] %s\n' "$*" >&2; }

# The packaged app, rebuilt when missing or older than its sources.
build_app_if_needed() {
  if [ ! -f "$JAR" ] || [ -n "$(find src/main db pom.xml -newer "$JAR" -type f -print -quit)" ]; then
    log "Building (./mvnw -q -B package -DskipTests) ..."
    ./mvnw -q -B package -DskipTests
  fi
}

# The load client (src/test/java/dev/switchboard/bench/ProxyLoad.java) and its class path in $OUT.
CLIENT_CLASS=target/test-classes/dev/switchboard/bench/ProxyLoad.class
build_client_if_needed() {
  CLASSPATH_FILE=$OUT/test-classpath.txt
  if [ ! -f "$CLIENT_CLASS" ] \
      || [ -n "$(find src/test/java/dev/switchboard/bench pom.xml -newer "$CLIENT_CLASS" -type f -print -quit)" ]; then
    log "Compiling the load client (./mvnw -q -B test-compile) ..."
    ./mvnw -q -B test-compile
  fi
  mkdir -p "$OUT"
  if [ ! -s "$CLASSPATH_FILE" ] || [ pom.xml -nt "$CLASSPATH_FILE" ]; then
    log "Resolving the load client's class path ..."
    ./mvnw -q -B dependency:build-classpath -Dmdep.outputFile="$CLASSPATH_FILE" -Dmdep.includeScope=test >/dev/null
  fi
}

# load_client ARGS...: the load client, behind OTHER_TASKSET.
load_client() {
  "${OTHER_TASKSET[@]}" "$JAVA" -XX:+UseParallelGC -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
    -cp "target/test-classes:$(cat "$CLASSPATH_FILE")" dev.switchboard.bench.ProxyLoad "$@"
}

# CPU placement: GW_TASKSET puts the gateway alone on the last CPU, OTHER_TASKSET everything else on the others (both
# empty, no pinning, without taskset or with a single CPU).
GW_TASKSET=() OTHER_TASKSET=()
pin_cpus() {
  if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
    local last=$(($(nproc) - 1))
    GW_TASKSET=(taskset -c "$last")
    OTHER_TASKSET=(taskset -c "0-$((last - 1))")
  fi
}

# A port nobody listens on: bash's /dev/tcp fails to connect to it.
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 12000)) # below the kernel's ephemeral range (32768 and up by default)
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"; return
    fi
  done
  log "No free port found"; exit 1
}

# wait_ready URL PID LOGFILE [TRIES]: polls URL every 0.05 s until it answers 2xx; fails when PID exits first.
wait_ready() {
  local url=$1 pid=$2 logfile=$3 tries=${4:-2400}
  for _ in $(seq 1 "$tries"); do
    curl -sf "$url" >/dev/null 2>&1 && return 0
    if ! kill -0 "$pid" 2>/dev/null; then
      log "The process exited during start-up; last lines of $logfile:"; tail -30 "$logfile" >&2; exit 1
    fi
    sleep 0.05
  done
  log "$url not ready in time; last lines of $logfile:"; tail -30 "$logfile" >&2; exit 1
}

# Starts the standalone simulated upstream (SIM_PID, SIM_PORT): every model a fixed short TTFT, fast tokens, no faults.
start_simulator() {
  SIM_PORT=${SIM_PORT:-$(free_port)}
  log "Starting the simulator on port $SIM_PORT ..."
  "${OTHER_TASKSET[@]}" "$JAVA" -XX:+UseParallelGC -cp 'target/quarkus-app/lib/main/*:target/quarkus-app/app/*' \
    dev.switchboard.sim.SimulatorMain --port "$SIM_PORT" --keys "$SIM_KEY" > "$OUT/sim.log" 2>&1 &
  SIM_PID=$!
  wait_ready "http://127.0.0.1:$SIM_PORT/_sim/profiles" "$SIM_PID" "$OUT/sim.log"
  curl -sf -X PUT "http://127.0.0.1:$SIM_PORT/_sim/profiles/*" -H 'content-type: application/json' \
    -d "{\"ttftMs\": $TTFT_MS, \"ttftSpread\": 0, \"tokensPerSecond\": $TOKENS_PER_SECOND, \
\"outputTokens\": $OUTPUT_TOKENS, \"outputTokensSpread\": 0}" >/dev/null
  log "Simulator: http://127.0.0.1:$SIM_PORT/v1 (key $SIM_KEY), TTFT $TTFT_MS ms, $OUTPUT_TOKENS tokens at \
$TOKENS_PER_SECOND tok/s"
}

# Starts bench/mock-upstream.js (SIM_PID, SIM_PORT; Node, no JVM, no timers: answers at once), behind OTHER_TASKSET.
# The same variables as the simulator's, so the scripts treat both alike.
start_node_upstream() {
  command -v node >/dev/null 2>&1 || { log "node is not installed (apt-get install -y nodejs), or use --upstream sim"; exit 1; }
  SIM_PORT=${SIM_PORT:-$(free_port)}
  log "Starting the Node mock upstream (bench/mock-upstream.js) on port $SIM_PORT ..."
  "${OTHER_TASKSET[@]}" node bench/mock-upstream.js --port "$SIM_PORT" --key "$SIM_KEY" --tokens "$OUTPUT_TOKENS" \
    > "$OUT/upstream.log" 2>&1 &
  SIM_PID=$!
  wait_ready "http://127.0.0.1:$SIM_PORT/health" "$SIM_PID" "$OUT/upstream.log"
  log "Node mock upstream: http://127.0.0.1:$SIM_PORT/v1 (key $SIM_KEY), answers at once, $OUTPUT_TOKENS tokens"
}

# stop_pid PID [SECONDS]: TERM, then up to SECONDS (default 30) for a clean exit (shutdown hooks, the AOT cache
# written at exit), then KILL.
stop_pid() {
  local pid=$1 seconds=${2:-30}
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((seconds * 2))); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null || true
}

# launch_gateway NAME [JVM options...]: starts the packaged app in production mode in front of the upstream (provider
# `openai` pointed at it, master key MASTER_KEY, no demo mode, no prober, a throw-away embedded PostgreSQL in
# $OUT/NAME-pg, log in $OUT/NAME.log), behind the command prefix GW_TASKSET if set; sets APP_PORT and APP_PID and
# returns at once. The settings go in as -D options after the caller's JVM options, so the command is the README's
# (java [options] -jar target/quarkus-app/quarkus-run.jar) with configuration added.
launch_gateway() {
  local name=$1
  shift
  APP_PORT=$(free_port)
  rm -rf "${OUT:?}/$name-pg"
  "${GW_TASKSET[@]}" "$JAVA" "$@" \
    -Dquarkus.http.port="$APP_PORT" -Dquarkus.http.host=127.0.0.1 \
    -Dswitchboard.provider.openai.base-url="http://127.0.0.1:$SIM_PORT/v1" \
    -Dswitchboard.provider.openai.api-key="$SIM_KEY" \
    -Dswitchboard.auth.master-key="$MASTER_KEY" \
    -Dswitchboard.demo=off -Dswitchboard.probe.enabled=false \
    -Dswitchboard.embedded-db.dir="$PWD/$OUT/$name-pg" -Dswitchboard.embedded-db.port="$(free_port)" \
    -jar "$JAR" > "$OUT/$name.log" 2>&1 &
  APP_PID=$!
}

# start_gateway NAME [JVM options...]: launch_gateway, then waits until it is ready.
start_gateway() {
  launch_gateway "$@"
  wait_ready "http://127.0.0.1:$APP_PORT/q/health/ready" "$APP_PID" "$OUT/$1.log"
}

# move_gateway_db NAME: the embedded PostgreSQL inherited the gateway's CPU; moves it and its backends to the other
# CPUs (OTHER_TASKSET), so the gateway's core is the gateway's alone.
move_gateway_db() {
  local pidfile=$OUT/$1-pg/postmaster.pid pg_pid
  [ ${#OTHER_TASKSET[@]} -gt 0 ] && [ -f "$pidfile" ] || return 0
  pg_pid=$(head -1 "$pidfile")
  for p in $pg_pid $(ps -o pid= --ppid "$pg_pid" 2>/dev/null); do
    taskset -a -p -c "${OTHER_TASKSET[2]}" "$p" >/dev/null 2>&1 || true
  done
}

# The AOT cache that `./mvnw package` trains (dev.switchboard.aot.AotTraining; bench/aot-cache.sh trains it again) as
# the README's start command passes it (none when it is missing or older than the jar).
aot_cache_opts() {
  if [ -s target/quarkus-app/app.aot ] && [ target/quarkus-app/app.aot -nt "$JAR" ]; then
    echo "-XX:+IgnoreUnrecognizedVMOptions -XX:AOTCache=target/quarkus-app/app.aot"
  fi
}

# Stops the gateway and the simulator the script started (an EXIT trap).
stop_started() {
  stop_pid "$APP_PID"
  [ -n "$SIM_PID" ] && kill -TERM "$SIM_PID" 2>/dev/null || true
}
