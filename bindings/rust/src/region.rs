// SPDX-License-Identifier: MIT OR Apache-2.0
//! Input address ranges.
use std::fmt;

use crate::error::{check, Result};
use crate::ffi;

/// `size` bytes from `start`; able to reach the last page of the 64-bit space.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Region {
    /// First address.
    pub start: u64,
    /// Length in bytes.
    pub size: u64,
}

impl Region {
    /// `[start, end)` rounded out to pages; `end == 0` means 2^64.
    pub fn from_range(start: u64, end: u64) -> Result<Region> {
        let mut r = ffi::ap_region_t::default();
        // SAFETY: r is a local the call writes.
        check(unsafe { ffi::ap_region_from_range(start, end, &mut r) })?;
        Ok(Region { start: r.start, size: r.size })
    }

    /// `size` bytes from `start`, rounded out to pages.
    pub fn from_size(start: u64, size: u64) -> Result<Region> {
        let mut r = ffi::ap_region_t::default();
        // SAFETY: r is a local the call writes.
        check(unsafe { ffi::ap_region_from_size(start, size, &mut r) })?;
        Ok(Region { start: r.start, size: r.size })
    }

    pub(crate) fn raw(&self) -> ffi::ap_region_t {
        ffi::ap_region_t { start: self.start, size: self.size }
    }

    pub(crate) fn from_raw(r: &ffi::ap_region_t) -> Region {
        Region { start: r.start, size: r.size }
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
