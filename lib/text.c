/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* A tiny bounded formatter: the core has no stdio. */
#include "text.h"

void ap__text_putn(text_t *t, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (t->length + 1 < t->size)
			t->buf[t->length] = s[i];
		t->length++;
	}
}

void ap__text_put(text_t *t, const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	ap__text_putn(t, s, n);
}

void ap__text_hex(text_t *t, uint64_t value, unsigned min_digits)
{
	char digits[16];
	unsigned n = 0;
	do {
		digits[n++] = "0123456789abcdef"[value & 0xf];
		value >>= 4;
	} while (value);
	while (n < min_digits && n < sizeof(digits))
		digits[n++] = '0';
	while (n)
		ap__text_putn(t, &digits[--n], 1);
}

void ap__text_dec(text_t *t, uint64_t value, unsigned width_left_aligned)
{
	char digits[20];
	unsigned n = 0;
	do {
		digits[n++] = (char)('0' + value % 10);
		value /= 10;
	} while (value);
	unsigned written = n;
	while (n)
		ap__text_putn(t, &digits[--n], 1);
	for (; written < width_left_aligned; written++)
		ap__text_putn(t, " ", 1);
}

void ap__text_spaces(text_t *t, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		ap__text_putn(t, " ", 1);
}

ap_status_t ap__text_write(text_t *t, ap_write_fn write, void *ctx)
{
	size_t length = t->length < t->size ? t->length : t->size;
	t->length = 0;
	return write(ctx, t->buf, length) != 0 ? AP_ERR_WRITE_FAILED : AP_OK;
}

bool ap__text_args_ok(const char *buf, size_t size)
{
	return buf != NULL || size == 0;
}

ap_status_t ap__text_finish(text_t *t, size_t *needed)
{
	if (needed)
		*needed = t->length;
	if (t->length + 1 > t->size) {
		/* Leave no half-written text behind. */
		if (t->size)
			t->buf[0] = '\0';
		return AP_ERR_BUFFER_TOO_SMALL;
	}
	t->buf[t->length] = '\0';
	return AP_OK;
}
