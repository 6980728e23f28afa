// SPDX-License-Identifier: MIT OR Apache-2.0
//! Rust binding of libaarch64paging, the C library that builds, edits, walks
//! and activates AArch64 translation tables.
//!
//! Everything here wraps the C ABI of `<aarch64_paging.h>` and adds no
//! logic of its own: statuses become [`Error`]s, handles get `Drop`,
//! callbacks are closures and traits.
//!
//! Attributes are typed per descriptor format ([`El1Attributes`],
//! [`El23Attributes`], [`Stage2Attributes`]), addresses are
//! [`VirtualAddress`] and [`PhysicalAddress`], so that neither the flags of
//! another format nor an address of the other kind can be passed by
//! mistake.
//!
//! ```
//! use aarch64_paging_c::{El1Attributes as A, Constraints, Mapping, MappingOptions, Region, PhysicalAddress, VirtualAddress};
//!
//! let mut map = Mapping::identity(&MappingOptions { root_level: 1, asid: 1, ..Default::default() })?;
//! let ram = Region::from_range(0x8020_0000, 0x8040_0000)?;
//! let normal = A::ATTRIBUTE_INDEX_1 | A::INNER_SHAREABLE | A::VALID | A::ACCESSED;
//! map.map_auto(&ram, normal | A::NON_GLOBAL, Constraints::empty())?;
//! let walk = map.translate(VirtualAddress(0x8021_2345))?;
//! assert_eq!((walk.output_address, walk.level), (PhysicalAddress(0x8021_2345), 2));
//! assert!(walk.attributes.contains(A::NON_GLOBAL));
//! # Ok::<(), aarch64_paging_c::Error>(())
//! ```

// Every unsafe block and impl says why it holds, as in google/aarch64-paging;
// inside unsafe functions too.
#![deny(clippy::undocumented_unsafe_blocks)]
#![deny(unsafe_op_in_unsafe_fn)]
// Every public item is documented, and every link in the documentation
// resolves (tests/test_rust_binding.sh runs cargo doc with -D warnings).
#![deny(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

mod address;
pub mod attrs;
mod error;
pub mod ffi;
pub mod mair;
mod mapping;
pub mod pte;
mod regime;
mod region;
mod text;
mod translation;

pub use error::{CallbackError, Error, ErrorKind, Result};
pub use address::{PhysicalAddress, VirtualAddress};
pub use attrs::{Attributes, El1Attributes, El23Attributes, Stage2Attributes};
pub use mapping::{
    Constraints, Descriptor, DumpFormat, Entry, Granule, Mapping, MappingOptions, TranslateResult, TranslationControl, VaRange,
};
pub use regime::{Invalidation, InvalidationKind, Regime, RegimeHooks, RegimeKind};
pub use region::Region;
pub use translation::Translation;

// The Rust blocks of README.md are doc tests, so that it stays true to the
// code.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// The library's version as `major << 16 | minor << 8 | patch`.
pub fn version() -> u32 {
    // SAFETY: takes no arguments and reads no state that can change.
    unsafe { ffi::ap_version() }
}

/// The library's version as text, e.g. "0.1.0".
pub fn version_string() -> String {
    // SAFETY: ap_version_string returns a static NUL-terminated string.
    unsafe { text::from_c(ffi::ap_version_string()) }
}

/// The names of the bits of `flags` in the descriptor format of `kind`
/// (`ap_attrs_describe`); the `Debug` output of the attribute types.
/// Takes raw bits, so that any descriptor can be described.
pub fn describe_flags(kind: RegimeKind, flags: u64) -> Result<String> {
    // SAFETY: text::format passes a null buf with size 0, or a buffer of size bytes, and a valid needed.
    text::format(|buf, size, needed| unsafe { ffi::ap_attrs_describe(kind as i32, flags, buf, size, needed) })
}

/// Whether an entry at `level` (0 to 3) of a live table may change from
/// `old` to `new` in one store, without break-before-make, in the
/// descriptor format of `kind` (`ap_bbm_safe`). Invalidating a valid entry
/// or filling an invalid one always is; between two valid values the
/// output address must stay, a block must not become a table or back, and
/// only the attributes the format lets change may change. `Err` with
/// [`ErrorKind::InvalidArgument`] for a level above 3.
pub fn bbm_safe(kind: RegimeKind, level: u32, old: u64, new: u64) -> Result<bool> {
    let mut safe = false;
    // SAFETY: safe is a local the call writes to; the rest are integers.
    error::check(unsafe { ffi::ap_bbm_safe(kind as i32, level, old, new, &mut safe) })?;
    Ok(safe)
}
