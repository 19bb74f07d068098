/* The demo data set. Deterministic: the same day gives the same data. */
#include "demo/demo.h"

#include <sodium.h>
#include <stdarg.h>
#include <string.h>

#include "rules/calendar.h"
#include "rules/delivery.h"
#include "store/orders.h"
#include "util/clock.h"

/* The governance demo (src/demo/demo_governance.sql, embedded at build time). */
extern const char demo_governance_sql[];

#define NPATIENTS 120
#define NPICKUP	  60

struct gen {
	struct db_conn *c;
	const struct params *p;
	lmn_day today;
	uint64_t rng;
	struct lmn_err *err;
	struct demo_counts *n;
};

static uint32_t rnd(struct gen *g, uint32_t n) /* 0 … n-1 */
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return (uint32_t)((g->rng >> 11) % n);
}

static bool chance(struct gen *g, int percent)
{
	return rnd(g, 100) < (uint32_t)percent;
}

/* Runs one statement with text and integer arguments given as a format: 't' text, 'i' int64,
 * 'n' NULL. */
static enum lmn_rc run(struct gen *g, const char *sql, const char *fmt, ...)
{
	struct db_stmt *st;
	va_list ap;
	enum lmn_rc rc = db_prepare(g->c, sql, &st, g->err);

	if (rc != LMN_OK)
		return rc;
	va_start(ap, fmt);
	for (int i = 1; fmt[i - 1]; i++) {
		switch (fmt[i - 1]) {
		case 't':
			db_bind_text(st, i, va_arg(ap, const char *));
			break;
		case 'i':
			db_bind_int(st, i, va_arg(ap, int64_t));
			break;
		default:
			(void)va_arg(ap, const void *);
			db_bind_null(st, i);
			break;
		}
	}
	va_end(ap);
	return db_run(st, g->err);
}

#define TRY(x)                         \
	do {                           \
		enum lmn_rc rc_ = (x); \
		if (rc_ != LMN_OK)     \
			return rc_;    \
	} while (0)

static const char *const municipalities[] = { "Borås", "Skövde", "Trollhättan", "Lerum",
					      "Göteborg" };
static const char *const postal_prefix[] = { "503", "541", "461", "443", "413" };

static enum lmn_rc organisation(struct gen *g)
{
	TRY(run(g, "INSERT INTO care_providers (id, name, kind) VALUES (1, $1, 'region')", "t",
		"Västra Götalandsregionen (demo)"));
	for (int i = 0; i < 4; i++) {
		char name[64];
		snprintf(name, sizeof(name), "%s kommun (demo)", municipalities[i]);
		TRY(run(g,
			"INSERT INTO care_providers (id, name, kind, municipality) "
			"VALUES ($1, $2, 'municipality', $3)",
			"itt", (int64_t)(2 + i), name, municipalities[i]));
	}
	static const struct {
		int id, provider;
		const char *name, *cc, *municipality, *pc;
	} units[] = {
		{ 1, 1, "Vårdcentralen Solgläntan", "1001", "Göteborg", "41317" },
		{ 2, 1, "Distriktssköterskemottagningen Ekbacken", "1002", "Lerum", "44330" },
		{ 3, 1, "Dietistenheten, Sjukhuset Väst", "1003", "Trollhättan", "46173" },
		{ 4, 1, "Uroterapimottagningen, Sjukhuset Öst", "1004", "Skövde", "54142" },
		{ 5, 2, "Hemsjukvården Borås", "2001", "Borås", "50330" },
		{ 6, 3, "Kommunal hälso- och sjukvård Skövde", "3001", "Skövde", "54131" },
	};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		TRY(run(g,
			"INSERT INTO units (id, care_provider_id, name, cost_centre, municipality, "
			"postal_code) VALUES ($1, $2, $3, $4, $5, $6)",
			"iitttt", (int64_t)units[i].id, (int64_t)units[i].provider, units[i].name,
			units[i].cc, units[i].municipality, units[i].pc));
	/* Fictional HSA-ids in the directory's form, for the 1177 contracts. */
	TRY(run(g, "UPDATE units SET hsa_id = 'SE2321000131-E' || printf('%012d', id)", ""));
	return LMN_OK;
}

