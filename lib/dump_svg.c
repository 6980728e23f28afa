/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The SVG dump: the input address space as a picture, one band per mapped
 * region, top to bottom in address order. A region is a run of leaves of
 * one level with equal attributes and contiguous output addresses, merged
 * across tables. Band heights grow with the logarithm of the size, so that
 * large regions are to scale among themselves and a page is still seen;
 * unmapped stretches are drawn as breaks of one height.
 *
 * A visitor of the one walker, walked twice: the first walk measures (the
 * picture's height, the tables, the memory types used), the second writes.
 * No libc, no memory: one line buffer, flushed element by element.
 */
#include "text.h"
#include "walk.h"

#define LINE_BYTES 1024

#define SVG_WIDTH 1000
#define HEADER_HEIGHT 96
#define FOOTER_HEIGHT 36
#define GAP_HEIGHT 30
#define BAND_MIN 28     /* two lines of addresses */
#define BAND_PER_BIT 4  /* extra height per doubling above a 4 KiB page */
#define ADDR_X 176      /* right edge of the address column */
#define BAND_X 184
#define BAND_W 220
#define LABEL_X 414

typedef struct svg_region {
	bool open;
	uint64_t va, last, pa;
	ap_attrs_t flags;
	unsigned level;
	uint64_t count;
} svg_region_t;

typedef struct svg_dump {
	walk_t walk;
	bool emit; /* second walk: write */
	ap_write_fn write;
	void *ctx;
	unsigned va_digits;
	unsigned height; /* of the picture, from the first walk */
	unsigned y;      /* next band's top */
	uint64_t tables, regions;
	unsigned types_used; /* USED_NORMAL/USED_DEVICE, or a bit per attribute index */
	bool any;            /* a region was met */
	uint64_t covered;    /* the last address of the last region */
	svg_region_t cur;
	text_t line;
	char buf[LINE_BYTES];
} svg_dump_t;

/* Fill colours: by memory type where it is known, else by MAIR index. */
static const char *const index_colours[8] = {"#9ad19a", "#f2a65a", "#8fb8e8", "#d9a0e0",
					     "#e8d36a", "#7fd0c8", "#e89a9a", "#b8b8b8"};
#define NORMAL_COLOUR "#9ad19a"
#define DEVICE_COLOUR "#f2a65a"

static ap_status_t flush(svg_dump_t *d)
{
	return ap__text_write(&d->line, d->write, d->ctx);
}

static void put(svg_dump_t *d, const char *s)
{
	ap__text_put(&d->line, s);
}

static void dec(svg_dump_t *d, uint64_t n)
{
	ap__text_dec(&d->line, n, 0);
}

static void addr(svg_dump_t *d, uint64_t a)
{
	put(d, "0x");
	ap__text_hex(&d->line, a, d->va_digits);
}

static void hex(svg_dump_t *d, uint64_t a)
{
	put(d, "0x");
	ap__text_hex(&d->line, a, 1);
}

/* Text escaped for XML character data and attribute values. */
static void escaped(svg_dump_t *d, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': put(d, "&amp;"); break;
		case '<': put(d, "&lt;"); break;
		case '>': put(d, "&gt;"); break;
		case '"': put(d, "&quot;"); break;
		default: ap__text_putn(&d->line, s, 1);
		}
	}
}

/* log2 of last - first + 1, rounded down; 64 for the whole 64-bit space. */
static unsigned log2_span(uint64_t first, uint64_t last)
{
	uint64_t size = last - first + 1;
	return size ? 63u - (unsigned)__builtin_clzll(size) : 64u;
}

/* A size in bytes: "4 KiB", "2 MiB", ..., or hex when it is no whole unit. */
static void size_text(svg_dump_t *d, uint64_t first, uint64_t last)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	uint64_t size = last - first + 1;
	if (size == 0) {
		put(d, "16 EiB");
		return;
	}
	unsigned u = 0;
	while (u < 6 && (size & 1023) == 0 && size >= 1024) {
		size >>= 10;
		u++;
	}
	if (u == 0 && size >= 1024) {
		hex(d, size);
		put(d, " bytes");
		return;
	}
	dec(d, size);
	put(d, " ");
	put(d, units[u]);
}

static unsigned band_height(const svg_region_t *r)
{
	unsigned bits = log2_span(r->va, r->last);
	return bits <= 12 ? BAND_MIN : BAND_MIN + BAND_PER_BIT * (bits - 12);
}

/* ------------------------------------------------ attributes in pictures */

