// SPDX-License-Identifier: MIT OR Apache-2.0
//! Caller-supplied memory for tables: a Rust trait the C core calls back.
use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::address::PhysicalAddress;
use crate::ffi;

/// Where table pages come from and how their physical addresses relate to
/// the pointers the library uses, e.g. guest memory seen by a VMM.
///
/// The trait does not require `Send` or `Sync`: a translation may hold an
/// `Rc` or raw pointers. The [`Mapping`](crate::Mapping) that owns it is
/// `Send` only when the translation is, and `Sync` only when it is `Sync`.
///
/// The library calls `allocate_table` and `free_table` (and the larger
/// forms) only during edits, which hold the mapping exclusively
/// (`&mut Mapping`); reads such as [`translate`](crate::Mapping::translate)
/// or [`walk`](crate::Mapping::walk), which may run on several threads at
/// once, call only `physical_to_virtual`, hence its `&self`.
///
/// See `examples/custom_translation.rs` and the crate's README for a whole
/// one.
///
/// # Safety
///
/// The library reads and writes descriptors through the pointers this
/// trait returns, from safe methods such as `map`, so an implementation
/// vouches for them:
/// - `allocate_table` returns a zeroed, 4 KiB-aligned 4 KiB page (and
///   `allocate_tables` a zeroed block of `bytes`, aligned to `bytes`) that
///   nothing else uses until it is given back through `free_table` (or
///   `free_tables`), and a physical address unique to it, aligned alike;
/// - `physical_to_virtual` returns, for the physical address of a table
///   it handed out and has not taken back, that table's pointer, and null
///   for any other address (or the pointer of tables the caller adopts
///   with [`Mapping::open`](crate::Mapping::open), which must stay valid
///   and unaliased for the mapping's life).
///
/// Hence an implementation is an `unsafe impl`; a plain one does not
/// compile:
///
/// ```compile_fail,E0200
/// use aarch64_paging_c::{PhysicalAddress, Translation};
/// struct Nowhere;
/// impl Translation for Nowhere {
///     fn allocate_table(&mut self) -> Option<(*mut u8, PhysicalAddress)> { None }
///     fn free_table(&mut self, _: *mut u8, _: PhysicalAddress) {}
///     fn physical_to_virtual(&self, _: PhysicalAddress) -> *mut u8 { std::ptr::null_mut() }
/// }
/// ```
pub unsafe trait Translation {
    /// A zeroed, 4 KiB-aligned 4 KiB page and its physical address, or
    /// `None` when out of memory.
    fn allocate_table(&mut self) -> Option<(*mut u8, PhysicalAddress)>;
    /// Gives back a page from `allocate_table`.
    fn free_table(&mut self, table: *mut u8, pa: PhysicalAddress);
    /// The pointer through which the table at `pa` is reached, or null.
    /// For a block from `allocate_tables` it must return the block's start
    /// for the block's address, through which all of the block is reached.
    fn physical_to_virtual(&self, pa: PhysicalAddress) -> *mut u8;

    /// Whether this translation implements [`allocate_tables`] and
    /// [`free_tables`] (`false` by default). Mappings with tables larger
    /// than 4 KiB (16 KiB and 64 KiB granules, concatenated stage 2 roots)
    /// need them; without them the library refuses such mappings with
    /// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported). Asked once,
    /// when the mapping is made.
    ///
    /// [`allocate_tables`]: Translation::allocate_tables
    /// [`free_tables`]: Translation::free_tables
    fn provides_tables(&self) -> bool {
        false
    }
    /// `bytes` (a power of two from 8 KiB to 1 MiB) of zeroed, physically
    /// contiguous memory aligned to `bytes` both as a pointer and as a
    /// physical address, and that physical address; `None` when out of
    /// memory. Called only when [`provides_tables`](Translation::provides_tables) says so.
    fn allocate_tables(&mut self, _bytes: usize) -> Option<(*mut u8, PhysicalAddress)> {
        None
    }
    /// Gives back a block of `bytes` from `allocate_tables`.
    fn free_tables(&mut self, _tables: *mut u8, _pa: PhysicalAddress, _bytes: usize) {}
}

