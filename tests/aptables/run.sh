#!/bin/bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# aptables end to end: every subcommand, every output format (the C and
# assembler outputs compiled and compared with the binary), the binary
# round trip through dump and translate, check on planted corruptions, and
# every bad-input message (with nothing written).
set -euo pipefail
: "${abs_top_srcdir:?run through make check}" "${abs_top_builddir:?run through make check}"
aptables=${APTABLES:-$abs_top_builddir/aptables}
here=$abs_top_srcdir/tests/aptables
examples=$abs_top_srcdir/examples
out=$abs_top_builddir/tests/aptables-out
rm -rf "$out"
mkdir -p "$out"
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

expect_line() { # file pattern what
	grep -q -- "$2" "$1" || { fail "$3: no line matching '$2' in:"; sed -n '1,40s/^/    /p' "$1"; }
}

# --- help and version
"$aptables" --help >"$out/help" && expect_line "$out/help" "build MAPFILE" "--help"
"$aptables" --version >"$out/version" && expect_line "$out/version" "^aptables (libaarch64paging) 0\." "--version"
status=0; "$aptables" frobnicate 2>/dev/null || status=$?
[ "$status" -eq 2 ] || fail "an unknown command exits $status, not 2"

# --- build, all three formats
"$aptables" build "$examples/qemu-virt.map" -o "$out/virt.bin" >"$out/build.txt"
expect_line "$out/build.txt" "^root table:  *0x401c0000$" "build summary: root"
expect_line "$out/build.txt" "^TTBR:  *0x00000000401c0000$" "build summary: TTBR"
expect_line "$out/build.txt" "^tables:  *6 (24576 bytes)$" "build summary: tables"
expect_line "$out/build.txt" "^TCR T0SZ:  *25 " "build summary: T0SZ"
expect_line "$out/build.txt" "^TCR fields:  *0x0000000000000019 under mask 0x000000000000c03f$" "build summary: TCR fields"
expect_line "$out/build.txt" "^MAIR:  *0x00000000000000ff$" "build summary: MAIR"
[ "$(stat -c %s "$out/virt.bin")" -eq 24576 ] || fail "the binary image is not 6 tables"
"$aptables" build "$examples/qemu-virt.map" -o "$out/virt.c" -f c >/dev/null
"$aptables" build "$examples/qemu-virt.map" -o "$out/virt.S" -f asm >/dev/null

# The C and assembler outputs hold the same bytes as the binary.
cc -c -o "$out/virt_c.o" "$out/virt.c"
cc -c -o "$out/virt_s.o" "$out/virt.S"
objcopy -O binary -j .rodata "$out/virt_c.o" "$out/virt_c.bin"
objcopy -O binary -j .rodata.aptables "$out/virt_s.o" "$out/virt_s.bin"
cmp -s "$out/virt.bin" "$out/virt_c.bin" || fail "the C output differs from the binary"
cmp -s "$out/virt.bin" "$out/virt_s.bin" || fail "the assembler output differs from the binary"

# --- dump and translate read the binary back
image=(--base 0x401c0000 --root-level 1 --regime el1)
"$aptables" dump "$out/virt.bin" "${image[@]}" >"$out/dump.txt"
expect_line "$out/dump.txt" "regime el1, root level 1, 6 tables at 0x401c0000" "dump header"
expect_line "$out/dump.txt" "\[0-63\] 0x0000000000000000..0x0000000007ffffff -> 0x0 block .*READ_ONLY" "dump: flash blocks"
expect_line "$out/dump.txt" "\[0\] 0x0000000009000000..0x0000000009000fff -> 0x9000000 page .*UXN" "dump: UART page"
expect_line "$out/dump.txt" "\[3-511\] 0x00000000c0000000..0x0000007fffffffff invalid" "dump: empty run"
"$aptables" dump "$out/virt.bin" "${image[@]}" --json >"$out/dump.json"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["dump"]["root"]["entries"][0]["table"]["level"] == 2' \
	"$out/dump.json" || fail "the JSON dump does not parse or lacks the level 2 table"
