// SPDX-License-Identifier: MIT OR Apache-2.0
//! Attribute bits of the three descriptor formats, one type per format, as
//! the header names them. (Written from `<aarch64_paging.h>`; the tests
//! compare them with the library's own names for each bit.)
//!
//! Each type is a set of bits with the operators of a bit set (`|`, `&`,
//! `^`, `!` and their assigning forms), as `Attributes` and
//! `Stage2Attributes` of the google/aarch64-paging crate. A
//! [`Mapping`](crate::Mapping) takes the type of its format, so the flags of
//! one format cannot be handed to a mapping of another:
//!
//! ```
//! use aarch64_paging_c::attrs::El1Attributes;
//!
//! let normal = El1Attributes::VALID | El1Attributes::ACCESSED | El1Attributes::ATTRIBUTE_INDEX_1;
//! assert!(normal.contains(El1Attributes::VALID | El1Attributes::ACCESSED));
//! assert!(!normal.contains(El1Attributes::READ_ONLY));
//! assert_eq!((normal & !El1Attributes::VALID).bits(), 0x404);
//! assert_eq!(format!("{normal:?}"), "El1Attributes(VALID | ATTRIBUTE_INDEX_1 | ACCESSED)");
//! ```
use std::fmt;
use std::ops::{BitAnd, BitAndAssign, BitOr, BitOrAssign, BitXor, BitXorAssign, Not};

use crate::regime::RegimeKind;

mod sealed {
    pub trait Sealed {}
}

/// What the three attribute types have in common: the bits, and the
/// regimes whose descriptor format they are. Implemented by
/// [`El1Attributes`], [`El23Attributes`] and [`Stage2Attributes`] only.
pub trait Attributes:
    sealed::Sealed
    + Copy
    + Eq
    + Default
    + fmt::Debug
    + BitOr<Output = Self>
    + BitAnd<Output = Self>
    + BitXor<Output = Self>
    + Not<Output = Self>
    + Send
    + Sync
    + 'static
{
    /// The regimes whose descriptors use this format.
    const KINDS: &'static [RegimeKind];
    /// The raw bits.
    fn bits(self) -> u64;
    /// The set of exactly these bits, named or not.
    fn from_bits_retain(bits: u64) -> Self;
}

/// The bit-set operators and methods of one attribute type, and its Debug
/// output through the library's own names (`ap_attrs_describe`).
macro_rules! attribute_type {
    ($name:ident, $describe_kind:expr, [$($kind:expr),+]) => {
        impl $name {
            /// No bits.
            pub const fn empty() -> $name {
                $name(0)
            }
            /// The raw bits.
            pub const fn bits(self) -> u64 {
                self.0
            }
            /// The set of exactly these bits, named or not.
            pub const fn from_bits_retain(bits: u64) -> $name {
                $name(bits)
            }
            /// The bits of both, as `|` but usable in a `const`.
            pub const fn union(self, other: $name) -> $name {
                $name(self.0 | other.0)
            }
            /// Whether no bit is set.
            pub const fn is_empty(self) -> bool {
                self.0 == 0
            }
            /// Whether every bit of `other` is set in `self`.
            pub const fn contains(self, other: $name) -> bool {
                self.0 & other.0 == other.0
            }
            /// Whether `self` and `other` have a bit in common.
            pub const fn intersects(self, other: $name) -> bool {
                self.0 & other.0 != 0
            }
            /// Sets the bits of `other`.
            pub fn insert(&mut self, other: $name) {
                self.0 |= other.0;
            }
            /// Clears the bits of `other`.
            pub fn remove(&mut self, other: $name) {
                self.0 &= !other.0;
            }
        }

        impl sealed::Sealed for $name {}

        impl Attributes for $name {
            const KINDS: &'static [RegimeKind] = &[$($kind),+];
            fn bits(self) -> u64 {
                self.0
            }
            fn from_bits_retain(bits: u64) -> $name {
                $name(bits)
            }
        }

        impl From<$name> for u64 {
            fn from(flags: $name) -> u64 {
                flags.0
            }
        }

        /// The bits by the library's names for this format, e.g.
        /// `El1Attributes(VALID | ATTRIBUTE_INDEX_1 | ACCESSED)`; bits
        /// without a name follow as one hexadecimal number.
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match crate::describe_flags($describe_kind, self.0) {
                    Ok(names) => write!(f, "{}({})", stringify!($name), names),
                    Err(_) => write!(f, "{}({:#x})", stringify!($name), self.0),
                }
            }
        }

        impl fmt::LowerHex for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::LowerHex::fmt(&self.0, f)
            }
        }

        impl BitOr for $name {
            type Output = $name;
            fn bitor(self, other: $name) -> $name {
                $name(self.0 | other.0)
            }
        }
        impl BitAnd for $name {
            type Output = $name;
            fn bitand(self, other: $name) -> $name {
                $name(self.0 & other.0)
            }
        }
        impl BitXor for $name {
            type Output = $name;
            fn bitxor(self, other: $name) -> $name {
                $name(self.0 ^ other.0)
            }
        }
        impl Not for $name {
            type Output = $name;
            fn not(self) -> $name {
                $name(!self.0)
            }
        }
        impl BitOrAssign for $name {
            fn bitor_assign(&mut self, other: $name) {
                self.0 |= other.0;
            }
        }
        impl BitAndAssign for $name {
            fn bitand_assign(&mut self, other: $name) {
                self.0 &= other.0;
            }
        }
        impl BitXorAssign for $name {
            fn bitxor_assign(&mut self, other: $name) {
                self.0 ^= other.0;
            }
        }
    };
}