static enum lmn_rc assortment(struct gen *g)
{
	static const char *const suppliers[] = {
		"Exempelleverantör Nord AB", "Demo Medical AB",	    "Påhittade Näring AB",
		"Fiktiva Hygien AB",	     "Testbolaget Vård AB", "Provleverantören AB"
	};
	static const struct {
		const char *area, *name, *unit;
		int pack, price_min, price_max;
	} kinds[] = {
		{ "nutrition", "Näringsdryck", "förp", 4, 6000, 14000 },
		{ "nutrition", "Sondnäring 1000 ml,", "förp", 8, 20000, 60000 },
		{ "nutrition", "Förtjockningsmedel", "burk", 1, 9000, 25000 },
		{ "nutrition", "Energiberikning", "förp", 6, 8000, 20000 },
		{ "nutrition", "Proteinpulver", "burk", 1, 12000, 30000 },
		{ "nutrition", "Sondaggregat", "förp", 30, 30000, 90000 },
		{ "incontinence", "Inkontinensskydd", "förp", 28, 9000, 30000 },
		{ "incontinence", "Engångskateter", "förp", 30, 40000, 120000 },
		{ "incontinence", "Uridom", "förp", 30, 30000, 80000 },
		{ "incontinence", "Urinpåse", "förp", 10, 10000, 30000 },
		{ "incontinence", "Tarmirrigation", "förp", 15, 50000, 150000 },
		{ "incontinence", "Fixeringsbyxa", "förp", 5, 5000, 15000 },
	};
	static const char *const variants[] = { "neutral",   "jordgubb",  "vanilj",    "choklad",
						"storlek S", "storlek M", "storlek L", "storlek XL",
						"CH10",	     "CH12",	  "CH14",      "natt",
						"dag",	     "extra",	  "mini",      "plus",
						"barn",	     "kompakt",	  "original",  "lätt",
						"mild",	     "kaffe",	  "päron",     "tropisk",
						"sensitiv" };
	int id = 0;

	for (size_t s = 0; s < sizeof(suppliers) / sizeof(suppliers[0]); s++)
		TRY(run(g, "INSERT INTO suppliers (id, name) VALUES ($1, $2)", "it",
			(int64_t)(s + 1), suppliers[s]));
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		for (size_t v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
			char name[128], number[16];
			bool special = chance(g, 6), stocked = !special;
			bool acute = stocked && chance(g, 15);
			int price =
				kinds[k].price_min +
				(int)rnd(g, (uint32_t)(kinds[k].price_max - kinds[k].price_min));

			id++;
			snprintf(name, sizeof(name), "%s %s", kinds[k].name, variants[v]);
			snprintf(number, sizeof(number), "%c%05d",
				 kinds[k].area[0] == 'n' ? 'N' : 'I', 100 + id);
			TRY(run(g,
				"INSERT INTO articles (id, article_number, name, area, unit, "
				"package_size, supplier_id, stocked, acute_assortment, special) "
				"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
				"ittttiiiii", (int64_t)id, number, name, kinds[k].area,
				kinds[k].unit, (int64_t)kinds[k].pack, (int64_t)(1 + rnd(g, 6)),
				(int64_t)stocked, (int64_t)acute, (int64_t)special));
			/* Example prices; a price change on the day the fee tables came (2026-01-30). */
			TRY(run(g,
				"INSERT INTO article_prices (article_id, valid_from, price_ore) "
				"VALUES ($1, '2024-01-01', $2)",
				"ii", (int64_t)id, (int64_t)(price / 100 * 100)));
			TRY(run(g,
				"INSERT INTO article_prices (article_id, valid_from, price_ore) "
				"VALUES ($1, '2026-01-30', $2)",
				"ii", (int64_t)id, (int64_t)(price * 104 / 100 / 100 * 100)));
			g->n->articles++;
		}
	}
	return LMN_OK;
}

/* The areas beside nutrition and incontinence (issue 18: diabetes and stoma belong to LMN, the 2019
 * text): a few articles each, fixed rather than drawn, so the random stream of the rest of the demo
 * stays what it was. Ids follow the 300 generated articles. */
