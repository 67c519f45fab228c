#!/usr/bin/env bash
# services.sh — bring up the backing services TechMatch's tests need, on this
# machine, without Docker and without systemd:
#
#   postgresql     Debian package, Debian cluster on 127.0.0.1:5432,
#                  role/database techmatch (password techmatch)
#   redis          Debian package, daemonized on 127.0.0.1:6379, no persistence
#   elasticsearch  8.19.21 integ-test-zip from Maven Central, single node on
#                  127.0.0.1:9200, security off, run as user techmatch-es
#   chromium       Debian package (/usr/bin/chromium) for Playwright tests
#   axe-core       the accessibility checker the browser tests inject, fetched
#                  with `npm pack` from the npm registry into the cache
#                  ($TECHMATCH_CACHE/axe-core-VERSION/axe.min.js), checksum pinned
#
# Usage: scripts/services.sh [up|status|down|browser|es-node|redis-node]
#   up       (default) install what is missing, start what is not running,
#            wait until healthy, print the env to use. Exit 1 if any failed.
#   status   report each service without installing or starting anything.
#            Exit 0 if all are healthy, else 1.
#   down     stop postgresql, redis and elasticsearch.
#   browser  install chromium and axe-core only.
#   es-node DIR CLUSTER NAME HTTP_PORT TRANSPORT_PORT [SEEDS ROLES MASTERS]
#   redis-node DIR PORT
#            start one more Elasticsearch node or Redis server for the fault
#            tests, with its data in DIR, from the same installs (pid in
#            DIR/es.pid or DIR/redis.pid). `up` must have run before.
#
# It is meant to be run over and over (make test, CI): anything that is
# already installed, unpacked, configured or healthy is left alone, and an
# instance that already answers on a service's port is reused. CI machines
# start empty, so everything here installs itself from Debian's apt
# repositories and Maven Central, the only sources reachable.
#
# Must run as root (apt-get, system users, runuser).
#
# Environment overrides:
#   TECHMATCH_CACHE   download cache        (default /var/cache/techmatch)
#   TECHMATCH_HOME    install root          (default /opt/techmatch)
#   TECHMATCH_DATA    service data          (default /var/lib/techmatch)
#   TECHMATCH_LOG     service logs          (default /var/log/techmatch)
#   TECHMATCH_TIMEOUT seconds to wait for postgresql/redis   (default 30)
#   TECHMATCH_ES_TIMEOUT seconds to wait for elasticsearch   (default 120)
#   TECHMATCH_ES_HEAP JVM heap for elasticsearch             (default 512m)
#   TECHMATCH_ES_EXTRA_CONFIG extra lines appended to elasticsearch.yml
#   TECHMATCH_SKIP_BROWSER=1  do not install chromium during `up`
#   TECHMATCH_NODE_HEAP JVM heap of an es-node                (default 256m)

set -euo pipefail

readonly CACHE_DIR=${TECHMATCH_CACHE:-/var/cache/techmatch}
readonly INSTALL_DIR=${TECHMATCH_HOME:-/opt/techmatch}
readonly DATA_DIR=${TECHMATCH_DATA:-/var/lib/techmatch}
readonly LOG_DIR=${TECHMATCH_LOG:-/var/log/techmatch}
readonly TIMEOUT=${TECHMATCH_TIMEOUT:-30}

readonly PG_PORT=5432
readonly PG_USER=techmatch
readonly PG_PASSWORD=techmatch
readonly PG_DB=techmatch

readonly REDIS_PORT=6379

readonly ES_VERSION=8.19.21
readonly ES_PORT=9200
readonly ES_CLUSTER=techmatch-test
readonly ES_USER=techmatch-es
readonly ES_TIMEOUT=${TECHMATCH_ES_TIMEOUT:-120}
readonly ES_HEAP=${TECHMATCH_ES_HEAP:-512m}
readonly ES_HOME=$INSTALL_DIR/elasticsearch-$ES_VERSION
readonly ES_ZIP=$CACHE_DIR/es/elasticsearch-$ES_VERSION.zip
readonly ES_DATA=$DATA_DIR/elasticsearch
readonly ES_PIDFILE=$ES_DATA/elasticsearch.pid
readonly ES_LOGS=$LOG_DIR/elasticsearch
readonly ES_LOG=$ES_LOGS/$ES_CLUSTER.log

readonly APT_LOG=$LOG_DIR/apt/apt.log

# axe-core for the accessibility checks of tests/browser (they read the version
# here). The tarball's SHA-512 is pinned: a different file is refused.
readonly AXE_VERSION=4.14.1
readonly AXE_SHA512=1477dafa598d8d065f273d6af302aa203c02e83131707b7fa648cd41bd3d6b734f8c22a0dab86ee6a6f64b8afbe804b214d36db85a2826965edfb3a0b9d546b5
readonly AXE_DIR=$CACHE_DIR/axe-core-$AXE_VERSION
readonly AXE_LOG=$LOG_DIR/axe-core/npm.log

