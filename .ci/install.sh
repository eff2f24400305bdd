#!/usr/bin/env bash
# Install (or check) the real servers and checkers the test suite uses, beyond Python:
#   Virtuoso 7        virtuoso-t, isql-vt      (tests/test_load_virtuoso.py, …_saved_queries_virtuoso.py)
#   Java + Jena       java, jena-shacl.jar     (tests/test_shacl_jena.py; HermiT in `tradekg check`)
#   Chromium          chromium + DejaVu fonts  (pages rendered headless in the tests)
#   Graphviz          dot                      (`tradekg docs` lays out its diagrams with it)
# The Oxigraph server comes from PyPI with the project (`make setup`), so it is only checked here.
#
# One script for `make test` and `.ci/run`. Quick when everything is there: it looks with
# `command -v` and dpkg first, and runs apt-get (update included) only for what is missing.
# apt-get needs root: without root and without sudo it prints the exact command to run and
# exits 1 — unless TRADEKG_SKIP_SERVERS=1, where the tests needing the missing parts skip.
set -u
export DEBIAN_FRONTEND=noninteractive

have_package() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

missing=()
if ! command -v virtuoso-t >/dev/null 2>&1 || ! command -v isql-vt >/dev/null 2>&1; then
  missing+=(virtuoso-opensource-7-bin)
fi
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
[ -f /usr/share/java/jena-shacl.jar ] || missing+=(libapache-jena-java)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
  || missing+=(chromium)
have_package fonts-dejavu-core || missing+=(fonts-dejavu-core)
command -v dot >/dev/null 2>&1 || missing+=(graphviz)

oxigraph_ok=1
if ! command -v oxigraph >/dev/null 2>&1 && [ ! -x .venv/bin/oxigraph ]; then
  oxigraph_ok=0
  echo "install: the Oxigraph server is missing: run 'make setup' (pip install oxigraph)" >&2
fi

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install: Virtuoso, Java + Jena, Chromium, Graphviz present"
  [ "$oxigraph_ok" -eq 1 ] && exit 0
  [ "${TRADEKG_SKIP_SERVERS:-}" = "1" ] && exit 0
  exit 1
fi

command_line="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
opt_out="or set TRADEKG_SKIP_SERVERS=1 to skip the tests that need them"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install: missing ${missing[*]} and no apt-get here: install their equivalents," \
       "$opt_out" >&2
  [ "${TRADEKG_SKIP_SERVERS:-}" = "1" ] && exit 0
  exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo)
  else
    echo "install: missing ${missing[*]}; installing needs root. Run:" >&2
    echo "  sudo sh -c '$command_line'" >&2
    echo "$opt_out." >&2
    [ "${TRADEKG_SKIP_SERVERS:-}" = "1" ] && exit 0
    exit 1
  fi
fi

echo "install: apt-get install ${missing[*]}"
"${SUDO[@]}" apt-get update -qq || echo "install: apt-get update failed; trying the cached lists" >&2
if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends "${missing[@]}"; then
  echo "install: apt-get could not install ${missing[*]}. Run: $command_line ($opt_out)" >&2
  [ "${TRADEKG_SKIP_SERVERS:-}" = "1" ] && exit 0
  exit 1
fi
[ "$oxigraph_ok" -eq 1 ] || [ "${TRADEKG_SKIP_SERVERS:-}" = "1" ]