# A path with a quote, a backslash and a tab stays one JSON string.
cp "$out/virt.bin" "$out/q\"uo\\te	d.bin"
"$aptables" dump "$out/q\"uo\\te	d.bin" "${image[@]}" --json >"$out/dump-quoted.json"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["image"] == sys.argv[2], d["image"]' \
	"$out/dump-quoted.json" "$out/q\"uo\\te	d.bin" || fail "the JSON dump of a path with a quote does not parse"
"$aptables" translate "$out/virt.bin" "${image[@]}" 0x09000010 0x40212345 0x80001234 0x100000000 \
	0x8000000000 >"$out/translate.txt"
expect_line "$out/translate.txt" "^0x0000000009000010 -> 0x0000000009000010 level 3 page (4 KiB) .*ATTRIBUTE_INDEX_1" "translate: UART"
expect_line "$out/translate.txt" "^0x0000000040212345 -> 0x0000000040212345 level 2 block (2048 KiB)" "translate: RAM block"
expect_line "$out/translate.txt" "^0x0000000080001234 -> 0x0000000040001234 level 2 block .*READ_ONLY" "translate: alias"
expect_line "$out/translate.txt" "^0x0000000100000000: translation fault at level 1$" "translate: fault"
expect_line "$out/translate.txt" "^0x0000008000000000: outside the table's input range$" "translate: outside"

# --- stage 2
"$aptables" build "$examples/stage2-guest.map" -o "$out/s2.bin" >"$out/s2.txt"
expect_line "$out/s2.txt" "^VTCR TG0:  *0 (4 KiB), SL0 1$" "stage 2 build summary: SL0 for a level 1 root"
expect_line "$out/s2.txt" "^VTCR fields: 0x0000000000000059 under mask 0x000000000000c0ff$" "stage 2 build summary: VTCR fields"
expect_line "$out/s2.txt" "^VTTBR_EL2:  *0x0000000070000000$" "stage 2 summary"
"$aptables" translate "$out/s2.bin" --base 0x70000000 --regime stage2 0x40001234 0x50000010 >"$out/s2-translate.txt"
expect_line "$out/s2-translate.txt" "^0x0000000040001234 -> 0x0000000080001234 level 2 block" "stage 2 translate: RAM"
expect_line "$out/s2-translate.txt" "^0x0000000050000010 -> 0x0000000090000010 .*S2AP_ACCESS_RO\|^0x0000000050000010 -> 0x0000000090000010" "stage 2 translate: read-only"
# No IPA reaches a table page: every leaf's host range misses the image
# [base, base + its size), else the guest could rewrite its own stage 2.
"$aptables" dump "$out/s2.bin" --base 0x70000000 --regime stage2 --json >"$out/s2-dump.json"
python3 -c 'import json, os, sys
d = json.load(open(sys.argv[1]))
base, end = int(d["base"], 0), int(d["base"], 0) + os.path.getsize(sys.argv[2])
def leaves(table):
    for e in table["entries"]:
        if e["kind"] == "leaf":
            yield int(e["pa"], 0), int(e["size"], 0)
        elif e["kind"] == "table":
            yield from leaves(e["table"])
found = list(leaves(d["dump"]["root"]))
assert found, "no leaves"
bad = [(hex(pa), hex(size)) for pa, size in found if pa < end and base < pa + size]
assert not bad, "IPA-mapped host memory covers the tables: %s" % bad' \
	"$out/s2-dump.json" "$out/s2.bin" || fail "stage 2: guest-mapped host memory overlaps the table image"
# The attributes come back field by field, in the map file's words.
expect_line "$out/s2-translate.txt" "^0x0000000040001234 -> .* VALID | normal-wb | rw | inner | ACCESS_FLAG$" "stage 2 translate: RAM words"
expect_line "$out/s2-translate.txt" "^0x0000000050000010 -> 0x0000000090000010 .* normal-wb | ro | inner | ACCESS_FLAG | XN$" "stage 2 translate: read-only"

