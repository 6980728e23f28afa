// SPDX-License-Identifier: MIT OR Apache-2.0
//! Builds a small EL1&0 map, walks an address and prints the dump.
use aarch64_paging_c::attrs::el1;
use aarch64_paging_c::{Constraints, Mapping, MappingOptions, Region};

fn main() -> Result<(), aarch64_paging_c::Error> {
    let mut map = Mapping::identity(&MappingOptions { root_level: 1, asid: 1, ..Default::default() })?;
    let ram = Region::from_range(0x8020_0000, 0x8040_0000)?;
    let normal = el1::ATTRIBUTE_INDEX_1 | el1::INNER_SHAREABLE | el1::VALID | el1::ACCESSED;
    map.map_auto(&ram, normal | el1::NON_GLOBAL, Constraints::NONE)?;
    let walk = map.translate(0x8021_2345)?;
    println!("0x80212345 -> {:#x}, a level {} block", walk.output_address, walk.level);
    print!("{}", map.dump()?);
    Ok(())
}
