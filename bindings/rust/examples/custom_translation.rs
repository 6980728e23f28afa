// SPDX-License-Identifier: MIT OR Apache-2.0
//! A translation of your own: tables from a Vec of 4 KiB pages, addressed
//! at a made-up physical base, as a VMM building a guest's tables would.
use std::alloc::{alloc_zeroed, dealloc, Layout};

use aarch64_paging_c::{Constraints, El1Attributes as A, Mapping, MappingOptions, PhysicalAddress, Region, Translation};

const PAGE: usize = 4096;
const BASE: PhysicalAddress = PhysicalAddress(0x8000_0000); // where the guest sees the first page

struct Pages {
    pages: Vec<*mut u8>, // index i lives at BASE + i * PAGE
}

// SAFETY: each page is zeroed, used by the library alone until freed, and
// found again by physical_to_virtual from its index in `pages`.
unsafe impl Translation for Pages {
    fn allocate_table(&mut self) -> Option<(*mut u8, PhysicalAddress)> {
        // SAFETY: the layout has a non-zero size.
        let page = unsafe { alloc_zeroed(Layout::from_size_align(PAGE, PAGE).ok()?) };
        if page.is_null() {
            return None;
        }
        self.pages.push(page);
        Some((page, BASE + ((self.pages.len() - 1) * PAGE) as u64))
    }

    fn free_table(&mut self, table: *mut u8, _pa: PhysicalAddress) {
        if let Some(slot) = self.pages.iter_mut().find(|p| **p == table) {
            // SAFETY: table came from alloc_zeroed with this layout.
            unsafe { dealloc(table, Layout::from_size_align(PAGE, PAGE).unwrap()) };
            *slot = std::ptr::null_mut(); // keep the other pages' addresses
        }
    }

    fn physical_to_virtual(&self, pa: PhysicalAddress) -> *mut u8 {
        if pa < BASE || !pa.0.is_multiple_of(PAGE as u64) {
            return std::ptr::null_mut();
        }
        match self.pages.get((pa - BASE) as usize / PAGE) {
            Some(page) => *page,
            _ => std::ptr::null_mut(),
        }
    }
}

fn main() -> Result<(), aarch64_paging_c::Error> {
    let options = MappingOptions { root_level: 1, ..Default::default() };
    let mut map = Mapping::with_translation(&options, Box::new(Pages { pages: Vec::new() }))?;
    let ram = Region::from_size(0x4000_0000, 0x20_0000)?;
    map.map(&ram, PhysicalAddress(0x9000_0000), A::VALID | A::ACCESSED | A::ATTRIBUTE_INDEX_1, Constraints::empty())?;
    println!("root at {}, {} tables", map.root_address(), map.table_count()?);
    Ok(())
}