# --- check: a good image, then planted corruptions
"$aptables" check "$out/virt.bin" "${image[@]}" >"$out/check-good.txt" || fail "check finds problems in a good image"
plant() { # name offset value-as-8-hex-bytes-little-endian
	cp "$out/virt.bin" "$out/planted-$1.bin"
	printf "$3" | dd of="$out/planted-$1.bin" bs=1 seek=$(($2)) conv=notrunc status=none
	status=0
	"$aptables" check "$out/planted-$1.bin" "${image[@]}" >"$out/$1.txt" || status=$?
	[ "$status" -eq 1 ] || fail "check of $1 exits $status, not 1"
}
# Root entry 4: a table pointer far outside the image.
plant outside 0x20 '\x03\x00\x00\x00\x01\x00\x00\x00'
expect_line "$out/outside.txt" "table pointer outside the image (table 0x" "check: outside"
# Root entry 5: a level 1 block at an unaligned address.
plant misaligned 0x28 '\x01\x10\x20\x00\x00\x00\x00\x00'
expect_line "$out/misaligned.txt" "offset 0x28: block output address not aligned" "check: misaligned"
# Level 3 table (slot 2), entry 40: valid with bit 1 clear.
plant reserved 0x2140 '\x01\x00\x00\x09\x00\x00\x00\x00'
expect_line "$out/reserved.txt" "offset 0x2140: reserved level 3 encoding" "check: level 3"
# A block at level 0 (a one-table image with root level 0): the library's
# translate says it maps nothing, so check names it.
python3 -c 'import sys; open(sys.argv[1], "wb").write((0x40000401).to_bytes(8, "little") + bytes(4088))' \
	"$out/level0-block.bin"
status=0
"$aptables" check "$out/level0-block.bin" --base 0x80000000 --root-level 0 >"$out/level0.txt" || status=$?
[ "$status" -eq 1 ] || fail "check of a level 0 block exits $status, not 1"
expect_line "$out/level0.txt" "offset 0x0: block descriptor at level 0" "check: level 0 block"
# Root entry 6: bits 51:48 set.
plant highbits 0x30 '\x01\x00\x00\x00\x00\x00\x01\x00'
expect_line "$out/highbits.txt" "offset 0x30: reserved output-address bits" "check: high bits"
# The UART page (level 3 table in slot 3, entry 0) with the contiguous
# hint, but its 15 neighbours empty.
set_bits() { # file offset mask: ORs mask into the descriptor at offset
	python3 -c 'import sys
path, offset, mask = sys.argv[1], int(sys.argv[2], 0), int(sys.argv[3], 0)
data = bytearray(open(path, "rb").read())
word = int.from_bytes(data[offset:offset + 8], "little") | mask
data[offset:offset + 8] = word.to_bytes(8, "little")
open(path, "wb").write(data)' "$@"
}
cp "$out/virt.bin" "$out/planted-contiguous.bin"
set_bits "$out/planted-contiguous.bin" 0x3000 $((1 << 52))
status=0
"$aptables" check "$out/planted-contiguous.bin" "${image[@]}" >"$out/contiguous.txt" || status=$?
[ "$status" -eq 1 ] || fail "check of a broken contiguous group exits $status"
expect_line "$out/contiguous.txt" "offset 0x3000: contiguous hint on 16 entries" "check: contiguous"
# The same image read as EL2 tables: AP[1] is clear everywhere.
status=0
"$aptables" check "$out/virt.bin" --base 0x401c0000 --regime el2 >"$out/el2.txt" || status=$?
[ "$status" -eq 1 ] || fail "check of EL1 tables as EL2 tables exits $status"
expect_line "$out/el2.txt" "AP\[1\] clear, but it is RES1" "check: EL2 AP[1]"
head -c 5000 "$out/virt.bin" >"$out/truncated.bin"
status=0; "$aptables" dump "$out/truncated.bin" "${image[@]}" 2>"$out/truncated.txt" || status=$?
[ "$status" -eq 1 ] || fail "a truncated image exits $status, not 1"
expect_line "$out/truncated.txt" "truncated.bin: offset 0x1000: truncated table" "truncated image"

# --- shared tables and loops: dump prints each table once and refers back
# to it; dump, translate and check all finish. The image has four tables
# at 0x80000000, root level 0: every root entry points to table 1; table 1
# points to itself (entry 0), to the root (entry 1) and to table 2 (the
# rest); every entry of table 2 points to table 3, whose 512 entries are
# equal pages (one run each). Followed without limit, dump would print
# about 512^4 lines.
python3 -c 'import sys
base = 0x80000000
def table(entries):
	return b"".join(e.to_bytes(8, "little") for e in entries)