static const struct {
	const char *number, *area, *name, *unit;
	int pack, supplier, stocked, acute, price;
} more_articles[] = {
	{ "D00401", "diabetes", "Blodsockerteststickor", "förp", 50, 2, 1, 1, 24000 },
	{ "D00402", "diabetes", "Ketonteststickor", "förp", 10, 2, 1, 0, 19000 },
	{ "D00403", "diabetes", "Lansetter 30G", "förp", 200, 5, 1, 0, 9000 },
	{ "D00404", "diabetes", "Pennkanyler 4 mm", "förp", 100, 5, 1, 1, 21000 },
	{ "D00405", "diabetes", "Pennkanyler 6 mm", "förp", 100, 5, 1, 0, 21000 },
	{ "S00501", "stoma", "Stomipåse sluten, tvådel", "förp", 30, 4, 1, 0, 65000 },
	{ "S00502", "stoma", "Stomipåse tömbar, tvådel", "förp", 20, 4, 1, 1, 58000 },
	{ "S00503", "stoma", "Urostomipåse", "förp", 10, 6, 1, 0, 42000 },
	{ "S00504", "stoma", "Basplatta 50 mm", "förp", 10, 4, 1, 0, 55000 },
	{ "S00505", "stoma", "Basplatta konvex, specialanpassad", "förp", 5, 6, 0, 0, 89000 },
};
#define MORE_ARTICLES_FIRST_ID 301

static enum lmn_rc assortment_more_areas(struct gen *g)
{
	for (size_t i = 0; i < sizeof(more_articles) / sizeof(more_articles[0]); i++) {
		int64_t id = MORE_ARTICLES_FIRST_ID + (int64_t)i;
		int price = more_articles[i].price;

		TRY(run(g,
			"INSERT INTO articles (id, article_number, name, area, unit, package_size, "
			"supplier_id, stocked, acute_assortment, special) "
			"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
			"ittttiiiii", id, more_articles[i].number, more_articles[i].name,
			more_articles[i].area, more_articles[i].unit,
			(int64_t)more_articles[i].pack, (int64_t)more_articles[i].supplier,
			(int64_t)more_articles[i].stocked, (int64_t)more_articles[i].acute,
			(int64_t)!more_articles[i].stocked));
		TRY(run(g,
			"INSERT INTO article_prices (article_id, valid_from, price_ore) "
			"VALUES ($1, '2024-01-01', $2)",
			"ii", id, (int64_t)price));
		TRY(run(g,
			"INSERT INTO article_prices (article_id, valid_from, price_ore) "
			"VALUES ($1, '2026-01-30', $2)",
			"ii", id, (int64_t)(price * 104 / 100 / 100 * 100)));
		g->n->articles++;
	}
	return LMN_OK;
}

/* A personnummer with a correct check digit (Luhn over YYMMDDNNN). */
static void personnummer(int y, int m, int d, int serial, char out[13])
{
	char ten[11];
	int sum = 0;

	/* The remainders only bound the widths for the compiler; the values are in range. */
	snprintf(ten, sizeof(ten), "%02u%02u%02u%03u", (unsigned)y % 100u, (unsigned)m % 100u,
		 (unsigned)d % 100u, (unsigned)serial % 1000u);
	for (int i = 0; i < 9; i++) {
		int v = (ten[i] - '0') * (i % 2 == 0 ? 2 : 1);
		sum += v / 10 + v % 10;
	}
	snprintf(out, 13, "%04u%02u%02u%03u%u", (unsigned)y % 10000u, (unsigned)m % 100u,
		 (unsigned)d % 100u, (unsigned)serial % 1000u, (unsigned)(10 - sum % 10) % 10u);
}

static enum lmn_rc patients(struct gen *g)
{
	static const char *const given[] = { "Anna",	 "Karin", "Maria",  "Eva",   "Ingrid",
					     "Birgitta", "Lars",  "Karl",   "Erik",  "Per",
					     "Nils",	 "Sven",  "Ella",   "Oskar", "Saga",
					     "Elsa",	 "Arvid", "Gunnel", "Rut",   "Tage" };
	static const char *const family[] = { "Exempelsson", "Demostedt",   "Provander",
					      "Testberg",    "Påhittström", "Fiktivsdotter",
					      "Låtsasson",   "Övningsdal",  "Modellgren",
					      "Mönstermark" };
	static const char *const streets[] = { "Exempelgatan", "Demovägen", "Provstigen",
					       "Testgränd", "Låtsasallén" };

