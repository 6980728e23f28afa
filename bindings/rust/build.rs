// SPDX-License-Identifier: MIT OR Apache-2.0
//! Finds libaarch64paging with the `pkg-config` command (no crates): the
//! installed library, or the uninstalled one of a build tree when
//! PKG_CONFIG_PATH names it.
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    let output = Command::new("pkg-config")
        .args(["--libs", "aarch64-paging"])
        .output()
        .expect("the pkg-config command is needed to find libaarch64paging");
    if !output.status.success() {
        panic!(
            "pkg-config cannot find aarch64-paging: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    for flag in String::from_utf8_lossy(&output.stdout).split_whitespace() {
        if let Some(dir) = flag.strip_prefix("-L") {
            println!("cargo:rustc-link-search=native={dir}");
        } else if let Some(lib) = flag.strip_prefix("-l") {
            println!("cargo:rustc-link-lib={lib}");
        } else if flag.starts_with("-Wl,") {
            // The uninstalled library's rpath, so tests find the .so.
            println!("cargo:rustc-link-arg={flag}");
        }
    }
}
