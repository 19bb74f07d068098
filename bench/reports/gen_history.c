/* bench/reports: a database of fictional history for the report benchmark, and an orders file for
 * the import benchmark. Deterministic for the same arguments.
 *
 * The schema is made by the store (db_open applies the migrations); the rows are then written with
 * SQLite directly in one transaction without a journal, for speed. Orders are received from
 * 2023-05-01 to 2026-08-31, 1–4 lines each (2.5 on average), due and contact dates from the rule
 * engine; 97 % delivered (most on time, 1 in 20 late), 3 % partially for a supplier backorder and the
 * rest later, 1 % returned, 1 % cancelled; contact cases for orders delivered after their contact
 * date; customer-service calls on every working day. Fees from 2023-01-01.
 *
 * Usage: gen_history DB LINES [IMPORT_CSV IMPORT_ORDERS]
 * With IMPORT_CSV, also writes IMPORT_ORDERS orders (one line each) as a file for lmn import orders,
 * on the same patients, units and articles, received in 2022 (before the generated history). */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/calendar.h"
#include "rules/delivery.h"
#include "store/db.h"
#include "store/orders.h"
#include "store/rules_files.h"
#include "util/clock.h"
#include "util/localtime.h"

#define NPROVIDERS 5
#define NUNITS	   20
#define NARTICLES  300
#define NPATIENTS  100000

static uint64_t rng = 0x2026120120261231ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)((rng >> 11) % n);
}

static sqlite3 *db;