typedef struct marks {
	const char *colour;
	/* Stage 2, and stage 1 told its MAIR, know the memory type; other
	 * stage 1 pictures tell attribute indices apart instead. */
	bool typed, device;
	unsigned index; /* stage 1 */
	bool read_only, write_only, no_access, xn, pxn_only, uxn_only, user;
} marks_t;

/* Bits of svg_dump_t.types_used: typed pictures use the two memory types,
 * the others one bit per attribute index. */
#define USED_NORMAL 1u
#define USED_DEVICE 2u

static bool knows_memory_type(const ap_mapping_t *m)
{
	return m->format == FORMAT_STAGE2 || m->mair != 0;
}

static marks_t marks_of(const ap_mapping_t *m, ap_attrs_t f)
{
	marks_t k;
	__builtin_memset(&k, 0, sizeof(k));
	k.typed = knows_memory_type(m);
	if (m->format == FORMAT_STAGE2) {
		k.device = ap__s2_memattr_is_device(f);
		k.colour = k.device ? DEVICE_COLOUR : NORMAL_COLOUR;
		ap_attrs_t s2ap = f & AP_S2_S2AP_MASK;
		k.read_only = s2ap == AP_S2_S2AP_ACCESS_RO;
		k.write_only = s2ap == AP_S2_S2AP_ACCESS_WO;
		k.no_access = s2ap == AP_S2_S2AP_ACCESS_NONE;
		k.xn = (f & AP_S2_XN_MASK) != 0;
		return k;
	}
	k.index = (unsigned)((f & AP_EL1_ATTRIBUTE_INDEX_MASK) >> 2);
	k.device = k.typed && ap__mair_is_device(m->mair, k.index);
	k.colour = !k.typed ? index_colours[k.index] : k.device ? DEVICE_COLOUR : NORMAL_COLOUR;
	k.read_only = (f & AP_EL1_READ_ONLY) != 0;
	if (m->format == FORMAT_EL1) {
		bool pxn = (f & AP_EL1_PXN) != 0, uxn = (f & AP_EL1_UXN) != 0;
		k.xn = pxn && uxn;
		k.pxn_only = pxn && !uxn;
		k.uxn_only = uxn && !pxn;
		k.user = (f & AP_EL1_USER) != 0;
	} else {
		k.xn = (f & AP_EL23_XN) != 0;
	}
	return k;
}

static unsigned type_bit(const marks_t *k)
{
	return !k->typed ? 1u << k->index : k->device ? USED_DEVICE : USED_NORMAL;
}

/* "normal" or "device", with the index that chose it at stage 1. */
static void type_name(svg_dump_t *d, const marks_t *k)
{
	if (k->typed)
		put(d, k->device ? "device" : "normal");
	if (d->walk.m->format == FORMAT_STAGE2)
		return;
	put(d, k->typed ? " (attr index " : "attr index ");
	dec(d, k->index);
	if (k->typed)
		put(d, ")");
}

/* ------------------------------------------------------------ elements */

static ap_status_t gap(svg_dump_t *d, uint64_t first, uint64_t last)
{
	unsigned y = d->y;
	d->y += GAP_HEIGHT;
	if (!d->emit)
		return AP_OK;
	put(d, "<g class=\"gap\" data-first=\"");
	addr(d, first);
	put(d, "\" data-last=\"");
	addr(d, last);
	put(d, "\">");
	/* a torn edge above and below: the space is not to scale here */
	for (unsigned edge = 0; edge < 2; edge++) {
		unsigned ey = y + 6 + edge * (GAP_HEIGHT - 12);
		put(d, "<polyline fill=\"none\" stroke=\"#999\" points=\"");
		for (unsigned i = 0, x = BAND_X; x <= BAND_X + BAND_W; i++, x += 10) {
			dec(d, x);
			put(d, ",");
			dec(d, (i & 1) ? ey + 3 : ey - 3);
			put(d, " ");
		}
		put(d, "\"/>");
	}
	put(d, "<text x=\"");
	dec(d, LABEL_X);
	put(d, "\" y=\"");
	dec(d, y + GAP_HEIGHT / 2 + 4);
	put(d, "\" fill=\"#777\" font-style=\"italic\">unmapped ");
	addr(d, first);
	put(d, "..");
	addr(d, last);
	put(d, " (");
	size_text(d, first, last);
	put(d, ")</text></g>\n");
	return flush(d);
}

static void band_text(svg_dump_t *d, unsigned x, unsigned y, const char *anchor)
{
	put(d, "<text x=\"");
	dec(d, x);
	put(d, "\" y=\"");
	dec(d, y);
	put(d, "\"");
	if (anchor) {
		put(d, " text-anchor=\"");
		put(d, anchor);
		put(d, "\"");
	}
	put(d, ">");
}

