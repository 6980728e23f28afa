/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The range dumps: each table with its runs of entries, each run with the
 * input range it covers and its attributes by field, as text or as JSON.
 * One visitor of the one walker writes both. In adopted tables a table met
 * a second time is named, not printed again, so that any hierarchy dumps
 * in finite time.
 */
#include "text.h"
#include "walk.h"

#define LINE_BYTES 1024

typedef enum run_kind { RUN_INVALID, RUN_LEAF, RUN_RESERVED, RUN_TABLE } run_kind_t;

/* Entries [from, to] of one table, all like the first. */
typedef struct range_run {
	bool open;
	run_kind_t kind;
	uint64_t first;
	unsigned from, to;
	uint64_t va; /* input address of entry `from` */
} range_run_t;

typedef struct range_dump {
	walk_t walk;
	bool json;
	ap_write_fn write;
	void *ctx;
	range_run_t runs[AP_LEAF_LEVEL + 1];
	bool first_item[AP_LEAF_LEVEL + 1]; /* JSON: no comma before it */
	text_t line;
	char buf[LINE_BYTES];
} range_dump_t;

static run_kind_t kind_of(const geometry_t *g, uint64_t bits, unsigned level)
{
	if (!is_valid(bits))
		return RUN_INVALID;
	if (is_table(bits, level))
		return RUN_TABLE;
	return leaf_maps(g, bits, level) ? RUN_LEAF : RUN_RESERVED;
}

static ap_status_t flush_line(range_dump_t *d)
{
	return ap__text_write(&d->line, d->write, d->ctx);
}

static void hex(text_t *t, uint64_t value)
{
	ap__text_put(t, "0x");
	ap__text_hex(t, value, 1);
}

static void quoted_hex(text_t *t, const char *key, uint64_t value)
{
	ap__text_put(t, ", \"");
	ap__text_put(t, key);
	ap__text_put(t, "\": \"");
	hex(t, value);
	ap__text_put(t, "\"");
}

/* The text of a leaf's attributes, by field, as ap_attrs_describe() has it. */
static void attributes(range_dump_t *d, uint64_t bits, unsigned level)
{
	char names[512];
	size_t needed;
	ap_regime_kind_t kind = d->walk.m->regime->kind;
	ap_attrs_t flags = bits & ~oa_mask(&d->walk.m->geo, bits, level);
	if (ap_attrs_describe(kind, flags, names, sizeof(names), &needed) != AP_OK)
		names[0] = '\0';
	if (!d->json) {
		ap__text_put(&d->line, names);
		return;
	}
	ap__text_put(&d->line, ", \"attributes\": \"");
	for (const char *c = names; *c; c++) /* the names hold no quotes; keep it so */
		ap__text_putn(&d->line, *c == '"' ? "'" : c, 1);
	ap__text_put(&d->line, "\"");
}

/* The start of a table: its header line, or its JSON object up to the entries. */
static ap_status_t open_table(range_dump_t *d, ap_pa_t pa, unsigned level)
{
	text_t *t = &d->line;
	d->first_item[level] = true;
	if (d->json) {
		ap__text_put(t, "{\"pa\": \"");
		hex(t, pa);
		ap__text_put(t, "\", \"level\": ");
		ap__text_dec(t, level, 0);
		ap__text_put(t, ", \"entries\": [");
		return flush_line(d);
	}
	ap__text_spaces(t, 2 * (level - d->walk.m->geo.root_level));
	ap__text_put(t, "table ");
	hex(t, pa);
	ap__text_put(t, ", level ");
	ap__text_dec(t, level, 0);
	ap__text_put(t, "\n");
	return flush_line(d);
}

