// SPDX-License-Identifier: MIT OR Apache-2.0
//! Input address ranges.
use std::fmt;

use crate::address::VirtualAddress;
use crate::error::{check, Result};
use crate::ffi;

/// `size` bytes from `start`; able to reach the last page of the 64-bit space.
///
/// ```
/// use aarch64_paging_c::{Region, VirtualAddress};
///
/// let ram = Region::from_range(0x8020_0000, 0x8040_0000)?;
/// assert_eq!((ram.start, ram.size), (VirtualAddress(0x8020_0000), 0x20_0000));
/// // Rounded out to pages; `end` is the first address after the region.
/// let page = Region::from_size(VirtualAddress(0x1234), 1)?;
/// assert_eq!((page.start, page.end()), (VirtualAddress(0x1000), Some(VirtualAddress(0x2000))));
/// # Ok::<(), aarch64_paging_c::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Region {
    /// First address.
    pub start: VirtualAddress,
    /// Length in bytes.
    pub size: u64,
}

impl Region {
    /// `[start, end)` rounded out to pages; `end == 0` means 2^64.
    pub fn from_range(start: impl Into<VirtualAddress>, end: impl Into<VirtualAddress>) -> Result<Region> {
        let (start, end) = (start.into().0, end.into().0);
        let mut r = ffi::ap_region_t::default();
        // SAFETY: r is a local the call writes.
        check(unsafe { ffi::ap_region_from_range(start, end, &mut r) })?;
        Ok(Region::from_raw(&r))
    }

    /// `size` bytes from `start`, rounded out to pages.
    pub fn from_size(start: impl Into<VirtualAddress>, size: u64) -> Result<Region> {
        let start = start.into().0;
        let mut r = ffi::ap_region_t::default();
        // SAFETY: r is a local the call writes.
        check(unsafe { ffi::ap_region_from_size(start, size, &mut r) })?;
        Ok(Region::from_raw(&r))
    }

    /// The first address after the region; `None` when the region ends
    /// at 2^64.
    pub fn end(&self) -> Option<VirtualAddress> {
        self.start.0.checked_add(self.size).map(VirtualAddress)
    }

    pub(crate) fn raw(&self) -> ffi::ap_region_t {
        ffi::ap_region_t { start: self.start.0, size: self.size }
    }

    pub(crate) fn from_raw(r: &ffi::ap_region_t) -> Region {
        Region { start: VirtualAddress(r.start), size: r.size }
    }
}

impl fmt::Display for Region {
    /// The library's format, e.g. `0x0000000000001000..0x0000000000002000`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let raw = self.raw();
        // SAFETY: text::format passes a null buf with size 0, or a buffer of size bytes, and a valid needed. raw is a local region.
        let text = crate::text::format(|buf, size, needed| unsafe {
            ffi::ap_region_format(&raw, buf, size, needed)
        })
        .map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}
