/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * A table image as the target loads it: little-endian descriptors in 4 KiB
 * tables from a base address. The library cannot adopt tables it did not
 * build, so images are read here with its public descriptor helpers
 * (ap_pte_*), walking as the MMU would.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "aptables.h"

uint64_t level_block_size(unsigned level)
{
	return (uint64_t)AP_PAGE_SIZE << (9 * (3 - level));
}

/* Bytes of input address space the root level covers. */
static uint64_t space_size(unsigned root_level)
{
	return level_block_size(root_level) * 512;
}

uint64_t image_va_base(const image_t *img)
{
	if (img->va_range == AP_VA_RANGE_UPPER)
		return 0 - space_size(img->root_level);
	return 0;
}

bool image_load(image_t *img)
{
	FILE *f = fopen(img->path, "rb");
	if (!f) {
		fprintf(stderr, "%s: %s\n", img->path, strerror(errno));
		return false;
	}
	size_t capacity = 1 << 16, size = 0;
	unsigned char *bytes = malloc(capacity);
	size_t n;
	while (bytes && (n = fread(bytes + size, 1, capacity - size, f)) > 0) {
		size += n;
		if (size == capacity) {
			unsigned char *bigger = realloc(bytes, capacity * 2);
			if (!bigger) {
				free(bytes);
				bytes = NULL;
			}
			bytes = bigger;
			capacity *= 2;
		}
	}
	fclose(f);
	if (!bytes) {
		fprintf(stderr, "%s: out of memory\n", img->path);
		return false;
	}
	img->bytes = bytes;
	img->size = size;
	if (size == 0 || size % AP_PAGE_SIZE) {
		fprintf(stderr, "%s: offset 0x%zx: truncated table (an image is whole 4096-byte tables)\n",
			img->path, size - size % AP_PAGE_SIZE);
		image_free(img);
		return false;
	}
	return true;
}

void image_free(image_t *img)
{
	free(img->bytes);
	img->bytes = NULL;
}

bool image_has_table(const image_t *img, uint64_t pa)
{
	return pa >= img->base && (pa - img->base) % AP_PAGE_SIZE == 0 && pa - img->base < img->size;
}

uint64_t image_entry(const image_t *img, uint64_t table, unsigned index)
{
	const unsigned char *p = img->bytes + (table - img->base) + (size_t)index * 8;
	uint64_t bits = 0;
	for (unsigned b = 0; b < 8; b++)
		bits |= (uint64_t)p[b] << (8 * b);
	return bits;
}

static bool stop(walk_result_t *r, unsigned level, uint64_t bits, const char *why)
{
	r->mapped = false;
	r->level = level;
	r->descriptor = bits;
	r->fault = why;
	return true;
}

bool image_walk(const image_t *img, uint64_t va, walk_result_t *r)
{
	memset(r, 0, sizeof(*r));
	uint64_t offset = va - image_va_base(img);
	if (offset >= space_size(img->root_level))
		return false; /* outside the table's input range */
	uint64_t table = img->base;
	for (unsigned level = img->root_level; level <= 3; level++) {
		unsigned index = (unsigned)((offset / level_block_size(level)) % 512);
		uint64_t bits = image_entry(img, table, index);
		if (!ap_pte_is_valid(bits))
			return stop(r, level, bits, "translation fault");
		if (ap_pte_is_table(bits, level)) {
			table = ap_pte_output_address(bits, level);
			if (!image_has_table(img, table))
				return stop(r, level, bits, "table outside the image");
			continue;
		}
		if (level == 0 || (level == 3 && !ap_pte_is_table_or_page(bits)))
			return stop(r, level, bits, "translation fault (reserved encoding)");
		r->mapped = true;
		r->level = level;
		r->descriptor = bits;
		r->output_address = ap_pte_output_address(bits, level) + (offset % level_block_size(level));
		return true;
	}
	return stop(r, 3, 0, "translation fault");
}

/* ------------------------------------------------------------ options */

static void usage_image(const char *command)
{
	fprintf(stderr, "usage: aptables %s IMAGE --base ADDR [--root-level N] [--regime R] "
		"[--va-range lower|upper]%s\n", command,
		strcmp(command, "translate") == 0 ? " VA..." : strcmp(command, "dump") == 0 ? " [--json]" : "");
}

/* Parses the shared options; returns 0, or the exit status of a usage error. */
int image_options(int argc, char **argv, image_t *img, bool *json, int *first_operand)
{
	memset(img, 0, sizeof(*img));
	img->root_level = 1;
	bool have_base = false;
	int operands = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;
		uint64_t n;
		if (strcmp(a, "--json") == 0 && json) {
			*json = true;
		} else if (strcmp(a, "--base") == 0 && value && parse_u64(value, &img->base)) {
			have_base = (img->base % AP_PAGE_SIZE) == 0;
			i++;
		} else if (strcmp(a, "--root-level") == 0 && value && parse_u64(value, &n) && n <= 3) {
			img->root_level = (unsigned)n;
			i++;
		} else if (strcmp(a, "--regime") == 0 && value && regime_from_name(value, &img->regime)) {
			i++;
		} else if (strcmp(a, "--va-range") == 0 && value &&
			   (strcmp(value, "lower") == 0 || strcmp(value, "upper") == 0)) {
			img->va_range = value[0] == 'u' ? AP_VA_RANGE_UPPER : AP_VA_RANGE_LOWER;
			i++;
		} else if (a[0] == '-' && a[1] == '-') {
			fprintf(stderr, "aptables: bad option or value: %s %s\n", a, value ? value : "");
			usage_image(argv[0]);
			return 2;
		} else {
			/* Operands: the image, then (translate) addresses. */
			if (operands++ == 0) {
				img->path = a;
				*first_operand = i + 1;
			}
		}
	}
	if (!img->path || !have_base) {
		usage_image(argv[0]);
		return 2;
	}
	return 0;
}