/* The start of a rectangle, up to its fill; the caller adds the rest and
 * closes it. */
static void rect(svg_dump_t *d, unsigned x, unsigned y, unsigned w, unsigned h, const char *fill)
{
	put(d, "<rect x=\"");
	dec(d, x);
	put(d, "\" y=\"");
	dec(d, y);
	put(d, "\" width=\"");
	dec(d, w);
	put(d, "\" height=\"");
	dec(d, h);
	put(d, "\" fill=\"");
	put(d, fill);
	put(d, "\"");
}

static void stripe(svg_dump_t *d, unsigned x, unsigned y, unsigned h, const char *colour)
{
	rect(d, x, y, 8, h, colour);
	put(d, "/>");
}

/* The region's group with its data attributes and its tooltip. */
static void band_open(svg_dump_t *d, const svg_region_t *r, const marks_t *k)
{
	put(d, "<g class=\"region\" data-first=\"");
	addr(d, r->va);
	put(d, "\" data-last=\"");
	addr(d, r->last);
	put(d, "\" data-output=\"");
	hex(d, r->pa);
	put(d, "\" data-kind=\"");
	put(d, r->level == AP_LEAF_LEVEL ? "pages" : "blocks");
	if (k->typed) {
		put(d, "\" data-memory=\"");
		put(d, k->device ? "device" : "normal");
	}
	put(d, "\"><title>");
	char names[512];
	size_t needed;
	if (ap_attrs_describe(d->walk.m->regime->kind, r->flags, names, sizeof(names), &needed) != AP_OK)
		names[0] = '\0';
	escaped(d, names);
	put(d, "</title>");
}

/* The band itself: blocks with a solid edge, pages with a dashed one,
 * hatched when read-only, with stripes for execute-never and EL0. */
static void band_shape(svg_dump_t *d, const svg_region_t *r, const marks_t *k, unsigned y,
		       unsigned h)
{
	rect(d, BAND_X, y, BAND_W, h, k->colour);
	put(d, r->level == AP_LEAF_LEVEL ? " stroke=\"#333\" stroke-dasharray=\"4 2\"/>"
					 : " stroke=\"#333\"/>");
	if (k->read_only || k->no_access) {
		rect(d, BAND_X, y, BAND_W, h, "url(#read-only)");
		put(d, "/>");
	}
	if (k->xn || k->pxn_only || k->uxn_only)
		stripe(d, BAND_X + BAND_W - 8, y, h, k->xn ? "#c0392b" : "#e6a0a0");
	if (k->user)
		stripe(d, BAND_X, y, h, "#2c5fb0");
}

/* Left: the first and last input address. Right: the output address, the
 * size and the leaves; then the memory type and permissions in words. */
static void band_labels(svg_dump_t *d, const svg_region_t *r, const marks_t *k, unsigned y,
			unsigned h)
{
	bool page = r->level == AP_LEAF_LEVEL;
	band_text(d, ADDR_X, y + 11, "end");
	addr(d, r->va);
	put(d, "</text>");
	band_text(d, ADDR_X, y + h - 3, "end");
	addr(d, r->last);
	put(d, "</text>");
	band_text(d, LABEL_X, y + h / 2 - 1, NULL);
	put(d, "-&gt; ");
	hex(d, r->pa);
	put(d, "  ");
	size_text(d, r->va, r->last);
	put(d, ", ");
	dec(d, r->count);
	put(d, r->count == 1 ? (page ? " page" : " block") : (page ? " pages" : " blocks"));
	put(d, " of ");
	size_text(d, 0, entry_size(&d->walk.m->geo, r->level) - 1);
	put(d, "</text>");
	band_text(d, LABEL_X, y + h / 2 + 12, NULL);
	put(d, "<tspan font-weight=\"bold\">");
	type_name(d, k);
	put(d, "</tspan>");
	if (k->no_access)
		put(d, ", no access");
	else if (k->write_only)
		put(d, ", write-only");
	else
		put(d, k->read_only ? ", read-only" : ", read-write");
	if (k->xn)
		put(d, ", execute-never");
	else if (k->pxn_only)
		put(d, ", privileged execute-never");
	else if (k->uxn_only)
		put(d, ", user execute-never");
	if (k->user)
		put(d, ", user");
	put(d, "</text></g>\n");
}

/* A region's band; the first walk only measures it. Flushed in two parts:
 * the line buffer holds one part at a time. */
