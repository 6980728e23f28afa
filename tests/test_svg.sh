#!/bin/sh
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# aptables dump --svg (ap_mapping_dump_as with AP_DUMP_SVG) on the tables
# of examples/qemu-virt.map: the picture parses as XML; every region of the
# map file lies in a band that is labelled with its first and last input
# address and the right output address (a band may hold several map lines
# that merge: equal attributes, contiguous output), and no band maps
# anything the map does not; each band shows the memory type (normal or
# device, by the MAIR that `aptables build` prints) its map lines name; the
# table count that `aptables build` reports is written; rsvg-convert renders it to a PNG of the declared size; and
# docs/qemu-virt.svg, the README's picture, is what aptables writes now.
# A missing python3 or rsvg-convert (Debian: librsvg2-bin) is a failure.
set -eu
: "${abs_top_srcdir:?run through make check}" "${abs_top_builddir:?run through make check}"
aptables=${APTABLES:-$abs_top_builddir/aptables}
map=$abs_top_srcdir/examples/qemu-virt.map
picture=$abs_top_srcdir/docs/qemu-virt.svg
for tool in python3 rsvg-convert; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "FAIL: $tool is missing (Debian: python3, librsvg2-bin)" >&2
		exit 1
	}
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$aptables" build "$map" -o "$work/virt.bin" >"$work/build.txt"
tables=$(sed -n 's/^tables:  *\([0-9][0-9]*\) .*/\1/p' "$work/build.txt")
[ -n "$tables" ] || { echo "FAIL: no table count in the build summary" >&2; exit 1; }
mair=$(sed -n 's/^MAIR:  *\(0x[0-9a-f]*\)$/\1/p' "$work/build.txt")
[ -n "$mair" ] || { echo "FAIL: no MAIR in the build summary" >&2; exit 1; }
"$aptables" dump "$work/virt.bin" --base 0x401c0000 --root-level 1 --regime el1 --svg --mair "$mair" >"$work/virt.svg"
rsvg-convert -o "$work/virt.png" "$work/virt.svg"

python3 - "$map" "$work/virt.svg" "$work/virt.png" "$tables" <<'EOF'
import re
import struct
import sys
import xml.etree.ElementTree as ET

map_path, svg_path, png_path, tables = sys.argv[1:5]
failures = []
NS = "{http://www.w3.org/2000/svg}"

root = ET.parse(svg_path).getroot()  # raises, and so fails, unless it parses
if root.tag != NS + "svg":
    failures.append("the root element is %s, not svg" % root.tag)
width, height = int(root.get("width")), int(root.get("height"))

def text_of(element):
    return " ".join("".join(t.itertext()) for t in element.iter(NS + "text"))

def numbers(text):
    return {int(n, 16) for n in re.findall(r"0x[0-9a-fA-F]+", text)}

# The bands: input range, output address, and the addresses they show.
bands = []
for g in root.iter(NS + "g"):
    if g.get("class") != "region":
        continue
    first, last = int(g.get("data-first"), 16), int(g.get("data-last"), 16)
    output = int(g.get("data-output"), 16)
    shown = text_of(g)
    for what, value in (("first", first), ("last", last)):
        if value not in numbers(shown):
            failures.append("band 0x%x: its %s address 0x%x is not shown" % (first, what, value))
    if not re.search(r"-> 0x%x\b" % output, shown):
        failures.append("band 0x%x: its output address 0x%x is not shown" % (first, output))
    bands.append((first, last, output, g.get("data-memory")))
if not bands:
    failures.append("no band at all")

# The map file's MAIR names and regions: start..end or start +size, then
# the output, then attribute words, one of them a MAIR name. Attr[7:4] == 0
# is Device memory.
device_names = {}
regions = []
for line in open(map_path):
    line = line.split("#", 1)[0].strip()
    m = re.match(r"mair\s+(\w+)\s*=\s*(0x[0-9a-fA-F]+|\d+)$", line)
    if m:
        device_names[m.group(1)] = int(m.group(2), 0) >> 4 == 0
        continue
    m = re.match(r"(0x[0-9a-fA-F]+)\s*(?:\.\.\s*(0x[0-9a-fA-F]+)|\+\s*(0x[0-9a-fA-F]+))\s+"
                 r"(identity|->\s*0x[0-9a-fA-F]+)", line)
    if not m:
        continue
    start = int(m.group(1), 16)
    end = int(m.group(2), 16) if m.group(2) else start + int(m.group(3), 16)
    out = start if m.group(4) == "identity" else int(m.group(4).split()[-1], 16)
    words = line[m.end():].split()
    memory = [("device" if device_names[w] else "normal") for w in words if w in device_names]
    regions.append((start, end, out, memory[0] if memory else None))
if len(regions) < 5:
    failures.append("only %d regions read from the map file" % len(regions))

all_text = text_of(root)
ends = {end for _, end, _, _ in regions}
for start, end, out, memory in regions:
    band = [b for b in bands if b[0] <= start and end - 1 <= b[1]]
    if not band:
        failures.append("region 0x%x..0x%x: no band holds it" % (start, end))
        continue
    first, last, output, band_memory = band[0]
    if memory is None or band_memory != memory:
        failures.append("region 0x%x..0x%x: %s memory in the map, %s in the picture"
                        % (start, end, memory, band_memory))
    if start not in numbers(all_text):
        # merged into the band of the region before it: that one must end here
        if start == first or start not in ends:
            failures.append("region 0x%x..0x%x: its start is not shown" % (start, end))
    if output + (start - first) != out:
        failures.append("region 0x%x..0x%x: the band maps it to 0x%x, the map to 0x%x"
                        % (start, end, output + (start - first), out))
for first, last, _, _ in bands:
    covered = sum(min(e, last + 1) - max(s, first) for s, e, _, _ in regions
                  if s <= last and e > first)
    if covered != last + 1 - first:
        failures.append("band 0x%x..0x%x maps more than the map file asks" % (first, last))

if not re.search(r"\b%s tables\b" % tables, all_text):
    failures.append("the table count (%s tables) is not written" % tables)

with open(png_path, "rb") as f:
    head = f.read(24)
if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
    failures.append("rsvg-convert wrote no PNG")
else:
    png_w, png_h = struct.unpack(">II", head[16:24])
    if (png_w, png_h) != (width, height):
        failures.append("the PNG is %dx%d, the SVG declares %dx%d" % (png_w, png_h, width, height))

for f in failures:
    print("FAIL: " + f)
if failures:
    sys.exit(1)
print("svg: %d bands for %d map regions, %s tables, PNG %dx%d"
      % (len(bands), len(regions), tables, width, height))
EOF

cmp -s "$work/virt.svg" "$picture" || {
	echo "FAIL: docs/qemu-virt.svg is stale: regenerate it with" >&2
	echo "  aptables build examples/qemu-virt.map -o virt.bin && aptables dump virt.bin --base 0x401c0000 --root-level 1 --regime el1 --svg --mair 0xff >docs/qemu-virt.svg" >&2
	exit 1
}
echo "svg: docs/qemu-virt.svg is current"
