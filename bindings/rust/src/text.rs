// SPDX-License-Identifier: MIT OR Apache-2.0
//! Text coming out of the C library.
use std::ffi::{c_char, CStr};

use crate::error::{check, Result};
use crate::ffi;

/// Copies a NUL-terminated C string (NULL gives "").
///
/// # Safety
///
/// `text` is null or points to a NUL-terminated string that stays valid and
/// unchanged during the call (the library's strings are static).
pub(crate) unsafe fn from_c(text: *const c_char) -> String {
    if text.is_null() {
        return String::new();
    }
    // SAFETY: non-null, and NUL-terminated by this function's contract.
    unsafe { CStr::from_ptr(text) }.to_string_lossy().into_owned()
}

/// Runs a `(buf, size, needed)` formatter twice: once for the length, once
/// into a buffer of that length.
pub(crate) fn format(
    f: impl Fn(*mut c_char, usize, *mut usize) -> ffi::ap_status_t,
) -> Result<String> {
    let mut needed = 0usize;
    let status = f(std::ptr::null_mut(), 0, &mut needed);
    if status != 0 && status != crate::ErrorKind::BufferTooSmall.status() {
        check(status)?;
    }
    let mut buf = vec![0u8; needed + 1];
    check(f(buf.as_mut_ptr().cast(), buf.len(), &mut needed))?;
    buf.truncate(needed);
    Ok(String::from_utf8_lossy(&buf).into_owned())
}
