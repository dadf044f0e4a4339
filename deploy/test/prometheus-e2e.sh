#!/usr/bin/env bash
# End-to-end test of the monitoring: a real Prometheus (Debian's package) with
# the repo's scrape config and alert rules scrapes a real `dateline run` that
# processes real traffic on the local Kafka broker.
#
#   deploy/test/prometheus-e2e.sh      # ~1 min with the broker running and the
#                                      # worker built; +15 s to start a broker
#
# Steps:
#  1. promtool: `check config`, `check rules`, and the rule unit tests
#     (deploy/prometheus/alerts_test.yml).
#  2. Broker: reused when scripts/kafka-local.sh reports it running, else
#     started (and stopped again at the end). Three topics with a random
#     suffix, deleted at the end.
#  3. Worker: target/debug/dateline (built with `cargo build -p dateline-cli`
#     unless DATELINE_BIN names a binary) with a config naming those topics and
#     a metrics address on a free port; its /healthz is probed with the exact
#     HEALTHCHECK command of the Dockerfile.
#  4. Prometheus on 127.0.0.1:<free port>, storage in a temp dir, with a copy
#     of deploy/prometheus/prometheus.yml whose target is the worker and whose
#     intervals are 1 s, and a TEST COPY of alerts.yml whose `for:` durations
#     are 5 s (only those lines differ; checked).
#  5. Traffic: 20 articles/s from samples/articles.jsonl through Kafka's
#     console producer, a fifth of them invalid (each dead-letter kind that a
#     text line can carry), for the whole test.
#  6. Every PromQL expression of the Grafana dashboard and of the alert rules
#     must return data through the HTTP query API (promql_check.py explains how
#     conditions are split into their series expressions); the worker's
#     /metrics passes `promtool check metrics`.
#  7. Alerts, live: DatelineDeadLetterRateHigh must fire from the real dead
#     letters; then the worker gets SIGTERM while input keeps arriving, must
#     drain and exit 0, and DatelineWorkerDown must go pending, then firing.
#
# Bounded: a watchdog ends the run after E2E_TIMEOUT seconds (default 240;
# the build of the worker, if needed, comes before it starts). Everything the
# script starts is stopped by its EXIT trap. E2E_KEEP=1 keeps the temp dir
# (logs, Prometheus data) for a look afterwards; it is kept anyway on failure.
#
# Last line: `prometheus-e2e: N passed, M failed`; exit 1 on any failure.
set -euo pipefail
LOG_PREFIX=prometheus-e2e
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

FEED_RATE=20          # messages per second into the input topic
FOR_DURATION=5s       # `for:` of every alert in the test copy of the rules
TIMEOUT="${E2E_TIMEOUT:-240}"
KAFKA=scripts/kafka-local.sh
PROMQL=(python3 "$DEPLOY_TEST_DIR/promql_check.py")

tmp="$(mktemp -d -t dateline-e2e.XXXXXX)"
suffix="$(date +%s)-$$"
in_topic="e2e-articles-$suffix"
out_topic="e2e-enriched-$suffix"
dlq_topic="e2e-dlq-$suffix"
group="dateline-e2e-$suffix"

prom_pid="" worker_pid="" feed_pid="" watchdog_pid=""
broker_started=false broker_dir_was_new=false topics_created=false

