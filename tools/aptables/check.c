/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * aptables check: what the MMU would reject or misread in an image, each
 * finding with the byte offset of its descriptor. The library walks the
 * image (ap_mapping_walk_runs on the adopted tables) and stops at a table
 * outside the image or one reached twice; each run of descriptors it hands
 * over is checked here.
 */
#include <stdio.h>

#include "aptables.h"

typedef struct checker {
	const image_t *img;
	const ap_mapping_t *mapping;
	unsigned findings;
	const uint64_t *last_group; /* the contiguous group checked last */
} checker_t;

static void finding(checker_t *c, const uint64_t *entry, const char *what)
{
	const unsigned char *at = (const unsigned char *)entry;
	printf("%s: offset 0x%llx: %s (descriptor 0x%016llx)\n", c->img->path,
	       (unsigned long long)(at - c->img->bytes), what, (unsigned long long)*entry);
	c->findings++;
}

/* Output-address bits above 47 are RES0 without FEAT_LPA. */
#define HIGH_ADDRESS_BITS (UINT64_C(0xf) << 48)
/* The contiguous hint, bit 52 in every format; AP[1], bit 6, RES1 at EL2/EL3. */
#define CONTIGUOUS (UINT64_C(1) << 52)
#define AP1 (UINT64_C(1) << 6)

/* Descriptors a contiguous run spans: 16 at every level with 4 KiB pages;
 * 128 pages or 32 blocks with 16 KiB; 32 with 64 KiB (Arm ARM D8.6.1). */
static unsigned contiguous_entries(ap_granule_t granule, unsigned level)
{
	switch (granule) {
	case AP_GRANULE_16K: return level == 3 ? 128 : 32;
	case AP_GRANULE_64K: return 32;
	default: return 16;
	}
}

/* Checks one valid non-table descriptor, the one @p va is walked to.
 * Whether the MMU takes it as a mapping is the library's translate to say:
 * a valid descriptor it does not map is a reserved encoding. */
static void check_leaf(checker_t *c, const uint64_t *entry, uint64_t va, unsigned level,
		       uint64_t block_size)
{
	uint64_t bits = *entry;
	if (bits & HIGH_ADDRESS_BITS)
		finding(c, entry, "reserved output-address bits 51:48 set");
	ap_translate_result_t t = AP_TRANSLATE_RESULT_INIT;
	if (ap_mapping_translate(c->mapping, va, &t) == AP_ERR_NOT_MAPPED) {
		char what[80];
		/* Blocks exist at levels 1 and 2 with 4 KiB pages, level 2 only
		 * with 16 and 64 KiB pages. */
		if (level < 3)
			snprintf(what, sizeof(what), "block descriptor at level %u (not allowed with %llu KiB pages)",
				 level, (unsigned long long)(granule_bytes(c->img->granule) >> 10));
		else
			snprintf(what, sizeof(what), "reserved level 3 encoding (valid with bit 1 clear)");
		finding(c, entry, what);
		return;
	}
	if (ap_pte_output_address(bits, 3) % block_size)
		finding(c, entry, "block output address not aligned to its size");
	if ((c->img->regime == AP_REGIME_EL2 || c->img->regime == AP_REGIME_EL3) && !(bits & AP1))
		finding(c, entry, "AP[1] clear, but it is RES1 in the EL2/EL3 format");
}

/*
 * A contiguous hint promises the walker an aligned group of entries (16
 * with 4 KiB pages) that map one aligned range with the same attributes;
 * if any entry breaks that, the TLB may hold a wrong translation.
 */
static void check_contiguous_group(checker_t *c, const uint64_t *group, unsigned entries,
				   unsigned level, uint64_t step)
{
	bool any = false;
	for (unsigned i = 0; i < entries; i++)
		any |= (group[i] & CONTIGUOUS) != 0;
	if (!any)
		return;
	uint64_t head = group[0], base = ap_pte_output_address(head, level);
	bool ok = ap_pte_is_valid(head) && !ap_pte_is_table(head, level) &&
		  base % (step * entries) == 0;
	for (unsigned i = 0; ok && i < entries; i++)
		ok = (group[i] & CONTIGUOUS) && ap_pte_is_valid(group[i]) &&
		     ap_pte_output_address(group[i], level) == base + i * step &&
		     ap_pte_flags(group[i], level) == ap_pte_flags(head, level);
	if (!ok) {
		char what[96];
		snprintf(what, sizeof(what),
			 "contiguous hint on %u entries that are not one aligned, uniform range", entries);
		finding(c, group, what);
	}
}

static int check_run(void *ctx, const ap_region_t *region, const uint64_t *descriptors,
		     size_t count, unsigned level)
{
	checker_t *c = ctx;
	uint64_t step = region->size / count;
	for (size_t i = 0; i < count; i++) {
		const uint64_t *entry = &descriptors[i];
		if (ap_pte_is_valid(*entry))
			check_leaf(c, entry, region->start + i * step, level, step);
		/* The group this entry belongs to, once: its entries lie in
		 * the same table, aligned to their size from the table's start
		 * (tables lie at multiples of their size from the image's). */
		unsigned entries = contiguous_entries(c->img->granule, level);
		size_t offset = (size_t)((const unsigned char *)entry - c->img->bytes);
		const uint64_t *group =
			(const uint64_t *)(c->img->bytes + (offset & ~((size_t)entries * 8 - 1)));
		if (level > 0 && group != c->last_group) {
			c->last_group = group;
			check_contiguous_group(c, group, entries, level, step);
		}
	}
	return 0;
}

int command_check(int argc, char **argv)
{
	image_t img;
	int first;
	int status = image_options(argc, argv, &img, NULL, &first);
	if (status)
		return status;
	ap_mapping_t *m;
	if (!image_load(&img))
		return 1;
	if (!image_open(&img, &m)) {
		image_free(&img);
		return 1;
	}
	checker_t c = {&img, m, 0, NULL};
	uint64_t size;
	ap_mapping_size(m, &size);
	uint64_t start = img.va_range == AP_VA_RANGE_UPPER ? 0 - size : 0;
	ap_region_t all = {start, size};
	ap_error_t err = AP_ERROR_INIT;
	ap_status_t walked = ap_mapping_walk_runs(m, &all, check_run, &c, &err);
	if (walked == AP_ERR_BAD_TABLE_ADDRESS) {
		printf("%s: table pointer outside the image (table 0x%llx)\n", img.path,
		       (unsigned long long)err.address);
		c.findings++;
	} else if (walked == AP_ERR_MALFORMED_TABLE) {
		printf("%s: offset 0x%llx: table reached twice (a loop or a shared table)\n",
		       img.path, (unsigned long long)(err.address - img.base));
		c.findings++;
	} else if (walked != AP_OK) {
		fprintf(stderr, "%s: %s\n", img.path, ap_strerror(walked));
		c.findings++;
	}
	if (c.findings == 0)
		printf("%s: no findings\n", img.path);
	ap_mapping_destroy(m);
	image_free(&img);
	return c.findings ? 1 : 0;
}
