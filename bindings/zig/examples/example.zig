// SPDX-License-Identifier: MIT OR Apache-2.0
const std = @import("std");
const ap = @import("aarch64_paging");

pub fn main() !void {
    const stdout = std.io.getStdOut().writer();

    // An EL1&0 table for TTBR0 with ASID 1, root at level 1 (39-bit VA).
    var map = try ap.Mapping.initIdentity(.{ .root_level = 1, .asid = 1 });
    defer map.deinit(); // must not be active by then

    // 2 MiB of normal memory, identity-mapped read-write: one block.
    const ram = try ap.Region.fromRange(0x8020_0000, 0x8040_0000);
    const normal = ap.el1.attribute_index_1 | ap.el1.inner_shareable;
    var detail = ap.ErrorDetail{};
    map.mapAuto(ram, normal | ap.el1.non_global | ap.el1.valid | ap.el1.accessed, .{}, &detail) catch |err| {
        try stdout.print("map failed: {s} at 0x{x}\n", .{ @errorName(err), detail.address });
        return err;
    };

    const where = try map.translate(0x8021_2345, null);
    try stdout.print("0x80212345 -> 0x{x}, a level {d} block\n", .{ where.output_address, where.level });

    try map.dump(stdout, null);
}
