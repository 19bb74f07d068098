/* A patient's supply as the 1177 contracts read it: every statement of those reads. */
#include "store/supply_read.h"

#include <stdio.h>
#include <string.h>

#include "rules/date.h"

#define COPY(dst, st, col) db_col_copy((st), (col), (dst), sizeof(dst))

void prescription_item_read(struct db_stmt *st, int base, struct rx_item *it)
{
	const char *next = db_col_text(st, base + 5);
	const char *last = db_col_text(st, base + 6);
	const char *on = db_col_text(st, base + 8);

	memset(it, 0, sizeof(*it));
	it->withdrawals_allowed = (int)db_col_int(st, base + 1);
	it->withdrawals_remaining = (int)db_col_int(st, base + 2);
	it->quantity_per_withdrawal = (int)db_col_int(st, base + 3);
	it->period_days = (int)db_col_int(st, base + 4);
	it->next_earliest = LMN_DAY_NONE;
	if (*next && date_parse(next, strlen(next), &it->next_earliest) != LMN_OK)
		it->next_earliest = LMN_DAY_NONE;
	if (date_parse(last, strlen(last), &it->last_valid) != LMN_OK)
		it->last_valid = 0;
	if (date_parse(on, strlen(on), &it->prescribed_on) != LMN_OK)
		it->prescribed_on = 0;
	it->cancelled = db_col_int(st, base + 7) != 0;
}

enum lmn_rc user_id_by_username(struct db_conn *c, const char *username, int64_t *id,
				struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	*id = 0;
	rc = db_prepare(c, "SELECT id FROM users WHERE username = $1 AND active = 1", &st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, 1, username);
	rc = db_step(st, &row, err);
	if (rc == LMN_OK && row)
		*id = db_col_int(st, 0);
	db_done(st);
	if (rc == LMN_OK && !row)
		return lmn_err_set(err, LMN_ENOTFOUND, "username", NULL, "no active account %s",
				   username);
	return rc;
}

enum lmn_rc product_area_code_1177(struct db_conn *c, const char *area, char out[24],
				   struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	*out = '\0';
	rc = db_prepare(c, "SELECT coalesce(code_1177, '') FROM product_areas WHERE code = $1", &st,
			err);
	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, 1, area);
	rc = db_step(st, &row, err);
	if (rc == LMN_OK && row)
		snprintf(out, 24, "%s", db_col_text(st, 0));
	db_done(st);
	return rc;
}

enum lmn_rc patient_by_id_number(struct db_conn *c, const char *canonical, struct patient_ref *out,
				 struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	memset(out, 0, sizeof(*out));
	rc = db_prepare(c,
			"SELECT id, protected_identity, postal_code FROM patients "
			"WHERE id_number = $1",
			&st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, 1, canonical);
	rc = db_step(st, &row, err);
	if (rc == LMN_OK && row) {
		out->id = db_col_int(st, 0);
		out->protected_identity = db_col_int(st, 1) != 0;
		COPY(out->postal_code, st, 2);
	}
	db_done(st);
	if (rc == LMN_OK && !row)
		return lmn_err_set(err, LMN_ENOTFOUND, "SubjectOfCareId", NULL, "no such patient");
	return rc;
}

/* The price of article a in force on $2. */
#define PRICE_ON(a, day)                                                             \
	"coalesce((SELECT p.price_ore FROM article_prices p WHERE p.article_id = " a \
	" AND p.valid_from <= " day " ORDER BY p.valid_from DESC LIMIT 1), -1)"

enum lmn_rc prescription_items_of_patient(struct db_conn *c, int64_t patient_id, const char *since,
					  const char *price_day, item_row_fn fn, void *arg,
					  struct lmn_err *err)
{
	struct db_stmt *st;
	struct item_row r;
	bool row;
	enum lmn_rc rc;

