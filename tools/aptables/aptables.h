/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * aptables: build, dump, translate and check AArch64 translation table
 * images with libaarch64paging's public API. Shared declarations.
 */
#ifndef APTABLES_H
#define APTABLES_H

#include <aarch64_paging.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MAX_REGIONS 256
#define MAIR_SLOTS 8

/* One region line of a map file. */
typedef struct map_region {
	uint64_t va, size, pa;
	bool identity;
	ap_attrs_t flags;
	int line;
} map_region_t;

/* A whole map file. */
typedef struct map_file {
	const char *path;
	ap_regime_kind_t regime;
	unsigned root_level;
	uint16_t asid;
	ap_va_range_t va_range;
	uint64_t base;
	ap_granule_t granule;
	unsigned input_bits;      /* 0: the root-level rule */
	unsigned max_root_tables; /* 0: the library's default (up to 16) */
	/* The line of each setting that shapes the tables (0: not given), so
	 * that a refusal is reported where the value was written. */
	int root_level_line, base_line, granule_line, input_bits_line, root_tables_line;
	ap_constraints_t constraints;
	char mair_names[MAIR_SLOTS][32];
	uint8_t mair_values[MAIR_SLOTS];
	unsigned mair_count;
	map_region_t regions[MAX_REGIONS];
	size_t region_count;
} map_file_t;

/* mapfile.c: parses @p path; on error prints "FILE:LINE: ..." and returns false. */
bool map_file_read(const char *path, map_file_t *map);

/* attrs.c: names of attributes, regimes and granules. */
bool regime_from_name(const char *name, ap_regime_kind_t *kind);
const char *regime_name(ap_regime_kind_t kind);
/* "4k", "16k" or "64k" (or in capitals). */
bool granule_from_name(const char *name, ap_granule_t *granule);
const char *granule_name(ap_granule_t granule);
/* The page size, which is also the size of every table. */
uint64_t granule_bytes(ap_granule_t granule);
/* Adds the bits of attribute @p name to @p flags; false for an unknown name. */
bool attribute_apply(const map_file_t *map, const char *name, ap_attrs_t *flags);
/* The bits every region of the regime gets (valid, access flag, RES1). */
ap_attrs_t attribute_defaults(ap_regime_kind_t kind);

/* An image of tables, as the target will load it. */
typedef struct image {
	const char *path;
	unsigned char *bytes;
	size_t size;
	uint64_t base;
	uint64_t root; /* the root table: at base unless told (a concatenated root is aligned to its size) */
	unsigned root_level;
	ap_regime_kind_t regime;
	ap_va_range_t va_range;
	ap_granule_t granule;
	unsigned input_bits;      /* 0: the root-level rule */
	unsigned max_root_tables; /* 0: the library's default */
	ap_mair_t mair;           /* dump --mair: 0 if not told */
} image_t;

/* image.c */
bool image_load(image_t *img);
void image_free(image_t *img);
/* Whether @p pa is the start of a table inside the image. */
bool image_has_table(const image_t *img, uint64_t pa);
/* Adopts the loaded image read-only; prints why not and returns false. */
bool image_open(image_t *img, ap_mapping_t **mapping);

/* output.c: writes @p bytes to @p path in @p format ("bin", "c", "asm")
 * through a temporary file, so nothing is left on failure. The C and
 * assembler images are aligned to @p align bytes (the root's size). */
bool output_write(const char *path, const char *format, const unsigned char *bytes, size_t size,
		  const map_file_t *map, uint64_t ttbr, uint64_t align);

/* The subcommands (build.c, dump.c, translate.c, check.c). */
int command_build(int argc, char **argv);
int command_dump(int argc, char **argv);
int command_translate(int argc, char **argv);
int command_check(int argc, char **argv);

/* options.c: the image options dump, translate and check share. */
int image_options(int argc, char **argv, image_t *img, bool *json, int *first_operand);
bool parse_u64(const char *text, uint64_t *value);

#endif
