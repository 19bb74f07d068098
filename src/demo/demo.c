/* The demo data set. Deterministic: the same day gives the same data. */
#include "demo/demo.h"

#include <sodium.h>
#include <string.h>

#include "rules/calendar.h"
#include "rules/delivery.h"
#include "store/articles.h"
#include "store/calls.h"
#include "store/contact_cases.h"
#include "store/orders.h"
#include "store/organisations.h"
#include "store/patients.h"
#include "store/prescriptions.h"
#include "store/relationships.h"
#include "store/reports.h"
#include "store/shipments.h"
#include "store/users.h"
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
	const struct care_provider_new region = { .id = 1,
						  .name = "Västra Götalandsregionen (demo)",
						  .kind = "region" };

	TRY(care_providers_insert(g->c, &region, g->err));
	for (int i = 0; i < 4; i++) {
		char name[64];
		snprintf(name, sizeof(name), "%s kommun (demo)", municipalities[i]);
		const struct care_provider_new m = { .id = 2 + i,
						     .name = name,
						     .kind = "municipality",
						     .municipality = municipalities[i] };
		TRY(care_providers_insert(g->c, &m, g->err));
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
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		const struct unit_new u = { .id = units[i].id,
					    .care_provider_id = units[i].provider,
					    .name = units[i].name,
					    .cost_centre = units[i].cc,
					    .municipality = units[i].municipality,
					    .postal_code = units[i].pc };
		TRY(units_insert(g->c, &u, g->err));
	}
	/* Fictional HSA-ids in the directory's form, for the 1177 contracts. */
	return units_invent_hsa_ids(g->c, g->err);
}

/* Writes article a with its example prices: first from 2024-01-01, later from the day the fee
 * tables came (2026-01-30). */
static enum lmn_rc article(struct gen *g, const struct article_new *a, int64_t first, int64_t later)
{
	int64_t id;

	TRY(articles_insert(g->c, a, &id, g->err));
	TRY(article_price_set(g->c, id, "2024-01-01", first, g->err));
	TRY(article_price_set(g->c, id, "2026-01-30", later, g->err));
	g->n->articles++;
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
		TRY(suppliers_insert(g->c, (int64_t)(s + 1), suppliers[s], g->err));
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
			const struct article_new a = { .id = id,
						       .article_number = number,
						       .name = name,
						       .area = kinds[k].area,
						       .unit = kinds[k].unit,
						       .package_size = kinds[k].pack,
						       .supplier_id = 1 + rnd(g, 6),
						       .stocked = stocked,
						       .acute_assortment = acute,
						       .special = special };
			TRY(article(g, &a, price / 100 * 100, price * 104 / 100 / 100 * 100));
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

		const struct article_new a = { .id = id,
					       .article_number = more_articles[i].number,
					       .name = more_articles[i].name,
					       .area = more_articles[i].area,
					       .unit = more_articles[i].unit,
					       .package_size = more_articles[i].pack,
					       .supplier_id = more_articles[i].supplier,
					       .stocked = more_articles[i].stocked,
					       .acute_assortment = more_articles[i].acute,
					       .special = !more_articles[i].stocked };
		TRY(article(g, &a, price, price * 104 / 100 / 100 * 100));
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
		/* Drawn last to first, in the order the demo has always drawn them. */
		bool rural = chance(g, 8), protected_id = i > 2 && chance(g, 4);
		uint32_t fi = i == 1 ? 0 : rnd(g, 10), gi = i == 1 ? 0 : rnd(g, 20);
		const struct patient_new r = { .id = i,
					       .id_number = number,
					       .id_kind = "personnummer",
					       .given_name = given[gi],
					       .family_name = family[fi],
					       .address = address,
					       .postal_code = pc,
					       .city = city,
					       .phone = phone,
					       .municipality = city,
					       .protected_identity = protected_id,
					       .municipal_housing = housing,
					       .rural_route = rural,
					       .created_at = "2024-01-01T08:00:00+01:00" };
		int64_t written;

