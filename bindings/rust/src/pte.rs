// SPDX-License-Identifier: MIT OR Apache-2.0
//! Decoding raw descriptor bits (`ap_pte_*`).
use crate::ffi;

/// The output address of `bits` as a descriptor at `level`.
pub fn output_address(bits: u64, level: u32) -> u64 {
    // SAFETY: a pure function of integers: no pointers, no state.
    unsafe { ffi::ap_pte_output_address(bits, level) }
}

/// The attribute bits of `bits` as a descriptor at `level`.
pub fn flags(bits: u64, level: u32) -> u64 {
    // SAFETY: a pure function of integers: no pointers, no state.
    unsafe { ffi::ap_pte_flags(bits, level) }
}

/// Whether the valid bit is set.
pub fn is_valid(bits: u64) -> bool {
    // SAFETY: a pure function of integers: no pointers, no state.
    unsafe { ffi::ap_pte_is_valid(bits) }
}

/// Whether bit 1 (table or page) is set.
pub fn is_table_or_page(bits: u64) -> bool {
    // SAFETY: a pure function of integers: no pointers, no state.
    unsafe { ffi::ap_pte_is_table_or_page(bits) }
}

/// Whether `bits` at `level` points to a next-level table.
pub fn is_table(bits: u64, level: u32) -> bool {
    // SAFETY: a pure function of integers: no pointers, no state.
    unsafe { ffi::ap_pte_is_table(bits, level) }
}
