#!/bin/bash
# A throwaway PostgreSQL cluster for the tests (issue 22): Debian's PostgreSQL 15 server, its data
# in DIR/data, listening only on a Unix socket in DIR (no TCP), fsync on, peer authentication.
#   cluster.sh start DIR   initdb, start, create database lmn; prints its libpq connection string
#   cluster.sh stop DIR    stop the server and remove what start made in DIR (and DIR if empty)
#   cluster.sh halt DIR    stop the server, keeping its data (for the benchmarks' databases)
#   cluster.sh resume DIR  start a cluster halted before; prints its connection string
# Run as root, the server runs as the user `postgres` of Debian's package and its superuser is
# named root, so the caller connects without a password; otherwise it runs as the caller.
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

die() {
	echo "cluster.sh: $*" >&2
	exit 1
}

# as_server CMD…: runs CMD as the user the server runs as.
as_server() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

start() {
	local dir=$1 me
	[ -x "$PGBIN/initdb" ] || die "no $PGBIN/initdb: install Debian's package postgresql"
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	# A Unix socket's path has at most 107 bytes.
	[ ${#dir} -le 90 ] || die "$dir is too long a path for a Unix socket in it"
	[ ! -e "$dir/data" ] || die "$dir/data exists already"
	me=$(id -un)
	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 || die "no user postgres: install Debian's package postgresql"
		chown postgres: "$dir"
		runuser -u postgres -- test -x "$dir" ||
			die "the user postgres cannot reach $dir (a folder above it is closed to it)"
	fi
	chmod 700 "$dir"
	# The C collation compares text byte by byte, as SQLite does; the database is UTF-8.
	as_server "$PGBIN/initdb" --pgdata="$dir/data" --username="$me" --encoding=UTF8 --locale=C \
		--auth-local=peer --auth-host=reject >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; die "initdb failed"; }
	cat >>"$dir/data/postgresql.conf" <<CONF
# cluster.sh: a Unix socket in the cluster's own directory only; durable commits.
listen_addresses = ''
unix_socket_directories = '$dir'
unix_socket_permissions = 0700
fsync = on
synchronous_commit = on
full_page_writes = on
CONF
	serve "$dir"
	"$PGBIN/createdb" --host="$dir" lmn || die "createdb lmn failed"
	echo "postgresql:///lmn?host=$dir"
}

# serve DIR: starts the server of the cluster in DIR.
serve() {
	as_server "$PGBIN/pg_ctl" --pgdata="$1/data" --log="$1/server.log" --wait \
		--timeout=60 start >/dev/null ||
		{ cat "$1/server.log" >&2; die "the server did not start"; }
}

resume() {
	local dir
	dir=$(cd "$1" && pwd) || die "no $1"
	[ -f "$dir/data/PG_VERSION" ] || die "no cluster in $dir"
	[ -f "$dir/data/postmaster.pid" ] || serve "$dir"
	echo "postgresql:///lmn?host=$dir"
}

halt() {
	local dir
	dir=$(cd "$1" && pwd) || return 0
	[ -f "$dir/data/postmaster.pid" ] || return 0
	as_server "$PGBIN/pg_ctl" --pgdata="$dir/data" --mode=fast --wait --timeout=60 \
		stop >/dev/null || die "the server in $dir did not stop"
}

stop() {
	local dir=$1
	[ -d "$dir" ] || return 0
	dir=$(cd "$dir" && pwd)
	halt "$dir"
	rm -rf "$dir/data" "$dir/initdb.log" "$dir/server.log"
	rmdir "$dir" 2>/dev/null || true
}

case "${1:-} ${2:+x}" in
"start x") start "$2" ;;
"stop x") stop "$2" ;;
"halt x") halt "$2" ;;
"resume x") resume "$2" ;;
*) die "usage: cluster.sh start|stop|halt|resume DIR" ;;
esac
