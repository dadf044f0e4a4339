#!/usr/bin/env bash
# Single-node Apache Kafka (KRaft, combined broker+controller) for local
# development and CI, without Docker: the broker jars come from Maven Central
# through the local ~/.m2 cache and run on the system JVM.
#
# Usage: scripts/kafka-local.sh <command> [args]
#   start                      start (or reuse) the broker; last stdout line is
#                              the bootstrap address
#   stop [--wipe]              graceful stop; --wipe also deletes the state dir
#   clean                      same as `stop --wipe`
#   restart                    stop + start, keeping topics and data
#   status                     print running/stopped; exit 0 only when running
#   create-topic NAME PARTS [TopicCommand args...]
#                              create a topic (idempotent); alias topics-create
#   tool CLASS [args...]       run any Kafka CLI class on the broker classpath,
#                              e.g. org.apache.kafka.tools.ConsoleProducer
#   classpath                  print the resolved broker classpath
#   secure-env                 print the secured listeners' addresses, the test
#                              user and the TLS files (KEY=value lines)
#
# Besides the PLAINTEXT listener the broker has three secured ones on
# 127.0.0.1, for the security tests (tests/security.rs): SASL_PLAINTEXT and
# SASL_SSL (mechanisms PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, one test user) and
# SSL with client certificates required (mutual TLS). The TLS files (a private
# CA, the broker's and a client's certificate) are generated with openssl into
# the state dir on first start; `secure-env` says where. ACLs are enforced where
# a test sets some (for a second, limited SCRAM user); everything else is open.
#
# Environment (all optional):
#   KAFKA_VERSION          org.apache.kafka:kafka_2.13 version (default below)
#   KAFKA_LOCAL_DIR        state dir (default <repo>/.kafka-local)
#   KAFKA_LOCAL_CACHE      resolved-classpath cache (default ~/.cache/dateline/kafka-<ver>)
#   KAFKA_PORT             client listener port (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller port (default 9093)
#   KAFKA_SASL_PORT        SASL_PLAINTEXT listener port (default 9094)
#   KAFKA_SASL_SSL_PORT    SASL_SSL listener port (default 9095)
#   KAFKA_SSL_PORT         SSL (mutual TLS) listener port (default 9096)
#   KAFKA_AUTO_CREATE      auto.create.topics.enable (default false)
#   KAFKA_EXTRA_CONFIG     extra server.properties lines, appended verbatim
#   KAFKA_HEAP_OPTS        broker heap (default -Xmx512m -Xms256m)
#   KAFKA_START_TIMEOUT    seconds to wait for readiness (default 90)
#   KAFKA_STOP_TIMEOUT     seconds to wait after SIGTERM before SIGKILL (default 30)
#   JAVA_HOME / JAVA       which JVM to use (needs Java 17+)
set -euo pipefail

# The one place the Kafka version is pinned; docker-compose.yml uses the same
# apache/kafka image tag. LOG4J_VERSION follows what kafka-server declares for
# this Kafka version, so log4j-api/core and the slf4j binding stay in lockstep.
KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
LOG4J_VERSION="${LOG4J_VERSION:-2.25.5}"
DEPENDENCY_PLUGIN_VERSION="3.8.1"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

# Absolute, so the broker, the pid file and `stop --wipe` agree on it no matter
# which directory the script is called from (a relative KAFKA_LOCAL_DIR is
# taken relative to the caller's cwd, as usual).
STATE_DIR="$(realpath -m "${KAFKA_LOCAL_DIR:-$REPO_ROOT/.kafka-local}")"
# Kept outside the state dir so `stop --wipe` does not force a re-resolve.
CACHE_DIR="${KAFKA_LOCAL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dateline/kafka-$KAFKA_VERSION}"

PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
SASL_PORT="${KAFKA_SASL_PORT:-9094}"
SASL_SSL_PORT="${KAFKA_SASL_SSL_PORT:-9095}"
SSL_PORT="${KAFKA_SSL_PORT:-9096}"
HOST="127.0.0.1"
BOOTSTRAP="$HOST:$PORT"
AUTO_CREATE="${KAFKA_AUTO_CREATE:-false}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m}"

