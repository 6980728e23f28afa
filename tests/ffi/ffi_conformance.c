/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The libffi conformance test: the scenario runs once with direct calls
 * and once through libffi (dlopen + ffi_call + closures), and both must
 * see exactly the same statuses, details, walks, tables and hook calls.
 * The shared object comes from argv[1] or AP_SHARED_OBJECT.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ffi_api.h"

static trace_t direct_trace, ffi_trace;

/* Prints the first line where the traces part. */
static void show_difference(const trace_t *a, const trace_t *b)
{
	size_t i = 0, line = 1, line_start = 0;
	while (i < a->length && i < b->length && a->text[i] == b->text[i]) {
		if (a->text[i] == '\n') {
			line++;
			line_start = i + 1;
		}
		i++;
	}
	fprintf(stderr, "ffi: the traces differ at line %zu:\n  direct: %.80s\n  ffi:    %.80s\n",
		line, a->text + line_start, b->text + line_start);
}

int main(int argc, char **argv)
{
	const char *shared_object = argc > 1 ? argv[1] : getenv("AP_SHARED_OBJECT");
	if (!shared_object) {
		fprintf(stderr, "usage: %s LIBAARCH64PAGING.so (or set AP_SHARED_OBJECT)\n", argv[0]);
		return 1;
	}
	api_t direct, through_ffi;
	memset(&direct, 0, sizeof(direct));
	memset(&through_ffi, 0, sizeof(through_ffi));
	direct_api(&direct);
	if (ffi_api_open(&through_ffi, shared_object) != 0)
		return 1;
	int failures = run_scenario(&direct, &direct_trace);
	failures += run_scenario(&through_ffi, &ffi_trace);
	ffi_api_close();
	if (direct_trace.length != ffi_trace.length ||
	    memcmp(direct_trace.text, ffi_trace.text, direct_trace.length) != 0) {
		show_difference(&direct_trace, &ffi_trace);
		failures++;
	}
	/* AP_FFI_TRACE=FILE keeps the trace for a look. */
	const char *keep = getenv("AP_FFI_TRACE");
	FILE *out = keep ? fopen(keep, "w") : NULL;
	if (out) {
		fwrite(ffi_trace.text, 1, ffi_trace.length, out);
		fclose(out);
	}
	size_t lines = 0;
	for (size_t i = 0; i < ffi_trace.length; i++)
		lines += ffi_trace.text[i] == '\n';
	printf("ffi: %zu trace lines, identical through libffi: %s\n", lines,
	       failures ? "no" : "yes");
	return failures ? 1 : 0;
}
