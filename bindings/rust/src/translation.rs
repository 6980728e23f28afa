// SPDX-License-Identifier: MIT OR Apache-2.0
//! Caller-supplied memory for tables: a Rust trait the C core calls back.
use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::ffi;

/// Where table pages come from and how their physical addresses relate to
/// the pointers the library uses, e.g. guest memory seen by a VMM.
///
/// The trait does not require `Send`: a translation may hold an `Rc` or raw
/// pointers. The [`Mapping`](crate::Mapping) that owns it is `Send` only
/// when the translation is.
pub trait Translation {
    /// A zeroed, 4 KiB-aligned 4 KiB page and its physical address, or
    /// `None` when out of memory.
    fn allocate_table(&mut self) -> Option<(*mut u8, u64)>;
    /// Gives back a page from `allocate_table`.
    fn free_table(&mut self, table: *mut u8, pa: u64);
    /// The pointer through which the table at `pa` is reached, or null.
    fn physical_to_virtual(&mut self, pa: u64) -> *mut u8;
}

/// Runs `f` on the translation behind `ctx`.
///
/// # Safety
///
/// `ctx` must be the context registered by
/// [`Mapping::with_translation`](crate::Mapping::with_translation) for a
/// translation of type `T`: a pointer from `Box::into_raw` of a `Box<Box<T>>`
/// that the mapping still owns, and that nothing else borrows during the call.
unsafe fn with<T: Translation + ?Sized, R>(ctx: *mut c_void, default: R, f: impl FnOnce(&mut T) -> R) -> R {
    // SAFETY: by this function's contract, ctx points to a live Box<T> owned
    // by the mapping, and the C core calls back only from inside a call on
    // that mapping, which holds no other reference to the translation.
    let t = unsafe { &mut *(ctx as *mut Box<T>) };
    // A panic must not unwind into C: it becomes "out of memory" / "no table".
    catch_unwind(AssertUnwindSafe(|| f(t.as_mut()))).unwrap_or(default)
}

unsafe extern "C" fn allocate<T: Translation + ?Sized>(ctx: *mut c_void, pa: *mut u64) -> *mut c_void {
    // SAFETY: the C core passes back the ctx that ops::<T>() was registered
    // with (see `with`).
    match unsafe { with(ctx, None, |t: &mut T| t.allocate_table()) } {
        Some((table, address)) => {
            // SAFETY: the C core passes a valid, writable pointer for the
            // table's physical address.
            unsafe { *pa = address };
            table.cast()
        }
        None => std::ptr::null_mut(),
    }
}

unsafe extern "C" fn free<T: Translation + ?Sized>(ctx: *mut c_void, table: *mut c_void, pa: u64) {
    // SAFETY: the ctx registered with ops::<T>() (see `with`).
    unsafe { with(ctx, (), |t: &mut T| t.free_table(table.cast(), pa)) };
}

unsafe extern "C" fn to_virtual<T: Translation + ?Sized>(ctx: *mut c_void, pa: u64) -> *mut c_void {
    // SAFETY: the ctx registered with ops::<T>() (see `with`).
    unsafe { with(ctx, std::ptr::null_mut(), |t: &mut T| t.physical_to_virtual(pa)) }.cast()
}

/// The callbacks for a translation of type `T`; their ctx must be a
/// `*mut Box<T>` as `with` describes.
pub(crate) fn ops<T: Translation + ?Sized>() -> ffi::ap_translation_ops_t {
    ffi::ap_translation_ops_t {
        size: std::mem::size_of::<ffi::ap_translation_ops_t>(),
        allocate_table: Some(allocate::<T>),
        free_table: Some(free::<T>),
        physical_to_virtual: Some(to_virtual::<T>),
    }
}
