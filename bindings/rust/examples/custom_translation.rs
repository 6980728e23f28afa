// SPDX-License-Identifier: MIT OR Apache-2.0
//! A translation of your own: tables from a Vec of 4 KiB pages, addressed
//! at a made-up physical base, as a VMM building a guest's tables would.
use std::alloc::{alloc_zeroed, dealloc, Layout};

use aarch64_paging_c::attrs::el1;
use aarch64_paging_c::{Constraints, Mapping, MappingOptions, Region, Translation};

const PAGE: usize = 4096;
const BASE: u64 = 0x8000_0000; // where the guest sees the first page

struct Pages {
    pages: Vec<*mut u8>, // index i lives at BASE + i * PAGE
}

impl Translation for Pages {
    fn allocate_table(&mut self) -> Option<(*mut u8, u64)> {
        // SAFETY: the layout has a non-zero size.
        let page = unsafe { alloc_zeroed(Layout::from_size_align(PAGE, PAGE).ok()?) };
        if page.is_null() {
            return None;
        }
        self.pages.push(page);
        Some((page, BASE + ((self.pages.len() - 1) * PAGE) as u64))
    }

    fn free_table(&mut self, table: *mut u8, _pa: u64) {
        if let Some(slot) = self.pages.iter_mut().find(|p| **p == table) {
            // SAFETY: table came from alloc_zeroed with this layout.
            unsafe { dealloc(table, Layout::from_size_align(PAGE, PAGE).unwrap()) };
            *slot = std::ptr::null_mut(); // keep the other pages' addresses
        }
    }

    fn physical_to_virtual(&mut self, pa: u64) -> *mut u8 {
        let index = pa.wrapping_sub(BASE) as usize / PAGE;
        match self.pages.get(index) {
            Some(page) if pa >= BASE && pa & (PAGE as u64 - 1) == 0 => *page,
            _ => std::ptr::null_mut(),
        }
    }
}

fn main() -> Result<(), aarch64_paging_c::Error> {
    let options = MappingOptions { root_level: 1, ..Default::default() };
    let mut map = Mapping::with_translation(&options, Box::new(Pages { pages: Vec::new() }))?;
    let ram = Region::from_size(0x4000_0000, 0x20_0000)?;
    map.map(&ram, 0x9000_0000, el1::VALID | el1::ACCESSED | el1::ATTRIBUTE_INDEX_1, Constraints::NONE)?;
    println!("root at {:#x}, {} tables", map.root_address(), map.table_count()?);
    Ok(())
}