		TRY(patients_insert(g->c, &r, &written, g->err));
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
		const struct user_row r = { .id = (int64_t)(i + 1),
					    .username = u[i].username,
					    .display_name = u[i].name,
					    .role = u[i].role,
					    .patient_id = u[i].patient,
					    .unit_id = u[i].unit,
					    .municipality = u[i].municipality,
					    .password_hash = hash,
					    .active = true,
					    .created_at = "2024-01-01T08:00:00+01:00",
					    .person_id = u[i].person };
		int64_t written;

		TRY(users_insert(g->c, &r, &written, g->err));
		g->n->users++;
	}
	TRY(users_invent_hsa_ids(g->c, g->err));
	/* The delegate orders for patient 2 (a parent for a child, say). */
	return delegates_add(g->c, 2, 2, g->err);
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
		const struct pickup_point_new pp = { .code = code,
						     .name = name,
						     .provider = providers[i % 3],
						     .address = address,
						     .postal_code = pc,
						     .city = municipalities[mi],
						     .provider_code = codes[i % 3] };
		TRY(pickup_points_insert(g->c, &pp, g->err));
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
		const struct shipment_row sr = {
			.order_id = order,
			.shipped_at = shipped_at,
			.partial = backorder,
			.delivered_at = returned ? NULL : delivered_at,
			.delivery_deviation =
				dsec >= 19 * 3600 ? "levererad utanför 08:00–19:00" : NULL,
			.outcome = returned ? (chance(g, 50) ? "returned" : "not_collected")
					    : "delivered",
			.outcome_at = delivered_at,
		};
		TRY(shipments_insert(g->c, &sr, &shipment, g->err));
		/* The line had shipped nothing before. */
		TRY(shipment_lines_insert(g->c, shipment, line, backorder ? qty / 2 : qty,
					  backorder, g->err));
		TRY(order_line_shipped(g->c, line, backorder ? qty / 2 : qty, backorder, g->err));
		TRY(order_set_status(g->c, order,
				     returned	 ? "returned"
				     : backorder ? "partially_delivered"
						 : "delivered",
				     g->err));
		/* Late beyond working day 5: the contact case customer service worked. */
		if (d.contact_from != LMN_DAY_NONE && deliver_day >= d.contact_from) {
			char called[32];
			clock_format(d.contact_from, 10 * 3600, called);
			TRY(contact_case_insert_closed(g->c, order, contact, called, 7, "reached",
						       g->err));
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

		TRY(patient_in_municipal_housing(g->c, p, &housing, g->err));
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
			const struct prescription_row pr = { .patient_id = p,
							     .prescriber_id = housing	  ? 5
									      : unit == 3 ? 4
											  : 3,
							     .unit_id = unit,
							     .prescribed_on = ons,
							     .created_at = created };
			TRY(prescriptions_insert(g->c, &pr, &rx, g->err));
			g->n->prescriptions++;
			for (int k = 0; k < nitems; k++) {
				static const int periods[] = { 30, 60, 90 };
				int period = periods[rnd(g, 3)], allowed = 365 / period + 1;
				int qty = 1 + (int)rnd(g, 4), remaining = allowed;
				int64_t article = 1 + rnd(g, 300);
				bool special = false;
				lmn_day next = LMN_DAY_NONE, day;

				TRY(article_special(g->c, article, &special, g->err));
				const struct prescription_item_row ir = {
					.prescription_id = rx,
					.article_id = article,
					.withdrawals_allowed = allowed,
					.quantity_per_withdrawal = qty,
					.period_days = period,
					.last_valid = lasts,
				};
				TRY(prescription_items_insert(g->c, &ir, &item_id, g->err));
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
					TRY(prescription_item_withdrawn(g->c, item_id, remaining,
									nexts, g->err));
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
		int64_t rx = 0, article = 0, item;
		char last[11] = "";

		TRY(prescription_latest(g->c, items[i].patient, &rx, last, g->err));
		TRY(article_id_by_number(g->c, items[i].number, &article, g->err));
		if (!rx || !article || !last[0])
			return lmn_err_set(
				g->err, LMN_ENOTFOUND, NULL, NULL,
				"demo: no current prescription or article for patient %d",
				items[i].patient);
		const struct prescription_item_row ir = {
			.prescription_id = rx,
			.article_id = article,
			.withdrawals_allowed = 365 / items[i].period + 1,
			.quantity_per_withdrawal = items[i].qty,
			.period_days = items[i].period,
			.last_valid = last,
		};
		TRY(prescription_items_insert(g->c, &ir, &item, g->err));
	}
	return LMN_OK;
}

