// The distributor through the browser: an order the patient has just placed is on the pick list;
// shipping less than ordered without a backorder is refused next to the line with the rule; it is
// shipped in full and delivered, and the order's page then says delivered. Skipped while a page
// is missing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, newPage, login, check, visit, missing, submit, placeOrder } from './lib.mjs';

const env = setup({ before, after });

test('distributör: picks, ships and delivers a new order', async (t) => {
	const m = await missing(env.base, '/plocklista', '/plocka/1', '/leveranser', '/leveranser/1');
	if (m) {
		t.skip(`page ${m} is not built yet (GET answers 404)`);
		return;
	}
	// The patient orders, so there is a fresh order due within the week.
	const patient = await newPage(env.browser);
	await login(patient, env.base, 'patient');
	await visit(patient, env.base, '/bestall');
	const order = await placeOrder(patient, 'patient orders for the distributor');
	await patient.context().close();

	const page = await newPage(env.browser);
	await login(page, env.base, 'distributor');
	assert.equal(new URL(page.url()).pathname, '/plocklista', 'the distributor starts on the pick list');
	await check(page, 'distributor', 'plocklista');
	const pick = page.getByRole('main').getByRole('link', { name: `Plocka beställning ${order}`, exact: true });
	assert.equal(await pick.count(), 1, `order ${order} is on the pick list with a link to pick it`);
	await Promise.all([page.waitForEvent('load'), pick.click()]);
	assert.equal(new URL(page.url()).pathname, `/plocka/${order}`);
	await check(page, 'distributor', 'plocka');

	// Less than ordered, without saying the rest is backordered: refused next to the line.
	const qty = page.getByLabel('Antal att skicka nu').first();
	const ordered = Number(await qty.inputValue());
	assert.ok(ordered >= 1, 'the quantity left is filled in');
	await qty.fill(String(ordered - 1));
	await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Registrera sändningen' }).click()]);
	const refused = page.getByLabel('Antal att skicka nu').first();
	assert.equal(await refused.getAttribute('aria-invalid'), 'true', 'a short shipment without backorder is refused');
	const errorId = (await refused.getAttribute('aria-describedby')).split(/\s+/).find((id) => id.endsWith('-fel'));
	assert.ok(errorId, 'the quantity field is described by its error');
	assert.match(await page.locator(`[id="${errorId}"]`).innerText(), /regel/, 'the message names the rule');
	await check(page, 'distributor', 'plocka-fel');

	// In full.
	await refused.fill(String(ordered));
	await submit(page, page.getByRole('button', { name: 'Registrera sändningen' }), 'shipping');
	assert.match(new URL(page.url()).pathname, /^\/leveranser\/\d+$/);
	assert.match(await page.getByRole('status').innerText(), /Sändningen är registrerad/);
	await check(page, 'distributor', 'sandning');

	// Delivered at once, on Monday inside the window: no deviation (the clock stands at
	// Monday 10:00, and a delivery time in the future is refused).
	await page.getByLabel('Levererad (datum och tid)').fill('2026-11-23T10:00');
	await submit(page, page.getByRole('button', { name: 'Registrera leverans' }), 'registering the delivery');
	assert.match(await page.getByRole('status').innerText(), /Leveransen är registrerad utan avvikelse/);
	await check(page, 'distributor', 'levererad');

	await visit(page, env.base, `/bestallningar/${order}`);
	assert.match(await page.locator('dl.facts').innerText(), /Status\s+levererad/, 'the order is delivered');
	await check(page, 'distributor', 'bestallning');

	await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Leveranser att registrera' }).click();
	await page.waitForURL(/\/leveranser$/);
	await check(page, 'distributor', 'leveranser');
	await page.context().close();
});

test('distributör: the pick list on a phone', async (t) => {
	if (await missing(env.base, '/plocklista')) {
		t.skip('page /plocklista is not built yet (GET answers 404)');
		return;
	}
	const page = await newPage(env.browser, { width: 390, height: 844 });
	await login(page, env.base, 'distributor');
	const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
	assert.ok(scroll <= inner, `no sideways scrolling on a phone (${scroll} > ${inner})`);
	await check(page, 'distributor-telefon', 'plocklista');
	await page.context().close();
});
