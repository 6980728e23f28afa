// SPDX-License-Identifier: MIT OR Apache-2.0
//! Statuses as Rust errors.
use std::fmt;
use std::sync::Arc;

use crate::ffi;
use crate::region::Region;

/// Every status of the C library except `AP_OK`, with its C value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// An address lies outside the range the table covers.
    AddressRange,
    /// The address has no output address in this translation.
    InvalidVirtualAddress,
    /// The region wraps past 2^64.
    RegionBackwards,
    /// A modify callback reported an error (a walk callback's error is
    /// [`Stopped`](ErrorKind::Stopped)).
    PteUpdateFault,
    /// The attribute flags are not allowed here.
    InvalidFlags,
    /// The change would violate break-before-make on a live table.
    BreakBeforeMake,
    /// A table could not be allocated; nothing changed.
    NoMemory,
    /// A bad argument (NULL, level, size field, alignment, ...).
    InvalidArgument,
    /// The object is active or in use.
    StillActive,
    /// The mapping is not active.
    NotActive,
    /// The regime or translation does not support this.
    Unsupported,
    /// A table's physical address does not translate back.
    BadTableAddress,
    /// The walk ends at an invalid descriptor.
    NotMapped,
    /// An output buffer is too small.
    BufferTooSmall,
    /// A writer reported an error.
    WriteFailed,
    /// A walk callback reported an error, which stopped the walk.
    Stopped,
    /// A table is reached twice in one walk (a loop or a shared subtable);
    /// the detail's `address` is the table's physical address.
    MalformedTable,
    /// The mapping was opened read-only and cannot be edited.
    ReadOnly,
    /// A status this binding does not know (a newer library).
    Other(i32),
}

// In the order of the C values: KINDS[n - 1] is status n.
const KINDS: [ErrorKind; 18] = [
    ErrorKind::AddressRange,
    ErrorKind::InvalidVirtualAddress,
    ErrorKind::RegionBackwards,
    ErrorKind::PteUpdateFault,
    ErrorKind::InvalidFlags,
    ErrorKind::BreakBeforeMake,
    ErrorKind::NoMemory,
    ErrorKind::InvalidArgument,
    ErrorKind::StillActive,
    ErrorKind::NotActive,
    ErrorKind::Unsupported,
    ErrorKind::BadTableAddress,
    ErrorKind::NotMapped,
    ErrorKind::BufferTooSmall,
    ErrorKind::WriteFailed,
    ErrorKind::Stopped,
    ErrorKind::MalformedTable,
    ErrorKind::ReadOnly,
];

impl ErrorKind {
    /// The kind of a non-zero C status.
    pub fn from_status(status: i32) -> ErrorKind {
        match usize::try_from(status) {
            Ok(n) if (1..=KINDS.len()).contains(&n) => KINDS[n - 1],
            _ => ErrorKind::Other(status),
        }
    }

    /// The C status value (`AP_ERR_*`).
    pub fn status(self) -> i32 {
        match self {
            ErrorKind::Other(status) => status,
            kind => KINDS.iter().position(|k| *k == kind).map_or(0, |i| i as i32 + 1),
        }
    }

    /// The library's name for the status (`ap_strerror`).
    pub fn name(self) -> String {
        // SAFETY: ap_strerror returns a static NUL-terminated string for every status.
        unsafe { crate::text::from_c(ffi::ap_strerror(self.status())) }
    }
}

/// The error a modify or walk callback returns: any error type converts
/// into it with `?` or `.into()`, and it comes back to the caller as the
/// [`source`](std::error::Error::source) of the call's [`Error`].
pub type CallbackError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A failed call: its kind and the detail the library gave, like
/// `std::io::Error`: ask [`kind`](Error::kind) what went wrong, and the
/// getters for the detail that belongs to that kind.
#[derive(Clone, Debug)]
pub struct Error {
    kind: ErrorKind,
    address: u64,
    region: Region,
    descriptor: u64,
    flags: u64,
    callback: Option<Arc<dyn std::error::Error + Send + Sync + 'static>>,
}