	for (int i = 1; i <= NPATIENTS; i++) {
		int mi = (int)rnd(g, 5), y = 1925 + (int)rnd(g, 95), m = 1 + (int)rnd(g, 12);
		int d = 1 + (int)rnd(g, 28);
		char number[13], address[64], pc[6], city[32], phone[16];
		bool housing = mi < 2 && chance(g, 45);

		personnummer(y, m, d, 200 + i * 7, number);
		snprintf(address, sizeof(address), "%s %d", streets[rnd(g, 5)],
			 1 + (int)rnd(g, 80));
		snprintf(pc, sizeof(pc), "%s%02d", postal_prefix[mi], (int)rnd(g, 40));
		snprintf(city, sizeof(city), "%s", municipalities[mi]);
		snprintf(phone, sizeof(phone), "070-%03d %02d %02d", (int)rnd(g, 1000),
			 (int)rnd(g, 100), (int)rnd(g, 100));
		TRY(run(g,
			"INSERT INTO patients (id, id_number, id_kind, given_name, family_name, "
			"address, postal_code, city, phone, municipality, protected_identity, "
			"municipal_housing, rural_route, created_at) VALUES ($1, $2, "
			"'personnummer', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, '2024-01-01T08:00:00+01:00')",
			"ittttttttiii", (int64_t)i, number, given[i == 1 ? 0 : rnd(g, 20)],
			family[i == 1 ? 0 : rnd(g, 10)], address, pc, city, phone, city,
			(int64_t)(i > 2 && chance(g, 4)), (int64_t)housing, (int64_t)chance(g, 8)));
		g->n->patients++;
	}
	return LMN_OK;
}

static enum lmn_rc users(struct gen *g, FILE *progress)
{
	static const struct {
		const char *username, *name, *role;
		int patient, unit;
		const char *municipality;
		int person; /* governance roles: the person in src/demo/demo_governance.sql */
	} u[] = {
		{ "patient", "Anna Exempelsson", "patient", 1, 0, NULL, 0 },
		{ "ombud", "Ombud för patient 2 (anhörig)", "patient", 2, 0, NULL, 0 },
		{ "forskrivare", "Sara Förskrivardemo, distriktssköterska", "prescriber", 0, 1,
		  NULL, 0 },
		{ "dietist", "David Dietistdemo, dietist", "prescriber", 0, 3, NULL, 0 },
		{ "kommunforskrivare", "Kim Kommundemo, sjuksköterska", "municipal_prescriber", 0,
		  5, "Borås", 0 },
		{ "kommunbestallare", "Maja Beställardemo", "municipal_orderer", 0, 0, "Borås", 0 },
		{ "kundtjanst", "Kalle Kundtjänstdemo", "customer_service", 0, 0, NULL, 0 },
		{ "distributor", "Lagret Demo", "distributor", 0, 0, NULL, 0 },
		{ "admin", "Förvaltningen Demo", "admin", 0, 0, NULL, 0 },
		{ "sekreterare", "Anna Alfredsdotter, Samverkansfunktionen", "secretary", 0, 0,
		  NULL, 13 },
		{ "ledamot", "Kristin Lundgren, VästKom", "member", 0, 0, NULL, 10 },
	};
	char hash[crypto_pwhash_STRBYTES];

	if (progress)
		fprintf(progress, "  användare (lösenord hashas med Argon2id) …\n");
	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		if (crypto_pwhash_str(hash, DEMO_PASSWORD, strlen(DEMO_PASSWORD),
				      crypto_pwhash_OPSLIMIT_INTERACTIVE,
				      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
			return lmn_err_set(g->err, LMN_ENOMEM, NULL, NULL,
					   "password hashing failed");
		TRY(run(g,
			"INSERT INTO users (id, username, display_name, role, patient_id, unit_id, "
			"municipality, password_hash, created_at, person_id) VALUES ($1, $2, $3, $4, "
			"nullif($5, 0), nullif($6, 0), $7, $8, '2024-01-01T08:00:00+01:00', "
			"nullif($9, 0))",
			"itttiitti", (int64_t)(i + 1), u[i].username, u[i].name, u[i].role,
			(int64_t)u[i].patient, (int64_t)u[i].unit, u[i].municipality, hash,
			(int64_t)u[i].person));
		g->n->users++;
	}
	TRY(run(g,
		"UPDATE users SET hsa_id = 'SE2321000131-P' || printf('%012d', id) "
		"WHERE role IN ('prescriber', 'municipal_prescriber')",
		""));
	/* The delegate orders for patient 2 (a parent for a child, say). */
	TRY(run(g, "INSERT INTO delegates (user_id, patient_id) VALUES (2, 2)", ""));
	return LMN_OK;
}

static enum lmn_rc pickup_points(struct gen *g)
{
	/* Each provider of the code list has points in every demo municipality (i % 5, i % 3). */
	static const char *const shops[] = { "Exempelombud", "Demopaket", "Provposten" };
	static const char *const providers[] = { "PostNord", "DHL", "DB Schenker" };
	static const char *const codes[] = { "POSTNORD", "DHL", "SCHENKER" };

