#!/bin/bash
# A throwaway PostgreSQL primary with a synchronous standby, for the failover test (issue 22).
# Both are Debian's PostgreSQL 15, each listening only on a Unix socket of its own directory:
#   pair.sh start DIR     the primary in DIR/primary (socket in DIR/primary), its streaming
#                         standby in DIR/standby, synchronous (synchronous_standby_names): a
#                         commit returns once the standby has it. Prints the libpq connection
#                         string naming both, the one that takes writes first:
#                         postgresql:///lmn?host=DIR/primary,DIR/standby&target_session_attrs=read-write
#   pair.sh kill DIR      the primary's postmaster killed with SIGKILL (as a crash would)
#   pair.sh promote DIR   the standby becomes a primary; returns once it takes writes
#   pair.sh stop DIR      stops both and removes what start made
# The primary is made by cluster.sh; run as root, both servers run as the user postgres.
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
here=$(cd "$(dirname "$0")" && pwd)

die() {
	echo "pair.sh: $*" >&2
	exit 1
}

as_server() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# alive PID: whether the process runs (a killed postmaster may stay a zombie: the machine's init
# need not reap it).
alive() {
	[ -r "/proc/$1/stat" ] && [ "$(awk '{ print $3 }' "/proc/$1/stat")" != Z ]
}

server_user() {
	if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi
}

start() {
	local dir=$1 p s user
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	p=$dir/primary
	s=$dir/standby
	[ ! -e "$s" ] || die "$s exists already"
	"$here/cluster.sh" start "$p" >/dev/null
	user=$(server_user)
	[ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
	# The standby streams as the server's own user, by peer authentication on the socket.
	if [ "$user" != "$(id -un)" ]; then
		psql -qX --host="$p" -d lmn -c "CREATE ROLE $user REPLICATION LOGIN" >/dev/null
	fi
	cat >>"$p/data/postgresql.conf" <<CONF
# pair.sh: a commit waits for the standby's flush.
synchronous_standby_names = 'standby'
wal_level = replica
max_wal_senders = 4
CONF
	echo "local replication $user peer" >>"$p/data/pg_hba.conf"
	as_server "$PGBIN/pg_ctl" --pgdata="$p/data" --wait --timeout=60 restart \
		--log="$p/server.log" >/dev/null || die "the primary did not restart"
	mkdir -p "$s"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$s"
	chmod 700 "$s"
	as_server "$PGBIN/pg_basebackup" --host="$p" --username="$user" --pgdata="$s/data" \
		--wal-method=stream --write-recovery-conf --checkpoint=fast >/dev/null 2>&1 ||
		die "pg_basebackup failed"
	cat >>"$s/data/postgresql.auto.conf" <<CONF
primary_conninfo = 'host=$p user=$user application_name=standby'
CONF
	sed -i "s|^unix_socket_directories = .*|unix_socket_directories = '$s'|" \
		"$s/data/postgresql.conf"
	as_server "$PGBIN/pg_ctl" --pgdata="$s/data" --log="$s/server.log" --wait --timeout=60 \
		start >/dev/null || { cat "$s/server.log" >&2; die "the standby did not start"; }
	# Synchronous once the primary says so.
	for _ in $(seq 300); do
		if [ "$(psql -qAtX --host="$p" -d lmn -c \
			"SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby'")" = sync ]; then
			echo "postgresql:///lmn?host=$p,$s&target_session_attrs=read-write"
			return 0
		fi
		sleep 0.1
	done
	die "the standby did not become synchronous"
}

kill_primary() {
	local dir pid
	dir=$(cd "$1" && pwd)
	pid=$(head -n1 "$dir/primary/data/postmaster.pid" 2>/dev/null) || die "no primary running"
	kill -KILL "$pid"
	# The postmaster's children go when they see it gone; wait for the socket's users to end.
	for _ in $(seq 100); do
		alive "$pid" || break
		sleep 0.1
	done
}

promote() {
	local dir
	dir=$(cd "$1" && pwd)
	as_server "$PGBIN/pg_ctl" --pgdata="$dir/standby/data" --wait --timeout=60 promote \
		>/dev/null || die "the standby was not promoted"
	# Commits no longer wait for a standby that is gone: the new primary has none.
	psql -qX --host="$dir/standby" -d lmn -c "ALTER SYSTEM SET synchronous_standby_names = ''" \
		-c "SELECT pg_reload_conf()" >/dev/null
}

stop() {
	local dir=$1 pid
	[ -d "$dir" ] || return 0
	dir=$(cd "$dir" && pwd)
	if [ -f "$dir/standby/data/postmaster.pid" ]; then
		as_server "$PGBIN/pg_ctl" --pgdata="$dir/standby/data" --mode=immediate --wait \
			--timeout=60 stop >/dev/null 2>&1 || true
	fi
	# A killed primary leaves its pid file: cluster.sh would try to stop it.
	pid=$(head -n1 "$dir/primary/data/postmaster.pid" 2>/dev/null || true)
	if [ -n "$pid" ] && ! alive "$pid"; then
		rm -f "$dir/primary/data/postmaster.pid"
	fi
	"$here/cluster.sh" stop "$dir/primary"
	# A killed primary leaves its socket's lock file behind.
	rm -rf "$dir/primary"
	rm -rf "$dir/standby"
	rmdir "$dir" 2>/dev/null || true
}

case "${1:-} ${2:+x}" in
"start x") start "$2" ;;
"kill x") kill_primary "$2" ;;
"promote x") promote "$2" ;;
"stop x") stop "$2" ;;
*) die "usage: pair.sh start|kill|promote|stop DIR" ;;
esac