root = table([base + 0x1000 | 3] * 512)
t1 = table([base + 0x1000 | 3, base | 3] + [base + 0x2000 | 3] * 510)
t2 = table([base + 0x3000 | 3] * 512)
t3 = table([0x40000000 | 0x403] * 512)
open(sys.argv[1], "wb").write(root + t1 + t2 + t3)' "$out/shared.bin"
shared=(--base 0x80000000 --root-level 0)
bounded() { # name command...: at most 20 s and 8 MiB of output; sets status
	status=0
	(ulimit -f 8192; exec timeout 20 "${@:2}") >"$out/$1" 2>"$out/$1.err" || status=$?
}
bounded shared-dump.txt "$aptables" dump "$out/shared.bin" "${shared[@]}"
[ "$status" -eq 0 ] || fail "dump of shared tables exits $status (124: timed out, 153: output over 8 MiB)"
lines=$(wc -l <"$out/shared-dump.txt")
[ "$lines" -le 3000 ] || fail "dump of shared tables prints $lines lines"
[ "$(grep -c "table 0x80002000, level 2$" "$out/shared-dump.txt")" -eq 1 ] ||
	fail "dump of shared tables does not print table 2 exactly once"
expect_line "$out/shared-dump.txt" "^  \[1\] 0x0000008000000000..0x000000ffffffffff table 0x80001000 (shared: printed above)$" "dump: a shared table"
expect_line "$out/shared-dump.txt" "^    \[0\] 0x0000000000000000..0x000000003fffffff table 0x80001000 (shared: printed above)$" "dump: a table pointing to itself"
expect_line "$out/shared-dump.txt" "^    \[1\] 0x0000000040000000..0x000000007fffffff table 0x80000000 (shared: printed above)$" "dump: a table pointing to the root"
bounded shared-dump.json "$aptables" dump "$out/shared.bin" "${shared[@]}" --json
[ "$status" -eq 0 ] || fail "JSON dump of shared tables exits $status (124: timed out, 153: output over 8 MiB)"
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
root = d["dump"]["root"]
t1 = root["entries"][0]["table"]
assert t1["pa"] == "0x80001000" and t1["level"] == 1, t1["pa"]
assert root["entries"][1]["shared"] is True and root["entries"][1]["pa"] == "0x80001000"
assert "table" not in root["entries"][1]
assert t1["entries"][0]["shared"] is True and t1["entries"][0]["pa"] == "0x80001000"
assert t1["entries"][1]["shared"] is True and t1["entries"][1]["pa"] == "0x80000000"
assert t1["entries"][2]["table"]["level"] == 2
assert t1["entries"][3]["shared"] is True and t1["entries"][3]["pa"] == "0x80002000"' \
	"$out/shared-dump.json" || fail "the JSON dump of shared tables does not parse or lacks the references"
bounded shared-translate.txt "$aptables" translate "$out/shared.bin" "${shared[@]}" 0x0 0x40001234 0x80401234
[ "$status" -eq 0 ] || fail "translate of looping tables exits $status"
expect_line "$out/shared-translate.txt" "^0x0000000040001234 -> 0x0000000080000234 level 3 page" "translate: through the root again"
expect_line "$out/shared-translate.txt" "^0x0000000080401234 -> 0x0000000040000234 level 3 page" "translate: shared tables"
bounded shared-check.txt "$aptables" check "$out/shared.bin" "${shared[@]}"
[ "$status" -eq 1 ] || fail "check of looping tables exits $status, not 1"
expect_line "$out/shared-check.txt" "offset 0x1000: table reached twice" "check: a loop"

# --- granules: 16 KiB and 64 KiB pages, and a 40-bit stage 2 with a
# concatenated root. The image does not record the granule or the input
# size, so dump, translate and check are told them.
# The offset of the first leaf descriptor whose output address is $2.
leaf_offset() { # file pa
	python3 -c 'import sys
data = open(sys.argv[1], "rb").read()
pa = int(sys.argv[2], 0)
for i in range(0, len(data), 8):
	w = int.from_bytes(data[i:i + 8], "little")
	if w & 1 and w & 0x0000fffffffff000 == pa:
		print(hex(i)); break' "$@"
}
check_planted() { # name image options...: check must exit 1
	status=0
	"$aptables" check "$2" "${@:3}" >"$out/$1.txt" || status=$?
	[ "$status" -eq 1 ] || fail "check of $1 exits $status, not 1"
}