	for (int i = 1; i <= NPICKUP; i++) {
		int mi = i % 5;
		char code[16], name[64], pc[6], address[64];

		snprintf(code, sizeof(code), "PP%04d", i);
		snprintf(name, sizeof(name), "%s %s %d", shops[i % 3], municipalities[mi], i);
		snprintf(pc, sizeof(pc), "%s%02d", postal_prefix[mi], (int)rnd(g, 40));
		snprintf(address, sizeof(address), "Butiksgatan %d", i);
		TRY(run(g,
			"INSERT INTO pickup_points (code, name, provider, address, postal_code, city, "
			"provider_code) VALUES ($1, $2, $3, $4, $5, $6, $7)",
			"ttttttt", code, name, providers[i % 3], address, pc, municipalities[mi],
			codes[i % 3]));
	}
	return LMN_OK;
}

static lmn_day next_working(lmn_day d, int n)
{
	lmn_day out = d;
	if (calendar_add_working_days(d, n, &out) != LMN_OK)
		return d + n;
	return out;
}

/* One withdrawal with its fulfilment, as it would have happened. */
static enum lmn_rc history_order(struct gen *g, int64_t patient, bool housing, int64_t item,
				 int64_t article, int qty, lmn_day day, lmn_day next_earliest,
				 bool special)
{
	struct order_facts f;
	struct delivery_decision d;
	char received[32], due[11], contact[11], days[11], prev[11];
	const char *channel = "digital", *requested = "patient", *entered = "patient";
	int32_t sec = 7 * 3600 + (int32_t)rnd(g, 15 * 3600);
	int64_t order, line, shipment;
	struct buf rules;
	enum lmn_rc rc;

	order_facts_init(&f);
	f.received_day = day;
	f.received_sec = sec;
	f.special = special;
	f.stocked = !special;
	if (housing) {
		channel = "municipal";
		requested = entered = "municipal_orderer";
		f.requested_by = f.entered_by = ROLE_MUNICIPAL_ORDERER;
	} else if (chance(g, 55)) {
		channel = "customer_service";
		entered = "customer_service";
		f.entered_by = ROLE_CUSTOMER_SERVICE;
	} else if (sec % 3 != 0) {
		/* Two in three of the patients' own orders come through the portal 1177 (a quarter
		 * of all, as the minutes have it), the rest from lmn's own pages. Taken from the
		 * time already drawn, so the demo's other draws stay as they were. */
		channel = "1177";
	}
	rc = delivery_decide(g->p, &f, &d, g->err);
	if (rc != LMN_OK)
		return LMN_OK; /* a refused order was never placed */
	buf_init(&rules, 512);
	for (int r = 0; r < d.nrules; r++) {
		if (r)
			buf_addc(&rules, ' ');
		buf_adds(&rules, d.rules[r]->ref);
	}
	clock_format(day, sec, received);
	date_format(d.due, due);
	date_format(day, days);
	if (d.contact_from != LMN_DAY_NONE)
		date_format(d.contact_from, contact);
	if (next_earliest != LMN_DAY_NONE)
		date_format(next_earliest, prev);
	const struct order_row row = {
		.patient_id = patient,
		.kind = "normal",
		.channel = channel,
		.requested_by = requested,
		.entered_by = entered,
		.reason = strcmp(entered, "customer_service") == 0 ? "Patienten ringde" : NULL,
		.received_at = received,
		.received_day = days,
		.due = due,
		.contact_from = d.contact_from != LMN_DAY_NONE ? contact : NULL,
		.rules = rules.data ? rules.data : "",
		.delivery_method = "home",
	};
	rc = orders_insert_home(g->c, &row, &order, g->err);
	buf_release(&rules);
	if (rc != LMN_OK)
		return rc;
	const struct order_line_row lr = {
		.order_id = order,
		.article_id = article,
		.prescription_item_id = item,
		.quantity = qty,
		.prev_next_earliest = next_earliest != LMN_DAY_NONE ? prev : NULL,
	};
	TRY(order_lines_insert(g->c, &lr, &line, g->err));
	g->n->orders++;
	/* Orders of the last days are still to be picked. */
	if (d.due >= g->today || day >= g->today - 2)
		return LMN_OK;
	{
		lmn_day ship_day = next_working(day, 1), deliver_day = d.due;
		bool backorder = chance(g, 3), late = chance(g, 4), returned = chance(g, 1);
		char shipped_at[32], delivered_at[32];
		int32_t dsec = 9 * 3600 + (int32_t)rnd(g, 9 * 3600);

		if (late)
			deliver_day = next_working(d.due, 1 + (int)rnd(g, 4));
		if (chance(g, 1))
			dsec = 19 * 3600 + 1800; /* a delivery outside the window: a deviation */
		if (deliver_day > g->today - 1)
			deliver_day = g->today - 1;
		if (ship_day > deliver_day)
			ship_day = deliver_day;
		clock_format(ship_day, 7 * 3600, shipped_at);
		clock_format(deliver_day, dsec, delivered_at);
		TRY(run(g,
			"INSERT INTO shipments (order_id, shipped_at, partial, delivered_at, "
			"delivery_deviation, outcome, outcome_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
			"ititttt", order, shipped_at, (int64_t)backorder,
			returned ? NULL : delivered_at,
			dsec >= 19 * 3600 ? "levererad utanför 08:00–19:00" : NULL,
			returned ? (chance(g, 50) ? "returned" : "not_collected") : "delivered",
			delivered_at));
		shipment = db_last_id(g->c);
		TRY(run(g,
			"INSERT INTO shipment_lines (shipment_id, order_line_id, quantity, backordered) "
			"VALUES ($1, $2, $3, $4)",
			"iiii", shipment, line, (int64_t)(backorder ? qty / 2 : qty),
			(int64_t)backorder));
		TRY(run(g,
			"UPDATE order_lines SET shipped_quantity = $2, backordered = $3 WHERE id = $1",
			"iii", line, (int64_t)(backorder ? qty / 2 : qty), (int64_t)backorder));
		TRY(run(g, "UPDATE orders SET status = $2 WHERE id = $1", "it", order,
			returned    ? "returned"
			: backorder ? "partially_delivered"
				    : "delivered"));
		/* Late beyond working day 5: the contact case customer service worked. */
		if (d.contact_from != LMN_DAY_NONE && deliver_day >= d.contact_from) {
			char called[32];
			clock_format(d.contact_from, 10 * 3600, called);
			TRY(run(g,
				"INSERT INTO contact_cases (order_id, opened_on, closed_at, called_at, "
				"called_by, outcome) VALUES ($1, $2, $3, $3, 7, 'reached')",
				"itt", order, contact, called));
		}
	}
	return LMN_OK;
}

static enum lmn_rc prescriptions(struct gen *g)
{
	int64_t item_id = 0;

