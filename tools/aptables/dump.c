/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * aptables dump: the hierarchy of an image as a tree, entries grouped in
 * runs (empty entries, or leaves whose output address grows by the block
 * size with equal attributes), or the same as JSON.
 */
#include <stdlib.h>
#include <string.h>

#include "aptables.h"

typedef struct run {
	unsigned first, last;
	uint64_t bits; /* of the first entry */
	enum { RUN_INVALID, RUN_LEAF, RUN_TABLE } kind;
} run_t;

static int kind_of(uint64_t bits, unsigned level)
{
	if (!ap_pte_is_valid(bits))
		return RUN_INVALID;
	return ap_pte_is_table(bits, level) ? RUN_TABLE : RUN_LEAF;
}

/* The run starting at @p first. */
static run_t next_run(const image_t *img, uint64_t table, unsigned level, unsigned first)
{
	run_t r = {first, first, image_entry(img, table, first), 0};
	r.kind = kind_of(r.bits, level);
	if (r.kind == RUN_TABLE)
		return r;
	uint64_t step = level_block_size(level);
	while (r.last + 1 < 512) {
		uint64_t bits = image_entry(img, table, r.last + 1);
		uint64_t expected = r.kind == RUN_INVALID ? r.bits : r.bits + (r.last + 1 - first) * step;
		if (bits != expected && !(r.kind == RUN_INVALID && !ap_pte_is_valid(bits) && bits == 0))
			break;
		r.last++;
	}
	return r;
}

/* Where a table was first printed: its level and the lowest input
 * address it served there. */
typedef struct printed {
	bool done;
	unsigned level;
	uint64_t va;
} printed_t;

typedef struct dumper {
	const image_t *img;
	bool json;
	bool first_item;
	printed_t *printed; /* per table slot of the image */
} dumper_t;

/* The record of @p table (inside the image). */
static printed_t *printed_of(const dumper_t *d, uint64_t table)
{
	return &d->printed[(table - d->img->base) / AP_PAGE_SIZE];
}

static void print_names(const dumper_t *d, uint64_t bits, unsigned level)
{
	char names[256];
	attribute_names(d->img->regime, ap_pte_flags(bits, level), names, sizeof(names));
	printf(d->json ? "\"%s\"" : "%s", names);
}

static void dump_table(dumper_t *d, uint64_t table, unsigned level, uint64_t va, int depth);

static void text_run(dumper_t *d, const run_t *r, unsigned level, uint64_t va, int depth)
{
	uint64_t step = level_block_size(level);
	/* Inclusive end: a run at the top of the space ends at 2^64 - 1. */
	uint64_t start = va + r->first * step, last = start + ((r->last - r->first + 1) * step - 1);
	printf("%*s[%u", depth * 2 + 2, "", r->first);
	if (r->last != r->first)
		printf("-%u", r->last);
	printf("] 0x%016llx..0x%016llx ", (unsigned long long)start, (unsigned long long)last);
	if (r->kind == RUN_INVALID) {
		printf("%s\n", r->bits ? "invalid (ignored bits set)" : "invalid");
		return;
	}
	uint64_t out = ap_pte_output_address(r->bits, level);
	if (r->kind == RUN_TABLE) {
		printf("table 0x%llx", (unsigned long long)out);
		if (!image_has_table(d->img, out)) {
			printf("\n%*s(outside the image)\n", depth * 2 + 4, "");
		} else if (printed_of(d, out)->done) {
			const printed_t *p = printed_of(d, out);
			printf(" (shared: printed above as level %u from 0x%016llx)\n", p->level,
			       (unsigned long long)p->va);
		} else {
			printf("\n");
			dump_table(d, out, level + 1, start, depth + 1);
		}
		return;
	}
	printf("-> 0x%llx %s ", (unsigned long long)out, level == 3 ? "page" : "block");
	print_names(d, r->bits, level);
	printf("\n");
}

