/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Bounded text buffers for the describe and dump functions, and the
 * attribute names they share.
 */
#ifndef AP_TEXT_H
#define AP_TEXT_H

#include "internal.h"

#pragma GCC visibility push(hidden)

/* A bounded text buffer that counts what did not fit. */
typedef struct text {
	char *buf;
	size_t size;
	size_t length; /* length of the full text, even past size */
} text_t;

void ap__text_put(text_t *t, const char *s);
void ap__text_putn(text_t *t, const char *s, size_t n);
void ap__text_hex(text_t *t, uint64_t value, unsigned min_digits);
void ap__text_dec(text_t *t, uint64_t value, unsigned width_left_aligned);
/* Appends n spaces. */
void ap__text_spaces(text_t *t, unsigned n);
/* Hands the text (cut at the buffer's size) to a dump's writer and empties
 * it: AP_ERR_WRITE_FAILED when the writer reports an error. */
ap_status_t ap__text_write(text_t *t, ap_write_fn write, void *ctx);
/* Terminates the text and reports the outcome as the describe functions do. */
ap_status_t ap__text_finish(text_t *t, size_t *needed);
/* Validates the buf/size pair of a describe function. */
bool ap__text_args_ok(const char *buf, size_t size);

/* Names attributes field by field: a multi-bit field (memory type, access,
 * shareability, MAIR index) by its value, single bits by name, the rest as
 * hex. Stage 1 names match the reference's bitflags output for the
 * attributes the reference dump shows. */
void ap__attrs_text(text_t *t, format_t format, ap_attrs_t flags);
const char *ap__format_type_name(format_t format);

/* The ::AP_DUMP_SVG picture of ap_mapping_dump_as() (lib/dump_svg.c). */
ap_status_t ap__dump_svg(const ap_mapping_t *m, ap_write_fn write, void *ctx);

#pragma GCC visibility pop

#endif