/// Bits shared by every format, as plain numbers for raw descriptors.
pub mod attr {
    /// `AP_ATTR_VALID`.
    pub const VALID: u64 = 0x1;
    /// `AP_ATTR_TABLE_OR_PAGE`.
    pub const TABLE_OR_PAGE: u64 = 0x2;
}

/// The descriptor format of EL1&0 and EL2&0 (VHE) stage 1.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct El1Attributes(u64);

attribute_type!(El1Attributes, RegimeKind::El1And0, [RegimeKind::El1And0, RegimeKind::El2And0]);

impl El1Attributes {
    /// `AP_EL1_VALID`.
    pub const VALID: El1Attributes = El1Attributes(0x1);
    /// `AP_EL1_TABLE_OR_PAGE`.
    pub const TABLE_OR_PAGE: El1Attributes = El1Attributes(0x2);
    /// `AP_EL1_ATTRIBUTE_INDEX_0`.
    pub const ATTRIBUTE_INDEX_0: El1Attributes = El1Attributes(0x0);
    /// `AP_EL1_ATTRIBUTE_INDEX_1`.
    pub const ATTRIBUTE_INDEX_1: El1Attributes = El1Attributes(0x4);
    /// `AP_EL1_ATTRIBUTE_INDEX_2`.
    pub const ATTRIBUTE_INDEX_2: El1Attributes = El1Attributes(0x8);
    /// `AP_EL1_ATTRIBUTE_INDEX_3`.
    pub const ATTRIBUTE_INDEX_3: El1Attributes = El1Attributes(0xc);
    /// `AP_EL1_ATTRIBUTE_INDEX_4`.
    pub const ATTRIBUTE_INDEX_4: El1Attributes = El1Attributes(0x10);
    /// `AP_EL1_ATTRIBUTE_INDEX_5`.
    pub const ATTRIBUTE_INDEX_5: El1Attributes = El1Attributes(0x14);
    /// `AP_EL1_ATTRIBUTE_INDEX_6`.
    pub const ATTRIBUTE_INDEX_6: El1Attributes = El1Attributes(0x18);
    /// `AP_EL1_ATTRIBUTE_INDEX_7`.
    pub const ATTRIBUTE_INDEX_7: El1Attributes = El1Attributes(0x1c);
    /// `AP_EL1_NS`.
    pub const NS: El1Attributes = El1Attributes(0x20);
    /// `AP_EL1_USER`.
    pub const USER: El1Attributes = El1Attributes(0x40);
    /// `AP_EL1_READ_ONLY`.
    pub const READ_ONLY: El1Attributes = El1Attributes(0x80);
    /// `AP_EL1_OUTER_SHAREABLE`.
    pub const OUTER_SHAREABLE: El1Attributes = El1Attributes(0x200);
    /// `AP_EL1_INNER_SHAREABLE`.
    pub const INNER_SHAREABLE: El1Attributes = El1Attributes(0x300);
    /// `AP_EL1_ACCESSED`.
    pub const ACCESSED: El1Attributes = El1Attributes(0x400);
    /// `AP_EL1_NON_GLOBAL`.
    pub const NON_GLOBAL: El1Attributes = El1Attributes(0x800);
    /// `AP_EL1_NT`.
    pub const NT: El1Attributes = El1Attributes(0x10000);
    /// `AP_EL1_GP`.
    pub const GP: El1Attributes = El1Attributes(0x4000000000000);
    /// `AP_EL1_DBM`.
    pub const DBM: El1Attributes = El1Attributes(0x8000000000000);
    /// `AP_EL1_CONTIGUOUS_OR_PROTECTED`.
    pub const CONTIGUOUS_OR_PROTECTED: El1Attributes = El1Attributes(0x10000000000000);
    /// `AP_EL1_PXN`.
    pub const PXN: El1Attributes = El1Attributes(0x20000000000000);
    /// `AP_EL1_UXN`.
    pub const UXN: El1Attributes = El1Attributes(0x40000000000000);
    /// `AP_EL1_SWFLAG_0`.
    pub const SWFLAG_0: El1Attributes = El1Attributes(0x80000000000000);
    /// `AP_EL1_SWFLAG_1`.
    pub const SWFLAG_1: El1Attributes = El1Attributes(0x100000000000000);
    /// `AP_EL1_SWFLAG_2`.
    pub const SWFLAG_2: El1Attributes = El1Attributes(0x200000000000000);
    /// `AP_EL1_SWFLAG_3`.
    pub const SWFLAG_3: El1Attributes = El1Attributes(0x400000000000000);
    /// `AP_EL1_PXN_TABLE`.
    pub const PXN_TABLE: El1Attributes = El1Attributes(0x800000000000000);
    /// `AP_EL1_XN_TABLE`.
    pub const XN_TABLE: El1Attributes = El1Attributes(0x1000000000000000);
    /// `AP_EL1_AP_TABLE_NO_EL0`.
    pub const AP_TABLE_NO_EL0: El1Attributes = El1Attributes(0x2000000000000000);
    /// `AP_EL1_AP_TABLE_NO_WRITE`.
    pub const AP_TABLE_NO_WRITE: El1Attributes = El1Attributes(0x4000000000000000);
    /// `AP_EL1_NS_TABLE`.
    pub const NS_TABLE: El1Attributes = El1Attributes(0x8000000000000000);
    /// `AP_EL1_SHAREABILITY_MASK`.
    pub const SHAREABILITY_MASK: El1Attributes = El1Attributes(0x300);
    /// `AP_EL1_ATTRIBUTE_INDEX_MASK`.
    pub const ATTRIBUTE_INDEX_MASK: El1Attributes = El1Attributes(0x1c);
    /// `AP_EL1_AP_MASK`.
    pub const AP_MASK: El1Attributes = El1Attributes(0xc0);
    /// `AP_EL1_PBHA_MASK`.
    pub const PBHA_MASK: El1Attributes = El1Attributes(0x7800000000000000);
}

