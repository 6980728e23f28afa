// SPDX-License-Identifier: MIT OR Apache-2.0
//! Caller-supplied memory for tables: a Rust trait the C core calls back.
use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::ffi;

/// Where table pages come from and how their physical addresses relate to
/// the pointers the library uses, e.g. guest memory seen by a VMM.
pub trait Translation {
    /// A zeroed, 4 KiB-aligned 4 KiB page and its physical address, or
    /// `None` when out of memory.
    fn allocate_table(&mut self) -> Option<(*mut u8, u64)>;
    /// Gives back a page from `allocate_table`.
    fn free_table(&mut self, table: *mut u8, pa: u64);
    /// The pointer through which the table at `pa` is reached, or null.
    fn physical_to_virtual(&mut self, pa: u64) -> *mut u8;
}

pub(crate) type TranslationBox = Box<dyn Translation>;

fn with<R>(ctx: *mut c_void, default: R, f: impl FnOnce(&mut dyn Translation) -> R) -> R {
    let t = unsafe { &mut *(ctx as *mut TranslationBox) };
    // A panic must not unwind into C: it becomes "out of memory" / "no table".
    catch_unwind(AssertUnwindSafe(|| f(t.as_mut()))).unwrap_or(default)
}

unsafe extern "C" fn allocate(ctx: *mut c_void, pa: *mut u64) -> *mut c_void {
    match with(ctx, None, |t| t.allocate_table()) {
        Some((table, address)) => {
            *pa = address;
            table.cast()
        }
        None => std::ptr::null_mut(),
    }
}

unsafe extern "C" fn free(ctx: *mut c_void, table: *mut c_void, pa: u64) {
    with(ctx, (), |t| t.free_table(table.cast(), pa));
}

unsafe extern "C" fn to_virtual(ctx: *mut c_void, pa: u64) -> *mut c_void {
    with(ctx, std::ptr::null_mut(), |t| t.physical_to_virtual(pa)).cast()
}

pub(crate) fn ops() -> ffi::ap_translation_ops_t {
    ffi::ap_translation_ops_t {
        size: std::mem::size_of::<ffi::ap_translation_ops_t>(),
        allocate_table: Some(allocate),
        free_table: Some(free),
        physical_to_virtual: Some(to_virtual),
    }
}