/* The part of a run every kind shares. */
static void run_head(range_dump_t *d, const range_run_t *r, unsigned level)
{
	text_t *t = &d->line;
	uint64_t size = entry_size(&d->walk.m->geo, level) * (r->to - r->from + 1);
	static const char *const kinds[] = {"invalid", "leaf", "reserved", "table"};
	if (d->json) {
		ap__text_put(t, d->first_item[level] ? "{\"first\": " : ", {\"first\": ");
		ap__text_dec(t, r->from, 0);
		ap__text_put(t, ", \"last\": ");
		ap__text_dec(t, r->to, 0);
		quoted_hex(t, "va", r->va);
		quoted_hex(t, "size", size);
		ap__text_put(t, ", \"kind\": \"");
		ap__text_put(t, kinds[r->kind]);
		ap__text_put(t, "\"");
		quoted_hex(t, "descriptor", r->first);
	} else {
		ap__text_spaces(t, 2 * (level - d->walk.m->geo.root_level) + 2);
		ap__text_put(t, "[");
		ap__text_dec(t, r->from, 0);
		if (r->to != r->from) {
			ap__text_put(t, "-");
			ap__text_dec(t, r->to, 0);
		}
		ap__text_put(t, "] 0x");
		ap__text_hex(t, r->va, 16); /* input addresses in columns */
		ap__text_put(t, "..0x");
		ap__text_hex(t, r->va + (size - 1), 16); /* inclusive: the top ends at 2^64 - 1 */
		ap__text_put(t, " ");
	}
	d->first_item[level] = false;
}

/* Writes a run of leaves, invalid or reserved entries. */
static ap_status_t close_run(walk_t *w, unsigned level)
{
	range_dump_t *d = (range_dump_t *)w;
	const geometry_t *g = &w->m->geo;
	range_run_t *r = &d->runs[level];
	if (!r->open)
		return AP_OK;
	r->open = false;
	run_head(d, r, level);
	text_t *t = &d->line;
	if (r->kind == RUN_LEAF) {
		if (d->json) {
			quoted_hex(t, "pa", r->first & oa_mask(g, r->first, level));
		} else {
			ap__text_put(t, "-> ");
			hex(t, r->first & oa_mask(g, r->first, level));
			ap__text_put(t, level == AP_LEAF_LEVEL ? " page " : " block ");
		}
		attributes(d, r->first, level);
	} else if (!d->json) {
		ap__text_put(t, r->kind == RUN_RESERVED ? "reserved encoding (faults)"
			     : r->first ? "invalid (ignored bits set)" : "invalid");
	}
	ap__text_put(t, d->json ? "}" : "\n");
	return flush_line(d);
}

/* A table entry: its run line, then (once per table) the table itself. */
static ap_status_t table_entry(range_dump_t *d, visit_t *v, step_t *step)
{
	const geometry_t *g = &d->walk.m->geo;
	ap_pa_t pa = table_address(g, v->old);
	range_run_t r = {true, RUN_TABLE, v->old, 0, 0,
			 v->chunk.start & ~(entry_size(g, v->level) - 1)};
	r.from = r.to = entry_index(g, v->chunk.start, v->level);
	run_head(d, &r, v->level);
	text_t *t = &d->line;
	ap_status_t noted = d->walk.m->adopted ? ap__walk_note_table(&d->walk, pa) : AP_OK;
	if (noted == AP_ERR_NO_MEMORY)
		return noted;
	bool again = noted == AP_ERR_MALFORMED_TABLE;
	if (d->json) {
		quoted_hex(t, "pa", pa);
		ap__text_put(t, again ? ", \"shared\": true}" : ", \"table\": ");
	} else {
		ap__text_put(t, "table ");
		hex(t, pa);
		ap__text_put(t, again ? " (shared: printed above)\n" : "\n");
	}
	ap_status_t status = flush_line(d);
	if (status != AP_OK || again)
		return status;
	*step = STEP_DESCEND; /* the walker checks that the table translates */
	return open_table(d, pa, v->level + 1);
}