/// The descriptor format of EL2 and EL3 stage 1.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct El23Attributes(u64);

attribute_type!(El23Attributes, RegimeKind::El2, [RegimeKind::El2, RegimeKind::El3]);

impl El23Attributes {
    /// `AP_EL23_VALID`.
    pub const VALID: El23Attributes = El23Attributes(0x1);
    /// `AP_EL23_TABLE_OR_PAGE`.
    pub const TABLE_OR_PAGE: El23Attributes = El23Attributes(0x2);
    /// `AP_EL23_ATTRIBUTE_INDEX_0`.
    pub const ATTRIBUTE_INDEX_0: El23Attributes = El23Attributes(0x0);
    /// `AP_EL23_ATTRIBUTE_INDEX_1`.
    pub const ATTRIBUTE_INDEX_1: El23Attributes = El23Attributes(0x4);
    /// `AP_EL23_ATTRIBUTE_INDEX_2`.
    pub const ATTRIBUTE_INDEX_2: El23Attributes = El23Attributes(0x8);
    /// `AP_EL23_ATTRIBUTE_INDEX_3`.
    pub const ATTRIBUTE_INDEX_3: El23Attributes = El23Attributes(0xc);
    /// `AP_EL23_ATTRIBUTE_INDEX_4`.
    pub const ATTRIBUTE_INDEX_4: El23Attributes = El23Attributes(0x10);
    /// `AP_EL23_ATTRIBUTE_INDEX_5`.
    pub const ATTRIBUTE_INDEX_5: El23Attributes = El23Attributes(0x14);
    /// `AP_EL23_ATTRIBUTE_INDEX_6`.
    pub const ATTRIBUTE_INDEX_6: El23Attributes = El23Attributes(0x18);
    /// `AP_EL23_ATTRIBUTE_INDEX_7`.
    pub const ATTRIBUTE_INDEX_7: El23Attributes = El23Attributes(0x1c);
    /// `AP_EL23_NS`.
    pub const NS: El23Attributes = El23Attributes(0x20);
    /// `AP_EL23_USER_RES1`.
    pub const USER_RES1: El23Attributes = El23Attributes(0x40);
    /// `AP_EL23_READ_ONLY`.
    pub const READ_ONLY: El23Attributes = El23Attributes(0x80);
    /// `AP_EL23_OUTER_SHAREABLE`.
    pub const OUTER_SHAREABLE: El23Attributes = El23Attributes(0x200);
    /// `AP_EL23_INNER_SHAREABLE`.
    pub const INNER_SHAREABLE: El23Attributes = El23Attributes(0x300);
    /// `AP_EL23_ACCESSED`.
    pub const ACCESSED: El23Attributes = El23Attributes(0x400);
    /// `AP_EL23_NON_GLOBAL`.
    pub const NON_GLOBAL: El23Attributes = El23Attributes(0x800);
    /// `AP_EL23_NT`.
    pub const NT: El23Attributes = El23Attributes(0x10000);
    /// `AP_EL23_GP`.
    pub const GP: El23Attributes = El23Attributes(0x4000000000000);
    /// `AP_EL23_DBM`.
    pub const DBM: El23Attributes = El23Attributes(0x8000000000000);
    /// `AP_EL23_CONTIGUOUS_OR_PROTECTED`.
    pub const CONTIGUOUS_OR_PROTECTED: El23Attributes = El23Attributes(0x10000000000000);
    /// `AP_EL23_XN`.
    pub const XN: El23Attributes = El23Attributes(0x40000000000000);
    /// `AP_EL23_SWFLAG_0`.
    pub const SWFLAG_0: El23Attributes = El23Attributes(0x80000000000000);
    /// `AP_EL23_SWFLAG_1`.
    pub const SWFLAG_1: El23Attributes = El23Attributes(0x100000000000000);
    /// `AP_EL23_SWFLAG_2`.
    pub const SWFLAG_2: El23Attributes = El23Attributes(0x200000000000000);
    /// `AP_EL23_SWFLAG_3`.
    pub const SWFLAG_3: El23Attributes = El23Attributes(0x400000000000000);
    /// `AP_EL23_PXN_TABLE`.
    pub const PXN_TABLE: El23Attributes = El23Attributes(0x800000000000000);
    /// `AP_EL23_XN_TABLE`.
    pub const XN_TABLE: El23Attributes = El23Attributes(0x1000000000000000);
    /// `AP_EL23_AP_TABLE_NO_EL0`.
    pub const AP_TABLE_NO_EL0: El23Attributes = El23Attributes(0x2000000000000000);
    /// `AP_EL23_AP_TABLE_NO_WRITE`.
    pub const AP_TABLE_NO_WRITE: El23Attributes = El23Attributes(0x4000000000000000);
    /// `AP_EL23_NS_TABLE`.
    pub const NS_TABLE: El23Attributes = El23Attributes(0x8000000000000000);
    /// `AP_EL23_SHAREABILITY_MASK`.
    pub const SHAREABILITY_MASK: El23Attributes = El23Attributes(0x300);
    /// `AP_EL23_ATTRIBUTE_INDEX_MASK`.
    pub const ATTRIBUTE_INDEX_MASK: El23Attributes = El23Attributes(0x1c);
    /// `AP_EL23_AP_MASK`.
    pub const AP_MASK: El23Attributes = El23Attributes(0xc0);
    /// `AP_EL23_NSE`.
    pub const NSE: El23Attributes = El23Attributes(0x800);
    /// `AP_EL23_PBHA_MASK`.
    pub const PBHA_MASK: El23Attributes = El23Attributes(0x7800000000000000);
}