# Ends a process we started: SIGTERM, then SIGKILL after $2 seconds.
stop_pid() {
  local pid="$1" grace="${2:-10}" i
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# Runs on every exit: stops what the script started, then prints the tally as
# the very last line (a run cut short by an error or the watchdog counts as a
# failure, so the closing line never claims a pass it did not see).
finished=false
cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  if ! $finished; then fail "run completed" "aborted with exit status $rc (see the log above)"; fi
  [[ -n "$watchdog_pid" ]] && kill "$watchdog_pid" 2>/dev/null
  # The feed runs in its own process group (setsid): generator + producer JVM.
  if [[ -n "$feed_pid" ]]; then kill -TERM -- "-$feed_pid" 2>/dev/null; wait "$feed_pid" 2>/dev/null; fi
  stop_pid "$worker_pid" 15
  stop_pid "$prom_pid" 10
  if $topics_created && ! $broker_started; then
    TOOL_TIMEOUT=30 "$KAFKA" tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" \
      --delete --topic "e2e-.*-$suffix" >/dev/null 2>&1 || log "could not delete the test topics (*-$suffix)"
  fi
  if $broker_started; then
    if $broker_dir_was_new; then "$KAFKA" stop --wipe >/dev/null 2>&1; else "$KAFKA" stop >/dev/null 2>&1; fi
  fi
  if [[ "${E2E_KEEP:-0}" == 1 || $FAILED -ne 0 ]]; then
    log "kept $tmp (worker.log, prometheus.log, feed.log, Prometheus data)"
  else
    rm -rf "$tmp"
  fi
  if summary; then exit 0; else exit 1; fi
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

elapsed() { echo "$SECONDS"; }

# --- 1. promtool -----------------------------------------------------------------
ensure_prometheus
log "$(prometheus --version 2>&1 | head -n 1)"
check "promtool check config deploy/prometheus/prometheus.yml" promtool check config deploy/prometheus/prometheus.yml
check "promtool check rules deploy/prometheus/alerts.yml" promtool check rules deploy/prometheus/alerts.yml
check "promtool test rules deploy/prometheus/alerts_test.yml" promtool test rules deploy/prometheus/alerts_test.yml

# --- 3a. the worker binary (before the clock starts: a cold build takes minutes) --
dateline="$(ensure_dateline)"

# From here on the run is bounded.
(
  sleep "$TIMEOUT" & sleeper=$!
  trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
  wait "$sleeper"
  log "watchdog: still running after ${TIMEOUT}s, giving up"
  kill -TERM $$
) &
watchdog_pid=$!
SECONDS=0

# --- 2. broker and topics ---------------------------------------------------------
if ! "$KAFKA" status >/dev/null 2>&1; then
  [[ -d "${KAFKA_LOCAL_DIR:-$REPO_ROOT/.kafka-local}" ]] || broker_dir_was_new=true
  broker_started=true
  log "starting the local broker"
fi
bootstrap="$("$KAFKA" start | tail -n 1)"
log "broker $bootstrap ($(elapsed)s)"
topics_created=true
"$KAFKA" create-topic "$in_topic" 3 2>/dev/null
"$KAFKA" create-topic "$out_topic" 3 2>/dev/null
"$KAFKA" create-topic "$dlq_topic" 1 2>/dev/null
log "topics $in_topic, $out_topic, $dlq_topic ($(elapsed)s)"

# --- 4. Prometheus ----------------------------------------------------------------
worker_port="$(free_port)"
prom_port="$(free_port)"
prom_url="http://127.0.0.1:$prom_port"

# The repo's scrape config with three edits, each verified: the target, and
# 1 s intervals so the test sees rates and `for:` within seconds.
sed -e "s/- dateline:9898$/- 127.0.0.1:$worker_port/" \
    -e 's/scrape_interval: 15s$/scrape_interval: 1s/' \
    -e 's/evaluation_interval: 15s$/evaluation_interval: 1s/' \
    deploy/prometheus/prometheus.yml > "$tmp/prometheus.yml"
if [[ "$(diff deploy/prometheus/prometheus.yml "$tmp/prometheus.yml" | grep -c '^>')" == 3 ]]; then
  pass "test scrape config = repo config with target and intervals replaced"
else
  fail "test scrape config = repo config with target and intervals replaced" "$(diff deploy/prometheus/prometheus.yml "$tmp/prometheus.yml")"
fi
# The test copy of the rules: only the `for:` lines change.
sed -E "s/^([[:space:]]+for:[[:space:]]+)[0-9]+[smh]$/\1$FOR_DURATION/" deploy/prometheus/alerts.yml > "$tmp/alerts.yml"
n_alerts="$(grep -cE '^[[:space:]]*- alert:' deploy/prometheus/alerts.yml)"
n_changed="$(diff deploy/prometheus/alerts.yml "$tmp/alerts.yml" | grep -c '^>' || true)"
n_for="$(grep -cE "^[[:space:]]+for: $FOR_DURATION$" "$tmp/alerts.yml")"
if [[ "$n_for" == "$n_alerts" && "$n_changed" -le "$n_alerts" ]]; then
  pass "test rules = repo rules with every for: set to $FOR_DURATION ($n_alerts alerts)"
else
  fail "test rules = repo rules with every for: set to $FOR_DURATION" "$n_for for: lines, $n_alerts alerts, $n_changed lines changed"
fi
check "promtool check config (test copy)" promtool check config "$tmp/prometheus.yml"

prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/prometheus-data" \
  --storage.tsdb.retention.time=1h --web.listen-address="127.0.0.1:$prom_port" \
  --log.level=warn >"$tmp/prometheus.log" 2>&1 &
prom_pid=$!

# --- 3b. the worker ---------------------------------------------------------------
cat > "$tmp/worker.toml" <<EOF
# dateline run config of deploy/test/prometheus-e2e.sh
[kafka]
brokers = "$bootstrap"
group_id = "$group"
input_topics = ["$in_topic"]
output_topic = "$out_topic"
dlq_topic = "$dlq_topic"

[kafka.consumer]
# Lag comes from librdkafka statistics: every second, so the test sees it soon.
"statistics.interval.ms" = 1000

[metrics]
addr = "127.0.0.1:$worker_port"

[shutdown]
drain_timeout_ms = 5000
EOF
RUST_LOG="${RUST_LOG:-info}" "$dateline" run --config "$tmp/worker.toml" >"$tmp/worker.log" 2>&1 &
worker_pid=$!

# The Dockerfile's HEALTHCHECK command, run as is against the live worker.
healthcheck=()
while IFS= read -r arg; do healthcheck+=("$arg"); done < <(python3 - <<'EOF'
import json, re
text = open("Dockerfile").read().replace("\\\n", " ")  # join continuation lines
m = re.search(r'^HEALTHCHECK .*\bCMD (\[.*\])$', text, re.M)
print("\n".join(json.loads(m.group(1))))
EOF
)
(( ${#healthcheck[@]} >= 3 )) || die "no HEALTHCHECK CMD [...] found in the Dockerfile"
healthy=false
for _ in $(seq 1 100); do
  kill -0 "$worker_pid" 2>/dev/null || break
  if DATELINE_METRICS_ADDR="127.0.0.1:$worker_port" "${healthcheck[@]}" 2>/dev/null; then healthy=true; break; fi
  sleep 0.2
done
if $healthy; then
  pass "the Dockerfile's HEALTHCHECK passes against the worker (/healthz)"
else
  fail "the Dockerfile's HEALTHCHECK passes against the worker (/healthz)" "$(tail -n 20 "$tmp/worker.log")"
fi
kill -0 "$worker_pid" 2>/dev/null || die "the worker exited: $(tail -n 20 "$tmp/worker.log")"

for _ in $(seq 1 50); do
  python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$prom_url/-/ready" 2>/dev/null && break
  sleep 0.2
done
kill -0 "$prom_pid" 2>/dev/null || die "Prometheus exited: $(tail -n 20 "$tmp/prometheus.log")"
log "worker on 127.0.0.1:$worker_port, Prometheus on $prom_url ($(elapsed)s)"

# --- 5. traffic -------------------------------------------------------------------
cat > "$tmp/feed.py" <<'EOF'
# JSON lines at a steady rate: sample articles with fresh ids, and one line in
# five invalid, cycling through the dead-letter kinds a text line can carry.
# Stops by itself after max_seconds.
import json, sys, time
rate, max_seconds = float(sys.argv[2]), float(sys.argv[3])
articles = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
invalid = ['{"title": "truncated', '["an", "array"]', '{"title": "no body"}', '{"body": 42}', '{"body": ""}']
start, n = time.monotonic(), 0
while time.monotonic() - start < max_seconds:
    if n % 5 == 4:
        line = invalid[(n // 5) % len(invalid)]
    else:
        a = dict(articles[n % len(articles)])
        a["id"] = f"e2e-{n}"
        line = json.dumps(a)
    print(line, flush=True)
    n += 1
    time.sleep(max(0.0, start + n / rate - time.monotonic()))
EOF
# shellcheck disable=SC2016 # the inner script's own positional parameters
setsid bash -c 'python3 "$1" samples/articles.jsonl "$2" "$3" | "$4" tool org.apache.kafka.tools.ConsoleProducer \
    --bootstrap-server "$5" --topic "$6" --timeout 50' \
  feed "$tmp/feed.py" "$FEED_RATE" "$TIMEOUT" "$KAFKA" "$bootstrap" "$in_topic" >"$tmp/feed.log" 2>&1 &
feed_pid=$!

# --- 6. every expression returns data -----------------------------------------------
# Wait for each family the panels need: output, dead letters, lag, latencies.
for expr in 'sum(dateline_messages_produced_total)' 'sum(dateline_dead_letters_total)' \
            'count(dateline_consumer_lag)' 'sum(dateline_end_to_end_seconds_count)' 'sum(dateline_ready)'; do
  if ! "${PROMQL[@]}" wait "$prom_url" "$expr" 60; then
    fail "worker reports $expr > 0 within 60 s" "$(tail -n 15 "$tmp/worker.log")"
  fi
done
log "traffic flowing, metrics scraped ($(elapsed)s)"
# What the Kubernetes readiness probe asks.
if python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=3)" \
    "http://127.0.0.1:$worker_port/readyz" 2>/dev/null; then
  pass "worker /readyz answers 200 while consuming"
else
  fail "worker /readyz answers 200 while consuming"
fi
# Several scrapes inside every rate() window before querying.
sleep 5
set +e
out="$("${PROMQL[@]}" queries "$prom_url" deploy/grafana/dashboards/dateline.json deploy/prometheus/alerts.yml)"
set -e
printf '%s\n' "$out"
tally_output <<<"$out"

metrics="$(python3 -c "import urllib.request,sys; print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())" \
  "http://127.0.0.1:$worker_port/metrics")"
check "promtool check metrics on the worker's /metrics" promtool check metrics <<<"$metrics"

# --- 7. alerts, live ----------------------------------------------------------------
# A fifth of the input is invalid: the dead-letter alert must fire on real data.
if "${PROMQL[@]}" wait-alert "$prom_url" DatelineDeadLetterRateHigh 30; then
  pass "DatelineDeadLetterRateHigh fires on the worker's real dead letters"
else
  fail "DatelineDeadLetterRateHigh fires on the worker's real dead letters"
fi
if "${PROMQL[@]}" wait "$prom_url" 'count(ALERTS{alertname="DatelineWorkerDown"})' 0 2>/dev/null; then
  fail "DatelineWorkerDown quiet while the worker runs" "it is already pending or firing"
else
  pass "DatelineWorkerDown quiet while the worker runs"
fi

# Stop the worker while the feed keeps producing.
log "stopping the worker (SIGTERM), input keeps arriving ($(elapsed)s)"
t0=$SECONDS
kill -TERM "$worker_pid"
set +e
wait "$worker_pid"
worker_rc=$?
set -e
worker_pid=""
if [[ $worker_rc -eq 0 ]]; then
  pass "worker drains and exits 0 on SIGTERM ($((SECONDS - t0)) s)"
else
  fail "worker drains and exits 0 on SIGTERM" "exit $worker_rc; $(tail -n 10 "$tmp/worker.log")"
fi
if "${PROMQL[@]}" wait-alert "$prom_url" DatelineWorkerDown 30; then
  pass "DatelineWorkerDown goes pending, then firing, after the worker stopped"
else
  fail "DatelineWorkerDown goes pending, then firing, after the worker stopped"
fi
if kill -0 "$feed_pid" 2>/dev/null; then
  pass "input kept arriving throughout"
else
  fail "input kept arriving throughout" "$(tail -n 10 "$tmp/feed.log")"
fi

log "done in $(elapsed)s"
finished=true