readonly ENV_LINE="DATABASE_URL=postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0 ELASTICSEARCH_URL=http://127.0.0.1:$ES_PORT"

APT_UPDATED=0

say() { printf 'services: %s\n' "$*"; }

# One FAILED line naming the service and its log, then the log's tail, so a CI
# transcript alone is enough to see why. With an offset (the log's size when
# this run started the service) only lines written since are shown: an old
# failure further up the same log must not pass for this one.
fail() {
    local svc=$1 msg=$2 log=${3:-} offset=${4:-0}
    printf 'services: FAILED %s %s%s\n' "$svc" "$msg" "${log:+ — log: $log}" >&2
    if [[ -n $log && -s $log ]]; then
        if (($(stat -c %s "$log") > offset)); then
            printf -- '----- last 30 lines of %s -----\n' "$log" >&2
            tail -c +$((offset + 1)) "$log" | tail -n 30 >&2
            printf -- '----- end of %s -----\n' "$log" >&2
        else
            printf -- '----- (nothing written to %s by this start) -----\n' "$log" >&2
        fi
    fi
    return 1
}

log_size() { stat -c %s "$1" 2>/dev/null || echo 0; }

# Who holds a port we wanted, for the failure message.
port_owner() {
    command -v ss >/dev/null || return 0
    ss -Hltnp "sport = :$1" 2>/dev/null | sed 's/^/    held by: /' >&2 || true
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

elapsed() { echo $((SECONDS - $1)); }

# ---------------------------------------------------------------- packages

pkg_installed() {
    [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]
}

# Another apt/dpkg run may be going on (image set-up, a parallel job): wait for
# its locks instead of failing, and refresh the package lists only once, and
# only when something is actually missing.
apt_install() {
    local missing=() p
    for p in "$@"; do
        pkg_installed "$p" || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    mkdir -p "${APT_LOG%/*}"
    say "installing ${missing[*]} (apt-get, log: $APT_LOG)"
    local start=$SECONDS
    if ((!APT_UPDATED)); then
        # apt-get update does not honour DPkg::Lock::Timeout for the lists
        # lock, so retry while someone else holds it.
        until apt-get -o DPkg::Lock::Timeout=600 update >>"$APT_LOG" 2>&1; do
            if (($(elapsed "$start") > 600)); then
                fail apt "apt-get update failed" "$APT_LOG"
                return 1
            fi
            sleep 5
        done
        APT_UPDATED=1
    fi
    if ! DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
        install -y "${missing[@]}" >>"$APT_LOG" 2>&1; then
        fail apt "apt-get install ${missing[*]} failed" "$APT_LOG"
        return 1
    fi
    say "installed ${missing[*]} in $(elapsed "$start")s"
}

# Java 17+ is needed by Elasticsearch 8 (the integ-test-zip bundles no JDK).
java_home() {
    local java spec
    java=$(command -v java 2>/dev/null) || return 1
    spec=$(java -XshowSettings:properties -version 2>&1 |
        sed -n 's/^ *java\.specification\.version = //p')
    spec=${spec%%.*}
    if [[ ! $spec =~ ^[0-9]+$ ]] || ((spec < 17)); then
        return 1
    fi
    java=$(readlink -f "$java")
    echo "${java%/bin/java}"
}

# Everything `up` may need, so that apt runs (and updates) at most once.
up_packages() {
    local pkgs=(postgresql redis-server curl)
    if [[ ${TECHMATCH_SKIP_BROWSER:-0} != 1 ]]; then
        pkgs+=(chromium)
        [[ -s $AXE_DIR/axe.min.js ]] || command -v npm >/dev/null || pkgs+=(npm)
    fi
    if [[ ! -x $ES_HOME/bin/elasticsearch ]]; then
        pkgs+=(unzip)
        [[ -s $ES_ZIP ]] || command -v mvn >/dev/null || pkgs+=(maven)
    fi
    java_home >/dev/null || pkgs+=(openjdk-17-jre-headless)
    printf '%s\n' "${pkgs[@]}"
}

# --------------------------------------------------------------- postgresql

# Prints one line: t when the role may create databases (Django's test DB)
# and owns the database, f otherwise; fails when it cannot log in at all.
pg_login() {
    PGPASSWORD=$PG_PASSWORD PGCONNECT_TIMEOUT=5 psql -h 127.0.0.1 -p "$PG_PORT" \
        -U "$PG_USER" -d "$PG_DB" -XtAc \
        "select r.rolcreatedb and d.datdba = r.oid from pg_roles r, pg_database d
         where r.rolname = current_user and d.datname = current_database()" 2>/dev/null
}

pg_login_ok() {
    local out
    out=$(pg_login) && [[ -n $out ]]
}

pg_healthy() {
    command -v pg_isready >/dev/null &&
        pg_isready -q -h 127.0.0.1 -p "$PG_PORT" -t 5 && pg_login_ok
}

# "ver name" of the Debian cluster configured for our port, if any.
pg_cluster() {
    pg_lsclusters -h 2>/dev/null | awk -v p="$PG_PORT" '$3 == p { print $1, $2; exit }'
}

pg_as_postgres() {
    (cd / && runuser -u postgres -- psql -X -p "$PG_PORT" -v ON_ERROR_STOP=1 "$@")
}

# Role and database are created or repaired as the postgres superuser over
# the Unix socket (peer auth); skipped when techmatch can already log in.
pg_provision() {
    local role_sql exists
    [[ $(pg_login) == t ]] && return 0
    role_sql="DO \$\$ BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    ALTER ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  ELSE
    CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  END IF;
END \$\$;"
    pg_as_postgres -d postgres -qc "$role_sql" || return 1
    exists=$(pg_as_postgres -d postgres -tAc "select 1 from pg_database where datname = '$PG_DB'") ||
        return 1
    if [[ $exists != 1 ]]; then
        pg_as_postgres -d postgres -qc "CREATE DATABASE $PG_DB OWNER $PG_USER" || return 1
    fi
    pg_as_postgres -d postgres -qc "ALTER DATABASE $PG_DB OWNER TO $PG_USER" || return 1
    say "postgresql role and database '$PG_DB' provisioned"
}

# Test data is disposable: trading durability for speed makes Django's
# test-database setup and teardown several times faster.
pg_configure() {
    local ver=$1 name=$2 conf_dir=/etc/postgresql/$1/$2
    local conf=$conf_dir/conf.d/techmatch.conf log=$LOG_DIR/postgresql/postgresql-$1-$2.log
    local want
    want="# Written by scripts/services.sh: test-only cluster, durability off for speed.
fsync = off
synchronous_commit = off
full_page_writes = off"
    install -d -o postgres -g postgres "$conf_dir/conf.d" "$LOG_DIR/postgresql"
    if [[ ! -f $conf || $(<"$conf") != "$want" ]]; then
        printf '%s\n' "$want" >"$conf"
        chown postgres:postgres "$conf"
        PG_RELOAD=1
    fi
    # pg_ctlcluster takes the server log from this symlink when present.
    if [[ $(readlink "$conf_dir/log" 2>/dev/null) != "$log" ]]; then
        ln -sfn "$log" "$conf_dir/log"
    fi
    PG_LOG=$log
}

pg_up() {
    local start=$SECONDS how=reused cluster ver name
    PG_LOG='' PG_RELOAD=0
    cluster=$(pg_cluster)
    if [[ -z $cluster ]] && ! port_open "$PG_PORT"; then
        # The package creates "main" on 5432, unless the port was taken at
        # install time; then we get a dedicated cluster on our port.
        ver=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n | tail -1)
        say "creating postgresql $ver cluster 'techmatch' on port $PG_PORT"
        pg_createcluster "$ver" techmatch --port "$PG_PORT" >/dev/null 9>&- ||
            { fail postgresql "pg_createcluster $ver techmatch failed"; return 1; }
        cluster=$(pg_cluster)
    fi
    if [[ -n $cluster ]]; then
        read -r ver name <<<"$cluster"
        pg_configure "$ver" "$name"
    fi
    if ! pg_isready -q -h 127.0.0.1 -p "$PG_PORT" -t 2; then
        if port_open "$PG_PORT"; then
                fail postgresql "port $PG_PORT is in use by something that is not a ready PostgreSQL" || true
            port_owner "$PG_PORT"
            return 1
        fi
        [[ -n $cluster ]] || { fail postgresql "no cluster found for port $PG_PORT"; return 1; }
        how=started
        # 9>&-: the server must not inherit (and so hold forever) our lock.
        if ! timeout "$TIMEOUT" pg_ctlcluster "$ver" "$name" start >/dev/null 2>&1 9>&-; then
            fail postgresql "pg_ctlcluster $ver $name start failed" "$PG_LOG"
            return 1
        fi
    elif ((PG_RELOAD)) && [[ -n $cluster ]]; then
        pg_ctlcluster "$ver" "$name" reload >/dev/null 2>&1 9>&- || true
    fi
    until pg_isready -q -h 127.0.0.1 -p "$PG_PORT" -t 2; do
        if (($(elapsed "$start") >= TIMEOUT)); then
            fail postgresql "did not become ready within ${TIMEOUT}s" "$PG_LOG"
            return 1
        fi
        sleep 1
    done
    pg_provision || { fail postgresql "could not create role/database $PG_DB" "$PG_LOG"; return 1; }
    if ! pg_login_ok; then
        fail postgresql "login as $PG_USER over TCP failed" "$PG_LOG"
        return 1
    fi
    say "postgresql ok (127.0.0.1:$PG_PORT, $how in $(elapsed "$start")s)"
}

