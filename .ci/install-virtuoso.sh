#!/usr/bin/env bash
# Install Virtuoso 7 (Debian package) so tests/test_load_virtuoso.py can run a real server.
#
# Tolerant by design: CI machines without the package (or without apt) print a warning and
# exit 0, and the Virtuoso tests then skip with the reason instead of failing the build.
set -u

if command -v virtuoso-t >/dev/null 2>&1; then
    echo "virtuoso-t already installed: $(command -v virtuoso-t)"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "warning: apt-get not available; Virtuoso not installed (its tests will skip)" >&2
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "warning: not root and no sudo; Virtuoso not installed (its tests will skip)" >&2
        exit 0
    fi
fi

export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get update; then
    echo "warning: apt-get update failed; trying to install from the cached package lists" >&2
fi
if ! $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        virtuoso-opensource-7-bin; then
    echo "warning: could not install virtuoso-opensource-7-bin; the Virtuoso tests will skip" >&2
    exit 0
fi

if command -v virtuoso-t >/dev/null 2>&1; then
    echo "installed: $(command -v virtuoso-t)"
else
    echo "warning: package installed but virtuoso-t is not on PATH; the Virtuoso tests will skip" >&2
fi
exit 0
