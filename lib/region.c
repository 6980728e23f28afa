/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* Regions: start + size, rounded out to pages, reaching up to 2^64. */
#include "text.h"

/* Regions of the ABI are in 4 KiB pages, whatever granule a mapping has
 * (a mapping rounds them out to its own pages). */
#define PAGE_MASK ((uint64_t)AP_PAGE_SIZE - 1)

AP_EXPORT ap_status_t ap_region_from_range(uint64_t start, uint64_t end, ap_region_t *out)
{
	if (!out)
		return AP_ERR_INVALID_ARGUMENT;
	if (end < start)
		return AP_ERR_REGION_BACKWARDS;
	uint64_t first = start & ~PAGE_MASK;
	/* Round the end up; 2^64 wraps to 0, which start + size still encodes
	 * unless the region would be the whole 2^64-byte space. */
	uint64_t up = (end & PAGE_MASK) ? (end | PAGE_MASK) + 1 : end;
	uint64_t size = up - first;
	if (size == 0 && end != first)
		return AP_ERR_INVALID_ARGUMENT;
	out->start = first;
	out->size = size;
	return AP_OK;
}

AP_EXPORT ap_status_t ap_region_from_size(uint64_t start, uint64_t size, ap_region_t *out)
{
	if (!out)
		return AP_ERR_INVALID_ARGUMENT;
	ap_region_t raw = {start, size};
	span_t s;
	bool empty;
	ap_status_t status = ap__region_to_span(&raw, PAGE_MASK, &s, &empty);
	if (status != AP_OK)
		return status;
	if (empty) {
		out->start = start & ~PAGE_MASK;
		out->size = 0;
	} else {
		*out = ap__span_to_region(s);
	}
	return AP_OK;
}

ap_region_t ap__span_to_region(span_t s)
{
	ap_region_t r = {s.start, s.last - s.start + 1};
	return r;
}

AP_EXPORT ap_status_t ap_region_format(const ap_region_t *region, char *buf, size_t size,
				       size_t *needed)
{
	if (!region || !ap__text_args_ok(buf, size))
		return AP_ERR_INVALID_ARGUMENT;
	span_t s;
	bool empty;
	if (ap__region_to_span(region, PAGE_MASK, &s, &empty) != AP_OK)
		return AP_ERR_REGION_BACKWARDS;
	text_t t = {buf, size, 0};
	ap__text_put(&t, "0x");
	ap__text_hex(&t, region->start, 16);
	ap__text_put(&t, "..0x");
	if (!empty && region->start + (region->size - 1) == UINT64_MAX)
		ap__text_put(&t, "10000000000000000");
	else
		ap__text_hex(&t, region->start + region->size, 16);
	return ap__text_finish(&t, needed);
}