	for (int p = 1; p <= NPATIENTS; p++) {
		bool housing = false;
		int nitems = 1 + (int)rnd(g, 3);
		struct db_stmt *st;
		bool row;

		TRY(db_prepare(g->c, "SELECT municipal_housing FROM patients WHERE id = $1", &st,
			       g->err));
		db_bind_int(st, 1, p);
		TRY(db_step(st, &row, g->err));
		housing = row && db_col_int(st, 0);
		db_done(st);
		/* Two expired yearly prescriptions, then the current one. */
		for (int era = 0; era < 3; era++) {
			lmn_day on = g->today - 730 + era * 365 - (era == 2 ? 300 : 0);
			lmn_day last = on + 364;
			int64_t rx;
			char ons[11], lasts[11], created[32];
			int unit = housing ? 5 : 1 + (int)rnd(g, 4);

			date_format(on, ons);
			date_format(last, lasts);
			clock_format(on, 10 * 3600, created);
			TRY(run(g,
				"INSERT INTO prescriptions (patient_id, prescriber_id, unit_id, "
				"prescribed_on, created_at) VALUES ($1, $2, $3, $4, $5)",
				"iiitt", (int64_t)p,
				(int64_t)(housing     ? 5
					  : unit == 3 ? 4
						      : 3),
				(int64_t)unit, ons, created));
			rx = db_last_id(g->c);
			g->n->prescriptions++;
			for (int k = 0; k < nitems; k++) {
				static const int periods[] = { 30, 60, 90 };
				int period = periods[rnd(g, 3)], allowed = 365 / period + 1;
				int qty = 1 + (int)rnd(g, 4), remaining = allowed;
				int64_t article = 1 + rnd(g, 300);
				bool special = false;
				lmn_day next = LMN_DAY_NONE, day;

				TRY(db_prepare(g->c, "SELECT special FROM articles WHERE id = $1",
					       &st, g->err));
				db_bind_int(st, 1, article);
				TRY(db_step(st, &row, g->err));
				special = row && db_col_int(st, 0);
				db_done(st);
				TRY(run(g,
					"INSERT INTO prescription_items (prescription_id, article_id, "
					"withdrawals_allowed, withdrawals_remaining, "
					"quantity_per_withdrawal, period_days, last_valid) "
					"VALUES ($1, $2, $3, $3, $4, $5, $6)",
					"iiiiit", rx, article, (int64_t)allowed, (int64_t)qty,
					(int64_t)period, lasts));
				item_id = db_last_id(g->c);
				/* The demo logins' own current prescriptions are orderable today. */
				for (day = on + (lmn_day)rnd(g, 5); day <= last && day < g->today &&
								    remaining > 0 &&
								    !(p <= 2 && era == 2);) {
					TRY(history_order(g, p, housing, item_id, article, qty, day,
							  next, special));
					remaining--;
					next = day + period * 3 / 4;
					day = next + (lmn_day)rnd(g, 12);
				}
				if (remaining != allowed) {
					char nexts[11];
					date_format(next, nexts);
					TRY(run(g,
						"UPDATE prescription_items SET withdrawals_remaining = $2, "
						"next_earliest = $3 WHERE id = $1",
						"iit", item_id, (int64_t)remaining, nexts));
				}
			}
		}
	}
	return LMN_OK;
}

/* Two patients get an item of the new areas on their current prescription (same prescriber and
 * unit, so the care relationship is the one they have): test strips for patient 3, stoma bags for
 * patient 4, orderable now, nothing withdrawn yet. */
static enum lmn_rc prescriptions_more_areas(struct gen *g)
{
	static const struct {
		int patient;
		const char *number;
		int qty, period;
	} items[] = { { 3, "D00401", 2, 30 }, { 4, "S00502", 1, 30 } };

	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		struct db_stmt *st;
		bool row;
		int64_t rx = 0, article = 0;
		char last[11] = "";

