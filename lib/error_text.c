/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * ap_error_describe(): an ap_error_t as one line of English. The statuses
 * the reference crate's MapError has read as its Display messages do, so a
 * log reads the same whichever library produced it; the others are
 * ap_strerror()'s name followed by the detail ap_error_t documents for
 * them. Part of the freestanding core: text.h formats, no stdio.
 */
#include "text.h"

/* Addresses, regions and descriptors print with 16 digits, the width the
 * reference gives VirtualAddress and ap_region_format() uses. */
static void put_hex16(text_t *t, uint64_t value)
{
	ap__text_put(t, "0x");
	ap__text_hex(t, value, 16);
}

/* start..end, end exclusive. A region ending exactly at 2^64 prints that
 * end in full, as ap_region_format() does; one that wraps further (a
 * backwards region in start + size form) prints its end modulo 2^64, which
 * is below its start: the shape of the reference's "end before start". */
static void put_region(text_t *t, const ap_region_t *region)
{
	put_hex16(t, region->start);
	ap__text_put(t, "..");
	if (region->size != 0 && region->start + (region->size - 1) == UINT64_MAX)
		ap__text_put(t, "0x10000000000000000");
	else
		put_hex16(t, region->start + region->size);
}

/* "<ap_strerror text>: <label> 0x<16 digits>" for the statuses the
 * reference has no message for. */
static void put_named_detail(text_t *t, ap_status_t status, const char *label, uint64_t value)
{
	ap__text_put(t, ap_strerror(status));
	ap__text_put(t, ": ");
	ap__text_put(t, label);
	ap__text_put(t, " ");
	put_hex16(t, value);
}

static void put_unknown(text_t *t, ap_status_t status)
{
	/* An enum may hold any int the caller cast into it; print it signed. */
	int value = (int)status;
	ap__text_put(t, "unknown status ");
	if (value < 0) {
		ap__text_put(t, "-");
		ap__text_dec(t, (uint64_t)0 - (uint64_t)(int64_t)value, 0);
	} else {
		ap__text_dec(t, (uint64_t)value, 0);
	}
}

AP_EXPORT ap_status_t ap_error_describe(const ap_error_t *err, char *buf, size_t size,
					size_t *needed)
{
	if (!err || !ap__text_args_ok(buf, size))
		return AP_ERR_INVALID_ARGUMENT;
	/* The same size rule the functions that fill an ap_error_t apply, so
	 * anything they accepted can be described; members past the caller's
	 * size read as zero. */
	ap_error_t e;
	if (!ap__sized_copy(&e, sizeof(e), err))
		return AP_ERR_INVALID_ARGUMENT;

	text_t t = {buf, size, 0};
	switch (e.status) {
	case AP_ERR_ADDRESS_RANGE:
		ap__text_put(&t, "Virtual address ");
		put_hex16(&t, e.address);
		ap__text_put(&t, " out of range");
		break;
	case AP_ERR_INVALID_VIRTUAL_ADDRESS:
		ap__text_put(&t, "Invalid virtual address ");
		put_hex16(&t, e.address);
		ap__text_put(&t, " for mapping");
		break;
	case AP_ERR_REGION_BACKWARDS:
		ap__text_put(&t, "End of memory region ");
		put_region(&t, &e.region);
		ap__text_put(&t, " is before start.");
		break;
	case AP_ERR_PTE_UPDATE_FAULT:
		ap__text_put(&t, "Error updating page table entry ");
		put_hex16(&t, e.descriptor);
		break;
	case AP_ERR_INVALID_FLAGS:
		/* Flags are a bit set, not an address: no padding, like {:#x}. */
		ap__text_put(&t, "Flags 0x");
		ap__text_hex(&t, e.flags, 1);
		ap__text_put(&t, " unsupported for mapping.");
		break;
	case AP_ERR_BREAK_BEFORE_MAKE:
		ap__text_put(&t, "Cannot remap region ");
		put_region(&t, &e.region);
		ap__text_put(&t, " while translation is live.");
		break;
	case AP_ERR_BAD_TABLE_ADDRESS:
		put_named_detail(&t, e.status, "physical address", e.address);
		break;
	case AP_ERR_MALFORMED_TABLE:
		put_named_detail(&t, e.status, "table at physical address", e.address);
		break;
	case AP_ERR_STOPPED:
		put_named_detail(&t, e.status, "descriptor", e.descriptor);
		break;
	case AP_OK:
	case AP_ERR_NO_MEMORY:
	case AP_ERR_INVALID_ARGUMENT:
	case AP_ERR_STILL_ACTIVE:
	case AP_ERR_NOT_ACTIVE:
	case AP_ERR_UNSUPPORTED:
	case AP_ERR_NOT_MAPPED:
	case AP_ERR_BUFFER_TOO_SMALL:
	case AP_ERR_WRITE_FAILED:
	case AP_ERR_READ_ONLY:
		/* No detail belongs to these statuses. */
		ap__text_put(&t, ap_strerror(e.status));
		break;
	default:
		put_unknown(&t, e.status);
		break;
	}
	return ap__text_finish(&t, needed);
}
