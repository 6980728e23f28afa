/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * A readable dump of a table hierarchy in the layout of the reference's
 * Debug output: one line per run of entries that are equal or that step by
 * the level's block size, subtables indented under their descriptor.
 */
#include "text.h"

/* Room for the longest line: deepest indent, an index range, two 64-bit
 * numbers and every attribute name of a format (about 350 bytes). */
#define LINE_MAX_BYTES 1024

typedef struct dump {
	const ap_mapping_t *m;
	ap_write_fn write;
	void *ctx;
} dump_t;

static ap_status_t emit(const dump_t *d, text_t *line)
{
	size_t length = line->length < line->size ? line->length : line->size;
	if (d->write(d->ctx, line->buf, length) != 0)
		return AP_ERR_WRITE_FAILED;
	line->length = 0;
	return AP_OK;
}

static void descriptor_text(text_t *t, format_t format, uint64_t bits, unsigned level)
{
	if (bits == 0) {
		ap__text_put(t, "0");
		return;
	}
	ap__text_put(t, "0x");
	ap__text_hex(t, bits, 14);
	if (!is_valid(bits))
		return;
	ap__text_put(t, " (0x");
	ap__text_hex(t, ap_pte_output_address(bits, level), 16);
	ap__text_put(t, ", ");
	ap__text_put(t, ap__format_type_name(format));
	ap__text_put(t, "(");
	ap__attrs_text(t, format, ap_pte_flags(bits, level));
	ap__text_put(t, "))");
}

static void indent(text_t *t, unsigned depth)
{
	for (unsigned i = 0; i < depth; i++)
		ap__text_put(t, " ");
}

static ap_status_t dump_table(const dump_t *d, const uint64_t *table, unsigned level,
			      unsigned depth)
{
	char buf[LINE_MAX_BYTES];
	text_t line = {buf, sizeof(buf), 0};
	uint64_t step = granule(level);
	for (unsigned i = 0; i < ENTRY_COUNT;) {
		uint64_t first = load_desc(&table[i]);
		indent(&line, depth);
		if (is_table(first, level)) {
			ap__text_dec(&line, i, 3);
			ap__text_put(&line, "    : ");
			descriptor_text(&line, d->m->format, first, level);
			ap__text_put(&line, "\n");
			ap_status_t status = emit(d, &line);
			const uint64_t *sub = table_at(d->m, first & OA_FIELD_MASK);
			if (status == AP_OK && !sub)
				status = AP_ERR_BAD_TABLE_ADDRESS;
			if (status == AP_OK)
				status = dump_table(d, sub, level + 1, depth + 2);
			if (status != AP_OK)
				return status;
			i++;
			continue;
		}
		unsigned end = i + 1;
		while (end < ENTRY_COUNT) {
			uint64_t bits = load_desc(&table[end]);
			if (bits != first && (first == 0 || bits != first + step * (end - i)))
				break;
			end++;
		}
		ap__text_dec(&line, i, 3);
		if (end - 1 == i) {
			ap__text_put(&line, "    : ");
		} else {
			ap__text_put(&line, "-");
			ap__text_dec(&line, end - 1, 3);
			ap__text_put(&line, ": ");
		}
		descriptor_text(&line, d->m->format, first, level);
		ap__text_put(&line, "\n");
		ap_status_t status = emit(d, &line);
		if (status != AP_OK)
			return status;
		i = end;
	}
	return AP_OK;
}

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
	dump_t d = {mapping, write, ctx};
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
	ap__text_dec(&line, mapping->root_level, 0);
	ap__text_put(&line, ", table:\n");
	ap_status_t status = emit(&d, &line);
	if (status == AP_OK)
		status = dump_table(&d, mapping->root, mapping->root_level, 0);
	if (status == AP_OK) {
		ap__text_put(&line, "}\n");
		status = emit(&d, &line);
	}
	return status;
}
