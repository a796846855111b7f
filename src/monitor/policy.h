/* SPDX-License-Identifier: MIT */
/*
 * The host allowlist as the monitor shows it (host side): the rows of
 * src/platform/linux/hostcalls.def, rendered for `lbox policy dump` and
 * for docs/host-interface.md.
 */
#ifndef LBOX_MONITOR_POLICY_H
#define LBOX_MONITOR_POLICY_H

#include <stdio.h>

/* Plain text, one row per allowed host call. Returns 0. */
int mon_policy_dump(FILE *out);

/* The Markdown document docs/host-interface.md. Returns 0. */
int mon_policy_markdown(FILE *out);

#endif /* LBOX_MONITOR_POLICY_H */
