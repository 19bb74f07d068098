/* Fees in force, invoice lines and the largest-remainder split of a surplus. */
#include "report/money.h"

#include <stdio.h>
#include <string.h>

__extension__ typedef __int128 wide;

static const char *const kind_names[FEE__COUNT] = {
	[FEE_DELIVERY] = "delivery",
	[FEE_ACUTE_DELIVERY] = "acute_delivery",
	[FEE_ORDER_LINE] = "order_line",
	[FEE_RETURN] = "return",
};

static const char *const kind_titles[FEE__COUNT] = {
	[FEE_DELIVERY] = "Leveransavgift",
	[FEE_ACUTE_DELIVERY] = "Avgift för akutleverans",
	[FEE_ORDER_LINE] = "Avgift per orderrad",
	[FEE_RETURN] = "Returavgift",
};

const char *fee_kind_name(enum fee_kind k)
{
	return kind_names[k];
}

const char *fee_kind_title_sv(enum fee_kind k)
{
	return kind_titles[k];
}

int fee_kind_parse(const char *s)
{
	for (int k = 0; k < FEE__COUNT; k++)
		if (strcmp(s, kind_names[k]) == 0)
			return k;
	return -1;
}

const struct fee_version *fee_at(const struct fee_version *v, size_t n, enum fee_kind kind,
				 lmn_day day)
{
	const struct fee_version *best = NULL;

	for (size_t i = 0; i < n; i++)
		if (v[i].kind == kind && v[i].from <= day && (!best || v[i].from > best->from))
			best = &v[i];
	return best;
}

enum lmn_rc invoice_month_parse(const char *s, lmn_day *from, lmn_day *until, struct lmn_err *err)
{
	char day[11];
	int y, m, d;

	if (!s || strlen(s) != 7)
		goto bad;
	memcpy(day, s, 7);
	memcpy(day + 7, "-01", 4);
	if (date_parse(day, 10, from) != LMN_OK)
		goto bad;
	date_to_ymd(*from, &y, &m, &d);
	*until = *from + date_days_in_month(y, m);
	return LMN_OK;
bad:
	return lmn_err_set(err, LMN_EINVAL, "month", NULL,
			   "Månaden ska skrivas ÅÅÅÅ-MM, till exempel 2026-10.");
}

void invoice_add_day(struct invoice_line *l, const struct fee_version *fees, size_t nfees,
		     lmn_day day, const int64_t count[FEE__COUNT])
{
	for (int k = 0; k < FEE__COUNT; k++) {
		const struct fee_version *f;

		if (count[k] == 0)
			continue;
		l->count[k] += count[k];
		f = fee_at(fees, nfees, (enum fee_kind)k, day);
		if (!f) {
			l->missing_fee = true;
			continue;
		}
		l->fee_ore[k] += count[k] * f->amount_ore;
		l->example = l->example || f->example;
	}
}

void invoice_total(struct invoice_line *l)
{
	l->total_ore = l->product_ore;
	for (int k = 0; k < FEE__COUNT; k++)
		l->total_ore += l->fee_ore[k];
}

enum lmn_rc alloc_pro_rata(int64_t total, const int64_t *weights, size_t n, int64_t *out,
			   struct lmn_err *err)
{
	wide sum = 0, given = 0;

	if (total < 0)
		return lmn_err_set(err, LMN_EINVAL, "surplus_ore", NULL,
				   "Överskottet kan inte vara negativt.");
	for (size_t i = 0; i < n; i++) {
		if (weights[i] < 0)
			return lmn_err_set(err, LMN_EINVAL, "charged", NULL,
					   "Ett fakturerat belopp är negativt (rad %zu).", i + 1);
		sum += weights[i];
	}
	if (sum == 0) {
		for (size_t i = 0; i < n; i++)
			out[i] = 0;
		if (total == 0)
			return LMN_OK;
		return lmn_err_set(
			err, LMN_EINVAL, "surplus_ore", NULL,
			"Inget fakturerades under året, så överskottet kan inte fördelas.");
	}
	for (size_t i = 0; i < n; i++) {
		out[i] = (int64_t)((wide)total * weights[i] / sum);
		given += out[i];
	}
	/* The öre left over (fewer than n) go to the largest remainders, the earlier on a tie. */
	for (wide left = total - given; left > 0; left--) {
		size_t best = n;
		wide best_rem = -1;

		for (size_t i = 0; i < n; i++) {
			wide rem = (wide)total * weights[i] % sum;
			/* a part that already got its extra öre has remainder rem - sum < 0 */
			if ((wide)out[i] * sum > (wide)total * weights[i])
				continue;
			if (rem > best_rem) {
				best_rem = rem;
				best = i;
			}
		}
		if (best == n)
			break;
		out[best]++;
	}
	return LMN_OK;
}

void money_format(int64_t ore, char dec, char out[32])
{
	uint64_t a = ore < 0 ? (uint64_t)0 - (uint64_t)ore : (uint64_t)ore;

	snprintf(out, 32, "%s%llu%c%02llu", ore < 0 ? "-" : "", (unsigned long long)(a / 100), dec,
		 (unsigned long long)(a % 100));
}
