#!/usr/bin/env bash
# CI: what `tradekg check` and `tradekg docs` need beyond Python.
#   - Java for the OWL reasoner (HermiT, bundled in the owlready2 wheel);
#   - Graphviz `dot` to lay out the diagrams (tradekg docs falls back to a plain layout);
#   - chromium to render the generated index.html headless in the tests (skipped without it).
# Non-interactive and tolerant: a package that cannot be installed is reported, not fatal;
# `tradekg check` then reports the reasoner as unavailable (an error), never a silent pass.
set -u
export DEBIAN_FRONTEND=noninteractive

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

want=()
command -v java >/dev/null 2>&1 || want+=(default-jre-headless)
command -v dot >/dev/null 2>&1 || want+=(graphviz)
command -v chromium >/dev/null 2>&1 || want+=(chromium fonts-dejavu-core)

if [ "${#want[@]}" -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
  $SUDO apt-get update -qq || echo "install-ontology-tools: apt-get update failed" >&2
  for pkg in "${want[@]}"; do
    $SUDO apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null \
      || echo "install-ontology-tools: could not install $pkg" >&2
  done
fi

# owlready2 carries HermiT; it is a Python dependency (pyproject.toml), installed here too in
# case the environment predates it.
if [ -x .venv/bin/pip ]; then
  .venv/bin/pip install --quiet 'owlready2>=0.49,<0.52' \
    || echo "install-ontology-tools: could not install owlready2" >&2
fi

for tool in java dot chromium; do
  if command -v "$tool" >/dev/null 2>&1; then echo "install-ontology-tools: $tool ok"; else
    echo "install-ontology-tools: $tool missing" >&2; fi
done
exit 0