		TRY(db_prepare(
			g->c,
			"SELECT p.id, (SELECT max(i.last_valid) FROM prescription_items i "
			"WHERE i.prescription_id = p.id), (SELECT a.id FROM articles a "
			"WHERE a.article_number = $2) FROM prescriptions p "
			"WHERE p.patient_id = $1 ORDER BY p.prescribed_on DESC, p.id DESC LIMIT 1",
			&st, g->err));
		db_bind_int(st, 1, items[i].patient);
		db_bind_text(st, 2, items[i].number);
		TRY(db_step(st, &row, g->err));
		if (row) {
			rx = db_col_int(st, 0);
			snprintf(last, sizeof(last), "%s", db_col_text(st, 1));
			article = db_col_int(st, 2);
		}
		db_done(st);
		if (!rx || !article || !last[0])
			return lmn_err_set(
				g->err, LMN_ENOTFOUND, NULL, NULL,
				"demo: no current prescription or article for patient %d",
				items[i].patient);
		int64_t allowed = 365 / items[i].period + 1;
		TRY(run(g,
			"INSERT INTO prescription_items (prescription_id, article_id, "
			"withdrawals_allowed, withdrawals_remaining, quantity_per_withdrawal, "
			"period_days, last_valid) VALUES ($1, $2, $3, $3, $4, $5, $6)",
			"iiiiit", rx, article, allowed, (int64_t)items[i].qty,
			(int64_t)items[i].period, last));
	}
	return LMN_OK;
}

/* Fee tables of Spec A (DOMAIN.md §7) with invented amounts, labelled as examples: a first table,
 * and the one of 2026-01-30, when the specification got its two tables of prices and fees. */
