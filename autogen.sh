#!/bin/sh
# SPDX-License-Identifier: MIT OR Apache-2.0
# Regenerates the configure script and Makefile.in files.
set -e
cd "$(dirname "$0")"
mkdir -p m4 build-aux
autoreconf --install --force