"$aptables" build "$examples/granule-16k.map" -o "$out/g16.bin" >"$out/g16.txt"
expect_line "$out/g16.txt" "^TTBR:  *0x0000000048000000$" "16K build summary: TTBR"
expect_line "$out/g16.txt" "^tables:  *4 (65536 bytes)$" "16K build summary: four 16 KiB tables"
expect_line "$out/g16.txt" "^TCR T0SZ:  *25 (39-bit input addresses, start level 1)$" "16K build summary: T0SZ"
expect_line "$out/g16.txt" "^TCR TG0:  *2 (16 KiB)$" "16K build summary: TG0"
expect_line "$out/g16.txt" "^root:  *level 1, 8 entries in 1 table$" "16K build summary: root"
expect_line "$out/g16.txt" "^TCR fields:  *0x0000000000008019 under mask 0x000000000000c03f$" "16K build summary: TCR fields"
[ "$(stat -c %s "$out/g16.bin")" -eq 65536 ] || fail "the 16K image is not four 16 KiB tables"
g16=(--base 0x48000000 --granule 16k --input-bits 39)
"$aptables" dump "$out/g16.bin" "${g16[@]}" >"$out/g16-dump.txt"
expect_line "$out/g16-dump.txt" "regime el1, root level 1, 4 tables at 0x48000000, granule 16k$" "16K dump header"
expect_line "$out/g16-dump.txt" "\[0-3\] 0x0000000000000000..0x0000000007ffffff -> 0x0 block" "16K dump: flash in 32 MiB blocks"
expect_line "$out/g16-dump.txt" "\[32-63\] 0x0000000040000000..0x000000007fffffff -> 0x40000000 block" "16K dump: 1 GiB of RAM in 32 MiB blocks"
"$aptables" dump "$out/g16.bin" "${g16[@]}" --json >"$out/g16-dump.json"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); t = d["dump"]["root"]["entries"][0]["table"]; assert t["level"] == 2, t["level"]' \
	"$out/g16-dump.json" || fail "the 16K JSON dump does not parse or lacks the level 2 table"
"$aptables" translate "$out/g16.bin" "${g16[@]}" 0x09000010 0x40212345 0x7fffffff 0x100000010 0x0a000000 \
	0x8000000000 >"$out/g16-translate.txt"
expect_line "$out/g16-translate.txt" "^0x0000000009000010 -> 0x0000000009000010 level 3 page (16 KiB) .*ATTRIBUTE_INDEX_1" "16K translate: UART"
expect_line "$out/g16-translate.txt" "^0x0000000040212345 -> 0x0000000040212345 level 2 block (32768 KiB)" "16K translate: RAM block"
expect_line "$out/g16-translate.txt" "^0x000000007fffffff -> 0x000000007fffffff level 2 block (32768 KiB)" "16K translate: last RAM byte"
expect_line "$out/g16-translate.txt" "^0x0000000100000010 -> 0x0000000040000010 level 3 page (16 KiB) .*READ_ONLY" "16K translate: alias"
expect_line "$out/g16-translate.txt" "^0x000000000a000000: translation fault at level 2$" "16K translate: fault"
expect_line "$out/g16-translate.txt" "^0x0000008000000000: outside the table's input range$" "16K translate: outside"
"$aptables" check "$out/g16.bin" "${g16[@]}" >"$out/g16-check.txt" || fail "check finds problems in the 16K image"
# Root entry 1: a level 1 block, which 16 KiB pages do not have.
cp "$out/g16.bin" "$out/g16-l1block.bin"
set_bits "$out/g16-l1block.bin" 0x8 $((0x1000000000 | 0x401))
check_planted g16-l1block "$out/g16-l1block.bin" "${g16[@]}"
expect_line "$out/g16-l1block.txt" "offset 0x8: block descriptor at level 1 (not allowed with 16 KiB pages)" "16K check: level 1 block"
# The UART page with the contiguous hint: its group is 128 pages with 16 KiB.
uart=$(leaf_offset "$out/g16.bin" 0x09000000)
cp "$out/g16.bin" "$out/g16-contiguous.bin"
set_bits "$out/g16-contiguous.bin" "$uart" $((1 << 52))
check_planted g16-contiguous "$out/g16-contiguous.bin" "${g16[@]}"
expect_line "$out/g16-contiguous.txt" "offset $uart: contiguous hint on 128 entries" "16K check: contiguous group"
head -c 20000 "$out/g16.bin" >"$out/g16-truncated.bin"
status=0; "$aptables" dump "$out/g16-truncated.bin" "${g16[@]}" 2>"$out/g16-truncated.txt" || status=$?
[ "$status" -eq 1 ] || fail "a truncated 16K image exits $status, not 1"
expect_line "$out/g16-truncated.txt" "offset 0x4000: truncated table (an image is whole 16384-byte tables)" "16K truncated image"
# The C output keeps the tables' alignment and bytes.
"$aptables" build "$examples/granule-16k.map" -o "$out/g16.c" -f c >/dev/null
expect_line "$out/g16.c" "aligned(16384)" "16K C output: aligned to a table"
cc -c -o "$out/g16_c.o" "$out/g16.c"
objcopy -O binary -j .rodata "$out/g16_c.o" "$out/g16_c.bin"
cmp -s "$out/g16.bin" "$out/g16_c.bin" || fail "the 16K C output differs from the binary"

