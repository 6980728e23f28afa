// SPDX-License-Identifier: MIT OR Apache-2.0
//! The C ABI of `<aarch64_paging.h>`, declared by hand (no bindgen).
#![allow(non_camel_case_types, missing_docs)]

use std::ffi::{c_char, c_int, c_uint, c_void};

pub type ap_status_t = c_int;
pub type ap_regime_kind_t = c_int;
pub type ap_va_range_t = c_int;
pub type ap_invalidation_kind_t = c_int;
pub type ap_normal_memory_t = c_int;
pub type ap_open_flags_t = u32;
pub type ap_dump_format_t = c_int;
pub type ap_granule_t = c_int;

pub const AP_OPEN_READ_ONLY: ap_open_flags_t = 0;
pub const AP_OPEN_EDITABLE: ap_open_flags_t = 1;
pub const AP_DUMP_REFERENCE: ap_dump_format_t = 0;
pub const AP_DUMP_RANGES: ap_dump_format_t = 1;
pub const AP_DUMP_JSON: ap_dump_format_t = 2;
pub const AP_DUMP_SVG: ap_dump_format_t = 3;
pub const AP_GRANULE_4K: ap_granule_t = 0;
pub const AP_GRANULE_16K: ap_granule_t = 1;
pub const AP_GRANULE_64K: ap_granule_t = 2;