/// Runs `f` on the translation behind `ctx`.
///
/// # Safety
///
/// `ctx` must be the context registered by
/// [`Mapping::with_translation`](crate::Mapping::with_translation) for a
/// translation of type `T`: a pointer from `Box::into_raw` of a `Box<Box<T>>`
/// that the mapping still owns, and that nothing else borrows during the
/// call: the C core calls the allocating and freeing ops only during edits,
/// which hold the mapping (and so its translation) exclusively.
unsafe fn with<T: Translation + ?Sized, R>(ctx: *mut c_void, default: R, f: impl FnOnce(&mut T) -> R) -> R {
    // SAFETY: by this function's contract, ctx points to a live Box<T> owned
    // by the mapping, and the C core calls back only from inside an edit of
    // that mapping, which holds no other reference to the translation.
    let t = unsafe { &mut *(ctx as *mut Box<T>) };
    // A panic must not unwind into C: it becomes "out of memory" / "no table".
    catch_unwind(AssertUnwindSafe(|| f(t.as_mut()))).unwrap_or(default)
}

/// Runs `f` on a shared reference to the translation behind `ctx`.
///
/// # Safety
///
/// `ctx` is as for [`with`], except that other shared references may exist
/// (reads on other threads, [`Mapping::translation`](crate::Mapping::translation)),
/// but no exclusive one.
unsafe fn with_ref<T: Translation + ?Sized, R>(ctx: *mut c_void, default: R, f: impl FnOnce(&T) -> R) -> R {
    // SAFETY: by this function's contract ctx points to a live Box<T> that
    // no one borrows exclusively during the call.
    let t = unsafe { &*(ctx as *const Box<T>) };
    catch_unwind(AssertUnwindSafe(|| f(t.as_ref()))).unwrap_or(default)
}

unsafe extern "C" fn allocate<T: Translation + ?Sized>(ctx: *mut c_void, pa: *mut u64) -> *mut c_void {
    // SAFETY: the C core passes back the ctx that ops::<T>() was registered
    // with (see `with`).
    match unsafe { with(ctx, None, |t: &mut T| t.allocate_table()) } {
        Some((table, address)) => {
            // SAFETY: the C core passes a valid, writable pointer for the
            // table's physical address.
            unsafe { *pa = address.0 };
            table.cast()
        }
        None => std::ptr::null_mut(),
    }
}

unsafe extern "C" fn free<T: Translation + ?Sized>(ctx: *mut c_void, table: *mut c_void, pa: u64) {
    // SAFETY: the ctx registered with ops::<T>() (see `with`).
    unsafe { with(ctx, (), |t: &mut T| t.free_table(table.cast(), PhysicalAddress(pa))) };
}

unsafe extern "C" fn to_virtual<T: Translation + ?Sized>(ctx: *mut c_void, pa: u64) -> *mut c_void {
    // SAFETY: the ctx registered with ops::<T>(); the C core calls this op
    // during reads too, which share the translation (see `with_ref`).
    unsafe { with_ref(ctx, std::ptr::null_mut(), |t: &T| t.physical_to_virtual(PhysicalAddress(pa))) }.cast()
}

unsafe extern "C" fn allocate_blocks<T: Translation + ?Sized>(ctx: *mut c_void, bytes: usize, pa: *mut u64) -> *mut c_void {
    // SAFETY: the ctx registered with ops::<T>() (see `with`).
    match unsafe { with(ctx, None, |t: &mut T| t.allocate_tables(bytes)) } {
        Some((tables, address)) => {
            // SAFETY: the C core passes a valid, writable pointer for the
            // block's physical address.
            unsafe { *pa = address.0 };
            tables.cast()
        }
        None => std::ptr::null_mut(),
    }
}

unsafe extern "C" fn free_blocks<T: Translation + ?Sized>(ctx: *mut c_void, tables: *mut c_void, pa: u64, bytes: usize) {
    // SAFETY: the ctx registered with ops::<T>() (see `with`).
    unsafe { with(ctx, (), |t: &mut T| t.free_tables(tables.cast(), PhysicalAddress(pa), bytes)) };
}

/// The callbacks for a translation of type `T`; their ctx must be a
/// `*mut Box<T>` as `with` describes. `large` adds allocate_tables and
/// free_tables, which are otherwise left out (NULL), as in C.
pub(crate) fn ops<T: Translation + ?Sized>(large: bool) -> ffi::ap_translation_ops_t {
    ffi::ap_translation_ops_t {
        size: std::mem::size_of::<ffi::ap_translation_ops_t>(),
        allocate_table: Some(allocate::<T>),
        free_table: Some(free::<T>),
        physical_to_virtual: Some(to_virtual::<T>),
        allocate_tables: if large { Some(allocate_blocks::<T>) } else { None },
        free_tables: if large { Some(free_blocks::<T>) } else { None },
    }
}
