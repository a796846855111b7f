/* SPDX-License-Identifier: MIT */
/*
 * `lbox doctor` (monitor, host side): which of the sandbox's walls this
 * host provides.
 */
#ifndef LBOX_MONITOR_DOCTOR_H
#define LBOX_MONITOR_DOCTOR_H

#include <stdio.h>

/* Print one line per layer. Returns 0 when every required layer is there,
 * 1 when lbox cannot run here. */
int mon_doctor(FILE *out);

#endif /* LBOX_MONITOR_DOCTOR_H */
