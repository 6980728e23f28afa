/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* MAIR values: building them and describing them in words; which memory
 * types are Device memory, at stage 1 (MAIR) and stage 2 (MemAttr). */
#include "text.h"

static bool normal_ok(ap_normal_memory_t m)
{
	return (unsigned)m >= 0x1 && (unsigned)m <= 0xf;
}

AP_EXPORT ap_status_t ap_mair_normal(ap_normal_memory_t inner, ap_normal_memory_t outer,
				     ap_mair_attr_t *out)
{
	if (!out || !normal_ok(inner) || !normal_ok(outer))
		return AP_ERR_INVALID_ARGUMENT;
	*out = (ap_mair_attr_t)(((unsigned)outer << 4) | (unsigned)inner);
	return AP_OK;
}

AP_EXPORT ap_status_t ap_mair_from_attributes(const ap_mair_attr_t attributes[8], ap_mair_t *out)
{
	if (!attributes || !out)
		return AP_ERR_INVALID_ARGUMENT;
	ap_mair_t mair = 0;
	for (unsigned i = 0; i < 8; i++)
		mair |= (ap_mair_t)attributes[i] << (8 * i);
	*out = mair;
	return AP_OK;
}

AP_EXPORT ap_status_t ap_mair_with_attribute(ap_mair_t mair, unsigned index,
					     ap_mair_attr_t attribute, ap_mair_t *out)
{
	if (!out || index > 7)
		return AP_ERR_INVALID_ARGUMENT;
	unsigned shift = 8 * index;
	*out = (mair & ~((ap_mair_t)0xff << shift)) | ((ap_mair_t)attribute << shift);
	return AP_OK;
}

AP_EXPORT ap_status_t ap_mair_attributes(ap_mair_t mair, ap_mair_attr_t attributes[8])
{
	if (!attributes)
		return AP_ERR_INVALID_ARGUMENT;
	for (unsigned i = 0; i < 8; i++)
		attributes[i] = (ap_mair_attr_t)(mair >> (8 * i));
	return AP_OK;
}

/* MAIR_ELx.Attr<n>[7:4] == 0 selects Device memory; any other value is
 * Normal memory with that outer cacheability. */
bool ap__mair_is_device(ap_mair_t mair, unsigned index)
{
	return ((mair >> (8 * index + 4)) & 0xf) == 0;
}

/* Stage 2 MemAttr[3:2] == 0 (descriptor bits 5:4) selects Device memory,
 * as without FEAT_S2FWB; any other value is Normal memory with that outer
 * cacheability. */
bool ap__s2_memattr_is_device(ap_attrs_t flags)
{
	return ((flags & AP_S2_MEMATTR_MASK) >> 4) == 0;
}

/* Names of the 4-bit cacheability encodings, indexed by value (0 is not a
 * normal-memory encoding). */
static const char *const normal_names[16] = {
	NULL,
	"Write-through transient, write-allocate",
	"Write-through transient, read-allocate",
	"Write-through transient, read-write-allocate",
	"Non-Cacheable",
	"Write-back transient, write-allocate",
	"Write-back transient, read-allocate",
	"Write-back transient, read-write-allocate",
	"Write-through non-transient, do not allocate",
	"Write-through non-transient, write-allocate",
	"Write-through non-transient, read-allocate",
	"Write-through non-transient, read-write-allocate",
	"Write-back non-transient, do not allocate",
	"Write-back non-transient, write-allocate",
	"Write-back non-transient, read-allocate",
	"Write-back non-transient, read-write-allocate",
};

static void attribute_text(text_t *t, ap_mair_attr_t attribute)
{
	switch (attribute) {
	case AP_MAIR_DEVICE_NGNRNE: ap__text_put(t, "Device-nGnRnE"); return;
	case AP_MAIR_DEVICE_NGNRE: ap__text_put(t, "Device-nGnRE"); return;
	case AP_MAIR_DEVICE_NGRE: ap__text_put(t, "Device-nGRE"); return;
	case AP_MAIR_DEVICE_GRE: ap__text_put(t, "Device-GRE"); return;
	default: break;
	}
	const char *inner = normal_names[attribute & 0xf];
	const char *outer = normal_names[attribute >> 4];
	if (inner && outer) {
		ap__text_put(t, "Normal, Inner ");
		ap__text_put(t, inner);
		ap__text_put(t, ", Outer ");
		ap__text_put(t, outer);
	} else {
		ap__text_put(t, "Unpredictable (0x");
		ap__text_hex(t, attribute, 2);
		ap__text_put(t, ")");
	}
}

AP_EXPORT ap_status_t ap_mair_attribute_describe(ap_mair_attr_t attribute, char *buf, size_t size,
						 size_t *needed)
{
	if (!ap__text_args_ok(buf, size))
		return AP_ERR_INVALID_ARGUMENT;
	text_t t = {buf, size, 0};
	attribute_text(&t, attribute);
	return ap__text_finish(&t, needed);
}

AP_EXPORT ap_status_t ap_mair_describe(ap_mair_t mair, char *buf, size_t size, size_t *needed)
{
	if (!ap__text_args_ok(buf, size))
		return AP_ERR_INVALID_ARGUMENT;
	text_t t = {buf, size, 0};
	ap__text_put(&t, "{");
	for (unsigned i = 0; i < 8; i++) {
		if (i)
			ap__text_put(&t, "; ");
		ap__text_dec(&t, i, 0);
		ap__text_put(&t, ": ");
		attribute_text(&t, (ap_mair_attr_t)(mair >> (8 * i)));
	}
	ap__text_put(&t, "}");
	return ap__text_finish(&t, needed);
}
