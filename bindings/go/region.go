// SPDX-License-Identifier: MIT OR Apache-2.0

package aarch64paging

// #include <stdlib.h>
// #include <aarch64_paging.h>
import "C"

// Region is Size bytes from Start; it can reach the last page of the
// 64-bit space.
type Region struct {
	Start, Size uint64
}

// RegionFromRange is [start, end) rounded out to pages.
func RegionFromRange(start, end uint64) (Region, error) {
	var r C.ap_region_t
	err := check(C.ap_region_from_range(C.uint64_t(start), C.uint64_t(end), &r))
	return Region{uint64(r.start), uint64(r.size)}, err
}

// RegionFromSize is size bytes from start, rounded out to pages.
func RegionFromSize(start, size uint64) (Region, error) {
	var r C.ap_region_t
	err := check(C.ap_region_from_size(C.uint64_t(start), C.uint64_t(size), &r))
	return Region{uint64(r.start), uint64(r.size)}, err
}

func (r Region) raw() C.ap_region_t {
	return C.ap_region_t{start: C.uint64_t(r.Start), size: C.uint64_t(r.Size)}
}

// String is the library's format of the region.
func (r Region) String() string {
	raw := r.raw()
	text, err := formatText(func(buf *C.char, size C.size_t, needed *C.size_t) C.ap_status_t {
		return C.ap_region_format(&raw, buf, size, needed)
	})
	if err != nil {
		return err.Error()
	}
	return text
}

// formatText runs a (buf, size, needed) formatter for the length, then
// into a buffer of that length.
func formatText(f func(*C.char, C.size_t, *C.size_t) C.ap_status_t) (string, error) {
	var needed C.size_t
	if status := f(nil, 0, &needed); status != C.AP_OK && status != C.AP_ERR_BUFFER_TOO_SMALL {
		return "", check(status)
	}
	buf := C.malloc(needed + 1)
	defer C.free(buf)
	if err := check(f((*C.char)(buf), needed+1, &needed)); err != nil {
		return "", err
	}
	return C.GoStringN((*C.char)(buf), C.int(needed)), nil
}
