# shellcheck shell=bash
# The benchmarks' PostgreSQL (STORE=pg): a cluster of tests/pg/cluster.sh kept between runs, and a
# SQLite database copied into it once. Sourced by bench/*/run.sh from the repository's root.
#   bench_pg OUT LMN SQLITE NAME STAMP SETTING…
# starts (making it the first time, with each SETTING as ALTER SYSTEM SET SETTING) the cluster in
# OUT/pg, halted again when the script exits; copies SQLITE into its database NAME with
# `LMN store copy` unless OUT/pg.stamp says STAMP; sets pgdir to the cluster's folder.
bench_pg() {
	local out=$1 lmn=$2 sqlite=$3 name=$4 stamp=$5 setting
	shift 5
	pgdir=$(pwd)/$out/pg
	if [ ! -f "$pgdir/data/PG_VERSION" ]; then
		tests/pg/cluster.sh start "$pgdir" >/dev/null
		for setting in "$@"; do
			psql -XAtq -h "$pgdir" -d lmn -c "ALTER SYSTEM SET $setting"
		done
		tests/pg/cluster.sh halt "$pgdir"
	fi
	tests/pg/cluster.sh resume "$pgdir" >/dev/null
	trap 'tests/pg/cluster.sh halt "$pgdir"' EXIT
	if [ "$(cat "$out/pg.stamp" 2>/dev/null)" != "$stamp" ]; then
		echo "== copying $sqlite into PostgreSQL (lmn store copy)"
		rm -f "$out/pg.stamp"
		dropdb -h "$pgdir" --if-exists "$name"
		createdb -h "$pgdir" "$name"
		"$lmn" store copy --from "$sqlite" --to "postgresql:///$name?host=$pgdir"
		psql -XAtq -h "$pgdir" -d "$name" -c "VACUUM ANALYZE"
		echo "$stamp" >"$out/pg.stamp"
	fi
}