/* Fee tables of Spec A (DOMAIN.md §7) with invented amounts, labelled as examples: a first table,
 * and the one of 2026-01-30, when the specification got its two tables of prices and fees. */
static enum lmn_rc fees(struct gen *g)
{
	static const struct {
		enum fee_kind kind;
		int y, m, d;
		int64_t ore;
	} rows[] = {
		{ FEE_DELIVERY, 2024, 1, 1, 4900 },   { FEE_ACUTE_DELIVERY, 2024, 1, 1, 14900 },
		{ FEE_ORDER_LINE, 2024, 1, 1, 250 },  { FEE_RETURN, 2024, 1, 1, 7500 },
		{ FEE_DELIVERY, 2026, 1, 30, 5200 },  { FEE_ACUTE_DELIVERY, 2026, 1, 30, 15900 },
		{ FEE_ORDER_LINE, 2026, 1, 30, 300 }, { FEE_RETURN, 2026, 1, 30, 8000 },
	};
	char now[32];

	clock_format(g->today, 8 * 3600, now);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		TRY(fees_set(g->c, rows[i].kind, date_from_ymd(rows[i].y, rows[i].m, rows[i].d),
			     rows[i].ore, true, "Exempelbelopp i demodata, inte regionens avgifter",
			     now, g->err));
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
			int64_t id;

			clock_format(day, q, queued);
			clock_format(day, q + wait, end);
			const struct call_row r = { .queued_at = queued,
						    .answered_at = abandoned ? NULL : end,
						    .abandoned_at = abandoned ? end : NULL,
						    .topic = topics[rnd(g, 5)] };
			TRY(calls_insert(g->c, &r, &id, g->err));
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
	bool any = false;
	enum lmn_rc rc;

	memset(counts, 0, sizeof(*counts));
	if (sodium_init() < 0)
		return lmn_err_set(err, LMN_EIO, NULL, NULL, "libsodium cannot start");
	if ((rc = db_acquire(db, &g.c, err)) != LMN_OK)
		return rc;
	rc = db_begin(g.c, true, err);
	if (rc == LMN_OK)
		rc = patients_any(g.c, &any, err);
	if (rc == LMN_OK && any)
		rc = lmn_err_set(err, LMN_EINVAL, NULL, NULL,
				 "the database already holds patients; demo data goes only into an "
				 "empty database");
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
	/* The rows above were given their ids: the next ones (PostgreSQL's identities) follow. */
	if (rc == LMN_OK)
		rc = db_ids_follow(g.c, err);
	STEP("utlämningsställen", pickup_points(&g));
	STEP("förskrivningar och två års beställningar", prescriptions(&g));
	STEP("förskrivningar: diabetes och stomi", prescriptions_more_areas(&g));
	STEP("kundtjänstsamtal", calls(&g));
	STEP("avgiftstabeller (exempelbelopp)", fees(&g));
#undef STEP
	if (rc == LMN_OK)
		rc = db_ids_follow(g.c, err);
	if (rc == LMN_OK)
		rc = db_commit(g.c, err);
	db_release(db, g.c);
	return rc;
}
