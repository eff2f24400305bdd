#!/bin/sh
# Independent SHACL engine for tests/test_shacl_jena.py: Apache Jena (Debian package) on Java.
# The package's start-up crash (misplaced Xerces message files) is worked around in the test
# itself (tests/test_shacl_jena.py). Without these packages the Jena test is skipped.
set -eu
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    default-jre-headless libapache-jena-java
