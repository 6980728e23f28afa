/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* aptables build: a map file to a table image for the target. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "aptables.h"

static void usage_build(void)
{
	fprintf(stderr, "usage: aptables build MAPFILE -o OUTPUT [-f bin|c|asm]\n");
}

static ap_mapping_t *create(const map_file_t *map)
{
	const ap_regime_t *regime;
	ap_mapping_t *mapping = NULL;
	ap_regime_get(map->regime, &regime);
	ap_mapping_options_t options = {.size = sizeof(options), .regime = regime,
					.root_level = map->root_level, .asid = map->asid,
					.va_range = map->va_range};
	ap_status_t status = ap_mapping_create_target(&options, map->base, &mapping);
	if (status != AP_OK)
		fprintf(stderr, "%s: cannot make the tables: %s (an ASID or upper VA range needs "
			"regime el1 or el2and0)\n", map->path, ap_strerror(status));
	return mapping;
}

static bool map_regions(ap_mapping_t *mapping, const map_file_t *map)
{
	for (size_t i = 0; i < map->region_count; i++) {
		const map_region_t *r = &map->regions[i];
		ap_region_t region = {r->va, r->size};
		ap_error_t err = {.size = sizeof(err)};
		ap_status_t status = ap_mapping_map(mapping, &region, r->pa, r->flags,
						    map->constraints, &err);
		if (status == AP_ERR_ADDRESS_RANGE) {
			uint64_t size;
			ap_mapping_size(mapping, &size);
			fprintf(stderr, "%s:%d: the region lies outside the %llu-bit input range of "
				"root level %u (at 0x%llx)\n", map->path, r->line,
				(unsigned long long)(64 - __builtin_clzll(size - 1)), map->root_level,
				(unsigned long long)err.address);
			return false;
		}
		if (status != AP_OK) {
			fprintf(stderr, "%s:%d: %s\n", map->path, r->line, ap_strerror(status));
			return false;
		}
	}
	return true;
}

/* What a firmware author needs beside the image. */
static void summary(FILE *out, ap_mapping_t *mapping, const map_file_t *map, size_t bytes)
{
	uint64_t root;
	size_t tables;
	ap_translation_control_t control = AP_TRANSLATION_CONTROL_INIT;
	ap_mapping_root_address(mapping, &root);
	ap_mapping_table_count(mapping, &tables);
	bool stage2 = map->regime == AP_REGIME_STAGE2, upper = map->va_range == AP_VA_RANGE_UPPER;
	/* The register fields come from the library, never derived here. */
	if (ap_mapping_translation_control(mapping, &control) != AP_OK)
		fprintf(out, "%-12s none without FEAT_TTST (a stage 2 root at level 3)\n", "VTCR:");
	fprintf(out, "%-12s 0x%llx\n", "root table:", (unsigned long long)root);
	fprintf(out, "%-12s 0x%016llx\n", stage2 ? "VTTBR_EL2:" : "TTBR:",
		(unsigned long long)control.ttbr);
	fprintf(out, "%-12s %zu (%zu bytes)\n", "tables:", tables, bytes);
	fprintf(out, "%-12s %u (%u-bit input addresses, start level %u)\n",
		upper ? "TCR T1SZ:" : stage2 ? "VTCR T0SZ:" : "TCR T0SZ:", control.tsz,
		control.input_bits, map->root_level);
	fprintf(out, "%-12s %u (4 KiB)%s", upper ? "TCR TG1:" : stage2 ? "VTCR TG0:" : "TCR TG0:",
		control.tg, stage2 ? "" : "\n");
	if (stage2)
		fprintf(out, ", SL0 %u\n", control.sl0);
	fprintf(out, "%-12s 0x%016llx under mask 0x%016llx\n", stage2 ? "VTCR fields:" : "TCR fields:",
		(unsigned long long)control.tcr, (unsigned long long)control.tcr_mask);
	if (!stage2) {
		ap_mair_t mair = 0;
		for (unsigned i = 0; i < map->mair_count; i++)
			ap_mair_with_attribute(mair, i, map->mair_values[i], &mair);
		fprintf(out, "%-12s 0x%016llx\n", "MAIR:", (unsigned long long)mair);
	}
}

int command_build(int argc, char **argv)
{
	const char *output = NULL, *format = "bin";
	int opt;
	optind = 1;
	while ((opt = getopt(argc, argv, "o:f:")) != -1) {
		if (opt == 'o')
			output = optarg;
		else if (opt == 'f')
			format = optarg;
		else
			return usage_build(), 2;
	}
	if (optind + 1 != argc || !output) {
		usage_build();
		return 2;
	}
	if (strcmp(format, "bin") && strcmp(format, "c") && strcmp(format, "asm")) {
		fprintf(stderr, "aptables: unknown format '%s' (bin, c, asm)\n", format);
		return 2;
	}
	static map_file_t map;
	if (!map_file_read(argv[optind], &map))
		return 1;
	ap_mapping_t *mapping = create(&map);
	if (!mapping)
		return 1;
	int status = 1;
	size_t size = 0;
	unsigned char *image = NULL;
	uint64_t ttbr = 0;
	if (map_regions(mapping, &map) && ap_target_image_size(mapping, &size) == AP_OK &&
	    (image = malloc(size)) && ap_target_image_write(mapping, image, size) == AP_OK &&
	    ap_mapping_ttbr(mapping, &ttbr) == AP_OK &&
	    output_write(output, format, image, size, &map, ttbr)) {
		summary(stdout, mapping, &map, size);
		status = 0;
	}
	free(image);
	ap_mapping_destroy(mapping);
	return status;
}
