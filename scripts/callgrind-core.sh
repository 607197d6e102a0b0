#!/bin/sh
# The release core under callgrind, as the server `make bench-core` starts
# (CORE_BIN): instructions are repeatable where this machine's clock is not.
# The report goes to $CALLGRIND_OUT (default target/callgrind.core.out) when
# the benchmark stops core with SIGTERM.
root="$(cd "$(dirname "$0")/.." && pwd)"
exec valgrind --tool=callgrind --callgrind-out-file="${CALLGRIND_OUT:-$root/target/callgrind.core.out}" \
  "$root/target/release/core"