static void json_run(dumper_t *d, const run_t *r, unsigned level, uint64_t va)
{
	uint64_t step = level_block_size(level);
	static const char *const kinds[] = {"invalid", "leaf", "table"};
	printf("%s{\"first\": %u, \"last\": %u, \"va\": \"0x%llx\", \"size\": \"0x%llx\", "
	       "\"kind\": \"%s\", \"descriptor\": \"0x%llx\"",
	       d->first_item ? "" : ", ", r->first, r->last,
	       (unsigned long long)(va + r->first * step),
	       (unsigned long long)((r->last - r->first + 1) * step), kinds[r->kind],
	       (unsigned long long)r->bits);
	d->first_item = false;
	if (r->kind == RUN_LEAF) {
		printf(", \"pa\": \"0x%llx\", \"attributes\": ",
		       (unsigned long long)ap_pte_output_address(r->bits, level));
		print_names(d, r->bits, level);
	} else if (r->kind == RUN_TABLE) {
		uint64_t out = ap_pte_output_address(r->bits, level);
		printf(", \"pa\": \"0x%llx\"", (unsigned long long)out);
		if (!image_has_table(d->img, out)) {
			/* outside the image: nothing to show */
		} else if (printed_of(d, out)->done) {
			const printed_t *p = printed_of(d, out);
			printf(", \"shared\": {\"pa\": \"0x%llx\", \"level\": %u, \"va\": \"0x%llx\"}",
			       (unsigned long long)out, p->level, (unsigned long long)p->va);
		} else {
			printf(", \"table\": ");
			dump_table(d, out, level + 1, va + r->first * step, 0);
		}
	}
	printf("}");
}

/*
 * Prints @p table and, depth first, the tables it points to. A table is
 * printed once: marked before its entries, so a pointer back to it or to
 * an ancestor (a loop) and every later pointer to it print a reference.
 */
static void dump_table(dumper_t *d, uint64_t table, unsigned level, uint64_t va, int depth)
{
	*printed_of(d, table) = (printed_t){true, level, va};
	if (d->json) {
		printf("{\"pa\": \"0x%llx\", \"level\": %u, \"entries\": [", (unsigned long long)table, level);
		d->first_item = true;
	} else {
		printf("%*stable 0x%llx, level %u\n", depth * 2, "", (unsigned long long)table, level);
	}
	for (unsigned i = 0; i < 512;) {
		run_t r = next_run(d->img, table, level, i);
		if (d->json)
			json_run(d, &r, level, va);
		else
			text_run(d, &r, level, va, depth);
		i = r.last + 1;
	}
	if (d->json) {
		printf("]}");
		d->first_item = false;
	}
}

/* @p text as a JSON string: quotes, backslashes and control characters escaped. */
static void json_string(const char *text)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

int command_dump(int argc, char **argv)
{
	image_t img;
	bool json = false;
	int first;
	int status = image_options(argc, argv, &img, &json, &first);
	if (status)
		return status;
	if (!image_load(&img))
		return 1;
	printed_t *printed = calloc(img.size / AP_PAGE_SIZE, sizeof(*printed));
	if (!printed) {
		fprintf(stderr, "%s: out of memory\n", img.path);
		image_free(&img);
		return 1;
	}
	dumper_t d = {&img, json, true, printed};
	if (json) {
		printf("{\"image\": ");
		json_string(img.path);
		printf(", \"base\": \"0x%llx\", \"regime\": \"%s\", \"root_level\": %u, \"root\": ",
		       (unsigned long long)img.base, regime_name(img.regime), img.root_level);
	} else
		printf("%s: regime %s, root level %u, %zu tables at 0x%llx\n", img.path,
		       regime_name(img.regime), img.root_level, img.size / AP_PAGE_SIZE,
		       (unsigned long long)img.base);
	dump_table(&d, img.base, img.root_level, image_va_base(&img), 0);
	if (json)
		printf("}\n");
	free(printed);
	image_free(&img);
	return 0;
}