static void die(const char *what)
{
	fprintf(stderr, "gen_history: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
	exit(1);
}

static sqlite3_stmt *prep(const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die(sql);
	return st;
}

static void exec(const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(sql);
}

static void step(sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		die("step");
	sqlite3_reset(st);
}

static void text(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

static lmn_day next_working(lmn_day d, int n)
{
	lmn_day out = d + n;
	if (calendar_add_working_days(d, n, &out) != LMN_OK)
		return d + n;
	return out;
}

/* A personnummer-shaped number with a valid check digit for patient i. */
static void id_number(unsigned i, char out[32])
{
	unsigned y = 1930 + i % 80, m = 1 + i / 80 % 12, d = 1 + i / 960 % 28,
		 serial = i / 26880 % 1000;
	char digits[32];
	int sum = 0;

	snprintf(digits, sizeof(digits), "%02u%02u%02u%03u", y % 100, m, d, serial);
	for (int k = 0; k < 9; k++) {
		int v = (digits[k] - '0') * (k % 2 == 0 ? 2 : 1);
		sum += v > 9 ? v - 9 : v;
	}
	snprintf(out, 32, "%04u%02u%02u%03u%d", y, m, d, serial, (10 - sum % 10) % 10);
}

static void reference(void)
{
	sqlite3_stmt *st;
	char s[64], num[16];

	for (int p = 1; p <= NPROVIDERS; p++) {
		snprintf(s, sizeof(s), "Vårdgivare %d (bench)", p);
		st = prep("INSERT INTO care_providers (id, name, kind) VALUES (?1, ?2, ?3)");
		sqlite3_bind_int(st, 1, p);
		text(st, 2, s);
		text(st, 3, p == 1 ? "region" : "municipality");
		step(st);
		sqlite3_finalize(st);
	}
	st = prep(
		"INSERT INTO units (id, care_provider_id, name, cost_centre) VALUES (?1, ?2, ?3, ?4)");
	for (int u = 1; u <= NUNITS; u++) {
		snprintf(s, sizeof(s), "Enhet %d", u);
		snprintf(num, sizeof(num), "%d", 5000 + u);
		sqlite3_bind_int(st, 1, u);
		sqlite3_bind_int(st, 2, 1 + (u - 1) % NPROVIDERS);
		text(st, 3, s);
		text(st, 4, num);
		step(st);
	}
	sqlite3_finalize(st);
	exec("INSERT INTO suppliers (id, name) VALUES (1, 'Benchleverantören AB')");
	st = prep(
		"INSERT INTO articles (id, article_number, name, area, unit, package_size, supplier_id, "
		"stocked, acute_assortment, special) VALUES (?1, ?2, ?3, ?4, 'st', 1, 1, ?5, ?6, ?7)");
	for (int a = 1; a <= NARTICLES; a++) {
		bool special = a % 50 == 0;
		snprintf(num, sizeof(num), "B%05d", a);
		snprintf(s, sizeof(s), "Benchartikel %d", a);
		sqlite3_bind_int(st, 1, a);
		text(st, 2, num);
		text(st, 3, s);
		text(st, 4, a % 2 ? "nutrition" : "incontinence");
		sqlite3_bind_int(st, 5, !special);
		sqlite3_bind_int(st, 6, !special && a % 3 == 0);
		sqlite3_bind_int(st, 7, special);
		step(st);
	}
	sqlite3_finalize(st);
	st = prep(
		"INSERT INTO article_prices (article_id, valid_from, price_ore) VALUES (?1, ?2, ?3)");
	for (int a = 1; a <= NARTICLES; a++)
		for (int v = 0; v < 3; v++) {
			static const char *const from[] = { "2020-01-01", "2024-03-01",
							    "2025-07-01" };
			sqlite3_bind_int(st, 1, a);
			text(st, 2, from[v]);
			sqlite3_bind_int(st, 3, 1500 + a * 37 % 20000 + v * 250);
			step(st);
		}
	sqlite3_finalize(st);
	exec("INSERT INTO fees (kind, valid_from, amount_ore, example, created_at) VALUES "
	     "('delivery', '2020-01-01', 4900, 1, '2023-01-01T00:00:00+01:00'), "
	     "('acute_delivery', '2020-01-01', 14900, 1, '2023-01-01T00:00:00+01:00'), "
	     "('order_line', '2020-01-01', 250, 1, '2023-01-01T00:00:00+01:00'), "
	     "('return', '2020-01-01', 7500, 1, '2023-01-01T00:00:00+01:00'), "
	     "('delivery', '2026-01-30', 5200, 1, '2026-01-30T00:00:00+01:00')");
	exec("INSERT INTO users (id, username, display_name, role, unit_id, active, created_at) "
	     "VALUES (1, 'bench-prescriber', 'Bench', 'prescriber', 1, 0, '2023-01-01T00:00:00+01:00')");
	st = prep(
		"INSERT INTO patients (id, id_number, id_kind, given_name, family_name, address, "
		"postal_code, city, municipality, created_at) VALUES (?1, ?2, 'personnummer', 'Test', "
		"'Benchsson', 'Exempelgatan 1', '41317', 'Göteborg', 'Göteborg', "
		"'2023-01-01T00:00:00+01:00')");
	for (int i = 1; i <= NPATIENTS; i++) {
		char idn[32];
		id_number((unsigned)i, idn);
		sqlite3_bind_int(st, 1, i);
		text(st, 2, idn);
		step(st);
	}
	sqlite3_finalize(st);
	/* One prescription per patient at a unit, one item per article of it (three articles). */
	exec("INSERT INTO prescriptions (id, patient_id, prescriber_id, unit_id, prescribed_on, created_at) "
	     "SELECT id, id, 1, 1 + id % 20, '2023-01-01', '2023-01-01T00:00:00+01:00' FROM patients");
	exec("INSERT INTO prescription_items (id, prescription_id, article_id, withdrawals_allowed, "
	     "withdrawals_remaining, quantity_per_withdrawal, period_days, last_valid) "
	     "SELECT p.id * 3 + k.k, p.id, 1 + (p.id * 7 + k.k * 101) % 300, 100, 0, 1, 30, '2026-12-31' "
	     "FROM prescriptions p, (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2) k");
}

static void history(const struct params *p, long target_lines)
{
	sqlite3_stmt *so =
		prep("INSERT INTO orders (" ORDERS_INSERT_COLUMNS ") VALUES " ORDERS_ROW_PARAMS);
	sqlite3_stmt *sl = prep("INSERT INTO order_lines (" ORDER_LINES_INSERT_COLUMNS
				") VALUES " ORDER_LINES_ROW_PARAMS);
	sqlite3_stmt *ss =
		prep("INSERT INTO shipments (id, order_id, shipped_at, partial, delivered_at, "
		     "outcome, outcome_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	sqlite3_stmt *ssl =
		prep("INSERT INTO shipment_lines (shipment_id, order_line_id, quantity, "
		     "backordered, article_id, unit_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	sqlite3_stmt *sc = prep("INSERT INTO contact_cases (order_id, opened_on) VALUES (?1, ?2)");
	lmn_day first = date_from_ymd(2023, 5, 1), last = date_from_ymd(2026, 8, 31);
	long days = last - first + 1, lines = 0, order = 0, shipment = 0, line_id = 0;
	long per_day = target_lines / days / 5 * 2 + 1; /* orders per day at 2.5 lines each */

	for (lmn_day day = first; day <= last && lines < target_lines; day++)
		for (long k = 0; k < per_day && lines < target_lines; k++) {
			struct order_facts f;
			struct delivery_decision d;
			int patient = 1 + (int)rnd(NPATIENTS), nl = 1 + (int)rnd(4);
			int32_t sec = 7 * 3600 + (int32_t)rnd(12 * 3600);
			int r = (int)rnd(1000);
			bool cancelled = r < 10, returned = r >= 10 && r < 20,
			     partial = r >= 20 && r < 50;
			bool late = rnd(20) == 0;
			char received[32], days_s[11], due[11], contact[11], shipped[32],
				delivered[32];
			int64_t lids[4], arts[4];

			order_facts_init(&f);
			f.received_day = day;
			f.received_sec = sec;
			f.area = AREA_UNKNOWN;
			if (delivery_decide(p, &f, &d, NULL) != LMN_OK)
				continue;
			order++;
			clock_format(day, sec, received);
			date_format(day, days_s);
			date_format(d.due, due);
			date_format(d.contact_from, contact);
			sqlite3_bind_int64(so, ORDER_COL_ID, order);
			sqlite3_bind_int(so, ORDER_COL_PATIENT_ID, patient);
			text(so, ORDER_COL_KIND, "normal");
			text(so, ORDER_COL_CHANNEL,
			     r % 10 < 3	  ? "digital"
			     : r % 10 < 6 ? "phone"
			     : r % 10 < 8 ? "municipal"
					  : "customer_service");
			text(so, ORDER_COL_REQUESTED_BY, "patient");
			text(so, ORDER_COL_ENTERED_BY, r % 10 < 3 ? "patient" : "customer_service");
			text(so, ORDER_COL_RECEIVED_AT, received);
			text(so, ORDER_COL_RECEIVED_DAY, days_s);
			text(so, ORDER_COL_DUE, due);
			text(so, ORDER_COL_CONTACT_FROM, contact);
			text(so, ORDER_COL_RULES, "B3:1@2018-05-01");
			text(so, ORDER_COL_DELIVERY_METHOD, "home");
			text(so, ORDER_COL_STATUS,
			     cancelled	? "cancelled"
			     : returned ? "returned"
			     : partial	? "delivered"
					: "delivered");
			sqlite3_bind_int(so, ORDER_COL_LINES, 0);
			step(so);
			for (int i = 0; i < nl; i++) {
				int item = patient * 3 + i % 3;
				lids[i] = ++line_id;
				arts[i] = 1 + (patient * 7 + (i % 3) * 101) % 300;
				sqlite3_bind_int64(sl, 1, lids[i]);
				sqlite3_bind_int64(sl, 2, order);
				sqlite3_bind_int64(sl, 3, arts[i]);
				sqlite3_bind_int(sl, 4, item);
				sqlite3_bind_int(sl, 5, 1 + i);
				sqlite3_bind_null(sl, 6);
				sqlite3_bind_int(sl, 7, cancelled ? 0 : 1 + i);
				sqlite3_bind_int(sl, 8, 0);
				step(sl);
			}
			lines += nl;
			if (cancelled)
				continue;
			/* The shipment: the day after receipt; delivered by the due date or late. */
			{
				lmn_day ship = next_working(day, 1);
				lmn_day del = late ? next_working(d.due, 1 + (int)rnd(4))
						   : d.due - (lmn_day)rnd(2);
				if (del < ship)
					del = ship;
				clock_format(ship, 7 * 3600, shipped);
				clock_format(del, 9 * 3600 + (int32_t)rnd(9 * 3600), delivered);
				for (int s = 0; s < (partial && nl > 1 ? 2 : 1); s++) {
					sqlite3_bind_int64(ss, 1, ++shipment);
					sqlite3_bind_int64(ss, 2, order);
					text(ss, 3, shipped);
					sqlite3_bind_int(ss, 4, partial && nl > 1 && s == 0);
					if (returned) {
						sqlite3_bind_null(ss, 5);
						text(ss, 6, "returned");
					} else {
						text(ss, 5, delivered);
						text(ss, 6, "delivered");
					}
					text(ss, 7, delivered);
					step(ss);
					for (int i = 0; i < nl; i++) {
						bool back = partial && nl > 1 && i == nl - 1;
						if ((s == 0 && back) || (s == 1 && !back))
							continue;
						sqlite3_bind_int64(ssl, 1, shipment);
						sqlite3_bind_int64(ssl, 2, lids[i]);
						sqlite3_bind_int(ssl, 3, 1 + i);
						sqlite3_bind_int(ssl, 4, 0);
						sqlite3_bind_int64(ssl, 5, arts[i]);
						sqlite3_bind_int(ssl, 6, 1 + patient % 20);
						step(ssl);
					}
					/* the backordered rest a week later */
					clock_format(next_working(del, 5), 8 * 3600, shipped);
					clock_format(next_working(del, 6), 11 * 3600, delivered);
				}
				if (!returned && del >= d.contact_from) {
					sqlite3_bind_int64(sc, 1, order);
					text(sc, 2, contact);
					step(sc);
				}
			}
		}
	sqlite3_finalize(so);
	sqlite3_finalize(sl);
	sqlite3_finalize(ss);
	sqlite3_finalize(ssl);
	sqlite3_finalize(sc);
	/* Calls: on working days, about one per eight order lines. */
	{
		sqlite3_stmt *st =
			prep("INSERT INTO calls (queued_at, answered_at, abandoned_at, topic) "
			     "VALUES (?1, ?2, ?3, 'order')");
		long per = target_lines / 8 / (days * 5 / 7) + 1;
		for (lmn_day day = first; day <= last; day++) {
			bool working = false;
			if (calendar_is_working_day(day, &working) != LMN_OK || !working)
				continue;
			for (long k = 0; k < per; k++) {
				int32_t q = 8 * 3600 + (int32_t)rnd(8 * 3600);
				int32_t wait =
					rnd(10) < 8 ? (int32_t)rnd(240) : 120 + (int32_t)rnd(600);
				char queued[32], end[32];
				bool abandoned = rnd(20) == 0;
				clock_format(day, q, queued);
				clock_format(day, q + wait, end);
				text(st, 1, queued);
				if (abandoned) {
					sqlite3_bind_null(st, 2);
					text(st, 3, end);
				} else {
					text(st, 2, end);
					sqlite3_bind_null(st, 3);
				}
				step(st);
			}
		}
		sqlite3_finalize(st);
	}
	printf("gen_history: %ld orders, %ld order lines, %ld shipments\n", order, lines, shipment);
}

static void import_file(const char *path, long n)
{
	FILE *f = fopen(path, "w");
	lmn_day first = date_from_ymd(2022, 1, 3);

	if (!f)
		die(path);
	fputs("order_ref;received_at;patient;unit_cost_centre;article_number;quantity;channel\n",
	      f);
	for (long i = 0; i < n; i++) {
		int patient = 1 + (int)rnd(NPATIENTS);
		char idn[32], d[11];
		date_format(first + (lmn_day)(i * 360 / n), d);
		id_number((unsigned)patient, idn);
		fprintf(f, "IMP-%ld;%s %02d:%02d;%s;%d;B%05d;%d;%s\n", i + 1, d, 8 + (int)rnd(10),
			(int)rnd(60), idn, 5000 + 1 + patient % 20, 1 + (patient * 7) % 300,
			1 + (int)rnd(3), rnd(3) ? "phone" : "digital");
	}
	if (fclose(f) != 0)
		die(path);
}

int main(int argc, char **argv)
{
	struct params p;
	struct lmn_err err;
	struct db *store;

	if (argc != 3 && argc != 5) {
		fprintf(stderr, "usage: gen_history DB LINES [IMPORT_CSV IMPORT_ORDERS]\n");
		return 2;
	}
	if (localtime_init(&err) != LMN_OK || db_open(argv[1], &store, &err) != LMN_OK) {
		fprintf(stderr, "gen_history: %s\n", err.message);
		return 1;
	}
	db_close(store); /* the schema is there */
	params_init(&p);
	if (rules_files_load(&p, rules_files_default_dir(), &err) != LMN_OK) {
		fprintf(stderr, "gen_history: %s\n", err.message);
		return 1;
	}
	if (sqlite3_open(argv[1], &db) != SQLITE_OK)
		die("open");
	exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000; "
	     "BEGIN");
	reference();
	history(&p, strtol(argv[2], NULL, 10));
	exec("COMMIT");
	exec("ANALYZE");
	sqlite3_close(db);
	if (argc == 5)
		import_file(argv[3], strtol(argv[4], NULL, 10));
	params_release(&p);
	return 0;
}
