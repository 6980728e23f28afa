/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* The public header as strict C99 (-pedantic -Werror), compiled and run. */
#include <aarch64_paging.h>

int main(void)
{
	return ap_version() == AP_VERSION ? 0 : 1;
}