/// The descriptor format of stage 2.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Stage2Attributes(u64);

attribute_type!(Stage2Attributes, RegimeKind::Stage2, [RegimeKind::Stage2]);

impl Stage2Attributes {
    /// `AP_S2_VALID`.
    pub const VALID: Stage2Attributes = Stage2Attributes(0x1);
    /// `AP_S2_TABLE_OR_PAGE`.
    pub const TABLE_OR_PAGE: Stage2Attributes = Stage2Attributes(0x2);
    /// `AP_S2_MEMATTR_DEVICE_nGnRnE`.
    pub const MEMATTR_DEVICE_NGNRNE: Stage2Attributes = Stage2Attributes(0x0);
    /// `AP_S2_MEMATTR_DEVICE_nGnRE`.
    pub const MEMATTR_DEVICE_NGNRE: Stage2Attributes = Stage2Attributes(0x4);
    /// `AP_S2_MEMATTR_DEVICE_nGRE`.
    pub const MEMATTR_DEVICE_NGRE: Stage2Attributes = Stage2Attributes(0x8);
    /// `AP_S2_MEMATTR_DEVICE_GRE`.
    pub const MEMATTR_DEVICE_GRE: Stage2Attributes = Stage2Attributes(0xc);
    /// `AP_S2_MEMATTR_NORMAL_INNER_NC`.
    pub const MEMATTR_NORMAL_INNER_NC: Stage2Attributes = Stage2Attributes(0x4);
    /// `AP_S2_MEMATTR_NORMAL_INNER_WT`.
    pub const MEMATTR_NORMAL_INNER_WT: Stage2Attributes = Stage2Attributes(0x8);
    /// `AP_S2_MEMATTR_NORMAL_INNER_WB`.
    pub const MEMATTR_NORMAL_INNER_WB: Stage2Attributes = Stage2Attributes(0xc);
    /// `AP_S2_MEMATTR_NORMAL_OUTER_NC`.
    pub const MEMATTR_NORMAL_OUTER_NC: Stage2Attributes = Stage2Attributes(0x10);
    /// `AP_S2_MEMATTR_NORMAL_OUTER_WT`.
    pub const MEMATTR_NORMAL_OUTER_WT: Stage2Attributes = Stage2Attributes(0x20);
    /// `AP_S2_MEMATTR_NORMAL_OUTER_WB`.
    pub const MEMATTR_NORMAL_OUTER_WB: Stage2Attributes = Stage2Attributes(0x30);
    /// `AP_S2_S2AP_ACCESS_NONE`.
    pub const S2AP_ACCESS_NONE: Stage2Attributes = Stage2Attributes(0x0);
    /// `AP_S2_S2AP_ACCESS_RO`.
    pub const S2AP_ACCESS_RO: Stage2Attributes = Stage2Attributes(0x40);
    /// `AP_S2_S2AP_ACCESS_WO`.
    pub const S2AP_ACCESS_WO: Stage2Attributes = Stage2Attributes(0x80);
    /// `AP_S2_S2AP_ACCESS_RW`.
    pub const S2AP_ACCESS_RW: Stage2Attributes = Stage2Attributes(0xc0);
    /// `AP_S2_SH_NONE`.
    pub const SH_NONE: Stage2Attributes = Stage2Attributes(0x0);
    /// `AP_S2_SH_OUTER`.
    pub const SH_OUTER: Stage2Attributes = Stage2Attributes(0x200);
    /// `AP_S2_SH_INNER`.
    pub const SH_INNER: Stage2Attributes = Stage2Attributes(0x300);
    /// `AP_S2_ACCESS_FLAG`.
    pub const ACCESS_FLAG: Stage2Attributes = Stage2Attributes(0x400);
    /// `AP_S2_XN`.
    pub const XN: Stage2Attributes = Stage2Attributes(0x40000000000000);
    /// `AP_S2_SWFLAG_0`.
    pub const SWFLAG_0: Stage2Attributes = Stage2Attributes(0x80000000000000);
    /// `AP_S2_SWFLAG_1`.
    pub const SWFLAG_1: Stage2Attributes = Stage2Attributes(0x100000000000000);
    /// `AP_S2_SWFLAG_2`.
    pub const SWFLAG_2: Stage2Attributes = Stage2Attributes(0x200000000000000);
    /// `AP_S2_SWFLAG_3`.
    pub const SWFLAG_3: Stage2Attributes = Stage2Attributes(0x400000000000000);
    /// `AP_S2_FNXS`.
    pub const FNXS: Stage2Attributes = Stage2Attributes(0x800);
    /// `AP_S2_DBM`.
    pub const DBM: Stage2Attributes = Stage2Attributes(0x8000000000000);
    /// `AP_S2_CONTIGUOUS`.
    pub const CONTIGUOUS: Stage2Attributes = Stage2Attributes(0x10000000000000);
    /// `AP_S2_XN0`.
    pub const XN0: Stage2Attributes = Stage2Attributes(0x20000000000000);
    /// `AP_S2_MEMATTR_MASK`.
    pub const MEMATTR_MASK: Stage2Attributes = Stage2Attributes(0x3c);
    /// `AP_S2_S2AP_MASK`.
    pub const S2AP_MASK: Stage2Attributes = Stage2Attributes(0xc0);
    /// `AP_S2_SH_MASK`.
    pub const SH_MASK: Stage2Attributes = Stage2Attributes(0x300);
    /// `AP_S2_XN_MASK`.
    pub const XN_MASK: Stage2Attributes = Stage2Attributes(0x60000000000000);
    /// `AP_S2_PBHA_MASK`.
    pub const PBHA_MASK: Stage2Attributes = Stage2Attributes(0x7800000000000000);
}
