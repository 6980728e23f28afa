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

/* Whether the library takes @p options (the mapping made to ask is dropped). */
static bool accepted(const ap_mapping_options_t *options, uint64_t base)
{
	ap_mapping_t *mapping;
	if (ap_mapping_create_target(options, base, &mapping) != AP_OK)
		return false;
	ap_mapping_destroy(mapping);
	return true;
}

/*
 * The library judges the table geometry. When it refuses, the setting to
 * blame is the one whose removal it would accept: first the base (a root
 * of concatenated tables needs its own size's alignment), then
 * root-tables, input-bits, root-level and granule, each on top of the
 * last, so that the most specific setting is named. 0 when none helps.
 */
static int refused_line(const map_file_t *map, ap_mapping_options_t options, ap_status_t status)
{
	/* 1 MiB: the largest root, 16 concatenated 64 KiB tables. */
	uint64_t aligned_base = map->base & ~(uint64_t)0xfffff;
	if (status == AP_ERR_BAD_TABLE_ADDRESS ||
	    (map->base_line && aligned_base != map->base && accepted(&options, aligned_base)))
		return map->base_line;
	if (status != AP_ERR_INVALID_ARGUMENT && status != AP_ERR_UNSUPPORTED)
		return 0;
	options.max_root_tables = 0;
	if (map->root_tables_line && accepted(&options, map->base))
		return map->root_tables_line;
	options.input_bits = 0;
	options.root_level = 1;
	if (map->input_bits_line && accepted(&options, map->base))
		return map->input_bits_line;
	if (map->root_level_line && accepted(&options, map->base))
		return map->root_level_line;
	options.granule = AP_GRANULE_4K;
	if (map->granule_line && accepted(&options, map->base))
		return map->granule_line;
	return 0;
}

static ap_mapping_t *create(const map_file_t *map)
{
	const ap_regime_t *regime;
	ap_mapping_t *mapping = NULL;
	ap_regime_get(map->regime, &regime);
	ap_mapping_options_t options = {.size = sizeof(options), .regime = regime,
					.root_level = map->root_level, .asid = map->asid,
					.va_range = map->va_range, .granule = map->granule,
					.input_bits = map->input_bits,
					.max_root_tables = map->max_root_tables};
	ap_status_t status = ap_mapping_create_target(&options, map->base, &mapping);
	if (status == AP_OK)
		return mapping;
	int line = refused_line(map, options, status);
	if (line) {
		char shape[64];
		if (map->input_bits)
			snprintf(shape, sizeof(shape), "%u input bits", map->input_bits);
		else
			snprintf(shape, sizeof(shape), "root level %u", map->root_level);
		fprintf(stderr, "%s:%d: cannot make the tables: %s (granule %s, %s, regime %s%s)\n",
			map->path, line, ap_strerror(status), granule_name(map->granule), shape,
			regime_name(map->regime), map->max_root_tables == 1 ? ", no concatenated root" : "");
	} else {
		fprintf(stderr, "%s: cannot make the tables: %s (an ASID or upper VA range needs "
			"regime el1 or el2and0)\n", map->path, ap_strerror(status));
	}
	return NULL;
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
			unsigned bits = 64 - (unsigned)__builtin_clzll(size - 1);
			if (map->input_bits)
				fprintf(stderr, "%s:%d: the region lies outside the %u-bit input range of "
					"input-bits (line %d) (at 0x%llx)\n", map->path, r->line, bits,
					map->input_bits_line, (unsigned long long)err.address);
			else
				fprintf(stderr, "%s:%d: the region lies outside the %u-bit input range of "
					"root level %u%s%s (at 0x%llx)\n", map->path, r->line, bits,
					map->root_level, map->granule ? " with granule " : "",
					map->granule ? granule_name(map->granule) : "",
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
	/* The register fields and the root's shape come from the library,
	 * never derived here. */
	if (ap_mapping_translation_control(mapping, &control) != AP_OK)
		fprintf(out, "%-12s none without FEAT_TTST (a stage 2 root at level 3)\n", "VTCR:");
	fprintf(out, "%-12s 0x%llx\n", "root table:", (unsigned long long)root);
	fprintf(out, "%-12s 0x%016llx\n", stage2 ? "VTTBR_EL2:" : "TTBR:",
		(unsigned long long)control.ttbr);
	fprintf(out, "%-12s %zu (%zu bytes)\n", "tables:", tables, bytes);
	fprintf(out, "%-12s %u (%u-bit input addresses, start level %u)\n",
		upper ? "TCR T1SZ:" : stage2 ? "VTCR T0SZ:" : "TCR T0SZ:", control.tsz,
		control.input_bits, control.root_level);
	fprintf(out, "%-12s %u (%llu KiB)%s", upper ? "TCR TG1:" : stage2 ? "VTCR TG0:" : "TCR TG0:",
		control.tg, (unsigned long long)(granule_bytes(control.granule) >> 10),
		stage2 ? "" : "\n");
	if (stage2)
		fprintf(out, ", SL0 %u\n", control.sl0);
	fprintf(out, "%-12s level %u, %u entries in %u table%s\n", "root:", control.root_level,
		control.root_entries, control.root_tables,
		control.root_tables > 1 ? "s (concatenated)" : "");
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
	ap_translation_control_t control = AP_TRANSLATION_CONTROL_INIT;
	/* The C and assembler images keep the root's alignment: one table, or
	 * all of a concatenated stage 2 root (the TTBR needs it). */
	uint64_t align = granule_bytes(map.granule);
	if (ap_mapping_translation_control(mapping, &control) == AP_OK && control.root_tables > 1)
		align *= control.root_tables;
	if (map_regions(mapping, &map) && ap_target_image_size(mapping, &size) == AP_OK &&
	    (image = malloc(size)) && ap_target_image_write(mapping, image, size) == AP_OK &&
	    ap_mapping_ttbr(mapping, &ttbr) == AP_OK &&
	    output_write(output, format, image, size, &map, ttbr, align)) {
		summary(stdout, mapping, &map, size);
		status = 0;
	}
	free(image);
	ap_mapping_destroy(mapping);
	return status;
}