"$aptables" build "$examples/granule-64k.map" -o "$out/g64.bin" >"$out/g64.txt"
expect_line "$out/g64.txt" "^tables:  *3 (196608 bytes)$" "64K build summary: three 64 KiB tables"
expect_line "$out/g64.txt" "^TCR T0SZ:  *22 (42-bit input addresses, start level 2)$" "64K build summary: T0SZ"
expect_line "$out/g64.txt" "^TCR TG0:  *1 (64 KiB)$" "64K build summary: TG0"
expect_line "$out/g64.txt" "^root:  *level 2, 8192 entries in 1 table$" "64K build summary: root"
expect_line "$out/g64.txt" "^TCR fields:  *0x0000000000004016 under mask 0x000000000000c03f$" "64K build summary: TCR fields"
g64=(--base 0x60000000 --granule 64K --root-level 2 --regime el2)
"$aptables" dump "$out/g64.bin" "${g64[@]}" >"$out/g64-dump.txt"
expect_line "$out/g64-dump.txt" "regime el2, root level 2, 3 tables at 0x60000000, granule 64k$" "64K dump header"
expect_line "$out/g64-dump.txt" "\[2-3\] 0x0000000040000000..0x000000007fffffff -> 0x40000000 block" "64K dump: RAM in 512 MiB blocks"
"$aptables" translate "$out/g64.bin" "${g64[@]}" 0x09000010 0x40212345 0x20000000010 0x40000000000 >"$out/g64-translate.txt"
expect_line "$out/g64-translate.txt" "^0x0000000009000010 -> 0x0000000009000010 level 3 page (64 KiB)" "64K translate: UART"
expect_line "$out/g64-translate.txt" "^0x0000000040212345 -> 0x0000000040212345 level 2 block (524288 KiB)" "64K translate: RAM block"
expect_line "$out/g64-translate.txt" "^0x0000020000000010 -> 0x0000000040000010 level 3 page (64 KiB)" "64K translate: alias"
expect_line "$out/g64-translate.txt" "^0x0000040000000000: outside the table's input range$" "64K translate: outside"
"$aptables" check "$out/g64.bin" "${g64[@]}" >"$out/g64-check.txt" || fail "check finds problems in the 64K image"
uart=$(leaf_offset "$out/g64.bin" 0x09000000)
cp "$out/g64.bin" "$out/g64-contiguous.bin"
set_bits "$out/g64-contiguous.bin" "$uart" $((1 << 52))
check_planted g64-contiguous "$out/g64-contiguous.bin" "${g64[@]}"
expect_line "$out/g64-contiguous.txt" "offset $uart: contiguous hint on 32 entries" "64K check: contiguous group"
head -c 100000 "$out/g64.bin" >"$out/g64-truncated.bin"
status=0; "$aptables" check "$out/g64-truncated.bin" "${g64[@]}" 2>"$out/g64-truncated.txt" || status=$?
[ "$status" -eq 1 ] || fail "a truncated 64K image exits $status, not 1"
expect_line "$out/g64-truncated.txt" "offset 0x10000: truncated table (an image is whole 65536-byte tables)" "64K truncated image"

