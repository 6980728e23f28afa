/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * A table image as the target loads it: descriptors in tables of the
 * granule's size (4, 16 or 64 KiB; the image does not record which) from a
 * base address, adopted by the library (ap_mapping_open) so that its own
 * walker, translate and dump read it. Descriptors are read in the host's
 * byte order, which is the target's on the little-endian hosts the tool
 * runs on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "aptables.h"

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
	size_t table = (size_t)granule_bytes(img->granule);
	if (size == 0 || size % table) {
		fprintf(stderr, "%s: offset 0x%zx: truncated table (an image is whole %zu-byte tables)\n",
			img->path, size - size % table, table);
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
	return pa >= img->base && (pa - img->base) % granule_bytes(img->granule) == 0 &&
	       pa - img->base < img->size;
}

/* The translation of an image: a table's physical address is where it
 * lies in the file; nothing outside the image translates. */
static void *image_table(void *ctx, ap_pa_t pa)
{
	image_t *img = ctx;
	return image_has_table(img, pa) ? img->bytes + (pa - img->base) : NULL;
}

bool image_open(image_t *img, ap_mapping_t **mapping)
{
	const ap_regime_t *regime;
	ap_mapping_options_t options = AP_MAPPING_OPTIONS_INIT;
	ap_translation_ops_t ops = AP_TRANSLATION_OPS_INIT;
	ops.physical_to_virtual = image_table;
	ap_status_t status = ap_regime_get(img->regime, &regime);
	options.regime = regime;
	options.root_level = img->root_level;
	options.va_range = img->va_range;
	options.granule = img->granule;
	options.input_bits = img->input_bits;
	options.max_root_tables = img->max_root_tables;
	options.mair = img->mair;
	if (status == AP_OK)
		status = ap_mapping_open(&options, &ops, img, img->root, AP_OPEN_READ_ONLY, mapping);
	if (status != AP_OK)
		fprintf(stderr, "%s: %s\n", img->path, ap_strerror(status));
	return status == AP_OK;
}

/* ------------------------------------------------------------ options */

static void usage_image(const char *command)
{
	fprintf(stderr, "usage: aptables %s IMAGE --base ADDR [--root ADDR] [--root-level N | --input-bits N] "
		"[--granule 4k|16k|64k] [--root-tables N] [--regime R] [--va-range lower|upper]%s\n",
		command,
		strcmp(command, "translate") == 0 ? " VA..." : strcmp(command, "dump") == 0 ? " [--json | --svg [--mair VALUE]]" : "");
}

/* Parses the shared options; returns 0, or the exit status of a usage error. */
int image_options(int argc, char **argv, image_t *img, bool *json, int *first_operand)
{
	memset(img, 0, sizeof(*img));
	img->root_level = 1;
	bool have_base = false, have_root = false, have_root_level = false;
	int operands = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;
		uint64_t n;
		if (strcmp(a, "--json") == 0 && json) {
			*json = true;
		} else if (strcmp(a, "--base") == 0 && value && parse_u64(value, &img->base)) {
			have_base = true;
			i++;
		} else if (strcmp(a, "--root") == 0 && value && parse_u64(value, &img->root)) {
			have_root = true;
			i++;
		} else if (strcmp(a, "--root-level") == 0 && value && parse_u64(value, &n) && n <= 3) {
			img->root_level = (unsigned)n;
			have_root_level = true;
			i++;
		} else if (strcmp(a, "--granule") == 0 && value && granule_from_name(value, &img->granule)) {
			i++;
		} else if (strcmp(a, "--input-bits") == 0 && value && parse_u64(value, &n) && n >= 25 &&
			   n <= 48) {
			img->input_bits = (unsigned)n;
			i++;
		} else if (strcmp(a, "--root-tables") == 0 && value && parse_u64(value, &n) && n >= 1 &&
			   n <= 16 && (n & (n - 1)) == 0) {
			img->max_root_tables = (unsigned)n;
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
	if (img->base % granule_bytes(img->granule)) {
		fprintf(stderr, "aptables: --base 0x%llx is not a multiple of the %s granule's %llu bytes\n",
			(unsigned long long)img->base, granule_name(img->granule),
			(unsigned long long)granule_bytes(img->granule));
		return 2;
	}
	if (!have_root)
		img->root = img->base;
	if (img->input_bits && have_root_level) {
		fprintf(stderr, "aptables: --input-bits and --root-level exclude each other\n");
		return 2;
	}
	if (img->max_root_tables && !img->input_bits) {
		fprintf(stderr, "aptables: --root-tables needs --input-bits\n");
		return 2;
	}
	/* The input size sets the start level, as in the map file. */
	if (img->input_bits)
		img->root_level = 0;
	return 0;
}
