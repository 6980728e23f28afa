// SPDX-License-Identifier: MIT OR Apache-2.0
//! Builds a small EL1&0 map, walks an address and prints the dump.
use aarch64_paging_c::{Constraints, El1Attributes as A, Mapping, MappingOptions, Region, VirtualAddress};

fn main() -> Result<(), aarch64_paging_c::Error> {
    let mut map = Mapping::identity(&MappingOptions { root_level: 1, asid: 1, ..Default::default() })?;
    let ram = Region::from_range(0x8020_0000, 0x8040_0000)?;
    let normal = A::ATTRIBUTE_INDEX_1 | A::INNER_SHAREABLE | A::VALID | A::ACCESSED;
    map.map_auto(&ram, normal | A::NON_GLOBAL, Constraints::empty())?;
    let va = VirtualAddress(0x8021_2345);
    let walk = map.translate(va)?;
    println!("{va} -> {}, a level {} block", walk.output_address, walk.level);
    print!("{}", map.dump()?);
    Ok(())
}