"$aptables" build "$examples/stage2-40bit.map" -o "$out/s2-40.bin" >"$out/s2-40.txt"
expect_line "$out/s2-40.txt" "^VTTBR_EL2:  *0x0000000070000000$" "40-bit stage 2 summary: VTTBR"
expect_line "$out/s2-40.txt" "^VTCR T0SZ:  *24 (40-bit input addresses, start level 1)$" "40-bit stage 2 summary: T0SZ"
expect_line "$out/s2-40.txt" "^VTCR TG0:  *0 (4 KiB), SL0 1$" "40-bit stage 2 summary: TG0 and SL0"
expect_line "$out/s2-40.txt" "^root:  *level 1, 1024 entries in 2 tables (concatenated)$" "40-bit stage 2 summary: concatenated root"
expect_line "$out/s2-40.txt" "^VTCR fields: 0x0000000000000058 under mask 0x000000000000c0ff$" "40-bit stage 2 summary: VTCR fields"
s2_40=(--base 0x70000000 --regime stage2 --input-bits 40)
"$aptables" dump "$out/s2-40.bin" "${s2_40[@]}" >"$out/s2-40-dump.txt"
expect_line "$out/s2-40-dump.txt" "regime stage2, root level 1, [0-9]* tables at 0x70000000$" "40-bit stage 2 dump header"
expect_line "$out/s2-40-dump.txt" "\[1\] 0x0000000040000000..0x000000007fffffff -> 0x80000000 block" "40-bit stage 2 dump: the 1 GiB block"
expect_line "$out/s2-40-dump.txt" "\[512\] 0x0000008000000000..0x000000803fffffff table" "40-bit stage 2 dump: the second root table"
"$aptables" translate "$out/s2-40.bin" "${s2_40[@]}" 0x09000010 0x40001234 0x8000000010 0x10000000000 >"$out/s2-40-translate.txt"
expect_line "$out/s2-40-translate.txt" "^0x0000000009000010 -> 0x0000000009000010 level 3 page (4 KiB)" "40-bit stage 2 translate: UART"
expect_line "$out/s2-40-translate.txt" "^0x0000000040001234 -> 0x0000000080001234 level 1 block (1048576 KiB) VALID | normal-wb | rw | inner" "40-bit stage 2 translate: RAM"
expect_line "$out/s2-40-translate.txt" "^0x0000008000000010 -> 0x00000000c0000010 level 2 block (2048 KiB) .* ro " "40-bit stage 2 translate: second root table"
expect_line "$out/s2-40-translate.txt" "^0x0000010000000000: outside the table's input range$" "40-bit stage 2 translate: outside"
"$aptables" check "$out/s2-40.bin" "${s2_40[@]}" >"$out/s2-40-check.txt" || fail "check finds problems in the 40-bit stage 2 image"
"$aptables" build "$examples/stage2-40bit.map" -o "$out/s2-40.S" -f asm >/dev/null
expect_line "$out/s2-40.S" "\.balign 8192$" "40-bit stage 2 assembler output: aligned to the 8 KiB root"
# The same map without concatenation starts at level 0 with two entries.
sed 's/^root-tables .*/root-tables 1/' "$examples/stage2-40bit.map" >"$out/s2-40-flat.map"
"$aptables" build "$out/s2-40-flat.map" -o "$out/s2-40-flat.bin" >"$out/s2-40-flat.txt"
expect_line "$out/s2-40-flat.txt" "^VTCR TG0:  *0 (4 KiB), SL0 2$" "unconcatenated 40-bit stage 2: SL0"
expect_line "$out/s2-40-flat.txt" "^root:  *level 0, 2 entries in 1 table$" "unconcatenated 40-bit stage 2: root"
"$aptables" translate "$out/s2-40-flat.bin" "${s2_40[@]}" --root-tables 1 0x8000000010 >"$out/s2-40-flat-translate.txt"
expect_line "$out/s2-40-flat-translate.txt" "^0x0000008000000010 -> 0x00000000c0000010 level 2 block" "unconcatenated 40-bit stage 2 translate"
# A base off the 8 KiB the concatenated root needs: build puts the root at
# the next aligned address, and --root tells the readers where it is.
sed 's/^base .*/base 0x70001000/' "$examples/stage2-40bit.map" >"$out/s2-40-offset.map"
"$aptables" build "$out/s2-40-offset.map" -o "$out/s2-40-offset.bin" >"$out/s2-40-offset.txt"
expect_line "$out/s2-40-offset.txt" "^root table:  *0x70002000$" "40-bit stage 2 off its alignment: root"
expect_line "$out/s2-40-offset.txt" "^VTTBR_EL2:  *0x0000000070002000$" "40-bit stage 2 off its alignment: VTTBR"
s2_offset=(--base 0x70001000 --root 0x70002000 --regime stage2 --input-bits 40)
"$aptables" translate "$out/s2-40-offset.bin" "${s2_offset[@]}" 0x8000000010 >"$out/s2-40-offset-translate.txt"
expect_line "$out/s2-40-offset-translate.txt" "^0x0000008000000010 -> 0x00000000c0000010 level 2 block" "translate with --root"
"$aptables" check "$out/s2-40-offset.bin" "${s2_offset[@]}" >"$out/s2-40-offset-check.txt" ||
	fail "check with --root finds problems"