static ap_status_t band(svg_dump_t *d, const svg_region_t *r)
{
	unsigned y = d->y, h = band_height(r);
	d->y += h;
	d->regions++;
	marks_t k = marks_of(d->walk.m, r->flags);
	d->types_used |= type_bit(&k);
	if (!d->emit)
		return AP_OK;
	band_open(d, r, &k);
	band_shape(d, r, &k, y, h);
	ap_status_t status = flush(d);
	if (status != AP_OK)
		return status;
	band_labels(d, r, &k, y, h);
	return flush(d);
}

/* Ends the open region: the break before it, then its band. */
static ap_status_t close_region(svg_dump_t *d)
{
	svg_region_t *r = &d->cur;
	if (!r->open)
		return AP_OK;
	r->open = false;
	uint64_t base = d->walk.m->va_base;
	if (!d->any ? r->va > base : r->va > d->covered + 1) {
		ap_status_t status = gap(d, d->any ? d->covered + 1 : base, r->va - 1);
		if (status != AP_OK)
			return status;
	}
	d->any = true;
	d->covered = r->last;
	return band(d, r);
}

static ap_status_t svg_visit(walk_t *w, visit_t *v, step_t *step)
{
	svg_dump_t *d = (svg_dump_t *)w;
	const geometry_t *g = v->geo;
	uint64_t bits = v->old;
	if (!is_valid(bits))
		return AP_OK;
	if (is_table(bits, v->level)) {
		d->tables++;
		*step = STEP_DESCEND;
		return AP_OK;
	}
	if (!leaf_maps(g, bits, v->level))
		return AP_OK; /* a reserved encoding maps nothing */
	uint64_t size = entry_size(g, v->level);
	uint64_t va = v->chunk.start & ~(size - 1);
	uint64_t pa = bits & oa_mask(g, bits, v->level);
	ap_attrs_t flags = bits & ~oa_mask(g, bits, v->level);
	svg_region_t *r = &d->cur;
	if (r->open && r->flags == flags && r->level == v->level && va == r->last + 1 &&
	    pa == r->pa + (va - r->va)) {
		r->last = va + (size - 1);
		r->count++;
		return AP_OK;
	}
	ap_status_t status = close_region(d);
	if (status != AP_OK)
		return status;
	r->open = true;
	r->va = va;
	r->last = va + (size - 1);
	r->pa = pa;
	r->flags = flags;
	r->level = v->level;
	r->count = 1;
	return AP_OK;
}

static const walker_ops_t svg_ops = {.visit = svg_visit};

/* One walk over the whole input range: bands, breaks, and the last break. */
static ap_status_t svg_walk(svg_dump_t *d)
{
	const ap_mapping_t *m = d->walk.m;
	span_t whole = whole_range(m);
	d->y = HEADER_HEIGHT;
	d->tables = 1; /* the root */
	d->regions = 0;
	d->any = false;
	d->cur.open = false;
	ap_status_t status = ap__walk(&d->walk, &svg_ops, &m->geo, m->root, m->geo.root_level, whole);
	if (status == AP_OK)
		status = close_region(d);
	if (status == AP_OK && (!d->any || d->covered < whole.last))
		status = gap(d, d->any ? d->covered + 1 : whole.start, whole.last);
	return status;
}

static const char *regime_text(ap_regime_kind_t kind)
{
	switch (kind) {
	case AP_REGIME_EL2AND0: return "EL2&amp;0 stage 1";
	case AP_REGIME_EL2: return "EL2 stage 1";
	case AP_REGIME_EL3: return "EL3 stage 1";
	case AP_REGIME_STAGE2: return "stage 2";
	default: return "EL1&amp;0 stage 1";
	}
}

/* A swatch with its words, at x on the legend's row y; returns the next x. */
static unsigned legend_item(svg_dump_t *d, unsigned x, unsigned y, const char *fill,
			    const char *extra, const char *words, unsigned words_width)
{
	rect(d, x, y - 11, 22, 14, fill);
	put(d, " stroke=\"#333\"");
	put(d, extra);
	put(d, "/>");
	band_text(d, x + 28, y, NULL);
	put(d, words);
	put(d, "</text>");
	return x + 28 + words_width;
}