pg_down() {
    local cluster ver name
    cluster=$(pg_cluster)
    if [[ -z $cluster ]]; then
        say "postgresql not installed or no cluster on port $PG_PORT"
        return 0
    fi
    read -r ver name <<<"$cluster"
    if pg_ctlcluster "$ver" "$name" status >/dev/null 2>&1; then
        pg_ctlcluster "$ver" "$name" stop -m fast
        say "postgresql stopped ($ver/$name)"
    else
        say "postgresql already stopped ($ver/$name)"
    fi
}

pg_status() {
    if ! command -v pg_isready >/dev/null; then
        say "postgresql not installed"
        return 1
    elif pg_healthy; then
        say "postgresql ok (127.0.0.1:$PG_PORT)"
    elif pg_isready -q -h 127.0.0.1 -p "$PG_PORT" -t 2; then
        say "postgresql running but login as $PG_USER fails (127.0.0.1:$PG_PORT)"
        return 1
    else
        say "postgresql down (127.0.0.1:$PG_PORT)"
        return 1
    fi
}

# -------------------------------------------------------------------- redis

redis_healthy() {
    command -v redis-cli >/dev/null &&
        [[ $(timeout 5 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]
}

# Start a daemonized redis-server on 127.0.0.1:PORT as the package's user, its
# pid in DIR/redis.pid. Tests need no persistence; without it nothing is written
# to disk. Used by `up` and by `redis-node` (the fault tests' own servers).
redis_launch() {
    local port=$1 dir=$2 log=$3 startup_log=$4
    (cd "$dir" && runuser -u redis -- redis-server --daemonize yes \
        --bind 127.0.0.1 --port "$port" --protected-mode yes \
        --logfile "$log" --dir "$dir" --pidfile "$dir/redis.pid" \
        --save '' --appendonly no) >"$startup_log" 2>&1 9>&-
}

redis_up() {
    local start=$SECONDS log=$LOG_DIR/redis/redis.log dir=$DATA_DIR/redis
    if redis_healthy; then
        say "redis ok (127.0.0.1:$REDIS_PORT, reused in $(elapsed "$start")s)"
        return 0
    fi
    if port_open "$REDIS_PORT"; then
        fail redis "port $REDIS_PORT is in use by something that does not answer PING" || true
        port_owner "$REDIS_PORT"
        return 1
    fi
    # The package's own user: redis refuses nothing as root, but needn't be.
    install -d -o redis -g redis "$LOG_DIR/redis" "$dir"
    if ! redis_launch "$REDIS_PORT" "$dir" "$log" "$LOG_DIR/redis/startup.log"; then
        fail redis "redis-server would not start" "$LOG_DIR/redis/startup.log"
        return 1
    fi
    until redis_healthy; do
        if (($(elapsed "$start") >= TIMEOUT)); then
            fail redis "did not become healthy within ${TIMEOUT}s" "$log"
            return 1
        fi
        sleep 1
    done
    say "redis ok (127.0.0.1:$REDIS_PORT, started in $(elapsed "$start")s)"
}

redis_down() {
    if redis_healthy; then
        redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
        local i
        for ((i = 0; i < 50; i++)); do
            port_open "$REDIS_PORT" || break
            sleep 0.2
        done
        say "redis stopped"
    else
        say "redis already stopped"
    fi
}

redis_status() {
    if ! command -v redis-cli >/dev/null; then
        say "redis not installed"
        return 1
    elif redis_healthy; then
        say "redis ok (127.0.0.1:$REDIS_PORT)"
    else
        say "redis down (127.0.0.1:$REDIS_PORT)"
        return 1
    fi
}

# ------------------------------------------------------------ elasticsearch

ES_FOUND_VERSION=

# 0: an Elasticsearch 8.x answers and is green/yellow; 2: something answers
# on the port but it is not Elasticsearch 8.x; 1: otherwise.
# The version comes from the nodes-info API: the integ-test-zip has no
# rest-root module, so `GET /` (and HEAD /, the clients' ping) answers 405.
es_probe() {
    local wait=${1:-1} body status
    ES_FOUND_VERSION=
    body=$(curl -sS --max-time 5 \
        "http://127.0.0.1:$ES_PORT/_nodes/_local?filter_path=nodes.*.version" 2>/dev/null) ||
        return 1
    ES_FOUND_VERSION=$(sed -n 's/.*"version" *: *"\([^"]*\)".*/\1/p' <<<"$body" | head -n1)
    if [[ -z $ES_FOUND_VERSION ]]; then
        # A node that is up but has not formed its cluster yet answers 503.
        grep -q '"error"' <<<"$body" && return 1
        return 2
    fi
    [[ $ES_FOUND_VERSION == 8.* ]] || return 2
    body=$(curl -sS --max-time $((wait + 5)) \
        "http://127.0.0.1:$ES_PORT/_cluster/health?wait_for_status=yellow&timeout=${wait}s" 2>/dev/null) ||
        return 1
    status=$(sed -n 's/.*"status" *: *"\([a-z]*\)".*/\1/p' <<<"$body" | head -n1)
    [[ $status == green || $status == yellow ]]
}

es_pid() {
    local pid
    [[ -s $ES_PIDFILE ]] || return 1
    pid=$(<"$ES_PIDFILE")
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
        tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'org\.elasticsearch' &&
        echo "$pid"
}

es_download() {
    # Another job may have just written the zip (or be midway): only a zip
    # that tests whole is trusted, else it is fetched again.
    if [[ -s $ES_ZIP ]] && unzip -tqq "$ES_ZIP" >/dev/null 2>&1; then
        return 0
    fi
    command -v mvn >/dev/null || apt_install maven || return 1
    local tmp log=$ES_LOGS/download.log start=$SECONDS
    mkdir -p "${ES_ZIP%/*}"
    tmp=$(mktemp -d "${ES_ZIP%/*}/.download.XXXXXX")
    say "downloading elasticsearch $ES_VERSION integ-test-zip from Maven Central"
    if ! mvn -B -q dependency:copy \
        "-Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
        "-DoutputDirectory=$tmp" >"$log" 2>&1; then
        rm -rf "$tmp"
        fail elasticsearch "download of $ES_VERSION from Maven Central failed" "$log"
        return 1
    fi
    mv -f "$tmp/elasticsearch-$ES_VERSION.zip" "$ES_ZIP"
    rm -rf "$tmp"
    say "downloaded $ES_ZIP in $(elapsed "$start")s"
}

es_install() {
    getent passwd "$ES_USER" >/dev/null ||
        useradd --system --user-group --no-create-home --home-dir "$ES_DATA" \
            --shell /usr/sbin/nologin "$ES_USER"
    install -d -o "$ES_USER" -g "$ES_USER" "$ES_DATA" "$ES_DATA/data" "$ES_LOGS"
    [[ -x $ES_HOME/bin/elasticsearch ]] && return 0
    es_download || return 1
    # Unpack beside the target and rename, so an interrupted run never
    # leaves a half-unpacked install that later runs would trust.
    local tmp
    mkdir -p "$INSTALL_DIR"
    tmp=$(mktemp -d "$INSTALL_DIR/.unpack.XXXXXX")
    if ! unzip -q "$ES_ZIP" -d "$tmp"; then
        rm -rf "$tmp"
        fail elasticsearch "could not unpack $ES_ZIP"
        return 1
    fi
    chown -R "$ES_USER:$ES_USER" "$tmp/elasticsearch-$ES_VERSION"
    mv "$tmp/elasticsearch-$ES_VERSION" "$ES_HOME"
    rm -rf "$tmp"
    say "unpacked elasticsearch into $ES_HOME"
}

# Write a file only when its content differs, so a rerun touches nothing.
write_if_changed() {
    local path=$1 content=$2
    [[ -f $path && $(<"$path") == "$content" ]] && return 1
    printf '%s\n' "$content" >"$path"
    chown "$ES_USER:$ES_USER" "$path"
}

# The elasticsearch.yml of one node. The integ-test-zip carries only the
# transport-netty4, x-pack-core, x-pack-security and apm modules: settings owned
# by other modules (xpack.ml.*, ingest.geoip.*, ...) are unknown to it and abort
# startup. DISCOVERY is one or more lines: how the node finds its cluster.
es_yml() {
    local cluster=$1 node=$2 port=$3 data=$4 logs=$5 discovery=$6
    printf '%s' "# Written by scripts/services.sh; edits are overwritten.
cluster.name: $cluster
node.name: $node
network.host: 127.0.0.1
http.port: $port
$discovery
xpack.security.enabled: false
path.data: $data
path.logs: $logs
# A partly full disk must not turn indices read-only mid-test.
cluster.routing.allocation.disk.threshold_enabled: false
# Tests create and drop indices freely.
action.destructive_requires_name: false"
}

es_configure() {
    local yml changed=0
    yml=$(es_yml "$ES_CLUSTER" node-1 "$ES_PORT" "$ES_DATA/data" "$ES_LOGS" \
        "discovery.type: single-node")
    if [[ -n ${TECHMATCH_ES_EXTRA_CONFIG:-} ]]; then
        yml+=$'\n# TECHMATCH_ES_EXTRA_CONFIG\n'"$TECHMATCH_ES_EXTRA_CONFIG"
    fi
    write_if_changed "$ES_HOME/config/elasticsearch.yml" "$yml" && changed=1
    ES_CONFIG_CHANGED=$changed
}

# Run bin/elasticsearch -d as $ES_USER in WORKDIR with the config in CONF.
# ES refuses to run as root; a clean env keeps a caller's JAVA_OPTS or ES_*
# variables from leaking in. Returns when the launcher does: once the node has
# started, or failed (its own ERROR: lines are in STARTUP_LOG).
es_launch() {
    local jhome=$1 workdir=$2 conf=$3 pidfile=$4 startup_log=$5 heap=$6 tmpdir=${7:-}
    (cd "$workdir" && exec runuser -u "$ES_USER" -- env -i \
        PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
        ES_JAVA_HOME="$jhome" ES_JAVA_OPTS="-Xms$heap -Xmx$heap" \
        ES_PATH_CONF="$conf" ${tmpdir:+ES_TMPDIR="$tmpdir"} \
        "$ES_HOME/bin/elasticsearch" -d -p "$pidfile") >"$startup_log" 2>&1 9>&-
}

es_stop_pid() {
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 60; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

es_up() {
    local start=$SECONDS rc=0 jhome pid launcher startup_log=$ES_LOGS/startup.log log_offset
    es_probe || rc=$?
    if ((rc == 0)); then
        say "elasticsearch ok (127.0.0.1:$ES_PORT, version $ES_FOUND_VERSION, reused in $(elapsed "$start")s)"
        if [[ -f $ES_HOME/config/elasticsearch.yml ]] && es_configure && ((ES_CONFIG_CHANGED)); then
            say "note: elasticsearch.yml changed; run 'scripts/services.sh down' and 'up' to apply it"
        fi
        return 0
    fi
    if ((rc == 2)); then
        fail elasticsearch "port $ES_PORT answers but is not Elasticsearch 8.x (version '${ES_FOUND_VERSION:-none}')" || true
        port_owner "$ES_PORT"
        return 1
    fi
    es_install || return 1
    es_configure
    jhome=$(java_home) || { fail elasticsearch "no Java 17+ found (java on PATH)"; return 1; }

    log_offset=$(log_size "$ES_LOG")
    if pid=$(es_pid); then
        # A node from an earlier run is still booting: wait for it instead.
        say "elasticsearch already starting (pid $pid), waiting"
        launcher=
    elif port_open "$ES_PORT"; then
        fail elasticsearch "port $ES_PORT is in use by a process that is not a healthy Elasticsearch" || true
        port_owner "$ES_PORT"
        return 1
    else
        rm -f "$ES_PIDFILE"
        es_launch "$jhome" "$ES_HOME" "$ES_HOME/config" "$ES_PIDFILE" \
            "$startup_log" "$ES_HEAP" &
        launcher=$!
    fi

    local launcher_rc
    until es_probe 2; do
        if [[ -n $launcher ]] && ! kill -0 "$launcher" 2>/dev/null; then
            launcher_rc=0
            wait "$launcher" || launcher_rc=$?
            launcher=
            if ((launcher_rc != 0)); then
                # The launcher's own verdict (its ERROR: lines); the node's
                # story follows in the log tail.
                grep '^ERROR:' "$startup_log" >&2 || tail -n 10 "$startup_log" >&2 || true
                fail elasticsearch "failed to start (launcher exit $launcher_rc)" "$ES_LOG" "$log_offset"
                return 1
            fi
        fi
        if [[ -z $launcher ]] && ! es_pid >/dev/null; then
            fail elasticsearch "process exited during startup" "$ES_LOG" "$log_offset"
            return 1
        fi
        if (($(elapsed "$start") >= ES_TIMEOUT)); then
            # Stop the half-started node so the next run starts clean.
            pid=$(es_pid) && es_stop_pid "$pid"
            [[ -z $launcher ]] || kill "$launcher" 2>/dev/null || true
            fail elasticsearch "did not become healthy within ${ES_TIMEOUT}s" "$ES_LOG" "$log_offset"
            return 1
        fi
        sleep 2
    done
    [[ -z $launcher ]] || wait "$launcher" 2>/dev/null || true
    say "elasticsearch ok (127.0.0.1:$ES_PORT, version $ES_FOUND_VERSION, started in $(elapsed "$start")s)"
}

es_down() {
    local pid
    if pid=$(es_pid); then
        es_stop_pid "$pid"
        say "elasticsearch stopped (pid $pid)"
    elif port_open "$ES_PORT"; then
        say "elasticsearch on port $ES_PORT was not started by this script (no live $ES_PIDFILE); left running"
    else
        say "elasticsearch already stopped"
    fi
    rm -f "$ES_PIDFILE"
}

es_status() {
    local rc=0
    es_probe || rc=$?
    case $rc in
    0) say "elasticsearch ok (127.0.0.1:$ES_PORT, version $ES_FOUND_VERSION)" ;;
    2) say "elasticsearch port $ES_PORT answers but is not Elasticsearch 8.x" ;;
    *) if es_pid >/dev/null; then
        say "elasticsearch starting or unhealthy (127.0.0.1:$ES_PORT) — log: $ES_LOG"
    else
        say "elasticsearch down (127.0.0.1:$ES_PORT)"
    fi ;;
    esac
    return "$rc"
}