impl PartialEq for Error {
    /// Equal kind and detail, and the same callback error (by identity).
    fn eq(&self, other: &Error) -> bool {
        let same_callback = match (&self.callback, &other.callback) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        self.kind == other.kind
            && self.address == other.address
            && self.region == other.region
            && self.descriptor == other.descriptor
            && self.flags == other.flags
            && same_callback
    }
}

impl Eq for Error {}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Error {
        Error { kind, address: 0, region: Region::default(), descriptor: 0, flags: 0, callback: None }
    }

    pub(crate) fn with_detail(status: i32, detail: &ffi::ap_error_t) -> Error {
        Error {
            kind: ErrorKind::from_status(status),
            address: detail.address,
            region: Region::from_raw(&detail.region),
            descriptor: detail.descriptor,
            flags: detail.flags,
            callback: None,
        }
    }

    pub(crate) fn with_callback(mut self, callback: Option<CallbackError>) -> Error {
        self.callback = callback.map(Arc::from);
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The address (address-range, invalid-address errors), or a table's
    /// physical address (bad-table-address, malformed-table errors); 0 for
    /// other kinds.
    pub fn address(&self) -> u64 {
        self.address
    }

    /// The region (region-backwards and break-before-make errors).
    pub fn region(&self) -> Region {
        self.region
    }

    /// The descriptor bits a callback was given (PTE-update-fault and
    /// stopped errors).
    pub fn descriptor(&self) -> u64 {
        self.descriptor
    }

    /// The flags (invalid-flags errors).
    pub fn flags(&self) -> u64 {
        self.flags
    }
}

impl Error {
    /// The library's one-line message for this error with its detail
    /// (`ap_error_describe`), e.g. "Virtual address 0x0000008000001000 out
    /// of range". [`Display`](fmt::Display) gives the status's name and the
    /// detail in a shorter form.
    pub fn message(&self) -> String {
        let raw = ffi::ap_error_t {
            size: std::mem::size_of::<ffi::ap_error_t>(),
            status: self.kind.status(),
            address: self.address,
            region: self.region.raw(),
            descriptor: self.descriptor,
            flags: self.flags,
        };
        // SAFETY: raw is a local with its size set; text::format passes a
        // null buf with size 0, or a buffer of size bytes, and a valid needed.
        crate::text::format(|buf, size, needed| unsafe { ffi::ap_error_describe(&raw, buf, size, needed) })
            // The call fails only on bad arguments, which raw rules out;
            // the shorter Display text is the fallback all the same.
            .unwrap_or_else(|_| self.to_string())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind.name())?;
        match self.kind {
            ErrorKind::AddressRange
            | ErrorKind::InvalidVirtualAddress
            | ErrorKind::BadTableAddress
            | ErrorKind::MalformedTable => {
                write!(f, " (address {:#x})", self.address)
            }
            ErrorKind::RegionBackwards | ErrorKind::BreakBeforeMake => {
                write!(f, " (region {:#x}+{:#x})", self.region.start, self.region.size)
            }
            ErrorKind::PteUpdateFault | ErrorKind::Stopped => write!(f, " (descriptor {:#x})", self.descriptor),
            ErrorKind::InvalidFlags => write!(f, " (flags {:#x})", self.flags),
            _ => Ok(()),
        }
    }
}

/// An error of `kind` with no detail, as `std::io::Error::from(kind)`.
impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error::new(kind)
    }
}

impl std::error::Error for Error {
    /// The error a modify or walk callback returned, when one stopped the call.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.callback.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// The binding's result type.
pub type Result<T> = std::result::Result<T, Error>;

/// `Ok` for `AP_OK`, the error otherwise (no detail).
pub(crate) fn check(status: i32) -> Result<()> {
    if status == 0 {
        Ok(())
    } else {
        Err(Error::new(ErrorKind::from_status(status)))
    }
}

/// A zeroed error-detail struct for a call to fill.
pub(crate) fn detail() -> ffi::ap_error_t {
    ffi::ap_error_t { size: std::mem::size_of::<ffi::ap_error_t>(), ..Default::default() }
}

/// `Ok` for `AP_OK`, the error with the call's detail otherwise.
pub(crate) fn check_detail(status: i32, detail: &ffi::ap_error_t) -> Result<()> {
    if status == 0 {
        Ok(())
    } else {
        Err(Error::with_detail(status, detail))
    }
}
