/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Fuzz target for the map-file parser of aptables (libFuzzer).
 *
 * tools/aptables/mapfile.c reads a path with fopen(); it is compiled into
 * this binary with -Dfopen=fuzz_mapfile_fopen, so the "file" is the input
 * bytes through fmemopen(). When the file parses, the tables are built
 * through build.c's own create() and map_regions() (included below so that
 * its static functions are reachable), the image is written to memory and
 * the summary printed to a memory stream: the path of `aptables build`
 * without its output file. Then every region's first and last page must
 * translate to its output address (the parser refuses overlaps, so no
 * region may hide another).
 */
#include "../tools/aptables/build.c"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
FILE *fuzz_mapfile_fopen(const char *path, const char *mode);

static const uint8_t *input_data;
static size_t input_size;

FILE *fuzz_mapfile_fopen(const char *path, const char *mode)
{
	(void)path;
	/* fmemopen() of zero bytes fails: an empty file reads as one NUL byte. */
	static char empty[1];
	if (input_size == 0)
		return fmemopen(empty, 1, mode);
	return fmemopen((void *)input_data, input_size, mode);
}

static void check_regions(ap_mapping_t *mapping, const map_file_t *map)
{
	for (size_t i = 0; i < map->region_count; i++) {
		const map_region_t *r = &map->regions[i];
		uint64_t offsets[2] = {0, r->size - AP_PAGE_SIZE};
		for (int k = 0; k < 2; k++) {
			ap_translate_result_t t = {.size = sizeof(t)};
			ap_status_t s = ap_mapping_translate(mapping, r->va + offsets[k], &t);
			if (s != AP_OK || t.output_address != r->pa + offsets[k]) {
				fprintf(stderr, "fuzz_mapfile: line %d: 0x%llx -> %s 0x%llx, expected 0x%llx\n",
					r->line, (unsigned long long)(r->va + offsets[k]), ap_strerror(s),
					(unsigned long long)t.output_address,
					(unsigned long long)(r->pa + offsets[k]));
				abort();
			}
		}
	}
}

/* Whether the map may need more than 2^20 pages of 4 KiB. A region whose
 * input and output addresses never line up for a block is mapped page by
 * page: 256 GiB of that takes minutes and half a gigabyte of tables, which
 * is a valid map (aptables builds it) but no use to a time-bounded fuzzer. */
static bool too_many_pages(const map_file_t *map)
{
	uint64_t bytes = 0;
	for (size_t i = 0; i < map->region_count; i++) {
		if (map->regions[i].size > (UINT64_C(1) << 32) - bytes)
			return true;
		bytes += map->regions[i].size;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static map_file_t map;
	input_data = data;
	input_size = size;
	/* A NUL in the input ends fgets()'s line early: allowed, the parser
	 * must cope. */
	if (!map_file_read("fuzz-input", &map) || too_many_pages(&map))
		return 0;
	ap_mapping_t *mapping = create(&map);
	if (!mapping)
		return 0;
	size_t bytes = 0;
	if (map_regions(mapping, &map)) {
		check_regions(mapping, &map);
		if (ap_target_image_size(mapping, &bytes) == AP_OK) {
			unsigned char *image = malloc(bytes);
			if (image && ap_target_image_write(mapping, image, bytes) != AP_OK)
				abort();
			free(image);
		}
		char text[4096];
		FILE *out = fmemopen(text, sizeof(text), "w");
		if (out) {
			summary(out, mapping, &map, bytes);
			fclose(out);
		}
	}
	if (ap_mapping_destroy(mapping) != AP_OK)
		abort();
	return 0;
}