static enum lmn_rc fees(struct gen *g)
{
	static const struct {
		const char *kind, *from;
		int64_t ore;
	} rows[] = {
		{ "delivery", "2024-01-01", 4900 },  { "acute_delivery", "2024-01-01", 14900 },
		{ "order_line", "2024-01-01", 250 }, { "return", "2024-01-01", 7500 },
		{ "delivery", "2026-01-30", 5200 },  { "acute_delivery", "2026-01-30", 15900 },
		{ "order_line", "2026-01-30", 300 }, { "return", "2026-01-30", 8000 },
	};
	char now[32];

	clock_format(g->today, 8 * 3600, now);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		TRY(run(g,
			"INSERT INTO fees (kind, valid_from, amount_ore, example, note, created_at) "
			"VALUES ($1, $2, $3, 1, $4, $5)",
			"ttitt", rows[i].kind, rows[i].from, rows[i].ore,
			"Exempelbelopp i demodata, inte regionens avgifter", now));
	return LMN_OK;
}

static enum lmn_rc calls(struct gen *g)
{
	static const char *const topics[] = { "order", "delivery", "prescription", "product",
					      "other" };

	for (lmn_day day = g->today - 730; day < g->today; day++) {
		bool working = false;
		int n;

		if (calendar_is_working_day(day, &working) != LMN_OK || !working)
			continue;
		n = 40 + (int)rnd(g, 40);
		for (int i = 0; i < n; i++) {
			int32_t q = 8 * 3600 + (int32_t)rnd(g, 8 * 3600);
			int32_t wait =
				chance(g, 80) ? (int32_t)rnd(g, 180) : 120 + (int32_t)rnd(g, 600);
			char queued[32], end[32];
			bool abandoned = chance(g, 6);

			clock_format(day, q, queued);
			clock_format(day, q + wait, end);
			TRY(run(g,
				"INSERT INTO calls (queued_at, answered_at, abandoned_at, topic, "
				"agent_id) VALUES ($1, $2, $3, $4, $5)",
				"ttttn", queued, abandoned ? NULL : end, abandoned ? end : NULL,
				topics[rnd(g, 5)], NULL));
			g->n->calls++;
		}
	}
	return LMN_OK;
}

enum lmn_rc demo_load(struct db *db, const struct params *p, lmn_day today, FILE *progress,
		      struct demo_counts *counts, struct lmn_err *err)
{
	struct gen g = {
		.p = p, .today = today, .rng = 0x2026112220261231ull, .err = err, .n = counts
	};
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	memset(counts, 0, sizeof(*counts));
	if (sodium_init() < 0)
		return lmn_err_set(err, LMN_EIO, NULL, NULL, "libsodium cannot start");
	if ((rc = db_acquire(db, &g.c, err)) != LMN_OK)
		return rc;
	rc = db_begin(g.c, true, err);
	if (rc == LMN_OK)
		rc = db_prepare(g.c, "SELECT count(*) FROM patients", &st, err);
	if (rc == LMN_OK) {
		rc = db_step(st, &row, err);
		if (rc == LMN_OK && db_col_int(st, 0) > 0)
			rc = lmn_err_set(err, LMN_EINVAL, NULL, NULL,
					 "the database already holds patients; demo data goes only "
					 "into an empty database");
		db_done(st);
	}
#define STEP(what, call)                                     \
	if (rc == LMN_OK) {                                  \
		if (progress)                                \
			fprintf(progress, "  %s …\n", what); \
		rc = call;                                   \
	}
	STEP("vårdgivare och enheter", organisation(&g));
	STEP("sortiment", assortment(&g));
	STEP("sortiment: diabetes och stomi", assortment_more_areas(&g));
	STEP("patienter", patients(&g));
	STEP("styrning: organ, ledamöter och möten", db_exec(g.c, demo_governance_sql, err));
	if (rc == LMN_OK)
		rc = users(&g, progress);
	STEP("utlämningsställen", pickup_points(&g));
	STEP("förskrivningar och två års beställningar", prescriptions(&g));
	STEP("förskrivningar: diabetes och stomi", prescriptions_more_areas(&g));
	STEP("kundtjänstsamtal", calls(&g));
	STEP("avgiftstabeller (exempelbelopp)", fees(&g));
#undef STEP
	if (rc == LMN_OK)
		rc = db_commit(g.c, err);
	db_release(db, g.c);
	return rc;
}
