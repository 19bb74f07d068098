/* Demo data: a fictional region with units, staff, patients, an assortment, prescriptions and two
 * years of order, delivery and call history, so every page and report has something real to show.
 * Every name, number and price is invented; prices are examples. */
#ifndef LMN_DEMO_H
#define LMN_DEMO_H

#include <stdio.h>

#include "rules/params.h"
#include "store/db.h"
#include "util/rc.h"

#define DEMO_PASSWORD "demo2026"

struct demo_counts {
	long patients, articles, prescriptions, orders, calls, users;
};

/* Loads the demo into an empty database (refused if it already holds patients), in one
 * transaction, up to today. progress (may be NULL) gets a line per step. */
LMN_MUST_USE enum lmn_rc demo_load(struct db *db, const struct params *p, lmn_day today,
				   FILE *progress, struct demo_counts *counts, struct lmn_err *err);

#endif
