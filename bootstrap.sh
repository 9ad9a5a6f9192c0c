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

if [ -x ./kvmsim ]; then
	./kvmsim
else
	echo "bootstrap: built the engine, kernel shim and test programs;"
	echo "bootstrap: the kvmsim command is not there yet (issue #4) - run 'make check'"
fi
