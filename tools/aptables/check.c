/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * aptables check: what the MMU would reject or misread in an image, each
 * finding with the byte offset of its descriptor.
 */
#include "aptables.h"

typedef struct checker {
	const image_t *img;
	unsigned findings;
	unsigned char *visited; /* per table slot: reached already */
} checker_t;

static void finding(checker_t *c, uint64_t table, unsigned index, const char *what, uint64_t bits)
{
	printf("%s: offset 0x%llx: %s (descriptor 0x%016llx)\n", c->img->path,
	       (unsigned long long)(table - c->img->base + index * 8ull), what,
	       (unsigned long long)bits);
	c->findings++;
}

/* Output-address bits above 47 are RES0 without FEAT_LPA. */
#define HIGH_ADDRESS_BITS (UINT64_C(0xf) << 48)
/* The contiguous hint, bit 52 in every format; AP[1], bit 6, RES1 at EL2/EL3. */
#define CONTIGUOUS (UINT64_C(1) << 52)
#define AP1 (UINT64_C(1) << 6)
/* Descriptors a contiguous run spans with 4 KiB pages, at every level. */
#define CONTIGUOUS_ENTRIES 16u

static void check_table(checker_t *c, uint64_t table, unsigned level);

static void check_entry(checker_t *c, uint64_t table, unsigned index, unsigned level)
{
	uint64_t bits = image_entry(c->img, table, index);
	if (!ap_pte_is_valid(bits))
		return;
	if (bits & HIGH_ADDRESS_BITS)
		finding(c, table, index, "reserved output-address bits 51:48 set", bits);
	if (ap_pte_is_table(bits, level)) {
		uint64_t next = ap_pte_output_address(bits, level);
		if (!image_has_table(c->img, next))
			finding(c, table, index, "table pointer outside the image", bits);
		else
			check_table(c, next, level + 1);
		return;
	}
	if (level == 0) {
		finding(c, table, index, "block descriptor at level 0 (not allowed with 4 KiB pages)", bits);
		return;
	}
	if (level == 3 && !ap_pte_is_table_or_page(bits)) {
		finding(c, table, index, "reserved level 3 encoding (valid with bit 1 clear)", bits);
		return;
	}
	uint64_t out = bits & ((UINT64_C(1) << 48) - 1) & ~(uint64_t)(AP_PAGE_SIZE - 1);
	if (out % level_block_size(level))
		finding(c, table, index, "block output address not aligned to its size", bits);
	if ((c->img->regime == AP_REGIME_EL2 || c->img->regime == AP_REGIME_EL3) && !(bits & AP1))
		finding(c, table, index, "AP[1] clear, but it is RES1 in the EL2/EL3 format", bits);
}

/*
 * A contiguous hint promises the walker 16 aligned entries that map one
 * aligned range with the same attributes; if any entry breaks that, the
 * TLB may hold a wrong translation.
 */
static void check_contiguous_group(checker_t *c, uint64_t table, unsigned first, unsigned level)
{
	uint64_t head = image_entry(c->img, table, first);
	bool any = false;
	for (unsigned i = 0; i < CONTIGUOUS_ENTRIES; i++)
		any |= (image_entry(c->img, table, first + i) & CONTIGUOUS) != 0;
	if (!any)
		return;
	uint64_t step = level_block_size(level);
	uint64_t base = ap_pte_output_address(head, level);
	bool ok = ap_pte_is_valid(head) && !ap_pte_is_table(head, level) &&
		  base % (step * CONTIGUOUS_ENTRIES) == 0;
	for (unsigned i = 0; ok && i < CONTIGUOUS_ENTRIES; i++) {
		uint64_t bits = image_entry(c->img, table, first + i);
		ok = (bits & CONTIGUOUS) && ap_pte_is_valid(bits) &&
		     ap_pte_output_address(bits, level) == base + i * step &&
		     ap_pte_flags(bits, level) == ap_pte_flags(head, level);
	}
	if (!ok)
		finding(c, table, first, "contiguous hint on 16 entries that are not one aligned, "
			"uniform range", head);
}

static void check_table(checker_t *c, uint64_t table, unsigned level)
{
	size_t slot = (size_t)((table - c->img->base) / AP_PAGE_SIZE);
	if (c->visited[slot]) {
		printf("%s: offset 0x%llx: table reached twice (a loop or a shared table)\n",
		       c->img->path, (unsigned long long)(table - c->img->base));
		c->findings++;
		return;
	}
	c->visited[slot] = 1;
	for (unsigned i = 0; i < 512; i++)
		check_entry(c, table, i, level);
	if (level > 0)
		for (unsigned i = 0; i < 512; i += CONTIGUOUS_ENTRIES)
			check_contiguous_group(c, table, i, level);
}

int command_check(int argc, char **argv)
{
	image_t img;
	int first;
	int status = image_options(argc, argv, &img, NULL, &first);
	if (status)
		return status;
	if (!image_load(&img))
		return 1;
	unsigned char visited[4096] = {0};
	if (img.size / AP_PAGE_SIZE > sizeof(visited)) {
		fprintf(stderr, "%s: more than %zu tables\n", img.path, sizeof(visited));
		image_free(&img);
		return 1;
	}
	checker_t c = {&img, 0, visited};
	check_table(&c, img.base, img.root_level);
	if (c.findings == 0)
		printf("%s: no findings\n", img.path);
	image_free(&img);
	return c.findings ? 1 : 0;
}
