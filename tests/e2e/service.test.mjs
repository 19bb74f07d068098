// Customer service through the browser: an order on a patient's behalf with who asked and why, a
// call about a delayed delivery (contact case), and the day's call log. Skipped while a page is
// missing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, newPage, login, check, visit, missing, field, button, set, submit, openPatient, placeOrder } from './lib.mjs';

const env = setup({ before, after });

async function skipMissing(t, ...paths) {
	const m = await missing(env.base, ...paths);
	if (m)
		t.skip(`page ${m} is not built yet (GET answers 404)`);
	return Boolean(m);
}

test('kundtjänst: orders for a patient, saying who asked and why', async (t) => {
	if (await skipMissing(t, '/patienter', '/patienter/1', '/patienter/1/bestall'))
		return;
	const page = await newPage(env.browser);
	await login(page, env.base, 'kundtjanst');
	assert.equal(new URL(page.url()).pathname, '/patienter');
	await check(page, 'kundtjanst', 'patienter');
	const id = await openPatient(page, env.base, /Exempelsson/, 'Exempelsson');
	await check(page, 'kundtjanst', 'patient');
	await visit(page, env.base, `/patienter/${id}/bestall`);
	await check(page, 'kundtjanst', 'bestall');

	// Without a reason the order is refused, with the message next to the reason field.
	const what = page.getByRole('group', { name: 'Vad vill du beställa?' });
	const card = what.locator('.card').first();
	await card.getByRole('checkbox').check();
	await card.getByLabel(/Antal förpackningar/).fill('1');
	await page.getByLabel('Vem begär beställningen?').selectOption({ label: 'Patienten själv' });
	const reason = page.getByLabel('Skäl till att kundtjänst beställer');
	await reason.evaluate((e) => e.removeAttribute('required')); // let the server judge an empty reason
	await reason.fill('');
	await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Skicka beställningen' }).click()]);
	const refused = page.getByLabel('Skäl till att kundtjänst beställer');
	assert.equal(await refused.getAttribute('aria-invalid'), 'true', 'an order without a reason is refused on the reason');
	assert.match(await refused.getAttribute('aria-describedby'), /skal-fel/);
	await check(page, 'kundtjanst', 'bestall-fel');

	const order = await placeOrder(page, 'customer service orders', {
		fill: async (p) => {
			await p.getByLabel('Vem begär beställningen?').selectOption({ label: 'Patienten själv' });
			await p.getByLabel('Skäl till att kundtjänst beställer').fill('Patienten ringde och bad om hjälp.');
		},
	});
	const facts = await page.locator('dl.facts').innerText();
	assert.match(facts, /Skäl \(kundtjänst\)\s+Patienten ringde och bad om hjälp\./, 'the order shows the reason');
	await check(page, 'kundtjanst', 'bestallning');
	assert.ok(order > 0);
	await page.context().close();
});

test('kundtjänst: calls a patient about a delayed delivery and records it', async (t) => {
	if (await skipMissing(t, '/kontaktarenden'))
		return;
	const page = await newPage(env.browser);
	await login(page, env.base, 'kundtjanst');
	await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Förseningar att ringa' }).click();
	await page.waitForURL(/\/kontaktarenden$/);
	await check(page, 'kundtjanst', 'kontaktarenden');
	const main = page.getByRole('main');
	// A work queue: 25 cases a page, filters, and the pages beyond.
	assert.equal(await main.locator('li.case').count(), 25, 'a page of 25 cases');
	assert.ok(await page.getByRole('navigation', { name: 'Sidor i kön' }).first().getByRole('link', { name: 'Nästa sida' }).count(),
		'a link to the next page');
	await main.getByLabel('Ordning').selectOption({ label: 'Äldst först' });
	await submit(page, main.getByRole('button', { name: 'Visa' }), 'the queue oldest first');
	await page.waitForURL(/ordning=oldest/);
	await check(page, 'kundtjanst', 'kontaktarenden-aldst');
	// The values of a case never overflow it.
	for (const width of [1280, 390, 320]) {
		await page.setViewportSize({ width, height: 900 });
		const over = await page.evaluate(() => [...document.querySelectorAll('li.case dd, li.case h3')]
			.filter((e) => e.scrollWidth > e.clientWidth + 1 ||
				e.getBoundingClientRect().right > e.closest('li.case').getBoundingClientRect().right + 1).length);
		assert.equal(over, 0, `no value overflows its case at ${width} px`);
		assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
			`the page fits ${width} px`);
	}
	await page.setViewportSize({ width: 1280, height: 900 });
	const second = await main.locator('li.case').nth(1).getAttribute('id');
	const form = main.locator('li.case form').first();
	await form.getByLabel('nådde inte patienten').check();
	await form.getByLabel(/Anteckning/).fill('Inget svar, ringer i eftermiddag.');
	await submit(page, form.getByRole('button', { name: /Registrera samtalet/ }), 'recording the call');
	// The agent stays in the same order, at the case that followed.
	assert.match(page.url(), new RegExp(`ordning=oldest.*#${second}$`));
	assert.match(await main.locator('li.queue-notice').innerText(), /är registrerat: nådde inte patienten/);
	await check(page, 'kundtjanst', 'kontaktarende-ringt');
	await page.context().close();
});

test('kundtjänst: the call log of the day', async (t) => {
	if (await skipMissing(t, '/samtal'))
		return;
	const page = await newPage(env.browser);
	await login(page, env.base, 'kundtjanst');
	await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Samtalslogg' }).click();
	await page.waitForURL(/\/samtal(\?.*)?$/);
	await check(page, 'kundtjanst', 'samtal');
	// Another day's log, through the page's own date field when it has one.
	const date = page.getByRole('main').getByLabel(/Datum|Dag/i);
	if (await date.count()) {
		await date.first().fill('2026-11-20');
		await submit(page, await button(page.getByRole('main'), /Visa/i, /Sök/i, /Hämta/i), 'call log of a day');
		await check(page, 'kundtjanst', 'samtal-dag');
		assert.ok(await page.getByRole('table').count(), 'a day with calls shows them in a table');
	}
	await page.context().close();
});
