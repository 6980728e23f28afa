/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/**
 * @file aarch64_paging.h
 * @brief Build, edit, walk and activate AArch64 VMSA translation tables.
 *
 * One self-contained C99 header, usable from C++. Everything the library
 * exports is declared here with the `ap_` / `AP_` prefix.
 *
 * @par Model
 * - A **mapping** (::ap_mapping_t) owns one translation table hierarchy with
 *   64-bit descriptors, a 4, 16 or 64 KiB granule (::ap_granule_t) and an
 *   input size of 25 to 48 bits; its walk starts at the level the
 *   architecture gives that size (see ::ap_mapping_options_t).
 * - A **regime** (::ap_regime_t) says which descriptor format applies, whether
 *   ASIDs and the upper VA range exist, which break-before-make (BBM) rules
 *   hold, and how TLB maintenance and activation are performed.
 * - A **translation** (::ap_translation_ops_t) is the caller's memory model:
 *   where table pages come from and how a table's physical address is turned
 *   back into a pointer. Identity, linear and target-image translations are
 *   built in.
 *
 * @par Errors
 * Every fallible call returns an ::ap_status_t. Nothing aborts or prints. A
 * call that fails leaves every table and every piece of state exactly as it
 * was, unless its documentation says otherwise. Calls that can report the
 * detail the status refers to (an address, a region, descriptor bits, flags)
 * take an optional ::ap_error_t pointer that is filled in.
 *
 * @par Concurrency
 * The library takes no locks. Calls that only read a mapping
 * (ap_mapping_walk(), ap_mapping_walk_runs(), ap_mapping_translate(),
 * ap_mapping_dump(), the ap_mapping_get_* style getters) may run concurrently
 * with each other on one mapping, as long as nobody edits it at the same time.
 * Edits (map, unmap, modify, compact, destroy) need exclusive access to their
 * mapping: never run two of them, or an edit and a read, on one mapping at
 * once. Callbacks (modify, walk, dump writers, translation ops, regime hooks)
 * must not edit the mapping that is calling them. ap_mapping_mark_active() / ap_mapping_mark_inactive() update an atomic
 * counter and may be called from any thread, but no activation call may race
 * with ap_mapping_destroy() of the same mapping: once destroy returns the
 * mapping is gone. (One that arrives while destroy is running is refused with
 * ::AP_ERR_INVALID_ARGUMENT, which narrows the window but cannot close it.)
 * Different mappings are
 * independent. The hardware table walker may read a live table at any time:
 * descriptors are always written with single 64-bit release stores.
 */
