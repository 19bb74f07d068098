# Shared set-up for scripts/run and scripts/test: install what is missing, build.
# Sourced, not run. Everything comes from Debian's archive.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# What the build and the server need.
PKGS_RUN="meson ninja-build gcc pkg-config python3 tzdata ca-certificates
  libsqlite3-dev libjansson-dev libjsmn-dev libmicrohttpd-dev libcmocka-dev libsodium-dev
  libpango1.0-dev libcairo2-dev libfontconfig-dev fonts-dejavu-core libxml2-dev libgnutls28-dev
  libcurl4-gnutls-dev libpq-dev"
# What the test suite needs on top: an HTTP client for the server tests, clang for the fuzzer,
# pdftotext to read the minutes' PDF, openssl for the certificates of the 1177 contract test and
# xmllint to validate its answers against the contracts' schemas; clang-format and cppcheck for
# tests/lint.sh; Debian's PostgreSQL server for the throwaway clusters of tests/pg/cluster.sh;
# haproxy for the rolling restart of tests/cli/test_rolling.py.
PKGS_TEST="curl clang libclang-rt-dev poppler-utils openssl libxml2-utils clang-format cppcheck haproxy
  postgresql"
# The browser tests (tests/e2e): chromium driven by playwright-core, which npm installs from the
# npm registry (tests/e2e/package-lock.json pins it and axe-core).
PKGS_E2E="chromium nodejs npm default-jre-headless"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

install_missing() {
	local missing=() p provided
	# What installed packages provide: a nodejs that bundles npm conflicts with Debian's npm.
	provided=$(dpkg-query -W -f='${Status}|${Provides}\n' 2>/dev/null | sed -n 's/^install ok installed|//p')
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' && continue
		grep -qE "(^|, )$p( \(|,|\$)" <<<"$provided" && continue
		missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	say "installing from Debian: ${missing[*]}"
	local sudo=()
	[ "$(id -u)" -eq 0 ] || sudo=(sudo)
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
}

# quiet CMD…: runs CMD with its output shown only when it fails.
quiet() {
	local log rc=0
	log=$(mktemp)
	"$@" >"$log" 2>&1 || rc=$?
	[ "$rc" -eq 0 ] || cat "$log" >&2
	rm -f "$log"
	return "$rc"
}

# build DIR [meson options…]: configure once, then build.
build() {
	local dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		say "configuring $dir"
		quiet meson setup "$dir" "$@"
	fi
	say "building $dir"
	quiet ninja -C "$dir"
}
