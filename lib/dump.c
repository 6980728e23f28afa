/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * A readable dump of a table hierarchy in the layout of the reference's
 * Debug output: one line per run of entries that are equal or that step by
 * the level's block size, subtables indented under their descriptor.
 */
#include "text.h"
#include "walk.h"

/* Room for the longest line: deepest indent, an index range, two 64-bit
 * numbers and every attribute name of a format (about 350 bytes). */
#define LINE_MAX_BYTES 1024

/* A run of entries of one table that are equal or step by the level's
 * block size: one line of the dump. */
typedef struct dump_run {
	bool open;
	uint64_t first;
	unsigned from, to;
} dump_run_t;

typedef struct dump {
	walk_t walk;
	ap_write_fn write;
	void *ctx;
	dump_run_t runs[AP_LEAF_LEVEL + 1];
} dump_t;

static ap_status_t emit(const dump_t *d, text_t *line)
{
	return ap__text_write(line, d->write, d->ctx);
}

static void descriptor_text(text_t *t, const ap_mapping_t *m, uint64_t bits, unsigned level)
{
	uint64_t mask = oa_mask(&m->geo, bits, level);
	if (bits == 0) {
		ap__text_put(t, "0");
		return;
	}
	ap__text_put(t, "0x");
	ap__text_hex(t, bits, 14);
	if (!is_valid(bits))
		return;
	ap__text_put(t, " (0x");
	ap__text_hex(t, bits & mask, 16);
	ap__text_put(t, ", ");
	ap__text_put(t, ap__format_type_name(m->format));
	ap__text_put(t, "(");
	ap__attrs_text(t, m->format, bits & ~mask);
	ap__text_put(t, "))");
}

/* One line: "index[-index]: descriptor", indented by the table's depth. */
static ap_status_t dump_line(const dump_t *d, unsigned level, unsigned from, unsigned to,
			     uint64_t bits)
{
	char buf[LINE_MAX_BYTES];
	text_t line = {buf, sizeof(buf), 0};
	ap__text_spaces(&line, 2 * (level - d->walk.m->geo.root_level));
	ap__text_dec(&line, from, 3);
	if (to == from) {
		ap__text_put(&line, "    : ");
	} else {
		ap__text_put(&line, "-");
		ap__text_dec(&line, to, 3);
		ap__text_put(&line, ": ");
	}
	descriptor_text(&line, d->walk.m, bits, level);
	ap__text_put(&line, "\n");
	return emit(d, &line);
}

static ap_status_t dump_close_run(walk_t *w, unsigned level)
{
	dump_t *d = (dump_t *)w;
	dump_run_t *run = &d->runs[level];
	if (!run->open)
		return AP_OK;
	run->open = false;
	return dump_line(d, level, run->from, run->to, run->first);
}

static ap_status_t dump_visit(walk_t *w, visit_t *v, step_t *step)
{
	dump_t *d = (dump_t *)w;
	const geometry_t *g = v->geo;
	unsigned i = entry_index(g, v->chunk.start, v->level);
	dump_run_t *run = &d->runs[v->level];
	if (is_table(v->old, v->level)) {
		ap_status_t status = dump_close_run(w, v->level);
		if (status == AP_OK)
			status = dump_line(d, v->level, i, i, v->old);
		*step = STEP_DESCEND;
		return status;
	}
	uint64_t stepped = run->first + entry_size(g, v->level) * (i - run->from);
	if (run->open && (v->old == run->first || (run->first != 0 && v->old == stepped))) {
		run->to = i;
		return AP_OK;
	}
	ap_status_t status = dump_close_run(w, v->level);
	run->open = true;
	run->first = v->old;
	run->from = run->to = i;
	return status;
}

static const walker_ops_t dump_ops = {.visit = dump_visit, .table_end = dump_close_run};

static const char *regime_type_name(ap_regime_kind_t kind)
{
	switch (kind) {
	case AP_REGIME_EL2AND0: return "El2And0";
	case AP_REGIME_EL2: return "El2";
	case AP_REGIME_EL3: return "El3";
	case AP_REGIME_STAGE2: return "Stage2";
	default: return "El1And0";
	}
}

AP_EXPORT ap_status_t ap_mapping_dump(const ap_mapping_t *mapping, ap_write_fn write, void *ctx)
{
	if (!mapping || !write)
		return AP_ERR_INVALID_ARGUMENT;
	dump_t d;
	error_detail_t detail;
	ap__walk_begin(&d.walk, mapping, &detail);
	d.write = write;
	d.ctx = ctx;
	for (unsigned i = 0; i <= AP_LEAF_LEVEL; i++)
		d.runs[i].open = false;
	char buf[LINE_MAX_BYTES];
	text_t line = {buf, sizeof(buf), 0};
	ap__text_put(&line, "RootTable { pa: 0x");
	ap__text_hex(&line, mapping->root_pa, 16);
	ap__text_put(&line, ", translation_regime: ");
	ap__text_put(&line, regime_type_name(mapping->regime->kind));
	ap__text_put(&line, ", va_range: ");
	if (!ap__regime_has_asid(mapping->regime->kind))
		ap__text_put(&line, "()");
	else
		ap__text_put(&line, mapping->va_range == AP_VA_RANGE_UPPER ? "Upper" : "Lower");
	ap__text_put(&line, ", level: ");
	ap__text_dec(&line, mapping->geo.root_level, 0);
	ap__text_put(&line, ", table:\n");
	ap_status_t status = emit(&d, &line);
	if (status == AP_OK)
		status = ap__walk(&d.walk, &dump_ops, &mapping->geo, mapping->root,
				  mapping->geo.root_level,
				  whole_range(mapping));
	ap__walk_end(&d.walk);
	if (status == AP_OK) {
		ap__text_put(&line, "}\n");
		status = emit(&d, &line);
	}
	return status;
}