static ap_status_t header(svg_dump_t *d)
{
	const ap_mapping_t *m = d->walk.m;
	span_t whole = whole_range(m);
	put(d, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"");
	dec(d, SVG_WIDTH);
	put(d, "\" height=\"");
	dec(d, d->height);
	put(d, "\" viewBox=\"0 0 ");
	dec(d, SVG_WIDTH);
	put(d, " ");
	dec(d, d->height);
	put(d, "\" font-family=\"DejaVu Sans Mono, monospace\" font-size=\"11\">\n");
	put(d, "<defs><pattern id=\"read-only\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" "
	       "patternTransform=\"rotate(45)\"><rect width=\"3\" height=\"8\" fill=\"#000\" "
	       "fill-opacity=\"0.25\"/></pattern></defs>\n");
	put(d, "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
	ap_status_t status = flush(d);
	if (status != AP_OK)
		return status;
	band_text(d, 10, 20, NULL);
	put(d, "<tspan font-weight=\"bold\" font-size=\"13\">Input address space ");
	addr(d, whole.start);
	put(d, "..");
	addr(d, whole.last);
	put(d, "</tspan>  ");
	put(d, regime_text(m->regime->kind));
	put(d, ", root table ");
	hex(d, m->root_pa);
	put(d, " at level ");
	dec(d, m->geo.root_level);
	put(d, ", ");
	size_text(d, 0, page_size(&m->geo) - 1);
	put(d, " granule</text>\n");
	band_text(d, 10, 38, NULL);
	dec(d, d->tables);
	put(d, d->tables == 1 ? " table" : " tables");
	put(d, " used, ");
	dec(d, d->regions);
	put(d, d->regions == 1 ? " region" : " regions");
	put(d, "; band heights grow with log2 of the size, breaks are unmapped space</text>\n");
	status = flush(d);
	if (status != AP_OK)
		return status;
	/* the memory types drawn, then the marks */
	unsigned x = 10, y = 58;
	if (knows_memory_type(m)) {
		if (d->types_used & USED_NORMAL)
			x = legend_item(d, x, y, NORMAL_COLOUR, "", "normal", 60);
		if (d->types_used & USED_DEVICE)
			x = legend_item(d, x, y, DEVICE_COLOUR, "", "device", 60);
	} else {
		for (unsigned i = 0; i < 8; i++) {
			if (!(d->types_used & (1u << i)))
				continue;
			static const char *const names[8] = {"attr index 0", "attr index 1", "attr index 2",
							     "attr index 3", "attr index 4", "attr index 5",
							     "attr index 6", "attr index 7"};
			x = legend_item(d, x, y, index_colours[i], "", names[i], 96);
		}
		band_text(d, x, y, NULL);
		put(d, "(memory types need the MAIR: the mapping option mair)</text>");
	}
	status = flush(d);
	if (status != AP_OK)
		return status;
	x = 10;
	y = 78;
	x = legend_item(d, x, y, "#fff", "", "block", 60);
	x = legend_item(d, x, y, "#fff", " stroke-dasharray=\"4 2\"", "page", 52);
	x = legend_item(d, x, y, "url(#read-only)", "", "read-only", 86);
	x = legend_item(d, x, y, "#c0392b", "", "execute-never (pale: one EL)", 218);
	if (m->format == FORMAT_EL1)
		x = legend_item(d, x, y, "#2c5fb0", "", "user (EL0)", 90);
	put(d, "\n");
	return flush(d);
}

static ap_status_t footer(svg_dump_t *d)
{
	band_text(d, 10, d->y + 22, NULL);
	dec(d, d->tables);
	put(d, d->tables == 1 ? " table" : " tables");
	put(d, " of ");
	size_text(d, 0, page_size(&d->walk.m->geo) - 1);
	put(d, "</text>\n</svg>\n");
	return flush(d);
}

ap_status_t ap__dump_svg(const ap_mapping_t *m, ap_write_fn write, void *ctx)
{
	svg_dump_t dump, *d = &dump;
	error_detail_t detail;
	__builtin_memset(d, 0, sizeof(*d));
	d->write = write;
	d->ctx = ctx;
	d->line.buf = d->buf;
	d->line.size = sizeof(d->buf);
	uint64_t top = m->va_base + (m->va_size - 1);
	d->va_digits = top ? (unsigned)(67 - __builtin_clzll(top)) / 4 : 1;
	ap_status_t status = AP_OK;
	for (unsigned pass = 0; pass < 2 && status == AP_OK; pass++) {
		d->emit = pass == 1;
		ap__walk_begin(&d->walk, m, &detail);
		if (d->emit) {
			d->height = d->y + FOOTER_HEIGHT;
			status = header(d);
		}
		if (status == AP_OK)
			status = svg_walk(d);
		if (status == AP_OK && d->emit)
			status = footer(d);
		ap__walk_end(&d->walk);
	}
	return status;
}