# ----------------------------------------------------------------- chromium

browser_check() {
    if [[ ! -x /usr/bin/chromium ]]; then
        fail chromium "/usr/bin/chromium missing after install" "$APT_LOG"
        return 1
    fi
    local v
    v=$(/usr/bin/chromium --version 2>/dev/null | head -n1) || v=unknown
    say "chromium ok (/usr/bin/chromium, ${v:-unknown version})"
}

# ----------------------------------------------------------------- axe-core

# Fetch axe-core's tarball with npm (the registry is its home), check it against
# the pinned checksum and keep axe.min.js and its licence in $AXE_DIR. Nothing is
# fetched when the file is already there.
axe_install() {
    if [[ -s $AXE_DIR/axe.min.js ]]; then
        say "axe-core ok ($AXE_DIR/axe.min.js)"
        return 0
    fi
    command -v npm >/dev/null || { fail axe-core "npm not found (apt-get install npm)"; return 1; }
    mkdir -p "${AXE_LOG%/*}" "$CACHE_DIR"
    local work tgz
    work=$(mktemp -d "$CACHE_DIR/.axe-core.XXXXXX")
    say "fetching axe-core $AXE_VERSION (npm pack, log: $AXE_LOG)"
    if ! (cd "$work" && npm pack --silent "axe-core@$AXE_VERSION") >>"$AXE_LOG" 2>&1; then
        rm -rf "$work"
        fail axe-core "npm pack axe-core@$AXE_VERSION failed" "$AXE_LOG"
        return 1
    fi
    tgz=$work/axe-core-$AXE_VERSION.tgz
    if [[ $(sha512sum "$tgz" | cut -d' ' -f1) != "$AXE_SHA512" ]]; then
        rm -rf "$work"
        fail axe-core "axe-core-$AXE_VERSION.tgz does not match the pinned SHA-512"
        return 1
    fi
    tar -xzf "$tgz" -C "$work" package/axe.min.js package/LICENSE
    # Moved into place whole: a reader never sees half a directory.
    mv "$work/package" "$work/axe-core-$AXE_VERSION"
    rm -rf "$AXE_DIR"
    mv "$work/axe-core-$AXE_VERSION" "$AXE_DIR"
    chmod -R a+rX "$AXE_DIR"
    rm -rf "$work"
    say "axe-core ok ($AXE_DIR/axe.min.js)"
}

