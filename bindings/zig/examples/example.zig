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
    // ap.El1Attrs is the attribute set of EL1&0 descriptors: a stage 2
    // mapping (ap.Stage2Mapping) takes ap.Stage2Attrs, and mixing them up
    // does not compile.
    const normal = ap.El1Attrs.of(.{ .attribute_index_1, .inner_shareable });
    const flags = normal.with(ap.El1Attrs.of(.{ .non_global, .valid, .accessed }));
    var detail = ap.ErrorDetail{};
    map.mapAuto(ram, flags, .{}, &detail) catch |err| {
        try stdout.print("map failed: {s} at 0x{x}\n", .{ @errorName(err), detail.address });
        return err;
    };

    const where = try map.translate(0x8021_2345, null);
    try stdout.print("0x80212345 -> 0x{x}, a level {d} block\n", .{ where.output_address, where.level });

    try map.dump(stdout, null);
}