	rc = db_prepare(
		c,
		"SELECT " ITEM_COLUMNS ", r.id, coalesce(i.replaced_by, 0), a.article_number, "
		"a.name, a.area, a.unit, a.package_size, a.active, " PRICE_ON(
			"a.id",
			"$3") ", "
			      "r.prescriber_id, coalesce(u.display_name, ''), coalesce(u.hsa_id, ''), "
			      "n.id, n.name, coalesce(n.hsa_id, '') "
			      "FROM prescriptions r JOIN prescription_items i ON i.prescription_id = r.id "
			      "JOIN articles a ON a.id = i.article_id JOIN units n ON n.id = r.unit_id "
			      "LEFT JOIN users u ON u.id = r.prescriber_id "
			      "WHERE r.patient_id = $1 AND i.last_valid >= $2 "
			      "ORDER BY r.prescribed_on DESC, i.id",
		&st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, patient_id);
	db_bind_text(st, 2, since);
	db_bind_text(st, 3, price_day);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		memset(&r, 0, sizeof(r));
		prescription_item_read(st, 0, &r.it);
		r.item_id = db_col_int(st, 0);
		r.prescription_id = db_col_int(st, 9);
		r.replaced_by = db_col_int(st, 10);
		COPY(r.article_number, st, 11);
		COPY(r.article_name, st, 12);
		COPY(r.area, st, 13);
		COPY(r.unit, st, 14);
		r.package_size = db_col_int(st, 15);
		r.article_active = db_col_int(st, 16) != 0;
		r.price_ore = db_col_int(st, 17);
		r.prescriber_id = db_col_int(st, 18);
		COPY(r.prescriber_name, st, 19);
		COPY(r.prescriber_hsa, st, 20);
		r.unit_id = db_col_int(st, 21);
		COPY(r.unit_name, st, 22);
		COPY(r.unit_hsa, st, 23);
		if ((rc = fn(&r, arg)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

enum lmn_rc order_items_of_patient(struct db_conn *c, int64_t patient_id, int64_t order_id,
				   const char *since, order_item_fn fn, void *arg,
				   struct lmn_err *err)
{
	struct db_stmt *st;
	struct order_item_row r;
	bool row;
	enum lmn_rc rc;

	rc = db_prepare(
		c,
		"SELECT l.id, o.id, l.prescription_item_id, l.quantity, o.received_day, "
		"coalesce(o.first_delivered, ''), "
		"a.article_number, a.name, a.area, a.unit, a.package_size, a.active, " PRICE_ON(
			"a.id",
			"o.received_day") ", o.delivery_method, "
					  "coalesce(o.delivery_alternative_id, (SELECT min(d.id) FROM delivery_alternatives d "
					  "WHERE d.method = o.delivery_method AND (d.method = 'home' OR "
					  "d.provider = q.provider_code)), 0), coalesce(o.delivery_address, ''), "
					  "coalesce(o.delivery_postal_code, ''), coalesce(o.delivery_city, ''), "
					  "coalesce(o.delivery_phone, ''), coalesce(o.door_code, ''), "
					  "p.given_name || ' ' || p.family_name, coalesce(o.notification, ''), "
					  "coalesce(o.notification_receiver, ''), coalesce(o.delivery_comment, ''), "
					  "coalesce(o.contact_person, ''), coalesce(q.code, ''), coalesce(q.name, ''), "
					  "coalesce(q.address, ''), coalesce(q.postal_code, ''), coalesce(q.city, '') "
					  "FROM orders o JOIN order_lines l ON l.order_id = o.id "
					  "JOIN articles a ON a.id = l.article_id JOIN patients p ON p.id = o.patient_id "
					  "LEFT JOIN pickup_points q ON q.id = o.pickup_point_id "
					  "WHERE o.patient_id = $1 AND o.received_day >= $2 AND o.status <> 'cancelled' "
					  "AND ($3 = 0 OR o.id = $3) "
					  "ORDER BY o.received_at DESC, l.id",
		&st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, patient_id);
	db_bind_text(st, 2, since);
	db_bind_int(st, 3, order_id);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		memset(&r, 0, sizeof(r));
		r.line_id = db_col_int(st, 0);
		r.order_id = db_col_int(st, 1);
		r.item_id = db_col_int(st, 2);
		r.quantity = db_col_int(st, 3);
		COPY(r.ordered_on, st, 4);
		COPY(r.delivered_on, st, 5);
		COPY(r.article_number, st, 6);
		COPY(r.article_name, st, 7);
		COPY(r.area, st, 8);
		COPY(r.unit, st, 9);
		r.package_size = db_col_int(st, 10);
		r.article_active = db_col_int(st, 11) != 0;
		r.price_ore = db_col_int(st, 12);
		COPY(r.method, st, 13);
		r.alternative_id = db_col_int(st, 14);
		COPY(r.address, st, 15);
		COPY(r.postal_code, st, 16);
		COPY(r.city, st, 17);
		COPY(r.phone, st, 18);
		COPY(r.door_code, st, 19);
		COPY(r.receiver, st, 20);
		COPY(r.notification, st, 21);
		COPY(r.notification_receiver, st, 22);
		COPY(r.comment, st, 23);
		COPY(r.contact_person, st, 24);
		COPY(r.point_code, st, 25);
		COPY(r.point_name, st, 26);
		COPY(r.point_address, st, 27);
		COPY(r.point_postal, st, 28);
		COPY(r.point_city, st, 29);
		if ((rc = fn(&r, arg)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

#define ALTERNATIVE_COLUMNS                                         \
	"id, name, method, provider, choose_point, notifications, " \
	"allow_comment, allow_contact_person, coalesce(area, ''), active"

static void alternative_read(struct db_stmt *st, struct delivery_alternative *a)
{
	memset(a, 0, sizeof(*a));
	a->id = db_col_int(st, 0);
	COPY(a->name, st, 1);
	COPY(a->method, st, 2);
	COPY(a->provider, st, 3);
	a->choose_point = db_col_int(st, 4) != 0;
	COPY(a->notifications, st, 5);
	a->allow_comment = db_col_int(st, 6) != 0;
	a->allow_contact_person = db_col_int(st, 7) != 0;
	COPY(a->area, st, 8);
	a->active = db_col_int(st, 9) != 0;
}

enum lmn_rc delivery_alternatives_all(struct db_conn *c, struct delivery_alternative *out, int *n,
				      struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	*n = 0;
	rc = db_prepare(c, "SELECT " ALTERNATIVE_COLUMNS " FROM delivery_alternatives ORDER BY id",
			&st, err);
	if (rc != LMN_OK)
		return rc;
	while ((rc = db_step(st, &row, err)) == LMN_OK && row && *n < DELIVERY_MAX_ALTERNATIVES)
		alternative_read(st, &out[(*n)++]);
	db_done(st);
	return rc;
}

enum lmn_rc delivery_alternative_save(struct db_conn *c, const struct delivery_alternative *a,
				      int64_t *id, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	rc = db_prepare(
		c,
		a->id ? "UPDATE delivery_alternatives SET area = nullif($2, ''), name = $3, "
			"method = $4, provider = $5, choose_point = $6, notifications = $7, "
			"allow_comment = $8, allow_contact_person = $9, active = $10 "
			"WHERE id = $1 RETURNING id"
		      : DB_INSERT_ID(c, 0,
				     "INSERT INTO delivery_alternatives (id, area, name, method, "
				     "provider, choose_point, notifications, allow_comment, "
				     "allow_contact_person, active)",
				     "VALUES (nullif($1, 0), nullif($2, ''), $3, $4, $5, $6, $7, "
				     "$8, $9, $10) RETURNING id"),
		&st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, a->id);
	db_bind_text(st, 2, a->area);
	db_bind_text(st, 3, a->name);
	db_bind_text(st, 4, a->method);
	db_bind_text(st, 5, a->provider);
	db_bind_int(st, 6, a->choose_point);
	db_bind_text(st, 7, a->notifications);
	db_bind_int(st, 8, a->allow_comment);
	db_bind_int(st, 9, a->allow_contact_person);
	db_bind_int(st, 10, a->active);
	rc = db_step(st, &row, err);
	if (rc == LMN_OK && row)
		*id = db_col_int(st, 0);
	db_done(st);
	if (rc == LMN_OK && !row)
		return lmn_err_set(err, LMN_ENOTFOUND, "id", NULL, "no such delivery alternative");
	return rc;
}

enum lmn_rc delivery_alternatives_for(struct db_conn *c, const char *area,
				      struct delivery_alternative *out, int *n, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	*n = 0;
	rc = db_prepare(c,
			"SELECT " ALTERNATIVE_COLUMNS " FROM delivery_alternatives "
			"WHERE active = 1 AND (area IS NULL OR area = $1) ORDER BY id",
			&st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, 1, area);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row && *n < DELIVERY_MAX_ALTERNATIVES)
		alternative_read(st, &out[(*n)++]);
	db_done(st);
	return rc;
}

enum lmn_rc delivery_alternative_get(struct db_conn *c, int64_t id,
				     struct delivery_alternative *out, struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	rc = db_prepare(c,
			"SELECT " ALTERNATIVE_COLUMNS " FROM delivery_alternatives WHERE id = $1",
			&st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, &row, err);
	if (rc == LMN_OK && row)
		alternative_read(st, out);
	db_done(st);
	if (rc == LMN_OK && !row)
		return lmn_err_set(err, LMN_ENOTFOUND, "DeliveryMethodId", NULL,
				   "no such delivery alternative");
	return rc;
}

enum lmn_rc delivery_other_invoice_allowed(struct db_conn *c, const char *area, bool *allowed,
					   struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc;

	*allowed = false;
	rc = db_prepare(c, "SELECT 1 FROM invoice_address_areas WHERE area = $1", &st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, 1, area);
	rc = db_step(st, allowed, err);
	db_done(st);
	return rc;
}

#define POINT_COLUMNS \
	"id, code, name, address, postal_code, city, coalesce(provider_code, ''), provider"

static void point_read(struct db_stmt *st, struct pickup_point_row *p)
{
	memset(p, 0, sizeof(*p));
	p->id = db_col_int(st, 0);
	COPY(p->code, st, 1);
	COPY(p->name, st, 2);
	COPY(p->address, st, 3);
	COPY(p->postal_code, st, 4);
	COPY(p->city, st, 5);
	COPY(p->provider, st, 6);
	COPY(p->provider_name, st, 7);
}

enum lmn_rc pickup_points_nearest(struct db_conn *c, const char *postal_code, const char *provider,
				  int max, pickup_point_fn fn, void *arg, struct lmn_err *err)
{
	struct db_stmt *st;
	struct pickup_point_row p;
	bool row;
	enum lmn_rc rc;

	rc = db_prepare(c,
			"SELECT " POINT_COLUMNS ", "
			"abs(CAST(postal_code AS INTEGER) - CAST($1 AS INTEGER)) AS distance "
			"FROM pickup_points WHERE CAST($2 AS TEXT) IS NULL OR provider_code = $2 "
			"ORDER BY distance, name LIMIT $3",
			&st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, 1, postal_code);
	db_bind_text(st, 2, provider);
	db_bind_int(st, 3, max);
	while ((rc = db_step(st, &row, err)) == LMN_OK && row) {
		point_read(st, &p);
		if ((rc = fn(&p, arg)) != LMN_OK)
			break;
	}
	db_done(st);
	return rc;
}

enum lmn_rc pickup_point_by_code(struct db_conn *c, const char *code, struct pickup_point_row *out,
				 struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	rc = db_prepare(c, "SELECT " POINT_COLUMNS " FROM pickup_points WHERE code = $1", &st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, 1, code);
	rc = db_step(st, &row, err);
	if (rc == LMN_OK && row)
		point_read(st, out);
	db_done(st);
	if (rc == LMN_OK && !row)
		return lmn_err_set(err, LMN_ENOTFOUND, "DeliveryPointId", NULL,
				   "no such pickup point");
	return rc;
}

enum lmn_rc pickup_point_get(struct db_conn *c, int64_t id, struct pickup_point_row *out,
			     struct lmn_err *err)
{
	struct db_stmt *st;
	bool row;
	enum lmn_rc rc;

	rc = db_prepare(c, "SELECT " POINT_COLUMNS " FROM pickup_points WHERE id = $1", &st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, &row, err);
	if (rc == LMN_OK && row)
		point_read(st, out);
	db_done(st);
	if (rc == LMN_OK && !row)
		return lmn_err_set(err, LMN_ENOTFOUND, NULL, NULL, "no such pickup point");
	return rc;
}

enum lmn_rc pickup_provider_known(struct db_conn *c, const char *provider, bool *known,
				  struct lmn_err *err)
{
	struct db_stmt *st;
	enum lmn_rc rc;

	*known = false;
	rc = db_prepare(c, "SELECT 1 FROM pickup_providers WHERE code = $1", &st, err);
	if (rc != LMN_OK)
		return rc;
	db_bind_text(st, 1, provider);
	rc = db_step(st, known, err);
	db_done(st);
	return rc;
}