# Image options that do not go together, or a base off the granule.
for bad in "--granule 8k" "--input-bits 40 --root-level 1" "--input-bits 24" "--root-tables 2" \
	"--input-bits 40 --root-tables 3" "--granule 16k --base 0x48001000"; do
	status=0
	# shellcheck disable=SC2086 # the options are words
	"$aptables" dump "$out/g16.bin" --base 0x48000000 $bad >/dev/null 2>"$out/bad-options.err" || status=$?
	[ "$status" -eq 2 ] || fail "dump with $bad exits $status, not 2"
done

# --- the C and assembler outputs stay valid when the map's path contains
# the end of a comment
mkdir -p "$out/odd*"
cp "$examples/qemu-virt.map" "$out/odd*/virt.map"
"$aptables" build "$out/odd*/virt.map" -o "$out/odd.c" -f c >/dev/null
"$aptables" build "$out/odd*/virt.map" -o "$out/odd.S" -f asm >/dev/null
cc -c -o "$out/odd_c.o" "$out/odd.c" 2>"$out/odd_c.err" || fail "the C output does not compile: $(cat "$out/odd_c.err")"
cc -c -o "$out/odd_s.o" "$out/odd.S" 2>"$out/odd_s.err" || fail "the assembler output does not assemble: $(cat "$out/odd_s.err")"
if [ -f "$out/odd_c.o" ]; then
	objcopy -O binary -j .rodata "$out/odd_c.o" "$out/odd_c.bin"
	cmp -s "$out/virt.bin" "$out/odd_c.bin" || fail "the C output from the odd path differs from the binary"
fi

# --- every bad map file: its message, status 1, and no output file
while IFS='|' read -r name line text; do
	case "$name" in '#'* | '') continue ;; esac
	status=0
	"$aptables" build "$here/bad/$name.map" -o "$out/$name.bin" 2>"$out/$name.err" >/dev/null || status=$?
	[ "$status" -eq 1 ] || fail "$name: exit status $status, not 1"
	grep -qF "bad/$name.map:$line: $text" "$out/$name.err" ||
		fail "$name: expected '$name.map:$line: $text', got: $(cat "$out/$name.err")"
	if ls "$out/$name.bin"* >/dev/null 2>&1; then
		fail "$name: an output file was left behind"
	fi
done <"$here/expected-errors"

# An existing output survives a failed build.
echo keep >"$out/keep.bin"
"$aptables" build "$here/bad/overlap.map" -o "$out/keep.bin" 2>/dev/null || true
[ "$(cat "$out/keep.bin")" = keep ] || fail "a failed build changed an existing file"

if [ "$failures" -ne 0 ]; then
	echo "aptables: $failures failures"
	exit 1
fi
echo "aptables: every subcommand, format and bad-input message as expected"
