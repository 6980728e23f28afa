// SPDX-License-Identifier: MIT OR Apache-2.0
//! Input and output addresses as their own types, so that one is not
//! passed where the other belongs.
use std::fmt;
use std::ops::{Add, AddAssign, Sub};

macro_rules! address_type {
    ($name:ident) => {
        impl $name {
            /// The address as a number.
            pub const fn as_u64(self) -> u64 {
                self.0
            }
        }

        impl From<u64> for $name {
            fn from(address: u64) -> $name {
                $name(address)
            }
        }

        impl From<$name> for u64 {
            fn from(address: $name) -> u64 {
                address.0
            }
        }

        /// The type's name and the address in hexadecimal, e.g.
        #[doc = concat!("`", stringify!($name), "(0x80200000)`.")]
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:#x})", stringify!($name), self.0)
            }
        }

        /// The address in hexadecimal with `0x`, e.g. `0x80200000`.
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{:#x}", self.0)
            }
        }

        impl fmt::LowerHex for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::LowerHex::fmt(&self.0, f)
            }
        }

        impl fmt::UpperHex for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::UpperHex::fmt(&self.0, f)
            }
        }

        /// The address `offset` bytes further (overflow panics in debug
        /// builds, as for integers). Only `u64` offsets, so that an
        /// unsuffixed literal (`address + 0x1000`) needs no annotation.
        impl Add<u64> for $name {
            type Output = $name;
            fn add(self, offset: u64) -> $name {
                $name(self.0 + offset)
            }
        }

        impl AddAssign<u64> for $name {
            fn add_assign(&mut self, offset: u64) {
                self.0 += offset;
            }
        }

        /// The distance in bytes from `other` up to `self`.
        impl Sub for $name {
            type Output = u64;
            fn sub(self, other: $name) -> u64 {
                self.0 - other.0
            }
        }

        /// The address `offset` bytes lower.
        impl Sub<u64> for $name {
            type Output = $name;
            fn sub(self, offset: u64) -> $name {
                $name(self.0 - offset)
            }
        }
    };
}

/// An input address: a virtual address at stage 1, an intermediate
/// physical address at stage 2.
///
/// ```
/// use aarch64_paging_c::VirtualAddress;
///
/// let start = VirtualAddress(0x8020_0000);
/// let end = start + 0x20_0000u64;
/// assert_eq!(end - start, 0x20_0000);
/// assert_eq!(format!("{end} {end:?} {end:x}"), "0x80400000 VirtualAddress(0x80400000) 80400000");
/// assert_eq!(u64::from(end), 0x8040_0000);
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VirtualAddress(pub u64);

/// An output address: a physical address at stage 1 and stage 2 alike.
///
/// ```
/// use aarch64_paging_c::PhysicalAddress;
///
/// let table = PhysicalAddress(0x4000_1000);
/// assert_eq!(table - PhysicalAddress(0x4000_0000), 0x1000);
/// assert_eq!(PhysicalAddress::from(0x1000) + 8, PhysicalAddress(0x1008));
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PhysicalAddress(pub u64);

address_type!(VirtualAddress);
address_type!(PhysicalAddress);
