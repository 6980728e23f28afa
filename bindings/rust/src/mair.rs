// SPDX-License-Identifier: MIT OR Apache-2.0
//! MAIR values and attribute names.
use crate::error::{check, Result};
use crate::ffi;

/// Device-nGnRnE.
pub const DEVICE_NGNRNE: u8 = 0x00;
/// Device-nGnRE.
pub const DEVICE_NGNRE: u8 = 0x04;
/// Device-nGRE.
pub const DEVICE_NGRE: u8 = 0x08;
/// Device-GRE.
pub const DEVICE_GRE: u8 = 0x0c;

/// Cacheability of normal memory (`ap_normal_memory_t`), by its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NormalMemory {
    /// Write-through, transient, write-allocate.
    WriteThroughTransientWriteAllocate = 0x1,
    /// Write-through, transient, read-allocate.
    WriteThroughTransientReadAllocate = 0x2,
    /// Write-through, transient, read- and write-allocate.
    WriteThroughTransientReadWriteAllocate = 0x3,
    /// Non-cacheable.
    NonCacheable = 0x4,
    /// Write-back, transient, write-allocate.
    WriteBackTransientWriteAllocate = 0x5,
    /// Write-back, transient, read-allocate.
    WriteBackTransientReadAllocate = 0x6,
    /// Write-back, transient, read- and write-allocate.
    WriteBackTransientReadWriteAllocate = 0x7,
    /// Write-through, non-transient, no allocation.
    WriteThroughNonTransient = 0x8,
    /// Write-through, non-transient, write-allocate.
    WriteThroughNonTransientWriteAllocate = 0x9,
    /// Write-through, non-transient, read-allocate.
    WriteThroughNonTransientReadAllocate = 0xa,
    /// Write-through, non-transient, read- and write-allocate.
    WriteThroughNonTransientReadWriteAllocate = 0xb,
    /// Write-back, non-transient, no allocation.
    WriteBackNonTransient = 0xc,
    /// Write-back, non-transient, write-allocate.
    WriteBackNonTransientWriteAllocate = 0xd,
    /// Write-back, non-transient, read-allocate.
    WriteBackNonTransientReadAllocate = 0xe,
    /// Write-back, non-transient, read- and write-allocate (the usual choice for RAM).
    WriteBackNonTransientReadWriteAllocate = 0xf,
}

/// The attribute for normal memory with the given inner and outer policies.
pub fn normal(inner: NormalMemory, outer: NormalMemory) -> Result<u8> {
    let mut out = 0;
    // SAFETY: out is a local the call writes one byte to.
    check(unsafe { ffi::ap_mair_normal(inner as i32, outer as i32, &mut out) })?;
    Ok(out)
}

/// A MAIR value from its eight attributes.
pub fn from_attributes(attributes: [u8; 8]) -> Result<u64> {
    let mut out = 0;
    // SAFETY: attributes is an array of the 8 bytes the call reads; out is a local.
    check(unsafe { ffi::ap_mair_from_attributes(attributes.as_ptr(), &mut out) })?;
    Ok(out)
}

/// `mair` with attribute `index` replaced.
pub fn with_attribute(mair: u64, index: u32, attribute: u8) -> Result<u64> {
    let mut out = 0;
    // SAFETY: out is a local the call writes.
    check(unsafe { ffi::ap_mair_with_attribute(mair, index, attribute, &mut out) })?;
    Ok(out)
}

/// The eight attributes of `mair`.
pub fn attributes(mair: u64) -> Result<[u8; 8]> {
    let mut out = [0u8; 8];
    // SAFETY: out is an array of the 8 bytes the call writes.
    check(unsafe { ffi::ap_mair_attributes(mair, out.as_mut_ptr()) })?;
    Ok(out)
}

/// The library's description of one attribute.
pub fn describe_attribute(attribute: u8) -> Result<String> {
    // SAFETY: text::format passes a null buf with size 0, or a buffer of size bytes, and a valid needed.
    crate::text::format(|buf, size, needed| unsafe {
        ffi::ap_mair_attribute_describe(attribute, buf, size, needed)
    })
}

/// The library's description of a whole MAIR value.
pub fn describe(mair: u64) -> Result<String> {
    // SAFETY: text::format passes a null buf with size 0, or a buffer of size bytes, and a valid needed.
    crate::text::format(|buf, size, needed| unsafe { ffi::ap_mair_describe(mair, buf, size, needed) })
}
