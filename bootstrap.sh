#!/bin/sh
# Fresh Debian/Ubuntu machine -> built kvmsim running its main job.
# Installs what is missing (apt-get, as root or through sudo), builds in the
# source tree, and runs the main job (see README.md).
set -eu
cd "$(dirname "$0")"

PKGS="build-essential autoconf automake libtool autoconf-archive pkg-config check valgrind lcov"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	SUDO=""
	[ "$(id -u)" = 0 ] || SUDO=sudo
	echo "bootstrap: installing$missing"
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
	# shellcheck disable=SC2086
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
fi

[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure ${KVMSIM_CONFIGURE_FLAGS:-}
make -j"$(nproc 2>/dev/null || echo 2)"

# The main job's exit status is its verdict (kvmsim(1)): 1 means a verdict
# differs from its expectation or an expected ok rests on a bounded search,
# which the matrix above shows; bootstrap has done its part either way.
# Anything else (2: bad input, a crash) is a failure of the build.
status=0
./kvmsim || status=$?
case $status in
0) ;;
1) echo "bootstrap: the main job reports verdicts that are not as expected or inconclusive (exit 1; see above)" ;;
*) echo "bootstrap: the main job failed (exit $status)" >&2; exit "$status" ;;
esac