# ----------------------------------------------------------------- commands

need_root() {
    if ((EUID != 0)); then
        echo "services: FAILED must run as root (apt-get, runuser, system users)" >&2
        exit 1
    fi
}

# Serialize concurrent runs (make test in two shells, CI steps) so they do
# not both install or start the same thing.
take_lock() {
    mkdir -p "$DATA_DIR"
    exec 9>"$DATA_DIR/.services.lock"
    flock -w 900 9 || { echo "services: FAILED another services.sh run holds $DATA_DIR/.services.lock" >&2; exit 1; }
}

cmd_up() {
    local start=$SECONDS pkgs failed=() svc
    need_root
    take_lock
    mkdir -p "$LOG_DIR"
    mapfile -t pkgs < <(up_packages)
    apt_install "${pkgs[@]}" || exit 1
    if [[ ${TECHMATCH_SKIP_BROWSER:-0} != 1 ]]; then
        browser_check || failed+=(chromium)
        axe_install || failed+=(axe-core)
    fi

    # The three start independently; in parallel the slow Elasticsearch boot
    # hides the others. Each runs as its own background job so `set -e`
    # still applies inside it (it would not in an `if`/`||` context).
    local -A job
    pg_up & job[postgresql]=$!
    redis_up & job[redis]=$!
    es_up & job[elasticsearch]=$!
    for svc in postgresql redis elasticsearch; do
        wait "${job[$svc]}" || failed+=("$svc")
    done

    if ((${#failed[@]})); then
        echo "services: FAILED: ${failed[*]} (after $(elapsed "$start")s)" >&2
        exit 1
    fi
    say "all services ok in $(elapsed "$start")s"
    echo "$ENV_LINE"
}

cmd_status() {
    local rc=0
    pg_status || rc=1
    redis_status || rc=1
    es_status || rc=1
    if [[ -x /usr/bin/chromium ]]; then
        say "chromium installed (/usr/bin/chromium)"
    else
        say "chromium not installed (run: scripts/services.sh browser)"
    fi
    if [[ -s $AXE_DIR/axe.min.js ]]; then
        say "axe-core installed ($AXE_DIR/axe.min.js)"
    else
        say "axe-core not installed (run: scripts/services.sh browser)"
    fi
    ((rc == 0)) && echo "$ENV_LINE"
    return "$rc"
}

cmd_down() {
    need_root
    take_lock
    es_down
    redis_down
    pg_down
}

cmd_browser() {
    need_root
    take_lock
    local pkgs=(chromium)
    [[ -s $AXE_DIR/axe.min.js ]] || command -v npm >/dev/null || pkgs+=(npm)
    apt_install "${pkgs[@]}" || exit 1
    browser_check || exit 1
    axe_install || exit 1
}

# ------------------------------------------------------ nodes of the fault tests
#
# The fault tests (tests/faults) stop and kill services; they must never touch
# the shared ones above, so they start their own from the same installs, on
# ports and in a directory they choose. Starting one again with the same
# directory keeps its data (a restart after a crash).

is_port() { [[ $1 =~ ^[0-9]+$ ]] && (($1 > 0 && $1 < 65536)); }

# es-node DIR CLUSTER NAME HTTP_PORT TRANSPORT_PORT [SEEDS ROLES MASTERS]
#   SEEDS: comma-separated transport ports of the cluster's nodes (none: a
#   single-node cluster); ROLES: node.roles (default: all); MASTERS: the names of
#   the master-eligible nodes that bootstrap the cluster.
cmd_es_node() {
    need_root
    (($# >= 5)) || { echo "usage: $0 es-node DIR CLUSTER NAME HTTP_PORT TRANSPORT_PORT [SEEDS ROLES MASTERS]" >&2; exit 2; }
    local dir=$1 cluster=$2 name=$3 port=$4 tport=$5 seeds=${6:-} roles=${7:-} masters=${8:-}
    local heap=${TECHMATCH_NODE_HEAP:-256m} jhome discovery yml hosts=() p
    is_port "$port" && is_port "$tport" || { echo "services: FAILED bad port $port/$tport" >&2; exit 2; }
    [[ -x $ES_HOME/bin/elasticsearch ]] ||
        { fail elasticsearch "not installed in $ES_HOME: run '$0 up' first"; exit 1; }
    jhome=$(java_home) || { fail elasticsearch "no Java 17+ found (java on PATH)"; exit 1; }
    if [[ -z $seeds ]]; then
        discovery="transport.port: $tport
discovery.type: single-node"
    else
        for p in ${seeds//,/ }; do
            is_port "$p" || { echo "services: FAILED bad seed port $p" >&2; exit 2; }
            hosts+=("127.0.0.1:$p")
        done
        discovery="transport.port: $tport
discovery.seed_hosts: [$(IFS=,; echo "${hosts[*]}")]
cluster.initial_master_nodes: [${masters:-$name}]"
    fi
    [[ -z $roles ]] || discovery+=$'\n'"node.roles: [$roles]"
    install -d -o "$ES_USER" -g "$ES_USER" "$dir" "$dir/config" "$dir/data" "$dir/logs" "$dir/tmp"
    # The distribution's jvm.options, log4j2 and keystore; elasticsearch.yml is ours.
    cp -a "$ES_HOME/config/." "$dir/config/"
    yml=$(es_yml "$cluster" "$name" "$port" "$dir/data" "$dir/logs" "$discovery")
    printf '%s\n' "$yml" >"$dir/config/elasticsearch.yml"
    chown -R "$ES_USER:$ES_USER" "$dir"
    if ! es_launch "$jhome" "$dir" "$dir/config" "$dir/es.pid" "$dir/logs/startup.log" "$heap" "$dir/tmp"; then
        grep '^ERROR:' "$dir/logs/startup.log" >&2 || true
        fail elasticsearch "node $name failed to start" "$dir/logs/$cluster.log"
        exit 1
    fi
    say "elasticsearch node $name started (pid $(<"$dir/es.pid"), http://127.0.0.1:$port)"
}

# redis-node DIR PORT: a redis-server without persistence, pid in DIR/redis.pid.
cmd_redis_node() {
    need_root
    (($# == 2)) && is_port "$2" || { echo "usage: $0 redis-node DIR PORT" >&2; exit 2; }
    local dir=$1 port=$2
    install -d -o redis -g redis "$dir"
    if ! redis_launch "$port" "$dir" "$dir/redis.log" "$dir/startup.log"; then
        fail redis "redis-server would not start on port $port" "$dir/startup.log"
        exit 1
    fi
    # The daemon writes its pid file a moment after the launcher returns.
    local i
    for ((i = 0; i < 50; i++)); do
        [[ -s $dir/redis.pid ]] && break
        sleep 0.1
    done
    [[ -s $dir/redis.pid ]] || { fail redis "no pid file from redis-server on port $port" "$dir/redis.log"; exit 1; }
    say "redis node started (pid $(<"$dir/redis.pid"), redis://127.0.0.1:$port)"
}

main() {
    case ${1:-up} in
    up) cmd_up ;;
    status) cmd_status ;;
    down) cmd_down ;;
    browser) cmd_browser ;;
    es-node) shift && cmd_es_node "$@" ;;
    redis-node) shift && cmd_redis_node "$@" ;;
    -h | --help | help) sed -n '2,/^$/{s/^# \{0,1\}//;p}' "$0" ;;
    *)
        echo "usage: $0 [up|status|down|browser|es-node ...|redis-node DIR PORT]" >&2
        exit 2
        ;;
    esac
}

# Sourcing (for testing single functions) defines everything, runs nothing.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    main "$@"
fi