#[repr(C)]
pub struct ap_mapping_t {
    _opaque: [u8; 0],
}
#[repr(C)]
pub struct ap_regime_t {
    _opaque: [u8; 0],
}
#[repr(C)]
pub struct ap_descriptor_t {
    _opaque: [u8; 0],
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ap_region_t {
    pub start: u64,
    pub size: u64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct ap_error_t {
    pub size: usize,
    pub status: ap_status_t,
    pub address: u64,
    pub region: ap_region_t,
    pub descriptor: u64,
    pub flags: u64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ap_invalidation_t {
    pub size: usize,
    pub va: u64,
    pub level: c_uint,
    pub kind: ap_invalidation_kind_t,
    pub asid: u16,
    pub va_range: ap_va_range_t,
    pub range_start: u64,
    pub range_size: u64,
    pub granule: ap_granule_t,
}

#[repr(C)]
pub struct ap_regime_hooks_t {
    pub size: usize,
    pub invalidate: Option<unsafe extern "C" fn(*mut c_void, *const ap_invalidation_t)>,
    pub barrier: Option<unsafe extern "C" fn(*mut c_void)>,
    pub activate: Option<unsafe extern "C" fn(*mut c_void, u64, u16, ap_va_range_t) -> u64>,
    pub deactivate: Option<unsafe extern "C" fn(*mut c_void, u64, u16, ap_va_range_t)>,
}

#[repr(C)]
pub struct ap_translation_ops_t {
    pub size: usize,
    pub allocate_table: Option<unsafe extern "C" fn(*mut c_void, *mut u64) -> *mut c_void>,
    pub free_table: Option<unsafe extern "C" fn(*mut c_void, *mut c_void, u64)>,
    pub physical_to_virtual: Option<unsafe extern "C" fn(*mut c_void, u64) -> *mut c_void>,
    pub allocate_tables: Option<unsafe extern "C" fn(*mut c_void, usize, *mut u64) -> *mut c_void>,
    pub free_tables: Option<unsafe extern "C" fn(*mut c_void, *mut c_void, u64, usize)>,
}

#[repr(C)]
pub struct ap_mapping_options_t {
    pub size: usize,
    pub regime: *const ap_regime_t,
    pub root_level: c_uint,
    pub asid: u16,
    pub va_range: ap_va_range_t,
    pub reserved: u64,
    pub granule: ap_granule_t,
    pub input_bits: c_uint,
    pub max_root_tables: c_uint,
    pub mair: u64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct ap_translate_result_t {
    pub size: usize,
    pub output_address: u64,
    pub attributes: u64,
    pub table_attributes: u64,
    pub descriptor: u64,
    pub level: c_uint,
    pub block_size: u64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct ap_translation_control_t {
    pub size: usize,
    pub tcr: u64,
    pub tcr_mask: u64,
    pub ttbr: u64,
    pub input_bits: c_uint,
    pub tsz: c_uint,
    pub tg: c_uint,
    pub sl0: c_uint,
    pub granule: ap_granule_t,
    pub root_level: c_uint,
    pub root_entries: c_uint,
    pub root_tables: c_uint,
}

pub type ap_modify_fn =
    unsafe extern "C" fn(*mut c_void, *const ap_region_t, *mut ap_descriptor_t) -> c_int;
pub type ap_walk_fn = unsafe extern "C" fn(*mut c_void, *const ap_region_t, u64, c_uint) -> c_int;
pub type ap_walk_run_fn =
    unsafe extern "C" fn(*mut c_void, *const ap_region_t, *const u64, usize, c_uint) -> c_int;
pub type ap_write_fn = unsafe extern "C" fn(*mut c_void, *const c_char, usize) -> c_int;

extern "C" {
    pub fn ap_strerror(status: ap_status_t) -> *const c_char;
    pub fn ap_version() -> u32;
    pub fn ap_version_string() -> *const c_char;

    pub fn ap_error_describe(err: *const ap_error_t, buf: *mut c_char, size: usize, needed: *mut usize) -> ap_status_t;

    pub fn ap_region_from_range(start: u64, end: u64, out: *mut ap_region_t) -> ap_status_t;
    pub fn ap_region_from_size(start: u64, size: u64, out: *mut ap_region_t) -> ap_status_t;
    pub fn ap_region_format(r: *const ap_region_t, buf: *mut c_char, size: usize, needed: *mut usize) -> ap_status_t;

    pub fn ap_regime_get(kind: ap_regime_kind_t, out: *mut *const ap_regime_t) -> ap_status_t;
    pub fn ap_regime_create(kind: ap_regime_kind_t, hooks: *const ap_regime_hooks_t, ctx: *mut c_void, out: *mut *mut ap_regime_t) -> ap_status_t;
    pub fn ap_regime_destroy(regime: *mut ap_regime_t) -> ap_status_t;
    pub fn ap_regime_get_kind(regime: *const ap_regime_t, out: *mut ap_regime_kind_t) -> ap_status_t;

    pub fn ap_mapping_create(options: *const ap_mapping_options_t, ops: *const ap_translation_ops_t, ctx: *mut c_void, out: *mut *mut ap_mapping_t) -> ap_status_t;
    pub fn ap_mapping_create_identity(options: *const ap_mapping_options_t, out: *mut *mut ap_mapping_t) -> ap_status_t;
    pub fn ap_mapping_create_linear(options: *const ap_mapping_options_t, offset: i64, out: *mut *mut ap_mapping_t) -> ap_status_t;
    pub fn ap_mapping_create_target(options: *const ap_mapping_options_t, base: u64, out: *mut *mut ap_mapping_t) -> ap_status_t;
    pub fn ap_mapping_open(options: *const ap_mapping_options_t, ops: *const ap_translation_ops_t, ctx: *mut c_void, root: u64, flags: ap_open_flags_t, out: *mut *mut ap_mapping_t) -> ap_status_t;
    pub fn ap_mapping_destroy(m: *mut ap_mapping_t) -> ap_status_t;

    pub fn ap_mapping_map(m: *mut ap_mapping_t, r: *const ap_region_t, pa: u64, flags: u64, constraints: u32, err: *mut ap_error_t) -> ap_status_t;
    pub fn ap_mapping_map_auto(m: *mut ap_mapping_t, r: *const ap_region_t, flags: u64, constraints: u32, err: *mut ap_error_t) -> ap_status_t;
    pub fn ap_mapping_unmap(m: *mut ap_mapping_t, r: *const ap_region_t, err: *mut ap_error_t) -> ap_status_t;

    pub fn ap_descriptor_level(d: *const ap_descriptor_t) -> c_uint;
    pub fn ap_descriptor_bits(d: *const ap_descriptor_t) -> u64;
    pub fn ap_descriptor_output_address(d: *const ap_descriptor_t) -> u64;
    pub fn ap_descriptor_flags(d: *const ap_descriptor_t) -> u64;
    pub fn ap_descriptor_is_valid(d: *const ap_descriptor_t) -> bool;
    pub fn ap_descriptor_is_table(d: *const ap_descriptor_t) -> bool;
    pub fn ap_descriptor_updated(d: *const ap_descriptor_t) -> bool;
    pub fn ap_descriptor_set(d: *mut ap_descriptor_t, pa: u64, flags: u64) -> ap_status_t;
    pub fn ap_descriptor_modify_flags(d: *mut ap_descriptor_t, set: u64, clear: u64) -> ap_status_t;
    pub fn ap_bbm_safe(kind: ap_regime_kind_t, level: c_uint, old: u64, value: u64, safe: *mut bool) -> ap_status_t;

    pub fn ap_mapping_modify(m: *mut ap_mapping_t, r: *const ap_region_t, f: ap_modify_fn, ctx: *mut c_void, err: *mut ap_error_t) -> ap_status_t;
    pub fn ap_mapping_walk(m: *const ap_mapping_t, r: *const ap_region_t, f: ap_walk_fn, ctx: *mut c_void, err: *mut ap_error_t) -> ap_status_t;
    pub fn ap_mapping_walk_runs(m: *const ap_mapping_t, r: *const ap_region_t, f: ap_walk_run_fn, ctx: *mut c_void, err: *mut ap_error_t) -> ap_status_t;
    pub fn ap_mapping_compact(m: *mut ap_mapping_t) -> ap_status_t;
    pub fn ap_mapping_translate(m: *const ap_mapping_t, va: u64, result: *mut ap_translate_result_t) -> ap_status_t;

    pub fn ap_mapping_activate(m: *mut ap_mapping_t, previous: *mut u64) -> ap_status_t;
    pub fn ap_mapping_deactivate(m: *mut ap_mapping_t, previous: u64) -> ap_status_t;
    pub fn ap_mapping_mark_active(m: *mut ap_mapping_t) -> ap_status_t;
    pub fn ap_mapping_mark_inactive(m: *mut ap_mapping_t) -> ap_status_t;
    pub fn ap_mapping_is_active(m: *const ap_mapping_t, active: *mut bool) -> ap_status_t;
    pub fn ap_mapping_root_address(m: *const ap_mapping_t, root: *mut u64) -> ap_status_t;
    pub fn ap_mapping_ttbr(m: *const ap_mapping_t, ttbr: *mut u64) -> ap_status_t;
    pub fn ap_mapping_translation_control(m: *const ap_mapping_t, out: *mut ap_translation_control_t) -> ap_status_t;
    pub fn ap_mapping_size(m: *const ap_mapping_t, size: *mut u64) -> ap_status_t;
    pub fn ap_mapping_root_level(m: *const ap_mapping_t, level: *mut c_uint) -> ap_status_t;
    pub fn ap_mapping_asid(m: *const ap_mapping_t, asid: *mut u16) -> ap_status_t;
    pub fn ap_mapping_va_range(m: *const ap_mapping_t, range: *mut ap_va_range_t) -> ap_status_t;
    pub fn ap_mapping_regime(m: *const ap_mapping_t, regime: *mut *const ap_regime_t) -> ap_status_t;
    pub fn ap_mapping_table_count(m: *const ap_mapping_t, count: *mut usize) -> ap_status_t;
    pub fn ap_mapping_va_to_pa(m: *const ap_mapping_t, va: u64, pa: *mut u64) -> ap_status_t;
    pub fn ap_mapping_pa_to_table(m: *const ap_mapping_t, pa: u64, va: *mut u64) -> ap_status_t;
    pub fn ap_target_image_size(m: *const ap_mapping_t, bytes: *mut usize) -> ap_status_t;
    pub fn ap_target_image_write(m: *const ap_mapping_t, buf: *mut c_void, size: usize) -> ap_status_t;

    pub fn ap_pte_output_address(bits: u64, level: c_uint) -> u64;
    pub fn ap_pte_flags(bits: u64, level: c_uint) -> u64;
    pub fn ap_pte_is_valid(bits: u64) -> bool;
    pub fn ap_pte_is_table_or_page(bits: u64) -> bool;
    pub fn ap_pte_is_table(bits: u64, level: c_uint) -> bool;
    pub fn ap_attrs_describe(kind: ap_regime_kind_t, flags: u64, buf: *mut c_char, size: usize, needed: *mut usize) -> ap_status_t;

    pub fn ap_mair_normal(inner: ap_normal_memory_t, outer: ap_normal_memory_t, out: *mut u8) -> ap_status_t;
    pub fn ap_mair_from_attributes(attributes: *const u8, out: *mut u64) -> ap_status_t;
    pub fn ap_mair_with_attribute(mair: u64, index: c_uint, attribute: u8, out: *mut u64) -> ap_status_t;
    pub fn ap_mair_attributes(mair: u64, attributes: *mut u8) -> ap_status_t;
    pub fn ap_mair_attribute_describe(attribute: u8, buf: *mut c_char, size: usize, needed: *mut usize) -> ap_status_t;
    pub fn ap_mair_describe(mair: u64, buf: *mut c_char, size: usize, needed: *mut usize) -> ap_status_t;

    pub fn ap_mapping_dump(m: *const ap_mapping_t, write: ap_write_fn, ctx: *mut c_void) -> ap_status_t;
    pub fn ap_mapping_dump_as(m: *const ap_mapping_t, format: ap_dump_format_t, write: ap_write_fn, ctx: *mut c_void) -> ap_status_t;
}
