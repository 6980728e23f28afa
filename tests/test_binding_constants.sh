#!/bin/sh
# SPDX-License-Identifier: MIT OR Apache-2.0
# Every attribute macro of the header (AP_ATTR_*, AP_EL1_*, AP_EL23_*,
# AP_S2_*) exists in each binding with the header's value: the Go and Rust
# bindings spell the values out, so a new or changed macro would otherwise
# be missed there (whatever type a binding gives them); the Zig binding takes them from the header by name. The
# Python binding spells them out too (bindings/python/aarch64paging/constants.py).
set -eu
srcdir=${srcdir:-.}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
header=$srcdir/include/aarch64_paging.h

# Each macro with its value, as the C compiler computes it.
names=$(grep -o '^#define AP_\(ATTR\|EL1\|EL23\|S2\)_[A-Za-z0-9_]*' "$header" | sed 's/#define //')
{
	echo '#include <aarch64_paging.h>'
	echo '#include <stdio.h>'
	echo 'int main(void) {'
	for n in $names; do
		printf 'printf("%s 0x%%llx\\n", (unsigned long long)(%s));\n' "$n" "$n"
	done
	echo 'return 0; }'
} >"$work/values.c"
${CC:-cc} -I"$srcdir/include" -o "$work/values" "$work/values.c"
"$work/values" >"$work/values.txt"

python3 - "$work/values.txt" "$srcdir/bindings" <<'EOF'
import re, sys
values = dict(line.split() for line in open(sys.argv[1]))
bindings = sys.argv[2]
go = open(bindings + "/go/attrs.go").read()
rust = open(bindings + "/rust/src/attrs.rs").read()
zig = open(bindings + "/zig/src/aarch64_paging.zig").read()
python = open(bindings + "/python/aarch64paging/constants.py").read()
python_values = {m.group(1): m.group(2) for m in
                 re.finditer(r"^(AP_\w+) = (0x[0-9a-fA-F]+|\d+)$", python, re.M)}
go_values = {m.group(2): m.group(1) for m in
             re.finditer(r"\b\w+ = (0x[0-9a-f]+)\s*// (AP_\w+)", go)}
rust_values = {m.group(1): m.group(2) for m in
               re.finditer(r"/// `(AP_\w+)`\.\n\s*pub const \w+: \w+ = (?:\w+\()?(0x[0-9a-f_]+)\)?;", rust)}
problems = []
for name, value in values.items():
    want = int(value, 16)
    if name not in go_values:
        problems.append("go: no constant for " + name)
    elif int(go_values[name], 16) != want:
        problems.append("go: %s is %s, the header says %s" % (name, go_values[name], value))
    if name not in python_values:
        problems.append("python: no constant for " + name)
    elif int(python_values[name], 0) != want:
        problems.append("python: %s is %s, the header says %s" % (name, python_values[name], value))
    if name.startswith("AP_ATTR_"):
        continue  # the Rust and Zig bindings name the shared bits per format
    if name not in rust_values:
        problems.append("rust: no constant for " + name)
    elif int(rust_values[name].replace("_", ""), 16) != want:
        problems.append("rust: %s is %s, the header says %s" % (name, rust_values[name], value))
    if "c.%s;" % name not in zig:
        problems.append("zig: no constant for " + name)
for p in problems:
    print("FAIL:", p)
print("binding constants: %d macros, %d problems" % (len(values), len(problems)))
sys.exit(1 if problems else 0)
EOF