static ap_status_t range_visit(walk_t *w, visit_t *v, step_t *step)
{
	range_dump_t *d = (range_dump_t *)w;
	range_run_t *r = &d->runs[v->level];
	const geometry_t *g = &w->m->geo;
	run_kind_t kind = kind_of(g, v->old, v->level);
	unsigned i = entry_index(g, v->chunk.start, v->level);
	if (r->open && kind == r->kind && kind != RUN_TABLE) {
		uint64_t stepped = r->first + entry_size(g, v->level) * (i - r->from);
		if (v->old == r->first || (kind == RUN_LEAF && v->old == stepped)) {
			r->to = i;
			return AP_OK;
		}
	}
	ap_status_t status = close_run(w, v->level);
	if (status != AP_OK)
		return status;
	if (kind == RUN_TABLE)
		return table_entry(d, v, step);
	r->open = true;
	r->kind = kind;
	r->first = v->old;
	r->from = r->to = i;
	r->va = v->chunk.start & ~(entry_size(g, v->level) - 1);
	return AP_OK;
}

/* The end of a table: its last run, and in JSON the end of its object. */
static ap_status_t range_table_end(walk_t *w, unsigned level)
{
	range_dump_t *d = (range_dump_t *)w;
	ap_status_t status = close_run(w, level);
	if (status != AP_OK || !d->json)
		return status;
	ap__text_put(&d->line, "]}");
	return flush_line(d);
}

/* After a subtable (JSON): the end of the run that holds it. */
static ap_status_t range_post(walk_t *w, visit_t *v AP_UNUSED)
{
	range_dump_t *d = (range_dump_t *)w;
	if (!d->json)
		return AP_OK;
	ap__text_put(&d->line, "}");
	return flush_line(d);
}

static const walker_ops_t range_ops = {.visit = range_visit, .post = range_post, .table_end = range_table_end};

static const char *regime_name(ap_regime_kind_t kind)
{
	switch (kind) {
	case AP_REGIME_EL2AND0: return "el2&0";
	case AP_REGIME_EL2: return "el2";
	case AP_REGIME_EL3: return "el3";
	case AP_REGIME_STAGE2: return "stage2";
	default: return "el1&0";
	}
}

static ap_status_t dump_ranges(const ap_mapping_t *m, bool json, ap_write_fn write, void *ctx)
{
	range_dump_t dump, *d = &dump;
	error_detail_t detail;
	__builtin_memset(d, 0, sizeof(*d));
	ap__walk_begin(&d->walk, m, &detail);
	d->walk.check_sharing = false; /* the visitor names shared tables itself */
	d->json = json;
	d->write = write;
	d->ctx = ctx;
	d->line.buf = d->buf;
	d->line.size = sizeof(d->buf);
	ap_status_t status = AP_OK;
	if (json) {
		ap__text_put(&d->line, "{\"regime\": \"");
		ap__text_put(&d->line, regime_name(m->regime->kind));
		ap__text_put(&d->line, "\", \"root_level\": ");
		ap__text_dec(&d->line, m->geo.root_level, 0);
		ap__text_put(&d->line, ", \"root\": ");
		status = flush_line(d);
	}
	if (status == AP_OK)
		status = open_table(d, m->root_pa, m->geo.root_level);
	if (status == AP_OK)
		status = ap__walk(&d->walk, &range_ops, &m->geo, m->root, m->geo.root_level,
				  whole_range(m));
	if (status == AP_OK && json) {
		ap__text_put(&d->line, "}\n");
		status = flush_line(d);
	}
	ap__walk_end(&d->walk);
	return status;
}

AP_EXPORT ap_status_t ap_mapping_dump_as(const ap_mapping_t *mapping, ap_dump_format_t format,
					 ap_write_fn write, void *ctx)
{
	if (!mapping || !write)
		return AP_ERR_INVALID_ARGUMENT;
	switch (format) {
	case AP_DUMP_REFERENCE:
		return ap_mapping_dump(mapping, write, ctx);
	case AP_DUMP_RANGES:
	case AP_DUMP_JSON:
		return dump_ranges(mapping, format == AP_DUMP_JSON, write, ctx);
	case AP_DUMP_SVG:
		return ap__dump_svg(mapping, write, ctx);
	}
	return AP_ERR_INVALID_ARGUMENT;
}
