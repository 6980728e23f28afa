// SPDX-License-Identifier: MIT OR Apache-2.0
//! Breaks `deinit`'s precondition on purpose, for tests/test_zig_binding.sh,
//! which runs it in a child process and expects a panic with a message
//! naming the problem (a panic cannot be caught inside a test).
//!
//!   deinit-panic mapping   deinit of an active mapping
//!   deinit-panic regime    deinit of a regime a mapping still uses

const std = @import("std");
const ap = @import("aarch64_paging");

pub fn main() !void {
    var args = std.process.args();
    _ = args.skip();
    const which = args.next() orelse return error.MissingArgument;

    var map = try ap.Mapping.initIdentity(.{});
    if (std.mem.eql(u8, which, "mapping")) {
        _ = try map.activate();
        map.deinit(); // must panic
    } else if (std.mem.eql(u8, which, "regime")) {
        const hooks = struct {
            fn barrier(_: *anyopaque) void {}
            const vtable = ap.RegimeHooks.VTable{ .barrier = barrier };
        };
        var unused: u8 = 0;
        var regime = try ap.UserRegime.init(std.heap.page_allocator, .el1and0, .{ .ptr = &unused, .vtable = &hooks.vtable });
        var user = try ap.Mapping.initIdentity(.{ .regime = regime.regime() });
        _ = &user;
        regime.deinit(); // must panic
    } else return error.UnknownArgument;
    // Reached only if deinit returned.
    std.io.getStdOut().writeAll("deinit returned\n") catch {};
}