#ifndef AARCH64_PAGING_H
#define AARCH64_PAGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__STDC_HOSTED__) && __STDC_HOSTED__ && !defined(AP_NO_STDIO)
#include <stdio.h>
/** Defined when the header declares the hosted `FILE *` helpers. */
#define AP_HAVE_STDIO 1
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** @name Version
 * @{ */
/** Major version of this header. */
#define AP_VERSION_MAJOR 0
/** Minor version of this header. */
#define AP_VERSION_MINOR 4
/** Patch version of this header. */
#define AP_VERSION_PATCH 0
/** Version of this header as text. */
#define AP_VERSION_STRING "0.4.0"
/** Packs a version as `major << 16 | minor << 8 | patch`. */
#define AP_VERSION_ENCODE(major, minor, patch) \
	(((uint32_t)(major) << 16) | ((uint32_t)(minor) << 8) | (uint32_t)(patch))
/** Version of this header, packed with AP_VERSION_ENCODE(). */
#define AP_VERSION AP_VERSION_ENCODE(AP_VERSION_MAJOR, AP_VERSION_MINOR, AP_VERSION_PATCH)
/** @} */

/** @name Geometry of the 4 KiB granule
 * The granule of mappings made without choosing one, and of the functions
 * that take a level but no mapping (ap_pte_output_address(),
 * ap_pte_flags(), ap_bbm_safe()), and the unit of ::ap_region_t rounding.
 * @{ */
/** log2 of the page size. */
#define AP_PAGE_SHIFT 12
/** The page (granule) size in bytes. */
#define AP_PAGE_SIZE 4096u
/** Address bits resolved by one table level. */
#define AP_BITS_PER_LEVEL 9
/** Descriptors in one table. */
#define AP_ENTRIES_PER_TABLE 512u
/** The level whose entries are pages. */
#define AP_LEAF_LEVEL 3
/** Bytes covered by one entry of a table at @p level (0..3). */
#define AP_GRANULE_AT_LEVEL(level) ((uint64_t)AP_PAGE_SIZE << ((AP_LEAF_LEVEL - (level)) * AP_BITS_PER_LEVEL))
/** @} */

/**
 * The translation granule: the page size and the size of every table.
 * TCR_ELx.TGn / VTCR_EL2.TG0 select it; ap_mapping_translation_control()
 * gives their encoding.
 */
typedef enum ap_granule {
	AP_GRANULE_4K = 0,  /**< 4 KiB pages; 512-entry tables resolve 9 bits each; blocks at levels 1 (1 GiB) and 2 (2 MiB). */
	AP_GRANULE_16K = 1, /**< 16 KiB pages; 2048-entry tables resolve 11 bits each; blocks at level 2 (32 MiB). */
	AP_GRANULE_64K = 2, /**< 64 KiB pages; 8192-entry tables resolve 13 bits each; blocks at level 2 (512 MiB); no level 0. */
} ap_granule_t;

/** A virtual (stage 1) or intermediate physical (stage 2) input address. */
typedef uint64_t ap_va_t;
/** A physical (stage 1) or intermediate physical output address. */
typedef uint64_t ap_pa_t;
/** A set of descriptor attribute bits (see the AP_EL1_*, AP_EL23_*, AP_S2_* macros). */
typedef uint64_t ap_attrs_t;
/** A MAIR_ELx value: 8 attributes of 8 bits (see the MAIR helpers). */
typedef uint64_t ap_mair_t;
/** Mapping constraints, a combination of AP_CONSTRAINT_* bits. */
typedef uint32_t ap_constraints_t;

/** No constraints. */
#define AP_CONSTRAINT_NONE 0u
/** Block mappings are not permitted, only pages. */
#define AP_CONSTRAINT_NO_BLOCK_MAPPINGS 1u
/** Use of the contiguous hint is not permitted. */
#define AP_CONSTRAINT_NO_CONTIGUOUS_HINT 2u

/** Status of a call. ::AP_OK is zero; every error has its own value. */
typedef enum ap_status {
	AP_OK = 0,                          /**< Success. */
	AP_ERR_ADDRESS_RANGE = 1,           /**< An address lies outside the range the table covers (detail: address). */
	AP_ERR_INVALID_VIRTUAL_ADDRESS = 2, /**< The address has no output address in this translation (detail: address). */
	AP_ERR_REGION_BACKWARDS = 3,        /**< The region ends before it starts or wraps past 2^64 (detail: region). */
	AP_ERR_PTE_UPDATE_FAULT = 4,        /**< A caller callback reported an error (detail: descriptor bits). */
	AP_ERR_INVALID_FLAGS = 5,           /**< The attribute flags are not allowed here (detail: flags). */
	AP_ERR_BREAK_BEFORE_MAKE = 6,       /**< The change would violate break-before-make on a live table (detail: region). */
	AP_ERR_NO_MEMORY = 7,               /**< The translation could not allocate a table; nothing was changed. */
	AP_ERR_INVALID_ARGUMENT = 8,        /**< NULL pointer, bad level, bad size field, misaligned value, ... */
	AP_ERR_STILL_ACTIVE = 9,            /**< The object is active or in use and cannot be destroyed. */
	AP_ERR_NOT_ACTIVE = 10,             /**< Deactivation of a mapping that is not active. */
	AP_ERR_UNSUPPORTED = 11,            /**< The regime or translation does not support this operation. */
	AP_ERR_BAD_TABLE_ADDRESS = 12,      /**< A table's physical address does not translate back to it (detail: address). */
	AP_ERR_NOT_MAPPED = 13,             /**< ap_mapping_translate(): the walk ends at an invalid descriptor. */
	AP_ERR_BUFFER_TOO_SMALL = 14,       /**< The output buffer is too small; the needed size is reported. */
	AP_ERR_WRITE_FAILED = 15,           /**< A caller-supplied writer reported an error. */
	AP_ERR_STOPPED = 16,                /**< A walk callback returned non-zero to stop the walk (detail: descriptor bits). */
	AP_ERR_MALFORMED_TABLE = 17,        /**< A table is reached twice in one walk: a loop or a shared subtable (detail: address, the table's physical address). */
	AP_ERR_READ_ONLY = 18               /**< The mapping was opened without ::AP_OPEN_EDITABLE: it cannot be edited. */
} ap_status_t;

/**
 * @brief Returns a short English name for @p status.
 * @return A static string; "unknown status" for values this library does not define.
 * @par Errors
 * None.
 */
const char *ap_strerror(ap_status_t status);

/**
 * @brief Returns the version of the library that is running, packed like ::AP_VERSION.
 * @par Errors
 * None.
 */
uint32_t ap_version(void);

/**
 * @brief Returns the version of the library that is running as text, e.g. "0.1.0".
 * @par Errors
 * None.
 */
const char *ap_version_string(void);

/* ------------------------------------------------------------------------ */
/** @name Attribute bits shared by all descriptor formats
 *
 * <b>Which attribute bits a map accepts.</b>
 * ap_mapping_map() and ap_mapping_map_auto() write block and page
 * descriptors, so they accept exactly the bits the Arm ARM (VMSAv8-64, 4 KiB
 * granule, 48-bit output address) defines for a block or page descriptor of
 * the mapping's format, and refuse any other with ::AP_ERR_INVALID_FLAGS:
 * - every format: ::AP_ATTR_TABLE_OR_PAGE (the library chooses it), the
 *   output-address bits 47:12 (except nT, bit 16, in a stage 1 block),
 *   bits 49:48 (RES0 with 48-bit output addresses) and bit 63 (ignored in a
 *   block or page; it has a name only as a table attribute, ::AP_EL1_NS_TABLE);
 * - EL2 (::AP_REGIME_EL2): bit 11 (::AP_EL23_NON_GLOBAL: one VA range, no
 *   ASID, RES0) and bit 53 (PXN: one privilege level, RES0; XN is bit 54);
 * - EL3 (::AP_REGIME_EL3): bit 53 as at EL2. Bit 11 is accepted: it is
 *   ::AP_EL23_NSE with FEAT_RME;
 * - stage 2: bit 50 (GP exists only in stage 1).
 *
 * Bits that an optional feature defines are accepted, because the library
 * cannot know what the PE implements: DBM (FEAT_HAFDBS), GP (FEAT_BTI), nT
 * (FEAT_BBM), FnXS (FEAT_XS), XN[0] (FEAT_XNX), NSE (FEAT_RME) and PBHA
 * (FEAT_HPDS2, bits 62:59, which share their positions with the table
 * attributes ::AP_EL1_PXN_TABLE ... ::AP_EL1_AP_TABLE_NO_WRITE). So are the
 * software bits 58:55. ap_descriptor_set() and ap_descriptor_modify_flags()
 * keep their own, older rules: they edit raw descriptors.
 * @{ */
#define AP_ATTR_VALID ((ap_attrs_t)1 << 0)         /**< The descriptor is valid. */
#define AP_ATTR_TABLE_OR_PAGE ((ap_attrs_t)1 << 1) /**< Table (levels 0-2) or page (level 3) rather than block. */
/** @} */

/** @name EL1&0 and EL2&0 stage 1 attributes
 * @{ */
#define AP_EL1_VALID AP_ATTR_VALID                   /**< Valid. */
#define AP_EL1_TABLE_OR_PAGE AP_ATTR_TABLE_OR_PAGE   /**< Table or page. */
#define AP_EL1_ATTRIBUTE_INDEX_0 ((ap_attrs_t)0 << 2) /**< MAIR index 0. */
#define AP_EL1_ATTRIBUTE_INDEX_1 ((ap_attrs_t)1 << 2) /**< MAIR index 1. */
#define AP_EL1_ATTRIBUTE_INDEX_2 ((ap_attrs_t)2 << 2) /**< MAIR index 2. */
#define AP_EL1_ATTRIBUTE_INDEX_3 ((ap_attrs_t)3 << 2) /**< MAIR index 3. */
#define AP_EL1_ATTRIBUTE_INDEX_4 ((ap_attrs_t)4 << 2) /**< MAIR index 4. */
#define AP_EL1_ATTRIBUTE_INDEX_5 ((ap_attrs_t)5 << 2) /**< MAIR index 5. */
#define AP_EL1_ATTRIBUTE_INDEX_6 ((ap_attrs_t)6 << 2) /**< MAIR index 6. */
#define AP_EL1_ATTRIBUTE_INDEX_7 ((ap_attrs_t)7 << 2) /**< MAIR index 7. */
#define AP_EL1_NS ((ap_attrs_t)1 << 5)                /**< Non-secure output address. */
#define AP_EL1_USER ((ap_attrs_t)1 << 6)              /**< AP[1]: accessible from EL0. */
#define AP_EL1_READ_ONLY ((ap_attrs_t)1 << 7)         /**< AP[2]: read-only. */
#define AP_EL1_OUTER_SHAREABLE ((ap_attrs_t)2 << 8)   /**< Outer shareable. */
#define AP_EL1_INNER_SHAREABLE ((ap_attrs_t)3 << 8)   /**< Inner shareable. */
#define AP_EL1_ACCESSED ((ap_attrs_t)1 << 10)         /**< Access flag. */
#define AP_EL1_NON_GLOBAL ((ap_attrs_t)1 << 11)       /**< nG: the entry is tagged with the ASID. */
#define AP_EL1_NT ((ap_attrs_t)1 << 16)               /**< nT (block descriptors only; inside a page's address). */
#define AP_EL1_GP ((ap_attrs_t)1 << 50)               /**< Guarded page (BTI). */
#define AP_EL1_DBM ((ap_attrs_t)1 << 51)              /**< Dirty bit modifier. */
#define AP_EL1_CONTIGUOUS_OR_PROTECTED ((ap_attrs_t)1 << 52) /**< Contiguous hint. */
#define AP_EL1_PXN ((ap_attrs_t)1 << 53)              /**< Privileged execute-never. */
#define AP_EL1_UXN ((ap_attrs_t)1 << 54)              /**< Unprivileged execute-never. */
#define AP_EL1_SWFLAG_0 ((ap_attrs_t)1 << 55)         /**< Software flag 0. */
#define AP_EL1_SWFLAG_1 ((ap_attrs_t)1 << 56)         /**< Software flag 1. */
#define AP_EL1_SWFLAG_2 ((ap_attrs_t)1 << 57)         /**< Software flag 2. */
#define AP_EL1_SWFLAG_3 ((ap_attrs_t)1 << 58)         /**< Software flag 3. */
#define AP_EL1_PXN_TABLE ((ap_attrs_t)1 << 59)        /**< Table attribute: PXNTable. */
#define AP_EL1_XN_TABLE ((ap_attrs_t)1 << 60)         /**< Table attribute: UXNTable/XNTable. */
#define AP_EL1_AP_TABLE_NO_EL0 ((ap_attrs_t)1 << 61)  /**< Table attribute: APTable[0]. */
#define AP_EL1_AP_TABLE_NO_WRITE ((ap_attrs_t)1 << 62) /**< Table attribute: APTable[1]. */
#define AP_EL1_NS_TABLE ((ap_attrs_t)1 << 63)         /**< Table attribute: NSTable. */
#define AP_EL1_SHAREABILITY_MASK AP_EL1_INNER_SHAREABLE /**< Bits holding the shareability. */
#define AP_EL1_ATTRIBUTE_INDEX_MASK AP_EL1_ATTRIBUTE_INDEX_7 /**< Bits holding the MAIR index. */
/** Bits 7:6 holding AP[2:1], ::AP_EL1_READ_ONLY and ::AP_EL1_USER. */
#define AP_EL1_AP_MASK (AP_EL1_READ_ONLY | AP_EL1_USER)
/** Bits 62:59 of a block or page: PBHA[3:0], page-based hardware attributes
 *  (FEAT_HPDS2, IMPLEMENTATION DEFINED use). In a table descriptor the same
 *  bits are the table attributes above. */
#define AP_EL1_PBHA_MASK ((ap_attrs_t)0xf << 59)
/** @} */

/** @name EL2 and EL3 stage 1 attributes
 * @{ */
#define AP_EL23_VALID AP_ATTR_VALID                   /**< Valid. */
#define AP_EL23_TABLE_OR_PAGE AP_ATTR_TABLE_OR_PAGE   /**< Table or page. */
#define AP_EL23_ATTRIBUTE_INDEX_0 ((ap_attrs_t)0 << 2) /**< MAIR index 0. */
#define AP_EL23_ATTRIBUTE_INDEX_1 ((ap_attrs_t)1 << 2) /**< MAIR index 1. */
#define AP_EL23_ATTRIBUTE_INDEX_2 ((ap_attrs_t)2 << 2) /**< MAIR index 2. */
#define AP_EL23_ATTRIBUTE_INDEX_3 ((ap_attrs_t)3 << 2) /**< MAIR index 3. */
#define AP_EL23_ATTRIBUTE_INDEX_4 ((ap_attrs_t)4 << 2) /**< MAIR index 4. */
#define AP_EL23_ATTRIBUTE_INDEX_5 ((ap_attrs_t)5 << 2) /**< MAIR index 5. */
#define AP_EL23_ATTRIBUTE_INDEX_6 ((ap_attrs_t)6 << 2) /**< MAIR index 6. */
#define AP_EL23_ATTRIBUTE_INDEX_7 ((ap_attrs_t)7 << 2) /**< MAIR index 7. */
#define AP_EL23_NS ((ap_attrs_t)1 << 5)                /**< Non-secure output address. */
#define AP_EL23_USER_RES1 ((ap_attrs_t)1 << 6)         /**< AP[1], RES1 at EL2 and EL3. */
#define AP_EL23_READ_ONLY ((ap_attrs_t)1 << 7)         /**< AP[2]: read-only. */
#define AP_EL23_OUTER_SHAREABLE ((ap_attrs_t)2 << 8)   /**< Outer shareable. */
#define AP_EL23_INNER_SHAREABLE ((ap_attrs_t)3 << 8)   /**< Inner shareable. */
#define AP_EL23_ACCESSED ((ap_attrs_t)1 << 10)         /**< Access flag. */
#define AP_EL23_NON_GLOBAL ((ap_attrs_t)1 << 11)       /**< nG. */
#define AP_EL23_NT ((ap_attrs_t)1 << 16)               /**< nT (block descriptors only). */
#define AP_EL23_GP ((ap_attrs_t)1 << 50)               /**< Guarded page (BTI). */
#define AP_EL23_DBM ((ap_attrs_t)1 << 51)              /**< Dirty bit modifier. */
#define AP_EL23_CONTIGUOUS_OR_PROTECTED ((ap_attrs_t)1 << 52) /**< Contiguous hint. */
#define AP_EL23_XN ((ap_attrs_t)1 << 54)               /**< Execute-never. */
#define AP_EL23_SWFLAG_0 ((ap_attrs_t)1 << 55)         /**< Software flag 0. */
#define AP_EL23_SWFLAG_1 ((ap_attrs_t)1 << 56)         /**< Software flag 1. */
#define AP_EL23_SWFLAG_2 ((ap_attrs_t)1 << 57)         /**< Software flag 2. */
#define AP_EL23_SWFLAG_3 ((ap_attrs_t)1 << 58)         /**< Software flag 3. */
#define AP_EL23_PXN_TABLE ((ap_attrs_t)1 << 59)        /**< Table attribute: PXNTable. */
#define AP_EL23_XN_TABLE ((ap_attrs_t)1 << 60)         /**< Table attribute: XNTable. */
#define AP_EL23_AP_TABLE_NO_EL0 ((ap_attrs_t)1 << 61)  /**< Table attribute: APTable[0]. */
#define AP_EL23_AP_TABLE_NO_WRITE ((ap_attrs_t)1 << 62) /**< Table attribute: APTable[1]. */
#define AP_EL23_NS_TABLE ((ap_attrs_t)1 << 63)         /**< Table attribute: NSTable. */
#define AP_EL23_SHAREABILITY_MASK AP_EL23_INNER_SHAREABLE /**< Bits holding the shareability. */
#define AP_EL23_ATTRIBUTE_INDEX_MASK AP_EL23_ATTRIBUTE_INDEX_7 /**< Bits holding the MAIR index. */
/** Bits 7:6 holding AP[2:1]; AP[1] (::AP_EL23_USER_RES1) is RES1, so only
 *  AP[2] (::AP_EL23_READ_ONLY) is a choice. */
#define AP_EL23_AP_MASK (AP_EL23_READ_ONLY | AP_EL23_USER_RES1)
/** Bit 11 at EL3 with FEAT_RME: NSE, which with ::AP_EL23_NS selects the
 *  Secure, Non-secure, Root or Realm physical address space. The same bit
 *  as ::AP_EL23_NON_GLOBAL; RES0 at EL2, where a map refuses it. */
#define AP_EL23_NSE ((ap_attrs_t)1 << 11)
/** Bits 62:59 of a block or page: PBHA[3:0] (FEAT_HPDS2), as ::AP_EL1_PBHA_MASK. */
#define AP_EL23_PBHA_MASK ((ap_attrs_t)0xf << 59)
/** @} */

/** @name Stage 2 attributes
 * @{ */
#define AP_S2_VALID AP_ATTR_VALID                          /**< Valid. */
#define AP_S2_TABLE_OR_PAGE AP_ATTR_TABLE_OR_PAGE          /**< Table or page. */
#define AP_S2_MEMATTR_DEVICE_nGnRnE ((ap_attrs_t)0 << 2)   /**< Device-nGnRnE. */
#define AP_S2_MEMATTR_DEVICE_nGnRE ((ap_attrs_t)1 << 2)    /**< Device-nGnRE. */
#define AP_S2_MEMATTR_DEVICE_nGRE ((ap_attrs_t)2 << 2)     /**< Device-nGRE. */
#define AP_S2_MEMATTR_DEVICE_GRE ((ap_attrs_t)3 << 2)      /**< Device-GRE. */
#define AP_S2_MEMATTR_NORMAL_INNER_NC ((ap_attrs_t)1 << 2) /**< Normal, inner non-cacheable. */
#define AP_S2_MEMATTR_NORMAL_INNER_WT ((ap_attrs_t)2 << 2) /**< Normal, inner write-through. */
#define AP_S2_MEMATTR_NORMAL_INNER_WB ((ap_attrs_t)3 << 2) /**< Normal, inner write-back. */
#define AP_S2_MEMATTR_NORMAL_OUTER_NC ((ap_attrs_t)1 << 4) /**< Normal, outer non-cacheable. */
#define AP_S2_MEMATTR_NORMAL_OUTER_WT ((ap_attrs_t)2 << 4) /**< Normal, outer write-through. */
#define AP_S2_MEMATTR_NORMAL_OUTER_WB ((ap_attrs_t)3 << 4) /**< Normal, outer write-back. */
#define AP_S2_S2AP_ACCESS_NONE ((ap_attrs_t)0 << 6)        /**< S2AP: no access. */
#define AP_S2_S2AP_ACCESS_RO ((ap_attrs_t)1 << 6)          /**< S2AP: read-only. */
#define AP_S2_S2AP_ACCESS_WO ((ap_attrs_t)2 << 6)          /**< S2AP: write-only. */
#define AP_S2_S2AP_ACCESS_RW ((ap_attrs_t)3 << 6)          /**< S2AP: read-write. */
#define AP_S2_SH_NONE ((ap_attrs_t)0 << 8)                 /**< Non-shareable. */
#define AP_S2_SH_OUTER ((ap_attrs_t)2 << 8)                /**< Outer shareable. */
#define AP_S2_SH_INNER ((ap_attrs_t)3 << 8)                /**< Inner shareable. */
#define AP_S2_ACCESS_FLAG ((ap_attrs_t)1 << 10)            /**< Access flag. */
/** FnXS (FEAT_XS): accesses to this memory do not get the XS attribute. */
#define AP_S2_FNXS ((ap_attrs_t)1 << 11)
#define AP_S2_DBM ((ap_attrs_t)1 << 51)                    /**< Dirty bit modifier (FEAT_HAFDBS). */
#define AP_S2_CONTIGUOUS ((ap_attrs_t)1 << 52)             /**< Contiguous hint. */
/** XN[0], bit 53 (FEAT_XNX; RES0 without it). With ::AP_S2_XN (XN[1], bit 54)
 *  it forms XN[1:0]: 00 executable at EL1 and EL0; 01 not at EL1 (PXN);
 *  10 at neither; 11 not at EL0 (UXN). Without FEAT_XNX only XN[1] counts. */
#define AP_S2_XN0 ((ap_attrs_t)1 << 53)
/** Execute-never: XN[1], bit 54; see ::AP_S2_XN0 for XN[0]. */
#define AP_S2_XN ((ap_attrs_t)1 << 54)
#define AP_S2_SWFLAG_0 ((ap_attrs_t)1 << 55)               /**< Software flag 0. */
#define AP_S2_SWFLAG_1 ((ap_attrs_t)1 << 56)               /**< Software flag 1. */
#define AP_S2_SWFLAG_2 ((ap_attrs_t)1 << 57)               /**< Software flag 2. */
#define AP_S2_SWFLAG_3 ((ap_attrs_t)1 << 58)               /**< Software flag 3. */
/** Bits 5:2 holding MemAttr[3:0]; the AP_S2_MEMATTR_* values are encodings of
 *  this whole field (a device type, or an inner and an outer normal value). */
#define AP_S2_MEMATTR_MASK ((ap_attrs_t)0xf << 2)
/** Bits 7:6 holding S2AP[1:0]; the AP_S2_S2AP_ACCESS_* values are its encodings. */
#define AP_S2_S2AP_MASK ((ap_attrs_t)3 << 6)
/** Bits 9:8 holding SH[1:0]; the AP_S2_SH_* values are its encodings. */
#define AP_S2_SH_MASK ((ap_attrs_t)3 << 8)
/** Bits 54:53 holding XN[1:0] (::AP_S2_XN and ::AP_S2_XN0). */
#define AP_S2_XN_MASK (AP_S2_XN | AP_S2_XN0)
/** Bits 62:59: PBHA[3:0] (FEAT_HPDS2), as ::AP_EL1_PBHA_MASK. */
#define AP_S2_PBHA_MASK ((ap_attrs_t)0xf << 59)
/** @} */

/* ------------------------------------------------------------------------ */
/**
 * @brief A range of input addresses: @c start plus @c size bytes.
 *
 * Start + size can describe every page up to and including the last one,
 * 0xffff_ffff_ffff_f000 (start = 0xffff_ffff_ffff_f000, size = 0x1000),
 * which a half-open range with a 64-bit end cannot. A region whose
 * start + size exceeds 2^64 is "backwards" (::AP_ERR_REGION_BACKWARDS).
 * Functions that take a region round it out to whole pages: the start down,
 * the end up. A size of zero is an empty region.
 */
typedef struct ap_region {
	ap_va_t start; /**< First address. */
	uint64_t size; /**< Length in bytes. */
} ap_region_t;

/**
 * @brief Builds a page-rounded region from a half-open range [@p start, @p end).
 *
 * @p start is rounded down and @p end up to whole pages.
 * @param start first address (rounded down to a page).
 * @param end end address, exclusive (rounded up to a page).
 * @param[out] out the region.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT @p out is NULL, or the rounded region would
 *         be the whole 2^64-byte space, which start + size cannot hold.
 * @retval AP_ERR_REGION_BACKWARDS @p end is below @p start; @p out is unchanged.
 */
ap_status_t ap_region_from_range(uint64_t start, uint64_t end, ap_region_t *out);

/**
 * @brief Builds a page-rounded region from @p start and @p size.
 *
 * Unlike a half-open range this reaches the top page: start
 * 0xffff_ffff_ffff_f000 with size 0x1000 is valid.
 * @param start first address (rounded down to a page).
 * @param size length in bytes (the end is rounded up to a page).
 * @param[out] out the region.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT @p out is NULL.
 * @retval AP_ERR_REGION_BACKWARDS start + size exceeds 2^64; @p out is unchanged.
 */
ap_status_t ap_region_from_size(uint64_t start, uint64_t size, ap_region_t *out);

/**
 * @brief Formats a region as "0x<start>..0x<end>" with 16 hex digits each
 *        (the end of a region reaching 2^64 prints as 0x10000000000000000).
 *
 * Writes a NUL-terminated string when it fits.
 * @param region the region (not rounded).
 * @param buf output buffer, may be NULL when @p size is 0.
 * @param size bytes available at @p buf.
 * @param[out] needed if not NULL, receives the length of the text without the NUL.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT @p region is NULL, or @p buf is NULL with a non-zero @p size.
 * @retval AP_ERR_REGION_BACKWARDS start + size exceeds 2^64.
 * @retval AP_ERR_BUFFER_TOO_SMALL the text and its NUL do not fit; @p needed is still set.
 */
ap_status_t ap_region_format(const ap_region_t *region, char *buf, size_t size, size_t *needed);

/* ------------------------------------------------------------------------ */
/**
 * @brief Detail of a failed call, mirroring what the reference's MapError carries.
 *
 * Set @c size to `sizeof(ap_error_t)` before passing it. Fields that do not
 * apply to the status are zero.
 */
typedef struct ap_error {
	size_t size;            /**< Set by the caller to sizeof(ap_error_t). */
	ap_status_t status;     /**< The status the call returned. */
	ap_va_t address;        /**< ADDRESS_RANGE, INVALID_VIRTUAL_ADDRESS: the address; BAD_TABLE_ADDRESS, MALFORMED_TABLE: the physical address. */
	ap_region_t region;     /**< REGION_BACKWARDS, BREAK_BEFORE_MAKE: the region. */
	uint64_t descriptor;    /**< PTE_UPDATE_FAULT, STOPPED: the descriptor bits the callback was given. */
	ap_attrs_t flags;       /**< INVALID_FLAGS: the flags. */
} ap_error_t;

/**
 * Initialises an ::ap_error_t: @c size set, every detail zero.
 * `ap_error_t err = AP_ERROR_INIT;` works in C99 and C++; a zeroed struct
 * has @c size 0 and is refused with ::AP_ERR_INVALID_ARGUMENT. Every member
 * is listed so that -Wmissing-field-initializers stays quiet.
 */
#define AP_ERROR_INIT { sizeof(ap_error_t), AP_OK, 0, { 0, 0 }, 0, 0 }

/**
 * @brief Describes a failed call's ::ap_error_t in one line, detail included.
 *
 * The statuses the reference crate's MapError has read as its messages,
 * with 16-digit hexadecimal addresses and regions as ap_region_format()
 * writes them:
 * - ::AP_ERR_ADDRESS_RANGE: "Virtual address 0x0000008000001000 out of range"
 * - ::AP_ERR_INVALID_VIRTUAL_ADDRESS: "Invalid virtual address 0x... for mapping"
 * - ::AP_ERR_REGION_BACKWARDS: "End of memory region 0x...2000..0x...1000 is
 *   before start." (the end is start + size modulo 2^64, below the start)
 * - ::AP_ERR_PTE_UPDATE_FAULT: "Error updating page table entry 0x..."
 * - ::AP_ERR_INVALID_FLAGS: "Flags 0x2 unsupported for mapping." (no padding)
 * - ::AP_ERR_BREAK_BEFORE_MAKE: "Cannot remap region 0x...0..0x...1000 while
 *   translation is live."
 *
 * The statuses with detail the reference lacks give ap_strerror()'s text,
 * ": " and the detail: ::AP_ERR_BAD_TABLE_ADDRESS "...: physical address
 * 0x...", ::AP_ERR_MALFORMED_TABLE "...: table at physical address 0x...",
 * ::AP_ERR_STOPPED "...: descriptor 0x...". The others (::AP_OK included)
 * give ap_strerror()'s text alone; a value this library does not define
 * gives "unknown status N".
 *
 * Writes a NUL-terminated string when it fits.
 * @param err the error, as a call filled it; members beyond @c err->size read as zero.
 * @param buf output buffer, may be NULL when @p size is 0.
 * @param size bytes available at @p buf.
 * @param[out] needed if not NULL, receives the length of the text without the NUL.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT @p err is NULL, @c err->size is below
 *         sizeof(size_t) or above sizeof(::ap_error_t), or @p buf is NULL
 *         with a non-zero @p size.
 * @retval AP_ERR_BUFFER_TOO_SMALL the text and its NUL do not fit; @p needed
 *         is still set and @p buf, if @p size is not 0, holds an empty string.
 */
ap_status_t ap_error_describe(const ap_error_t *err, char *buf, size_t size, size_t *needed);

/* ------------------------------------------------------------------------ */
/** Which half of the input address space a stage 1 table serves. */
typedef enum ap_va_range {
	AP_VA_RANGE_LOWER = 0, /**< Addresses from 0 upward, TTBR0. */
	AP_VA_RANGE_UPPER = 1  /**< Addresses up to 0xffff_ffff_ffff_ffff, TTBR1. */
} ap_va_range_t;

/** The translation regimes. */
typedef enum ap_regime_kind {
	AP_REGIME_EL1AND0 = 0, /**< Non-secure EL1&0 stage 1: ASID, both VA ranges, EL1 attributes. */
	AP_REGIME_EL2AND0 = 1, /**< Non-secure EL2&0 (VHE) stage 1: ASID, both VA ranges, EL1 attributes. */
	AP_REGIME_EL2 = 2,     /**< Non-secure EL2 stage 1: EL2/EL3 attributes, cannot be deactivated. */
	AP_REGIME_EL3 = 3,     /**< Secure EL3 stage 1: EL2/EL3 attributes, cannot be deactivated. */
	AP_REGIME_STAGE2 = 4   /**< Non-secure stage 2 (IPA to PA): stage 2 attributes. */
} ap_regime_kind_t;

/** A translation regime (opaque). Built-in ones come from ap_regime_get(). */
typedef struct ap_regime ap_regime_t;

/** What kind of TLB entry an invalidation must remove. */
typedef enum ap_invalidation_kind {
	/** A block or page descriptor changed: the TLB entries that translate
	 *  its range must go (one invalidation by any address in a block is
	 *  enough, as the architecture requires of a TLB that splits blocks). */
	AP_INVALIDATE_LEAF = 0,
	/** A table descriptor was removed and its tables are about to be freed:
	 *  every TLB entry, leaf and cached walk, for every address in
	 *  [range_start, range_start + range_size) must go. Invalidating only
	 *  @c va would leave the leaf entries of the rest of the range cached. */
	AP_INVALIDATE_TABLE = 1
} ap_invalidation_kind_t;

/**
 * @brief One TLB invalidation request, handed to ap_regime_hooks_t::invalidate.
 *
 * The library fills every member it knows and sets @c size to its own
 * sizeof; a hook compiled against an older header reads only the members it
 * knows, one compiled against a newer header checks @c size before reading
 * members beyond it. @c range_start and @c range_size exist when @c size is
 * at least offsetof(ap_invalidation_t, range_size) + sizeof(uint64_t)
 * (library 0.2.0 and later).
 */
typedef struct ap_invalidation {
	size_t size;                 /**< sizeof(ap_invalidation_t) of the library that filled it. */
	ap_va_t va;                  /**< An input address inside the changed descriptor's range. */
	unsigned level;              /**< Level of the changed descriptor (0..3). */
	ap_invalidation_kind_t kind; /**< Leaf or table. */
	uint16_t asid;               /**< The mapping's ASID (0 for regimes without). */
	ap_va_range_t va_range;      /**< The mapping's VA range. */
	/** First input address of the changed descriptor's range (aligned to
	 *  @c range_size; upper-range addresses have their top bits set). */
	ap_va_t range_start;
	/** Bytes of input address space the descriptor translated: the page
	 *  or block size for a leaf, the whole range under a removed table. */
	uint64_t range_size;
	/** The mapping's granule (library 0.4.0 and later: when @c size
	 *  reaches it): the TLBI operand's TG/TTL fields depend on it. */
	ap_granule_t granule;
} ap_invalidation_t;

/**
 * @brief Maintenance and activation hooks of a caller-defined regime.
 *
 * Every function receives the @c ctx given to ap_regime_create(). A NULL hook
 * is skipped (for @c activate, the previous TTBR is reported as UINT64_MAX).
 */
typedef struct ap_regime_hooks {
	size_t size; /**< Set by the caller to sizeof(ap_regime_hooks_t). */
	/** One call per changed live descriptor that was valid before the change
	 *  (or, in a modify callback, at any moment of it); it must remove the
	 *  TLB entries of the invalidation's whole range (see
	 *  ::AP_INVALIDATE_TABLE). Table memory is freed only after @c barrier. */
	void (*invalidate)(void *ctx, const ap_invalidation_t *invalidation);
	/** Completes earlier invalidations (DSB + ISB on hardware); once per edit that invalidated. */
	void (*barrier)(void *ctx);
	/** Installs the table: returns the previous TTBR value. */
	uint64_t (*activate)(void *ctx, ap_pa_t root, uint16_t asid, ap_va_range_t va_range);
	/** Restores @p previous_ttbr and drops the table's TLB entries. */
	void (*deactivate)(void *ctx, uint64_t previous_ttbr, uint16_t asid, ap_va_range_t va_range);
} ap_regime_hooks_t;

/**
 * Initialises an ::ap_regime_hooks_t: @c size set, every hook NULL (skipped).
 * Assign the hooks afterwards: `ap_regime_hooks_t hooks = AP_REGIME_HOOKS_INIT;
 * hooks.invalidate = my_invalidate;`.
 */
#define AP_REGIME_HOOKS_INIT { sizeof(ap_regime_hooks_t), NULL, NULL, NULL, NULL }

/**
 * @brief Returns the built-in regime of @p kind.
 *
 * Built-in regimes execute real TLBI/MSR/DSB/ISB instructions only in a
 * build configured with --with-arch-ops=aarch64 (the default of a
 * freestanding AArch64 build), which must run at the exception level that
 * owns the regime; otherwise they change memory only.
 * @param kind which regime.
 * @param[out] out the regime; it lives as long as the library.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT @p out is NULL or @p kind is not an ::ap_regime_kind_t value.
 */
ap_status_t ap_regime_get(ap_regime_kind_t kind, const ap_regime_t **out);

/**
 * @brief Creates a regime that behaves like @p kind (descriptor format, ASID,
 *        VA ranges, BBM rules) but performs maintenance through @p hooks.
 *
 * @param kind the regime whose descriptor format, ASID and VA-range rules apply.
 * @param hooks copied; may be freed after the call.
 * @param ctx passed to every hook.
 * @param[out] out the new regime, to be released with ap_regime_destroy().
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT NULL @p hooks or @p out, bad @p kind, or
 *         @c hooks->size zero or larger than this library knows.
 * @retval AP_ERR_NO_MEMORY no memory for the regime object.
 */
ap_status_t ap_regime_create(ap_regime_kind_t kind, const ap_regime_hooks_t *hooks, void *ctx,
			     ap_regime_t **out);

/**
 * @brief Releases a regime made by ap_regime_create().
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT @p regime is NULL or a built-in regime.
 * @retval AP_ERR_STILL_ACTIVE a mapping still uses it; nothing is freed.
 */
ap_status_t ap_regime_destroy(ap_regime_t *regime);

/**
 * @brief Tells which kind of regime @p regime is (or behaves like).
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT a NULL argument.
 */
ap_status_t ap_regime_get_kind(const ap_regime_t *regime, ap_regime_kind_t *out);

/* ------------------------------------------------------------------------ */
/**
 * @brief The caller's memory model for table pages.
 *
 * Every function receives the @c ctx given with the ops.
 */
typedef struct ap_translation_ops {
	size_t size; /**< Set by the caller to sizeof(ap_translation_ops_t). */
	/**
	 * Returns a zeroed, 4 KiB-aligned, 4 KiB table that the library may
	 * access through the returned pointer, and stores its physical address
	 * in @p pa. Returning NULL means out of memory.
	 */
	void *(*allocate_table)(void *ctx, ap_pa_t *pa);
	/** Releases a table returned by allocate_table. */
	void (*free_table)(void *ctx, void *table, ap_pa_t pa);
	/** Returns the pointer through which the table at @p pa is accessed, or NULL if none. */
	void *(*physical_to_virtual)(void *ctx, ap_pa_t pa);
	/**
	 * Optional (library 0.4.0 and later; NULL or beyond @c size: absent).
	 * Returns @p bytes of zeroed memory, physically contiguous and aligned
	 * to @p bytes both as a pointer and as a physical address, for tables
	 * larger than 4 KiB: every table of a 16 KiB or 64 KiB granule mapping
	 * and concatenated stage 2 roots. @p bytes is a power of two from
	 * 8 KiB to 1 MiB. physical_to_virtual() must return the start of the
	 * block for @p pa and must reach all of it through that pointer.
	 * Without this op such mappings are refused with ::AP_ERR_UNSUPPORTED.
	 */
	void *(*allocate_tables)(void *ctx, size_t bytes, ap_pa_t *pa);
	/** Releases memory from allocate_tables (required with it). */
	void (*free_tables)(void *ctx, void *tables, ap_pa_t pa, size_t bytes);
} ap_translation_ops_t;

/**
 * Initialises an ::ap_translation_ops_t: @c size set, every function NULL.
 * Assign the functions afterwards; ap_mapping_create() needs the first
 * three, and 16 KiB, 64 KiB and concatenated mappings the last two as well.
 */
#define AP_TRANSLATION_OPS_INIT { sizeof(ap_translation_ops_t), NULL, NULL, NULL, NULL, NULL }

/** A translation table hierarchy and its state (opaque). */
typedef struct ap_mapping ap_mapping_t;

/** Settings for creating a mapping. */
typedef struct ap_mapping_options {
	size_t size;                /**< Set by the caller to sizeof(ap_mapping_options_t). */
	const ap_regime_t *regime;  /**< The regime; NULL means the built-in EL1&0 regime. */
	/** Used when @c input_bits is 0: the root is one whole table at this
	 *  level, so the space covers 2^(48 - 9 * root_level) bytes with 4 KiB
	 *  granules (the rule of library 0.3 and before), and
	 *  min(2^48, 2^(page bits + (4 - root_level) * bits per level)) with
	 *  16 and 64 KiB granules (64 KiB has no level 0). Must be 0 when
	 *  @c input_bits is set. */
	unsigned root_level;
	uint16_t asid;              /**< ASID (EL1&0, EL2&0 only; must be 0 elsewhere). */
	ap_va_range_t va_range;     /**< Lower or upper (upper for EL1&0, EL2&0 only). */
	/* Library 0.4.0 and later; a caller with a smaller @c size gets zeros. */
	/** Must be 0. It keeps the members after it clear of the bytes that
	 *  ended the 0.3 struct as padding, which callers built against 0.3
	 *  pass uninitialised within their @c size. */
	uint64_t reserved;
	ap_granule_t granule;       /**< Translation granule; 0 is 4 KiB. */
	/** Input address size in bits (TnSZ = 64 - input_bits), or 0 for the
	 *  @c root_level rule. Stage 1: 25 to 48 bits with any granule; the
	 *  starting level is the one that resolves the top address bit, and
	 *  its root table has 2^(input_bits - bits below that level) entries.
	 *  Stage 2: 25 to 48 bits, where a starting level that VTCR_EL2.SL0
	 *  can select resolves the top bit with at most @c max_root_tables
	 *  concatenated tables. */
	unsigned input_bits;
	/** Stage 2 with @c input_bits: how many concatenated tables (1 to 16,
	 *  a power of two) the root may be made of; the library starts at the
	 *  deepest level that needs no more, saving lookups. 0 means 16 (the
	 *  fewest levels, as KVM chooses); 1 means never concatenate. Must be
	 *  0 or 1 for stage 1 and when @c input_bits is 0. */
	unsigned max_root_tables;
	/** Stage 1: the MAIR_ELx value the tables are used with, or 0 when
	 *  not told. The library neither writes MAIR nor checks attribute
	 *  indices against it; it only names memory types: the SVG dump
	 *  colours regions normal or device with it, and by attribute index
	 *  without it (a MAIR of 0, all Device-nGnRnE, is shown that way
	 *  too). Must be 0 for stage 2, whose descriptors carry the type. */
	ap_mair_t mair;
} ap_mapping_options_t;

/**
 * Initialises an ::ap_mapping_options_t with @c size set and the zero
 * defaults: the built-in EL1&0 regime, root level 0 (48-bit VA), ASID 0,
 * lower VA range, 4 KiB granule, no MAIR. Change members afterwards, e.g.
 * `options.granule = AP_GRANULE_64K; options.input_bits = 42;`.
 */
#define AP_MAPPING_OPTIONS_INIT { sizeof(ap_mapping_options_t), NULL, 0, 0, AP_VA_RANGE_LOWER, 0, AP_GRANULE_4K, 0, 0, 0 }

/**
 * @brief Creates an empty mapping whose tables come from caller-supplied @p ops.
 *
 * The root table is allocated at once.
 * @param options regime, root level, ASID and VA range.
 * @param ops copied; may be freed after the call.
 * @param ctx passed to every op.
 * @param[out] out the new mapping.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT NULL pointer; bad @c size in @p options or
 *         @p ops; NULL op; root level above 3; bad VA range value; a non-zero
 *         ASID or the upper VA range on a regime without them; a non-zero
 *         @c reserved; a bad granule value; @c input_bits outside 25..48, or set together
 *         with a non-zero @c root_level; @c max_root_tables not 0, 1, 2,
 *         4, 8 or 16, or above 1 for stage 1 or without @c input_bits; a
 *         stage 2 input size that no starting level of the granule can
 *         resolve within @c max_root_tables tables; a root level the
 *         granule cannot start at (level 0 with 64 KiB granules); a
 *         non-zero @c mair for stage 2.
 * @retval AP_ERR_UNSUPPORTED the mapping needs tables larger than 4 KiB
 *         (16 or 64 KiB granule, concatenated root) and @p ops has no
 *         allocate_tables/free_tables.
 * @retval AP_ERR_NO_MEMORY no memory for the mapping or its root table.
 * @retval AP_ERR_BAD_TABLE_ADDRESS the root table is misaligned, its physical
 *         address is misaligned or above 48 bits, or physical_to_virtual does
 *         not return it; the table is given back.
 */
ap_status_t ap_mapping_create(const ap_mapping_options_t *options, const ap_translation_ops_t *ops,
			      void *ctx, ap_mapping_t **out);

/**
 * @brief Creates a mapping with the built-in identity translation: table
 *        pages come from the library and their physical address is their
 *        address in this process.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT as for ap_mapping_create().
 * @retval AP_ERR_NO_MEMORY no memory (in a freestanding build: the library's
 *         fixed pool of objects or table pages is used up).
 */
ap_status_t ap_mapping_create_identity(const ap_mapping_options_t *options, ap_mapping_t **out);

/**
 * @brief Creates a mapping with the built-in linear translation: an input
 *        address @c va maps to @c va + @p offset, and so do the table pages.
 * @param options regime, root level, ASID and VA range.
 * @param[out] out the new mapping.
 * @param offset signed, a multiple of ::AP_PAGE_SIZE (with 16 and 64 KiB
 *        granules, of the granule, or the tables' addresses are misaligned).
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT as for ap_mapping_create(), or @p offset is not page-aligned.
 * @retval AP_ERR_NO_MEMORY no memory (in a freestanding build: the library's
 *         fixed pool of objects or table pages is used up).
 * @retval AP_ERR_BAD_TABLE_ADDRESS the root table's address plus @p offset is not a valid physical address.
 */
ap_status_t ap_mapping_create_linear(const ap_mapping_options_t *options, int64_t offset,
				     ap_mapping_t **out);

/**
 * @brief Creates a mapping that builds a table image for another machine,
 *        which will load it at physical address @p base.
 *
 * The n-th table slot lies at @p base + n * 4096; freed slots are reused. A
 * table larger than 4 KiB (16 or 64 KiB granule, concatenated root) takes
 * consecutive slots starting at an address aligned to its size, so slots
 * before it may stay empty. The image is read with ap_target_image_size()
 * and ap_target_image_write().
 * @param options regime, root level, ASID and VA range.
 * @param[out] out the new mapping.
 * @param base page-aligned load address of the image on the target.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT as for ap_mapping_create(), or @p base is not page-aligned.
 * @retval AP_ERR_NO_MEMORY no memory (in a freestanding build: the library's
 *         fixed pool of objects or table pages is used up).
 */
ap_status_t ap_mapping_create_target(const ap_mapping_options_t *options, ap_pa_t base,
				     ap_mapping_t **out);

/** Flags of ap_mapping_open(), a combination of AP_OPEN_* bits. */
typedef uint32_t ap_open_flags_t;

/** Opens adopted tables for reading only: every edit is refused with ::AP_ERR_READ_ONLY. */
#define AP_OPEN_READ_ONLY 0u
/** Lets map, unmap, modify and compact edit the adopted tables (the translation must then allocate and free). */
#define AP_OPEN_EDITABLE 1u

/**
 * @brief Adopts a table hierarchy the library did not build: a guest's
 *        stage 1 tables read by a VMM, a firmware image checked by a build
 *        tool, tables handed over by an earlier boot stage.
 *
 * The root table is at physical address @p root; the translation's
 * physical_to_virtual() finds it and every table below. Walks, translation,
 * dumps and the getters then work as on a created mapping, and so do edits
 * when @p flags has ::AP_OPEN_EDITABLE.
 *
 * Any content is safe to read. A table whose address does not translate
 * gives ::AP_ERR_BAD_TABLE_ADDRESS. A walk over a range (walk, dump, table
 * count, and the check every edit makes first) refuses a table it meets a
 * second time, whether through a loop back to an ancestor or a subtable
 * shared by two entries, with ::AP_ERR_MALFORMED_TABLE (detail: that
 * table's physical address): walking such a hierarchy would visit the same
 * entries without bound. ap_mapping_translate() follows one address as the
 * MMU would, so a table that points back at an ancestor (a recursive
 * "self map") is followed, and its walk still ends at level 3. Reserved
 * encodings read as unmapped, as the MMU reads them.
 *
 * The tables stay the caller's: ap_mapping_destroy() frees none of them,
 * not even those edits added (they came from the caller's allocate_table).
 * An edit first checks the whole hierarchy, so that it never frees a table
 * that something outside the edited range still points to. The library
 * caches nothing from adopted tables between calls; the caller may change
 * them between calls, but not during one. A range walk keeps the set of
 * tables it has met in library memory: in a freestanding build that is
 * one page of its table pool, enough for about 120 tables; range walks
 * over larger adopted hierarchies give ::AP_ERR_NO_MEMORY there (translate
 * needs no set).
 * @param options regime, root level, ASID and VA range, as for ap_mapping_create().
 * @param ops copied; physical_to_virtual is required, allocate_table and
 *        free_table only with ::AP_OPEN_EDITABLE.
 * @param ctx passed to every op.
 * @param root physical address of the root table, below 2^48 and aligned to
 *        the root's size (entries x 8 bytes, at least 64: the TTBR rule; a
 *        whole 4 KiB table needs 4 KiB).
 * @param flags ::AP_OPEN_READ_ONLY or ::AP_OPEN_EDITABLE.
 * @param[out] out the new mapping.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT NULL @p out, @p options or @p ops, bad
 *         options (as for ap_mapping_create()), a missing op, unknown bits in
 *         @p flags, or a misaligned or too large @p root.
 * @retval AP_ERR_BAD_TABLE_ADDRESS physical_to_virtual() has no pointer for @p root.
 * @retval AP_ERR_NO_MEMORY the mapping object could not be allocated.
 */
ap_status_t ap_mapping_open(const ap_mapping_options_t *options, const ap_translation_ops_t *ops,
			    void *ctx, ap_pa_t root, ap_open_flags_t flags, ap_mapping_t **out);

/**
 * @brief Frees a mapping and all its tables (none of the tables of a
 *        mapping from ap_mapping_open()).
 *
 * No other call on the mapping may run at the same time (see Concurrency).
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT @p mapping is NULL, or a destroy of it is already running
 *         (a translation or hook calling back into it).
 * @retval AP_ERR_STILL_ACTIVE the mapping is active; nothing is freed.
 */
ap_status_t ap_mapping_destroy(ap_mapping_t *mapping);

/**
 * @brief Maps @p region to the output range starting at @p pa with @p flags.
 *
 * Blocks are used wherever the input and output addresses are both aligned
 * to a level-1 or level-2 block and @p constraints allow; never at level 0.
 * An existing identical block is left alone. Passing @p flags without
 * ::AP_ATTR_VALID unmaps (@p pa is then ignored) and frees subtables that a
 * whole unmapped block range covered; unmapping a range that is already empty
 * allocates nothing. ::AP_EL1_NT in @p flags applies to block descriptors
 * only: in page descriptors bit 16 is part of the output address.
 *
 * On a live (active) mapping, a change that break-before-make forbids is
 * refused before anything is written: changing a valid output address,
 * changing attributes other than the permitted ones, splitting a valid block,
 * or replacing a valid block with a table. Each changed descriptor that was
 * valid is then invalidated through the regime, followed by one barrier; a
 * subtable that an unmap removes is invalidated (::AP_INVALIDATE_TABLE) and
 * waited for with a barrier of its own before it is freed. Entries that were
 * invalid need no invalidation: translation faults are not cached.
 *
 * The edit is all-or-nothing: the tables it needs are allocated first.
 * @param mapping the mapping.
 * @param region input range, rounded out to pages.
 * @param pa output address for region->start (rounded down to a page).
 * @param flags attribute bits of the regime's format.
 * @param constraints AP_CONSTRAINT_* bits.
 * @param[out] err optional detail.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT NULL @p mapping or @p region, bad @p err->size, unknown constraint bits.
 * @retval AP_ERR_REGION_BACKWARDS the region wraps past 2^64.
 * @retval AP_ERR_ADDRESS_RANGE the region lies (partly) outside the table's VA range.
 * @retval AP_ERR_INVALID_FLAGS @p flags contain a bit a block or page of the
 *         mapping's format cannot hold : ::AP_ATTR_TABLE_OR_PAGE, bits of the output-address
 *         field, RES0 bits, or bits without a meaning in the format
 *         (the rule is at ::AP_ATTR_VALID);
 *         @c err->flags holds @p flags.
 * @retval AP_ERR_INVALID_VIRTUAL_ADDRESS the output range would pass 2^48 or wrap.
 * @retval AP_ERR_BREAK_BEFORE_MAKE the mapping is live and the change needs break-before-make.
 * @retval AP_ERR_NO_MEMORY a table could not be allocated; nothing changed.
 * @retval AP_ERR_BAD_TABLE_ADDRESS a new table's address does not translate back, or an existing one's no longer does.
 * @retval AP_ERR_READ_ONLY the mapping was opened without ::AP_OPEN_EDITABLE.
 * @retval AP_ERR_MALFORMED_TABLE an adopted hierarchy reaches a table twice (detail: its address).
 */
ap_status_t ap_mapping_map(ap_mapping_t *mapping, const ap_region_t *region, ap_pa_t pa,
			   ap_attrs_t flags, ap_constraints_t constraints, ap_error_t *err);

/**
 * @brief Maps @p region to the output addresses the mapping's own translation
 *        gives it (identity: the same address; linear: address + offset).
 *
 * Otherwise as ap_mapping_map().
 * @retval AP_OK and every error of ap_mapping_map().
 * @retval AP_ERR_INVALID_VIRTUAL_ADDRESS the linear offset takes the region's start below 0 or past 2^64.
 * @retval AP_ERR_UNSUPPORTED the mapping's translation is caller-supplied or a target image.
 */
ap_status_t ap_mapping_map_auto(ap_mapping_t *mapping, const ap_region_t *region, ap_attrs_t flags,
				ap_constraints_t constraints, ap_error_t *err);

/**
 * @brief Unmaps @p region: the same as ap_mapping_map() with flags 0.
 * @retval AP_OK and the errors of ap_mapping_map() except ::AP_ERR_INVALID_FLAGS.
 */
ap_status_t ap_mapping_unmap(ap_mapping_t *mapping, const ap_region_t *region, ap_error_t *err);

/* ------------------------------------------------------------------------ */
/**
 * @brief A descriptor handed to a modify callback (opaque): read it with the
 *        ap_descriptor_* accessors, change it with ap_descriptor_set() or
 *        ap_descriptor_modify_flags(). Valid only during the callback.
 */
typedef struct ap_descriptor ap_descriptor_t;

/** Level (0..3) of the table holding @p d; 0 for NULL. @par Errors None. */
unsigned ap_descriptor_level(const ap_descriptor_t *d);
/** Raw 64-bit value of @p d; 0 for NULL. @par Errors None. */
uint64_t ap_descriptor_bits(const ap_descriptor_t *d);
/** Output address of @p d, decoded for its level; 0 for NULL. @par Errors None. */
ap_pa_t ap_descriptor_output_address(const ap_descriptor_t *d);
/** Attribute bits of @p d, decoded for its level; 0 for NULL. @par Errors None. */
ap_attrs_t ap_descriptor_flags(const ap_descriptor_t *d);
/** Whether @p d is valid; false for NULL. @par Errors None. */
bool ap_descriptor_is_valid(const ap_descriptor_t *d);
/** Whether @p d points to a next-level table (levels 0-2); false for NULL. @par Errors None. */
bool ap_descriptor_is_table(const ap_descriptor_t *d);
/** Whether ap_descriptor_set() or ap_descriptor_modify_flags() changed @p d; false for NULL. @par Errors None. */
bool ap_descriptor_updated(const ap_descriptor_t *d);

/**
 * @brief Sets @p d to output address @p pa with @p flags.
 *
 * @p pa is masked to the output-address field of the descriptor's level.
 * A callback never creates a table pointer or an encoding the MMU treats as
 * reserved, whatever the order of its calls, and on a live mapping each new
 * value is checked against every valid value the entry held since the
 * callback began: valid A, invalid, valid B is refused at the last step.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT @p d is NULL.
 * @retval AP_ERR_INVALID_FLAGS @p flags contain bits of the output-address
 *         field (bit 16, nT, is allowed in a stage 1 block), or the result is
 *         not a block, page or invalid entry of its level:
 *         ::AP_ATTR_TABLE_OR_PAGE at levels 0-2, ::AP_ATTR_VALID at a level
 *         the granule has no blocks at (level 0; with 16 and 64 KiB also
 *         level 1), or ::AP_ATTR_VALID without ::AP_ATTR_TABLE_OR_PAGE at
 *         level 3 (reserved).
 * @retval AP_ERR_BREAK_BEFORE_MAKE the mapping is live and the change needs break-before-make.
 *         Also when the hardware updated a live descriptor (access flag, dirty
 *         state) after the callback last saw it: nothing was written, and a
 *         retry builds on the updated value.
 */
ap_status_t ap_descriptor_set(ap_descriptor_t *d, ap_pa_t pa, ap_attrs_t flags);

/**
 * @brief Sets the bits @p set and clears the bits @p clear in the flags of
 *        @p d, keeping its output address.
 *
 * A bit may not be in both @p set and @p clear: that request has no single
 * meaning, and for a multi-bit field such as S2AP it used to give neither
 * the old nor the asked-for value. To store one value of a field, clear the
 * field's other bits, e.g. to make a stage 2 page read-only:
 * @code
 * ap_descriptor_modify_flags(d, AP_S2_S2AP_ACCESS_RO, AP_S2_S2AP_MASK & ~AP_S2_S2AP_ACCESS_RO);
 * @endcode
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT @p d is NULL.
 * @retval AP_ERR_INVALID_FLAGS @p set and @p clear share a bit (nothing is
 *         changed), the change would flip ::AP_ATTR_TABLE_OR_PAGE,
 *         touches bits of the output-address field, or gives an encoding
 *         ap_descriptor_set() refuses (a valid level-0 entry, a valid
 *         level-3 entry without ::AP_ATTR_TABLE_OR_PAGE).
 * @retval AP_ERR_BREAK_BEFORE_MAKE the mapping is live and the change needs break-before-make.
 *         Also when the hardware updated a live descriptor (access flag, dirty
 *         state) after the callback last saw it: nothing was written, and a
 *         retry builds on the updated value.
 */
ap_status_t ap_descriptor_modify_flags(ap_descriptor_t *d, ap_attrs_t set, ap_attrs_t clear);

/**
 * @brief Whether an entry at @p level of a live table (one a walker may be
 *        using) may change from @p old to @p value in one store, without
 *        break-before-make.
 *
 * This is the rule every edit of a live mapping and every descriptor store
 * of a modify callback obeys. Invalidating a valid entry (the "break") and
 * filling an invalid one (the "make") are always safe. Between two valid
 * values the output address must stay, a block never becomes a table or
 * back, and only the attributes the format lets change may change: in the
 * stage 1 formats the permissions (AP[2], PXN, UXN or XN), the access
 * flag, DBM and the software bits either way, and nG from clear to set;
 * in the stage 2 format S2AP, the access flag, XN and the software bits.
 * Ask before trying to learn whether an edit of an active mapping will be
 * refused with ::AP_ERR_BREAK_BEFORE_MAKE.
 * @param kind the regime whose descriptor format applies.
 * @param level the level of the entry, 0 to 3.
 * @param old the value walkers may have cached.
 * @param value the value to store.
 * @param[out] safe true when the store needs no break.
 * @retval AP_OK success; *safe holds the answer.
 * @retval AP_ERR_INVALID_ARGUMENT @p safe is NULL, @p kind is not a
 *         regime kind or @p level is above 3.
 */
ap_status_t ap_bbm_safe(ap_regime_kind_t kind, unsigned level, uint64_t old, uint64_t value,
			bool *safe);

/**
 * @brief Modify callback: return 0 to go on, non-zero to stop the edit with
 *        ::AP_ERR_PTE_UPDATE_FAULT (or ::AP_ERR_BREAK_BEFORE_MAKE during a live dry run).
 * @param ctx the @c ctx given to ap_mapping_modify().
 * @param descriptor the descriptor; read and change it with the ap_descriptor_* functions.
 * @param region the part of the requested range this descriptor covers.
 */
typedef int (*ap_modify_fn)(void *ctx, const ap_region_t *region, ap_descriptor_t *descriptor);

/**
 * @brief Calls @p fn on every block, page and invalid descriptor covering
 *        @p region, splitting blocks that the region covers only in part.
 *
 * On a live mapping the callback is first run on copies (a dry run): if it
 * fails, or would make a change break-before-make forbids, or would change a
 * valid block the region covers only in part, nothing is changed and
 * ::AP_ERR_BREAK_BEFORE_MAKE is returned. Valid blocks of a live mapping are
 * never split. The callback must therefore give the same answer for the same
 * descriptor each time. Tables needed for splits are allocated first.
 * If the callback fails on an inactive mapping, the descriptors it changed
 * before stay changed (as in the reference).
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT NULL @p mapping, @p region or @p fn, or bad @p err->size.
 * @retval AP_ERR_REGION_BACKWARDS the region wraps past 2^64.
 * @retval AP_ERR_ADDRESS_RANGE the region lies outside the table's VA range.
 * @retval AP_ERR_PTE_UPDATE_FAULT the callback returned non-zero (detail: the descriptor's bits before the call).
 * @retval AP_ERR_BREAK_BEFORE_MAKE see above (detail: region).
 * @retval AP_ERR_NO_MEMORY a table for a split could not be allocated; nothing changed.
 * @retval AP_ERR_BAD_TABLE_ADDRESS a table's address does not translate back.
 * @retval AP_ERR_READ_ONLY the mapping was opened without ::AP_OPEN_EDITABLE.
 * @retval AP_ERR_MALFORMED_TABLE an adopted hierarchy reaches a table twice (detail: its address).
 */
ap_status_t ap_mapping_modify(ap_mapping_t *mapping, const ap_region_t *region, ap_modify_fn fn,
			      void *ctx, ap_error_t *err);

/**
 * @brief Walk callback: return 0 to go on, non-zero to stop the walk with ::AP_ERR_STOPPED.
 * @param ctx the @c ctx given to ap_mapping_walk().
 * @param region the part of the requested range this descriptor covers.
 * @param descriptor the raw descriptor bits.
 * @param level the level of the table holding it.
 */
typedef int (*ap_walk_fn)(void *ctx, const ap_region_t *region, uint64_t descriptor, unsigned level);

/**
 * @brief Calls @p fn, in address order, on every non-table descriptor
 *        covering @p region. Nothing is split or changed.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT NULL @p mapping, @p region or @p fn, or bad @p err->size.
 * @retval AP_ERR_REGION_BACKWARDS the region wraps past 2^64.
 * @retval AP_ERR_ADDRESS_RANGE the region lies outside the table's VA range.
 * @retval AP_ERR_STOPPED the callback returned non-zero (detail: descriptor bits).
 * @retval AP_ERR_BAD_TABLE_ADDRESS a table's address does not translate back.
 * @retval AP_ERR_MALFORMED_TABLE an adopted hierarchy reaches a table twice (detail: its address).
 * @retval AP_ERR_NO_MEMORY no memory to check an adopted hierarchy for tables met twice.
 */
ap_status_t ap_mapping_walk(const ap_mapping_t *mapping, const ap_region_t *region, ap_walk_fn fn,
			    void *ctx, ap_error_t *err);

/**
 * @brief Run callback: @p count consecutive descriptors of one table at
 *        @p level, covering @p region. Return 0 to go on, non-zero to
 *        stop the walk with ::AP_ERR_STOPPED.
 */
typedef int (*ap_walk_run_fn)(void *ctx, const ap_region_t *region, const uint64_t *descriptors,
			      size_t count, unsigned level);

/**
 * @brief Like ap_mapping_walk(), but hands over runs of consecutive non-table
 *        descriptors of one table in one call, so that per-descriptor work
 *        needs no call per descriptor.
 * @retval AP_OK and the errors of ap_mapping_walk(); for ::AP_ERR_STOPPED
 *         the detail holds the first descriptor of the failing run.
 */
ap_status_t ap_mapping_walk_runs(const ap_mapping_t *mapping, const ap_region_t *region,
				 ap_walk_run_fn fn, void *ctx, ap_error_t *err);

/**
 * @brief Frees every subtable whose entries are all zero and clears the
 *        descriptor that pointed to it.
 *
 * On a live mapping each such descriptor is cleared first, its cached walks
 * are invalidated through the regime (::AP_INVALIDATE_TABLE) and a barrier is
 * issued; only then is the table freed.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT @p mapping is NULL.
 * @retval AP_ERR_READ_ONLY the mapping was opened without ::AP_OPEN_EDITABLE.
 * @retval AP_ERR_MALFORMED_TABLE an adopted hierarchy reaches a table twice; nothing was freed.
 * @retval AP_ERR_BAD_TABLE_ADDRESS an adopted table's address does not translate; nothing was freed.
 * @retval AP_ERR_NO_MEMORY no memory to check an adopted hierarchy; nothing was freed.
 */
ap_status_t ap_mapping_compact(ap_mapping_t *mapping);

/** Result of ap_mapping_translate(). */
typedef struct ap_translate_result {
	size_t size;                 /**< Set by the caller to sizeof(ap_translate_result_t). */
	ap_pa_t output_address;      /**< The output address of the input address (with its offset in the page or block). */
	ap_attrs_t attributes;       /**< Attribute bits of the final descriptor, decoded for its level. */
	ap_attrs_t table_attributes; /**< OR of the table attribute bits (59..63) of the table descriptors on the way. */
	uint64_t descriptor;         /**< Raw bits of the final descriptor (the invalid one when not mapped). */
	unsigned level;              /**< Level of the final descriptor: the page/block level, or the faulting level. */
	uint64_t block_size;         /**< Bytes the final descriptor covers. */
} ap_translate_result_t;

/**
 * Initialises an ::ap_translate_result_t: @c size set, every output zero.
 * `ap_translate_result_t where = AP_TRANSLATE_RESULT_INIT;`
 */
#define AP_TRANSLATE_RESULT_INIT { sizeof(ap_translate_result_t), 0, 0, 0, 0, 0, 0 }

/**
 * @brief Walks one input address as the MMU would.
 * @param mapping the mapping.
 * @param va the input address.
 * @param[out] result filled on AP_OK and on AP_ERR_NOT_MAPPED.
 * @retval AP_OK the address is mapped.
 * @retval AP_ERR_NOT_MAPPED the walk ends at an invalid descriptor (or a
 *         block at a level the granule has none: level 0, and level 1 with
 *         16 and 64 KiB); @c level tells where, as a translation fault would.
 * @retval AP_ERR_INVALID_ARGUMENT NULL argument or bad @c result->size.
 * @retval AP_ERR_ADDRESS_RANGE @p va is outside the table's VA range.
 * @retval AP_ERR_BAD_TABLE_ADDRESS a table's address does not translate back.
 */
ap_status_t ap_mapping_translate(const ap_mapping_t *mapping, ap_va_t va,
				 ap_translate_result_t *result);

/**
 * @brief Activates the mapping: marks it active, then installs the root
 *        through the regime (TTBRn / VTTBR with the ASID in bits 63:48).
 * @param mapping the mapping.
 * @param[out] previous_ttbr optional: the TTBR value to restore with
 *             ap_mapping_deactivate() (UINT64_MAX where nothing was installed).
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT @p mapping is NULL, or ap_mapping_destroy() has begun on it.
 */
ap_status_t ap_mapping_activate(ap_mapping_t *mapping, uint64_t *previous_ttbr);

/**
 * @brief Deactivates the mapping: restores @p previous_ttbr, invalidates the
 *        TLB entries the table may have left (built-in EL1&0 and EL2&0:
 *        every ASID's, since global entries carry none; stage 2: the
 *        VMID's), and marks it inactive.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT @p mapping is NULL.
 * @retval AP_ERR_UNSUPPORTED EL2 and EL3 tables cannot safely be deactivated.
 * @retval AP_ERR_NOT_ACTIVE the mapping is not active.
 */
ap_status_t ap_mapping_deactivate(ap_mapping_t *mapping, uint64_t previous_ttbr);

/**
 * @brief Records that the caller installed the table itself (increments the activation count).
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT @p mapping is NULL, or ap_mapping_destroy() has begun on it.
 */
ap_status_t ap_mapping_mark_active(ap_mapping_t *mapping);

/**
 * @brief Records that the caller uninstalled the table itself (decrements the activation count).
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT @p mapping is NULL.
 * @retval AP_ERR_NOT_ACTIVE the count is already zero; it stays zero.
 */
ap_status_t ap_mapping_mark_inactive(ap_mapping_t *mapping);

/**
 * @brief Tells whether the mapping is active (activation count above zero).
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT a NULL argument.
 */
ap_status_t ap_mapping_is_active(const ap_mapping_t *mapping, bool *active);

/**
 * @brief Physical address of the root table.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT a NULL argument.
 */
ap_status_t ap_mapping_root_address(const ap_mapping_t *mapping, ap_pa_t *root);

/**
 * @brief The value activation writes to the TTBR: root address | ASID << 48.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT a NULL argument.
 */
ap_status_t ap_mapping_ttbr(const ap_mapping_t *mapping, uint64_t *ttbr);

/**
 * The translation control fields that depend on a mapping's tables, so that
 * a caller never derives them by hand. For stage 1 they are fields of
 * TCR_EL1, TCR_EL2 or TCR_EL3 (TCR_EL2 with HCR_EL2.E2H set has TCR_EL1's
 * layout); for stage 2, of VTCR_EL2.
 */
typedef struct ap_translation_control {
	size_t size;         /**< Set by the caller to sizeof(ap_translation_control_t). */
	uint64_t tcr;        /**< TnSZ, TGn and (stage 2) SL0, each at its place in the register for this mapping's VA range; the other bits 0. */
	uint64_t tcr_mask;   /**< The bits of the register those fields occupy: write (reg & ~tcr_mask) | tcr. */
	uint64_t ttbr;       /**< The TTBR (VTTBR) value, as ap_mapping_ttbr() gives it. */
	unsigned input_bits; /**< The input address size: 2^input_bits bytes of VA (IPA). */
	unsigned tsz;        /**< The TnSZ (VTCR_EL2.T0SZ) value: 64 - input_bits. */
	unsigned tg;         /**< The granule in the encoding of this range's field: TG0 (4 KiB 0b00, 64 KiB 0b01, 16 KiB 0b10) for the lower range and stage 2, TG1 (16 KiB 0b01, 4 KiB 0b10, 64 KiB 0b11) for the upper range. */
	unsigned sl0;        /**< Stage 2: VTCR_EL2.SL0 for the root level (4 KiB: level 2 0b00, level 1 0b01, level 0 0b10; 16 and 64 KiB: level 3 0b00, level 2 0b01, level 1 0b10); 0 for stage 1. */
	/* Library 0.4.0 and later. */
	ap_granule_t granule;  /**< The mapping's granule. */
	unsigned root_level;   /**< The starting level of the walk. */
	unsigned root_entries; /**< Entries of the root: fewer than a table's for a small top level, more for a concatenated stage 2 root. */
	unsigned root_tables;  /**< Concatenated tables the root is made of (1 unless stage 2 concatenates). */
} ap_translation_control_t;

/** An ::ap_translation_control_t ready to be filled. */
#define AP_TRANSLATION_CONTROL_INIT { sizeof(ap_translation_control_t), 0, 0, 0, 0, 0, 0, 0, AP_GRANULE_4K, 0, 0, 0 }

/**
 * @brief The TCR_ELx (or VTCR_EL2) fields and TTBR value that match
 *        @p mapping's tables: input size, granule and, for stage 2, the
 *        starting level.
 *
 * Stage 1: the fields are T0SZ/TG0 for the lower range (the only range of
 * EL2 without E2H and of EL3) and T1SZ/TG1 (bits 21:16, 31:30) for the
 * upper range. A 4 KiB mapping made with root level 3 and no
 * @c input_bits (21 bits) gives TnSZ 43, which needs FEAT_TTST.
 * Stage 2: T0SZ, SL0 and TG0 of VTCR_EL2. The same 4 KiB mapping at level 3
 * has no SL0 encoding without FEAT_TTST and is refused. The TTBR's root
 * address is aligned as the register requires: to the root's size, which
 * for a concatenated root is the size of all its tables.
 * @retval AP_OK success; fields beyond @p out->size are not written.
 * @retval AP_ERR_INVALID_ARGUMENT NULL @p mapping or @p out, or a bad @p out->size.
 * @retval AP_ERR_UNSUPPORTED a stage 2 4 KiB mapping whose root is at level 3.
 */
ap_status_t ap_mapping_translation_control(const ap_mapping_t *mapping,
					   ap_translation_control_t *out);

/**
 * @brief Bytes of input address space the table covers (2^input_bits; see
 *        ::ap_mapping_options_t).
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT a NULL argument.
 */
ap_status_t ap_mapping_size(const ap_mapping_t *mapping, uint64_t *size);

/**
 * @brief The root level (0..3).
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT a NULL argument.
 */
ap_status_t ap_mapping_root_level(const ap_mapping_t *mapping, unsigned *level);

/**
 * @brief The ASID.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT a NULL argument.
 * @retval AP_ERR_UNSUPPORTED the regime has no ASID.
 */
ap_status_t ap_mapping_asid(const ap_mapping_t *mapping, uint16_t *asid);

/**
 * @brief The VA range (always lower for regimes without an upper range).
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT a NULL argument.
 */
ap_status_t ap_mapping_va_range(const ap_mapping_t *mapping, ap_va_range_t *va_range);

/**
 * @brief The mapping's regime.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT a NULL argument.
 */
ap_status_t ap_mapping_regime(const ap_mapping_t *mapping, const ap_regime_t **regime);

/**
 * @brief Number of tables in the hierarchy, the root included. For a
 *        mapping from ap_mapping_open() the tables are counted by a walk.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT a NULL argument.
 * @retval AP_ERR_BAD_TABLE_ADDRESS an adopted table's address does not translate.
 * @retval AP_ERR_MALFORMED_TABLE an adopted hierarchy reaches a table twice.
 * @retval AP_ERR_NO_MEMORY no memory to check an adopted hierarchy.
 */
ap_status_t ap_mapping_table_count(const ap_mapping_t *mapping, size_t *count);

/**
 * @brief Output address the mapping's built-in translation gives @p va
 *        (identity: @p va; linear: @p va + offset).
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT a NULL argument.
 * @retval AP_ERR_INVALID_VIRTUAL_ADDRESS @p va + offset is below 0 or past 2^64 - 1 (as signed arithmetic on 64 bits).
 * @retval AP_ERR_UNSUPPORTED the translation is caller-supplied or a target image.
 */
ap_status_t ap_mapping_va_to_pa(const ap_mapping_t *mapping, ap_va_t va, ap_pa_t *pa);

/**
 * @brief Address through which the library reaches the table at @p pa, as the
 *        mapping's translation computes it (its physical_to_virtual).
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT a NULL argument.
 * @retval AP_ERR_BAD_TABLE_ADDRESS no such address: negative as a signed value,
 *         zero, or (target) outside the image's slots.
 */
ap_status_t ap_mapping_pa_to_table(const ap_mapping_t *mapping, ap_pa_t pa, uint64_t *va);

/**
 * @brief Size in bytes of the image of a target mapping (4096 per table slot).
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT a NULL argument.
 * @retval AP_ERR_UNSUPPORTED the mapping was not made by ap_mapping_create_target().
 */
ap_status_t ap_target_image_size(const ap_mapping_t *mapping, size_t *bytes);

/**
 * @brief Writes the image of a target mapping, little-endian descriptors, free slots zero.
 * @param mapping a mapping made by ap_mapping_create_target().
 * @param size bytes available at @p buf.
 * @param buf at least ap_target_image_size() bytes.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT a NULL argument.
 * @retval AP_ERR_UNSUPPORTED the mapping was not made by ap_mapping_create_target().
 * @retval AP_ERR_BUFFER_TOO_SMALL @p size is below the image size; nothing written.
 */
ap_status_t ap_target_image_write(const ap_mapping_t *mapping, void *buf, size_t size);

/* ------------------------------------------------------------------------ */
/** @name Raw descriptor helpers
 * Pure functions on descriptor bits at a given level. An out-of-range level
 * yields 0 / false. @par Errors None.
 * @{ */
/** Output address: bits 12..47 for tables and pages, 30..47 / 21..47 for level 1 / 2 blocks. */
ap_pa_t ap_pte_output_address(uint64_t bits, unsigned level);
/** Everything that is not the output address at that level. */
ap_attrs_t ap_pte_flags(uint64_t bits, unsigned level);
/** Bit 0. */
bool ap_pte_is_valid(uint64_t bits);
/** Valid with bit 1 set: a table at levels 0-2, a page at level 3. */
bool ap_pte_is_table_or_page(uint64_t bits);
/** A valid table descriptor (levels 0-2 only). */
bool ap_pte_is_table(uint64_t bits, unsigned level);
/** @} */

/**
 * @brief Describes @p flags in the format of @p kind, field by field, as
 *        "VALID | TABLE_OR_PAGE | ATTRIBUTE_INDEX_5 | INNER_SHAREABLE | NON_GLOBAL".
 *
 * Each multi-bit field is named once, by its value; single bits by their
 * macro names without the prefix. Stage 1: the MAIR index as
 * ATTRIBUTE_INDEX_1 ... ATTRIBUTE_INDEX_7 and the shareability as
 * OUTER_SHAREABLE or INNER_SHAREABLE; a field at 0 (index 0, non-shareable)
 * is left out. Stage 2 names all three fields, 0 included, in the words of
 * the aptables map file (docs/map-format.md): MemAttr (read without
 * FEAT_S2FWB) as device-ngnrne, device-ngnre, device-ngre, device-gre,
 * normal-wb, normal-wt, normal-nc, or normal-outer-X-inner-Y when the
 * halves differ; S2AP as none, ro, wo or rw; SH as non-shareable, outer or
 * inner. For example "VALID | normal-wb | rw | inner | ACCESS_FLAG | XN".
 * Bits without a name, reserved field values included (SH 0b01, a normal
 * MemAttr with inner 0b00), follow as one hexadecimal number ("0x..."); no
 * bits at all in a stage 1 format gives "0x0".
 * @param kind the regime whose descriptor format names the bits.
 * @param flags the attribute bits.
 * @param size bytes available at @p buf.
 * @param buf may be NULL when @p size is 0.
 * @param[out] needed optional: the text length without the NUL.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT bad @p kind, or @p buf NULL with a non-zero @p size.
 * @retval AP_ERR_BUFFER_TOO_SMALL the text does not fit; @p needed is still set.
 */
ap_status_t ap_attrs_describe(ap_regime_kind_t kind, ap_attrs_t flags, char *buf, size_t size,
			      size_t *needed);

/* ------------------------------------------------------------------------ */
/** @name MAIR helpers
 * @{ */
typedef uint8_t ap_mair_attr_t;  /**< One MAIR attribute field. */
#define AP_MAIR_DEVICE_NGNRNE ((ap_mair_attr_t)0x00) /**< Device-nGnRnE. */
#define AP_MAIR_DEVICE_NGNRE ((ap_mair_attr_t)0x04)  /**< Device-nGnRE. */
#define AP_MAIR_DEVICE_NGRE ((ap_mair_attr_t)0x08)   /**< Device-nGRE. */
#define AP_MAIR_DEVICE_GRE ((ap_mair_attr_t)0x0c)    /**< Device-GRE. */
/** @} */

/** Inner or outer cacheability of normal memory (a 4-bit MAIR field). */
typedef enum ap_normal_memory {
	AP_NORMAL_WRITE_THROUGH_TRANSIENT_WRITE_ALLOCATE = 0x1,      /**< Write-through transient, write-allocate. */
	AP_NORMAL_WRITE_THROUGH_TRANSIENT_READ_ALLOCATE = 0x2,       /**< Write-through transient, read-allocate. */
	AP_NORMAL_WRITE_THROUGH_TRANSIENT_READ_WRITE_ALLOCATE = 0x3, /**< Write-through transient, read-write-allocate. */
	AP_NORMAL_NON_CACHEABLE = 0x4,                               /**< Non-cacheable. */
	AP_NORMAL_WRITE_BACK_TRANSIENT_WRITE_ALLOCATE = 0x5,         /**< Write-back transient, write-allocate. */
	AP_NORMAL_WRITE_BACK_TRANSIENT_READ_ALLOCATE = 0x6,          /**< Write-back transient, read-allocate. */
	AP_NORMAL_WRITE_BACK_TRANSIENT_READ_WRITE_ALLOCATE = 0x7,    /**< Write-back transient, read-write-allocate. */
	AP_NORMAL_WRITE_THROUGH_NON_TRANSIENT = 0x8,                 /**< Write-through non-transient, no allocate. */
	AP_NORMAL_WRITE_THROUGH_NON_TRANSIENT_WRITE_ALLOCATE = 0x9,  /**< Write-through non-transient, write-allocate. */
	AP_NORMAL_WRITE_THROUGH_NON_TRANSIENT_READ_ALLOCATE = 0xa,   /**< Write-through non-transient, read-allocate. */
	AP_NORMAL_WRITE_THROUGH_NON_TRANSIENT_READ_WRITE_ALLOCATE = 0xb, /**< Write-through non-transient, read-write-allocate. */
	AP_NORMAL_WRITE_BACK_NON_TRANSIENT = 0xc,                    /**< Write-back non-transient, no allocate. */
	AP_NORMAL_WRITE_BACK_NON_TRANSIENT_WRITE_ALLOCATE = 0xd,     /**< Write-back non-transient, write-allocate. */
	AP_NORMAL_WRITE_BACK_NON_TRANSIENT_READ_ALLOCATE = 0xe,      /**< Write-back non-transient, read-allocate. */
	AP_NORMAL_WRITE_BACK_NON_TRANSIENT_READ_WRITE_ALLOCATE = 0xf /**< Write-back non-transient, read-write-allocate. */
} ap_normal_memory_t;

/**
 * @brief The MAIR attribute for normal memory with @p inner and @p outer cacheability.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT @p out is NULL, or @p inner / @p outer is not an ::ap_normal_memory_t value.
 */
ap_status_t ap_mair_normal(ap_normal_memory_t inner, ap_normal_memory_t outer, ap_mair_attr_t *out);

/**
 * @brief Packs 8 attributes (index 0 in bits 7:0) into a MAIR value.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT a NULL argument.
 */
ap_status_t ap_mair_from_attributes(const ap_mair_attr_t attributes[8], ap_mair_t *out);

/**
 * @brief Returns @p mair with the attribute at @p index replaced by @p attribute.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT @p out is NULL or @p index is above 7.
 */
ap_status_t ap_mair_with_attribute(ap_mair_t mair, unsigned index, ap_mair_attr_t attribute,
				   ap_mair_t *out);

/**
 * @brief Splits a MAIR value into its 8 attributes.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT @p attributes is NULL.
 */
ap_status_t ap_mair_attributes(ap_mair_t mair, ap_mair_attr_t attributes[8]);

/**
 * @brief Describes one attribute: "Device-nGnRE", "Normal, Inner <type>,
 *        Outer <type>", or "Unpredictable (0x..)".
 * @param attribute one MAIR attribute field.
 * @param size bytes available at @p buf.
 * @param buf may be NULL when @p size is 0.
 * @param[out] needed optional: the text length without the NUL.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT @p buf NULL with a non-zero @p size.
 * @retval AP_ERR_BUFFER_TOO_SMALL the text does not fit; @p needed is still set.
 */
ap_status_t ap_mair_attribute_describe(ap_mair_attr_t attribute, char *buf, size_t size,
				       size_t *needed);

/**
 * @brief Describes a MAIR value as "{0: <attr>; 1: <attr>; ...; 7: <attr>}".
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT @p buf NULL with a non-zero @p size.
 * @retval AP_ERR_BUFFER_TOO_SMALL the text does not fit; @p needed is still set.
 */
ap_status_t ap_mair_describe(ap_mair_t mair, char *buf, size_t size, size_t *needed);

/* ------------------------------------------------------------------------ */
/**
 * @brief Text sink for ap_mapping_dump(): write @p length bytes of @p text
 *        (not NUL-terminated); return 0 on success.
 */
typedef int (*ap_write_fn)(void *ctx, const char *text, size_t length);

/**
 * @brief Writes a readable dump of the table hierarchy.
 *
 * The first line names the root's physical address, the regime, the VA range
 * and the root level; then one line per run of entries: "<index>" or
 * "<first>-<last>", then "0" for empty entries or the descriptor bits with
 * the output address and the named flags. Runs group equal entries and
 * entries whose value grows by the level's block size. Subtables follow their
 * table descriptor, indented by two spaces.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT NULL @p mapping or @p write.
 * @retval AP_ERR_WRITE_FAILED @p write returned non-zero; the dump stopped.
 * @retval AP_ERR_BAD_TABLE_ADDRESS a table's address does not translate back.
 * @retval AP_ERR_MALFORMED_TABLE an adopted hierarchy reaches a table twice; the dump stopped there.
 * @retval AP_ERR_NO_MEMORY no memory to check an adopted hierarchy for tables met twice.
 */
ap_status_t ap_mapping_dump(const ap_mapping_t *mapping, ap_write_fn write, void *ctx);

/** The layouts of ap_mapping_dump_as(). */
typedef enum ap_dump_format {
	AP_DUMP_REFERENCE = 0, /**< The layout of ap_mapping_dump(), after the reference's Debug output. */
	AP_DUMP_RANGES = 1,    /**< Tables and runs with their input ranges and attributes by field. */
	AP_DUMP_JSON = 2,      /**< The same as ::AP_DUMP_RANGES, as one JSON object. */
	AP_DUMP_SVG = 3        /**< The input address space as an SVG picture. */
} ap_dump_format_t;

/**
 * @brief Writes the table hierarchy of @p mapping through @p write in
 *        @p format.
 *
 * ::AP_DUMP_RANGES: for each table a line "table 0x<pa>, level <n>", then
 * one line per run of its entries, indented by two spaces per level below
 * the root: "[<first>-<last>] 0x<start>..0x<last> " (16 hexadecimal
 * digits each) followed by "invalid", "reserved encoding (faults)",
 * "table 0x<pa>" (its own lines follow), or "-> 0x<pa> page|block" and the
 * attributes by field as ap_attrs_describe() gives them. A run is one table
 * entry, a series of entries that are all zero, or leaves whose output
 * address grows by the level's block size with equal attributes. The input
 * range ends inclusively, so the top of the space prints as 0x...ffff.
 *
 * ::AP_DUMP_JSON: {"regime": "...", "root_level": n, "root": TABLE} where
 * TABLE is {"pa": "0x...", "level": n, "entries": [RUN, ...]} and RUN has
 * "first", "last", "va", "size", "kind" ("invalid", "leaf" or "table"),
 * "descriptor", and for leaves "pa" and "attributes", for tables "pa" and
 * "table". Numbers that can exceed 2^53 are strings in hexadecimal.
 *
 * ::AP_DUMP_SVG: a standalone SVG 1.1 document (XML declaration first) picturing
 * the input address space top down. Each region (leaves of one level with
 * equal attributes and contiguous output addresses, merged across tables)
 * is a band whose height grows with the logarithm of its size, labelled
 * with its first and last input address, its output address, its size and
 * its count of blocks or pages; unmapped space is drawn as a break of fixed
 * height. Bands are coloured by memory type, normal or device: at stage 2
 * from MemAttr, at stage 1 from the attribute index and the mapping
 * option @c mair; a stage 1 mapping without one is coloured by index
 * ("attr index N"). Read-only is hatched, execute-never a red
 * stripe on the right (pale for PXN or UXN alone), EL0 access a blue stripe
 * on the left; pages have a dashed edge, blocks a solid one. Each region's
 * ap_attrs_describe() text is its title (tooltip). The header and footer
 * give the number of tables used. Each region is an SVG group (g element)
 * of class "region" with data-first, data-last, data-output, data-kind
 * ("blocks" or "pages") and, where the type is known, data-memory ("normal"
 * or "device") attributes, each break a group of class "gap" with
 * data-first and data-last.
 * The mapping is walked twice, the first time to measure the picture: a
 * hierarchy that cannot be walked (an error other than
 * ::AP_ERR_WRITE_FAILED) gets nothing written.
 *
 * In mappings from ap_mapping_open(), a table reached a second time is not
 * printed again: its run says "(shared: printed above)", and in JSON it
 * has "shared": true instead of "table". A hierarchy that reaches more
 * tables than it has is thus dumped in finite time.
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT NULL @p mapping or @p write, or an unknown @p format.
 * @retval AP_ERR_WRITE_FAILED @p write returned non-zero; the dump stopped.
 * @retval AP_ERR_BAD_TABLE_ADDRESS a table's address does not translate back.
 * @retval AP_ERR_MALFORMED_TABLE ::AP_DUMP_REFERENCE or ::AP_DUMP_SVG only: an adopted hierarchy
 *         reaches a table twice.
 * @retval AP_ERR_NO_MEMORY no memory to track the tables of an adopted hierarchy.
 */
ap_status_t ap_mapping_dump_as(const ap_mapping_t *mapping, ap_dump_format_t format,
			       ap_write_fn write, void *ctx);

#ifdef AP_HAVE_STDIO
/**
 * @brief ap_mapping_dump() to a stdio stream (hosted builds only).
 * @retval AP_OK success.
 * @retval AP_ERR_INVALID_ARGUMENT NULL argument.
 * @retval AP_ERR_WRITE_FAILED the stream reported an error.
 * @retval AP_ERR_BAD_TABLE_ADDRESS a table's address does not translate back.
 * @retval AP_ERR_UNSUPPORTED a freestanding build, which has no stdio (the
 *         symbol exists there so that every build exports the same ABI).
 */
ap_status_t ap_mapping_dump_file(const ap_mapping_t *mapping, FILE *stream);
#endif

#ifdef __cplusplus
}
#endif

#endif /* AARCH64_PAGING_H */