if [[ -n "${JAVA:-}" ]]; then :
elif [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"
else JAVA="java"; fi

DATA_DIR="$STATE_DIR/data"
LOG_DIR="$STATE_DIR/logs"
PID_FILE="$STATE_DIR/kafka.pid"
SERVER_PROPS="$STATE_DIR/server.properties"
BROKER_LOG4J="$STATE_DIR/log4j2.properties"
TLS_DIR="$STATE_DIR/tls"
SECURE_ENV="$STATE_DIR/secure.env"
# The secured listeners' users. Test-only credentials for a broker bound to
# 127.0.0.1, printed by `secure-env`; nothing else uses them. The first may do
# anything; the second only what ACLs allow it (SCRAM only).
TEST_USER="dateline-test"
TEST_PASSWORD="dateline-test-secret"
LIMITED_USER="dateline-limited"
LIMITED_PASSWORD="dateline-limited-secret"
# Protects only the broker's PKCS#12 keystore, a file in the state dir.
KEYSTORE_PASSWORD="dateline-local-keystore"
# Encrypts a second copy of the client's key (for ssl_key_password_*).
CLIENT_KEY_PASSWORD="dateline-local-client-key"
CLASSPATH_FILE="$CACHE_DIR/classpath.txt"
TOOLS_LOG4J="$CACHE_DIR/tools-log4j2.properties"
PROBE_CONFIG="$CACHE_DIR/probe-admin.properties"

# Stdout is reserved for the machine-readable result (the bootstrap address),
# so every human message goes to stderr.
log() { printf 'kafka-local: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------------------
# Classpath: resolved once with Maven, then cached as a plain file. Later runs
# only check that the listed jars still exist, so they start no Maven at all.
# ---------------------------------------------------------------------------

classpath_is_valid() {
  [[ -s "$CLASSPATH_FILE" ]] || return 1
  local jar
  local -a jars
  IFS=':' read -r -a jars < "$CLASSPATH_FILE"
  for jar in "${jars[@]}"; do [[ -f "$jar" ]] || return 1; done
}

write_pom() {
  # kafka-tools brings TopicCommand and the console producer/consumer. Its
  # dependency on connect-runtime (Jetty, Jersey, ...) only serves the Connect
  # plugin tool, so it is excluded. Kafka's poms declare no log4j2 slf4j
  # binding (the distribution adds one in libs/), and without one the broker
  # would log nothing; log4j-slf4j-impl matches Kafka's slf4j-api 1.7.
  cat > "$CACHE_DIR/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by scripts/kafka-local.sh; only used to resolve a classpath. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.dateline</groupId>
  <artifactId>kafka-local-broker</artifactId>
  <version>$KAFKA_VERSION</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka-tools</artifactId>
      <version>$KAFKA_VERSION</version>
      <exclusions>
        <exclusion>
          <groupId>org.apache.kafka</groupId>
          <artifactId>connect-runtime</artifactId>
        </exclusion>
      </exclusions>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-api</artifactId>
      <version>$LOG4J_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
      <version>$LOG4J_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>$LOG4J_VERSION</version>
    </dependency>
  </dependencies>
  <build>
    <pluginManagement>
      <plugins>
        <plugin>
          <groupId>org.apache.maven.plugins</groupId>
          <artifactId>maven-dependency-plugin</artifactId>
          <version>$DEPENDENCY_PLUGIN_VERSION</version>
        </plugin>
      </plugins>
    </pluginManagement>
  </build>
</project>
EOF
}

resolve_classpath() {
  classpath_is_valid && return 0
  command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
  mkdir -p "$CACHE_DIR"
  write_pom
  local tmp="$CLASSPATH_FILE.tmp.$$"
  local -a goal=(-B -q -Dstyle.color=never -f "$CACHE_DIR/pom.xml" dependency:build-classpath
                 -Dmdep.includeScope=runtime "-Dmdep.outputFile=$tmp")
  # Offline first: when ~/.m2 already has everything (say the cache dir was
  # removed) this avoids any network round trip.
  if mvn -o "${goal[@]}" >/dev/null 2>&1; then :
  else
    log "resolving org.apache.kafka:kafka_2.13:$KAFKA_VERSION with Maven (first run downloads ~45 MB of jars plus Maven plugins into ~/.m2)"
    mvn "${goal[@]}" >&2 || { rm -f "$tmp"; die "Maven could not resolve Kafka $KAFKA_VERSION"; }
  fi
  mv -f "$tmp" "$CLASSPATH_FILE"
  classpath_is_valid || die "resolved classpath lists missing jars: $CLASSPATH_FILE"
}

check_java() {
  command -v "$JAVA" >/dev/null || die "java not found (Kafka $KAFKA_VERSION needs Java 17+)"
  local spec
  spec="$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')"
  [[ "${spec%%.*}" =~ ^[0-9]+$ && "${spec%%.*}" -ge 17 ]] \
    || die "Kafka $KAFKA_VERSION needs Java 17+, $JAVA reports '${spec:-unknown}'"
}

# ---------------------------------------------------------------------------
# Config files
# ---------------------------------------------------------------------------

write_tools_config() {
  mkdir -p "$CACHE_DIR"
  # CLI tools: warnings only, on stderr, so their stdout stays parseable.
  # shutdownHook=disable keeps log4j alive while Kafka's own hooks still log.
  cat > "$TOOLS_LOG4J" <<'EOF'
status = warn
shutdownHook = disable
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = STDERR
EOF
  # Short client timeouts: a readiness probe must fail fast and be retried,
  # not sit in the admin client's default 60 s retry loop.
  cat > "$PROBE_CONFIG" <<'EOF'
request.timeout.ms=3000
default.api.timeout.ms=5000
socket.connection.setup.timeout.ms=1000
socket.connection.setup.timeout.max.ms=2000
EOF
}

write_broker_config() {
  mkdir -p "$DATA_DIR" "$LOG_DIR"
  # A static voter set (controller.quorum.voters) rather than a dynamic quorum
  # (--standalone): the voter endpoint then lives in this file only, so a
  # restart with a different KAFKA_CONTROLLER_PORT keeps working on old data.
  cat > "$SERVER_PROPS" <<EOF
# Generated by scripts/kafka-local.sh on every start; edit the script instead.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT,SASL_PLAINTEXT://$HOST:$SASL_PORT,SASL_SSL://$HOST:$SASL_SSL_PORT,SSL://$HOST:$SSL_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT,SASL_PLAINTEXT://$HOST:$SASL_PORT,SASL_SSL://$HOST:$SASL_SSL_PORT,SSL://$HOST:$SSL_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
log.dirs=$DATA_DIR

# The secured listeners (for tests/security.rs). PLAIN users live in the JAAS
# line; SCRAM credentials in the metadata log (added when storage is formatted).
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$TEST_USER="$TEST_PASSWORD";
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$TEST_USER="$TEST_PASSWORD";
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
ssl.keystore.type=PKCS12
ssl.keystore.location=$TLS_DIR/broker.p12
ssl.keystore.password=$KEYSTORE_PASSWORD
ssl.truststore.type=PEM
ssl.truststore.location=$TLS_DIR/ca.pem
listener.name.ssl.ssl.client.auth=required

# ACLs are enforced, but only where some exist: a resource without any is open to
# everyone, and the PLAINTEXT/CONTROLLER principal (ANONYMOUS) and the first test
# user may do anything. Only a test that sets ACLs (for the limited user) sees them.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=true
super.users=User:ANONYMOUS;User:$TEST_USER

# One node, so every internal topic must accept a single replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1

# Tests create their topics explicitly and want consumers assigned at once.
auto.create.topics.enable=$AUTO_CREATE
num.partitions=1
delete.topic.enable=true
group.initial.rebalance.delay.ms=0

# After a SIGKILL the restarted broker cannot re-register until the controller
# expires its old session (default 9 s). Shorter, yet with slack for a busy
# 2-core CI box, so kill-and-restart outage tests do not stall.
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=5000
EOF
  if [[ -n "${KAFKA_EXTRA_CONFIG:-}" ]]; then
    printf '\n# KAFKA_EXTRA_CONFIG\n%s\n' "$KAFKA_EXTRA_CONFIG" >> "$SERVER_PROPS"
  fi

  # Kafka 4 logs through log4j2. Everything goes to one size-capped file so a
  # long test session cannot fill the disk and the terminal stays quiet.
  cat > "$BROKER_LOG4J" <<EOF
status = warn
shutdownHook = disable
appender.file.type = RollingFile
appender.file.name = FILE
appender.file.fileName = $LOG_DIR/server.log
appender.file.filePattern = $LOG_DIR/server.log.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 50MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
EOF
}

# The secured listeners' TLS files, made once per state dir: a private CA, the
# broker's certificate (for 127.0.0.1 and localhost, so clients verify the host
# name) in a PKCS#12 keystore, and a client certificate and key in PEM for the
# mutual-TLS listener (the key also encrypted, in client-encrypted.key). openssl,
# not keytool: one process per step instead of a JVM.
write_tls_files() {
  [[ -s "$TLS_DIR/broker.p12" && -s "$TLS_DIR/client-encrypted.key" ]] && return 0
  command -v openssl >/dev/null || die "openssl not found (apt-get install openssl)"
  rm -rf "$TLS_DIR"
  mkdir -p "$TLS_DIR"
  (
    cd "$TLS_DIR"
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=dateline local test CA" \
      -keyout ca.key -out ca.pem
    for who in broker client; do
      openssl req -newkey rsa:2048 -nodes -subj "/CN=dateline-local-$who" -keyout "$who.key" -out "$who.csr"
      printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$who.ext"
      openssl x509 -req -days 3650 -in "$who.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
        -extfile "$who.ext" -out "$who.pem"
    done
    openssl pkcs12 -export -name broker -in broker.pem -inkey broker.key -certfile ca.pem \
      -passout "pass:$KEYSTORE_PASSWORD" -out broker.p12
    openssl pkey -in client.key -aes256 -passout "pass:$CLIENT_KEY_PASSWORD" -out client-encrypted.key
    rm -f ./*.csr ./*.ext ca.srl
  ) >"$LOG_DIR/tls.log" 2>&1 || { cat "$LOG_DIR/tls.log" >&2; die "generating the TLS files failed"; }
}

write_secure_env() {
  cat > "$SECURE_ENV" <<EOF
# Written by scripts/kafka-local.sh: the broker's secured listeners (test only).
KAFKA_LOCAL_SASL_PLAINTEXT=$HOST:$SASL_PORT
KAFKA_LOCAL_SASL_SSL=$HOST:$SASL_SSL_PORT
KAFKA_LOCAL_SSL=$HOST:$SSL_PORT
KAFKA_LOCAL_USER=$TEST_USER
KAFKA_LOCAL_PASSWORD=$TEST_PASSWORD
KAFKA_LOCAL_LIMITED_USER=$LIMITED_USER
KAFKA_LOCAL_LIMITED_PASSWORD=$LIMITED_PASSWORD
KAFKA_LOCAL_CA=$TLS_DIR/ca.pem
KAFKA_LOCAL_CLIENT_CERT=$TLS_DIR/client.pem
KAFKA_LOCAL_CLIENT_KEY=$TLS_DIR/client.key
KAFKA_LOCAL_CLIENT_KEY_ENCRYPTED=$TLS_DIR/client-encrypted.key
KAFKA_LOCAL_CLIENT_KEY_PASSWORD=$CLIENT_KEY_PASSWORD
EOF
}

# SCRAM credentials live in the metadata log. A fresh storage gets them when it is
# formatted; storage formatted by an older version of this script gets them
# through the admin API once the broker answers.
# Named for the set of users it stands for: a new user means a new marker.
SCRAM_MARKER_NAME=".dateline-scram-users-2"

# "user password" lines, one per SCRAM user.
scram_users() {
  printf '%s %s\n' "$TEST_USER" "$TEST_PASSWORD" "$LIMITED_USER" "$LIMITED_PASSWORD"
}

ensure_scram_users() {
  [[ -f "$DATA_DIR/$SCRAM_MARKER_NAME" ]] && return 0
  log "adding the SCRAM test users to existing storage"
  local user password m
  while read -r user password; do
    # One mechanism per request: the broker refuses two for one user at once.
    for m in SCRAM-SHA-256 SCRAM-SHA-512; do
      TOOL_TIMEOUT=60 run_tool org.apache.kafka.tools.ConfigCommand --bootstrap-server "$BOOTSTRAP" \
        --alter --entity-type users --entity-name "$user" \
        --add-config "$m=[password=$password]" \
        >"$LOG_DIR/scram.log" 2>&1 || { cat "$LOG_DIR/scram.log" >&2; die "adding $m credentials failed"; }
    done
  done < <(scram_users)
  touch "$DATA_DIR/$SCRAM_MARKER_NAME"
}

# ---------------------------------------------------------------------------
# Process helpers
# ---------------------------------------------------------------------------

classpath() { cat "$CLASSPATH_FILE"; }

# Runs a Kafka CLI class, under `timeout` when TOOL_TIMEOUT is set. C1-only JIT
# and serial GC roughly halve JVM start-up for these short-lived tools.
run_tool() {
  local main="$1"; shift
  local -a prefix=()
  [[ -n "${TOOL_TIMEOUT:-}" ]] && prefix=(timeout "$TOOL_TIMEOUT")
  "${prefix[@]}" "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto \
    -Djava.awt.headless=true "-Dlog4j2.configurationFile=$TOOLS_LOG4J" \
    -cp "$(classpath)" "$main" "$@"
}

broker_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(<"$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against pid reuse after a reboot or crash: the process must be our
  # broker, started with this state dir's server.properties.
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $SERVER_PROPS" || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# "Answers" means a real admin round trip. The KRaft broker opens its client
# listener only once it is caught up and unfenced, so the cheap TCP check
# filters out the early phase without spawning a JVM every time.
broker_answers() {
  port_open "$PORT" || return 1
  TOOL_TIMEOUT=20 run_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" \
    --command-config "$PROBE_CONFIG" --list >/dev/null 2>&1
}

fail_with_log() {
  log "error: $*"
  if [[ -f "$LOG_DIR/server.log" ]]; then
    log "last lines of $LOG_DIR/server.log:"
    tail -n 40 "$LOG_DIR/server.log" >&2
  fi
  if [[ -s "$LOG_DIR/stdout.log" ]]; then
    log "last lines of $LOG_DIR/stdout.log:"
    tail -n 20 "$LOG_DIR/stdout.log" >&2
  fi
  exit 1
}

wait_ready() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT))
  while :; do
    kill -0 "$pid" 2>/dev/null || fail_with_log "broker process $pid exited during start-up"
    if port_open "$PORT"; then
      broker_answers && return 0
      (( SECONDS < deadline )) || break
      sleep 1
    else
      (( SECONDS < deadline )) || break
      sleep 0.25
    fi
  done
  fail_with_log "broker not ready after ${START_TIMEOUT}s (pid $pid still running; see $LOG_DIR)"
}

# Serialises start/stop so two concurrent callers (parallel test binaries,
# say) cannot launch two brokers on the same data dir.
take_lock() {
  mkdir -p "$STATE_DIR"
  exec 9>"$STATE_DIR/.lock"
  flock -w $((START_TIMEOUT + STOP_TIMEOUT + 10)) 9 || die "could not lock $STATE_DIR"
}

# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------

cmd_start() {
  take_lock
  resolve_classpath
  write_tools_config
  local pid
  if pid="$(broker_pid)"; then
    # Already ours and running (perhaps still starting): just wait for it.
    wait_ready "$pid"
    ensure_scram_users
    log "already running (pid $pid)"
    echo "$BOOTSTRAP"
    return 0
  fi
  rm -f "$PID_FILE"
  check_java
  local p
  for p in "$PORT" "$CONTROLLER_PORT" "$SASL_PORT" "$SASL_SSL_PORT" "$SSL_PORT"; do
    port_open "$p" && die "port $p on $HOST is already in use by another process"
  done
  write_broker_config
  write_tls_files
  write_secure_env

  if [[ ! -f "$DATA_DIR/meta.properties" ]]; then
    local cluster_id
    cluster_id="$(run_tool kafka.tools.StorageTool random-uuid)"
    log "formatting fresh KRaft storage in $DATA_DIR (cluster id $cluster_id)"
    local -a scram=()
    local user password
    while read -r user password; do
      scram+=(--add-scram "SCRAM-SHA-256=[name=$user,password=$password]"
              --add-scram "SCRAM-SHA-512=[name=$user,password=$password]")
    done < <(scram_users)
    run_tool kafka.tools.StorageTool format -t "$cluster_id" -c "$SERVER_PROPS" "${scram[@]}" \
      >"$LOG_DIR/format.log" 2>&1 \
      || { cat "$LOG_DIR/format.log" >&2; die "formatting storage failed"; }
    touch "$DATA_DIR/$SCRAM_MARKER_NAME"
  fi

  log "starting Kafka $KAFKA_VERSION on $BOOTSTRAP (logs: $LOG_DIR/server.log)"
  # G1 with a short pause target, as Kafka's own start scripts use. The
  # background job ignores SIGINT (non-interactive shell), so a Ctrl-C in
  # the caller does not take the broker down with it. `9>&-`: the broker
  # must not inherit the lock fd, or it would hold the lock for its lifetime.
  # shellcheck disable=SC2086 # HEAP_OPTS is a list of flags
  nohup "$JAVA" $HEAP_OPTS \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true "-Dlog4j2.configurationFile=$BROKER_LOG4J" \
    -cp "$(classpath)" kafka.Kafka "$SERVER_PROPS" \
    </dev/null >>"$LOG_DIR/stdout.log" 2>&1 9>&- &
  pid=$!
  echo "$pid" > "$PID_FILE"

  local t0="${EPOCHREALTIME/[.,]/}"
  wait_ready "$pid"
  ensure_scram_users
  local ms=$(( (${EPOCHREALTIME/[.,]/} - t0) / 1000 ))
  log "ready after $((ms / 1000)).$(printf '%03d' $((ms % 1000)))s (pid $pid)"
  echo "$BOOTSTRAP"
}

cmd_stop() {
  local wipe=false
  case "${1:-}" in
    "") ;;
    --wipe) wipe=true ;;
    *) die "usage: stop [--wipe]" ;;
  esac
  if [[ ! -d "$STATE_DIR" ]]; then
    log "not running (no state dir)"
    return 0
  fi
  take_lock
  local pid
  if pid="$(broker_pid)"; then
    log "stopping broker (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + STOP_TIMEOUT))
    while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      log "broker did not stop within ${STOP_TIMEOUT}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
    log "stopped"
  else
    log "not running"
  fi
  rm -f "$PID_FILE"
  if $wipe; then
    # Refuse anything that does not look like a dedicated state dir.
    case "$STATE_DIR" in
      /|"$HOME"|"$REPO_ROOT") die "refusing to wipe $STATE_DIR" ;;
    esac
    rm -rf "$STATE_DIR"
    log "wiped $STATE_DIR"
  fi
}

cmd_status() {
  local pid
  if pid="$(broker_pid)"; then
    if port_open "$PORT"; then
      echo "running (pid $pid, bootstrap $BOOTSTRAP)"
      return 0
    fi
    echo "starting (pid $pid, $BOOTSTRAP not accepting connections yet)"
    return 1
  fi
  echo "stopped"
  return 1
}

cmd_create_topic() {
  [[ $# -ge 2 && "$2" =~ ^[0-9]+$ ]] || die "usage: create-topic NAME PARTITIONS [TopicCommand args...]"
  local name="$1" partitions="$2"; shift 2
  broker_pid >/dev/null || die "broker is not running (scripts/kafka-local.sh start)"
  resolve_classpath
  write_tools_config
  run_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" \
    --create --if-not-exists --topic "$name" --partitions "$partitions" \
    --replication-factor 1 "$@" >&2
  log "topic $name ready ($partitions partitions)"
}

cmd_secure_env() {
  [[ -f "$SECURE_ENV" ]] || die "no $SECURE_ENV yet (scripts/kafka-local.sh start writes it)"
  grep -v '^#' "$SECURE_ENV"
}

cmd_tool() {
  [[ $# -ge 1 ]] || die "usage: tool MAIN_CLASS [args...]"
  resolve_classpath
  write_tools_config
  run_tool "$@"
}

usage() { sed -n '6,20s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; }

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    start) cmd_start ;;
    stop) cmd_stop "$@" ;;
    clean) cmd_stop --wipe ;;
    restart) cmd_stop; cmd_start ;;
    status) cmd_status ;;
    create-topic|topics-create) cmd_create_topic "$@" ;;
    tool) cmd_tool "$@" ;;
    classpath) resolve_classpath; classpath; echo ;;
    secure-env) cmd_secure_env ;;
    -h|--help|help) usage ;;
    *) usage; exit 2 ;;
  esac
}

main "$@"
