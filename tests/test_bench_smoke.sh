#!/bin/sh
# SPDX-License-Identifier: MIT OR Apache-2.0
# The benchmark builds and every workload passes its own result checks
# (one run each; the scale workload S at 1 and 2 GiB only): a benchmark
# that measures nothing must not go unnoticed.
set -eu
./bench/bench --quick
