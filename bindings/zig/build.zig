// SPDX-License-Identifier: MIT OR Apache-2.0
//! Builds and tests the Zig binding of libaarch64paging (Zig 0.11).
//!
//!   zig build test      run the binding's tests
//!   zig build example   build and run examples/example.zig
//!   zig build deinit-panic  install tests/deinit_panic.zig, which
//!                       tests/test_zig_binding.sh runs and expects to panic
//!
//! The C library is found with pkg-config (package aarch64-paging): set
//! PKG_CONFIG_PATH to use an uninstalled build tree.

const std = @import("std");

pub fn build(b: *std.Build) void {
    const target = b.standardTargetOptions(.{});
    const optimize = b.standardOptimizeOption(.{});

    const binding = b.addModule("aarch64_paging", .{
        .source_file = .{ .path = "src/aarch64_paging.zig" },
    });

    const tests = b.addTest(.{
        .root_source_file = .{ .path = "tests/all.zig" },
        .target = target,
        .optimize = optimize,
    });
    tests.addModule("aarch64_paging", binding);
    linkLibrary(tests);
    const test_step = b.step("test", "Run the binding's tests");
    test_step.dependOn(&b.addRunArtifact(tests).step);

    const example = b.addExecutable(.{
        .name = "aarch64-paging-example",
        .root_source_file = .{ .path = "examples/example.zig" },
        .target = target,
        .optimize = optimize,
    });
    example.addModule("aarch64_paging", binding);
    linkLibrary(example);
    b.installArtifact(example);
    const example_step = b.step("example", "Build and run the example");
    example_step.dependOn(&b.addRunArtifact(example).step);

    // A panic cannot be caught inside a test: the script runs this one.
    const panicker = b.addExecutable(.{
        .name = "deinit-panic",
        .root_source_file = .{ .path = "tests/deinit_panic.zig" },
        .target = target,
        .optimize = optimize,
    });
    panicker.addModule("aarch64_paging", binding);
    linkLibrary(panicker);
    const panic_step = b.step("deinit-panic", "Install the program that breaks deinit's precondition");
    panic_step.dependOn(&b.addInstallArtifact(panicker, .{}).step);
}

/// Every artifact that imports the binding needs the C library and libc;
/// the binding's @cImport also needs the header path pkg-config gives.
fn linkLibrary(artifact: *std.Build.Step.Compile) void {
    // Forced pkg-config: a missing or wrong .pc file is reported as such
    // instead of falling back to a bare -laarch64-paging.
    artifact.linkSystemLibrary2("aarch64-paging", .{ .use_pkg_config = .force });
    artifact.linkLibC();
    // Zig drops pkg-config's -Wl,-rpath; an rpath for each library directory
    // lets the tests and the example run against an uninstalled build tree
    // without LD_LIBRARY_PATH.
    artifact.each_lib_rpath = true;
}
