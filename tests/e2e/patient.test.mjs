// The patient's pages through the browser: sign-in, prescriptions, a refused order with the rule's
// message next to the quantity field, an order with home delivery and its receipt (printed too),
// cancelling it after a question, the orders and the access log with its filter; the same pages
// on a phone; and a delegate (ombud), whose pages name the patient, ordering for patient 2.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, newPage, login, logout, check, visit, PHONE } from './lib.mjs';

const env = setup({ before, after });

test('sign-in page, wrong password, keyboard skip link', async () => {
	const page = await newPage(env.browser);
	await visit(page, env.base, '/logga-in');
	await check(page, 'anonym', 'logga-in');

	// The first Tab reaches the skip link, which leads to the main content.
	await page.keyboard.press('Tab');
	const skip = page.getByRole('link', { name: 'Hoppa till innehållet' });
	await assert.doesNotReject(skip.evaluate((a) => { if (a !== document.activeElement) throw new Error('not focused'); }));
	await page.keyboard.press('Enter');
	assert.equal(await page.evaluate(() => document.activeElement.id), 'innehall');

	await page.getByLabel('Användarnamn').fill('patient');
	await page.getByLabel('Lösenord').fill('fel lösenord');
	await page.getByRole('button', { name: 'Logga in' }).click();
	await page.waitForLoadState('load');
	assert.match(await page.title(), /^Fel: /);
	const pw = page.getByLabel('Lösenord');
	assert.equal(await pw.getAttribute('aria-invalid'), 'true');
	const msg = page.locator(`#${await pw.getAttribute('aria-describedby')}`);
	assert.match(await msg.innerText(), /Fel användarnamn eller lösenord/);
	await check(page, 'anonym', 'logga-in-fel');
	await page.context().close();
});

test('patient: prescriptions, a refused order shows the rule next to the quantity', async () => {
	const page = await newPage(env.browser);
	await login(page, env.base, 'patient');
	assert.equal(new URL(page.url()).pathname, '/mina-sidor');
	await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'Mina förskrivningar' }).waitFor());
	const cards = page.locator('ul.cards > li');
	assert.ok(await cards.count() > 0, 'the patient has prescriptions');
	await assert.doesNotReject(page.getByText('Kan beställas nu').first().waitFor());
	await check(page, 'patient', 'mina-sidor');

	await page.getByRole('link', { name: 'Beställ', exact: true }).click();
	await page.waitForURL(/\/bestall$/);
	await check(page, 'patient', 'bestall');

	// One more package than the prescription allows per withdrawal.
	const card = page.getByRole('group', { name: 'Vad vill du beställa?' }).locator('.card').first();
	const qty = card.getByLabel(/Antal förpackningar \(högst \d+\)/);
	const label = await page.locator(`label[for="${await qty.getAttribute('id')}"]`).innerText();
	const max = Number(/högst (\d+)/.exec(label)[1]);
	await card.getByRole('checkbox').check();
	await qty.fill(String(max + 1));
	await page.getByRole('radio', { name: /Hem till adressen/ }).check();
	await page.getByRole('button', { name: 'Skicka beställningen' }).click();
	await page.waitForLoadState('load');

	assert.equal(new URL(page.url()).pathname, '/bestall', 'stays on the form');
	assert.match(await page.title(), /^Fel: /, 'the title says there is an error');
	const field = page.locator(`[id="${await qty.getAttribute('id')}"]`);
	assert.equal(await field.getAttribute('aria-invalid'), 'true');
	assert.equal(await field.inputValue(), String(max + 1), 'what was typed is kept');
	const described = (await field.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
	assert.ok(described.length > 0, 'the quantity field has aria-describedby');
	const errorId = described.find((id) => id.endsWith('-fel'));
	assert.ok(errorId, `aria-describedby (${described}) names the error message`);
	const message = page.locator(`[id="${errorId}"]`);
	const text = await message.innerText();
	assert.match(text, /\(Förskrivning och uttag, [^)]*\)/, 'the message names the rule as people cite it');
	assert.doesNotMatch(text, /@/, 'and no rule key');
	assert.match(text, new RegExp(`1–${max}`), 'and says what would be accepted');
	// Next to the field: in the same field group, right above the input.
	assert.equal(await message.evaluate((m, id) => m.parentElement === document.getElementById(id).parentElement,
		await field.getAttribute('id')), true, 'the message is in the field\'s group');
	const [mb, fb] = [await message.boundingBox(), await field.boundingBox()];
	assert.ok(fb.y - (mb.y + mb.height) < 40 && fb.y > mb.y, `the message is just above the field (${JSON.stringify({ mb, fb })})`);
	// The summary at the top links to the field.
	const summary = page.getByRole('alert');
	assert.match(await summary.innerText(), /\(Förskrivning och uttag, [^)]*\)/);
	await summary.getByRole('link').first().click();
	assert.equal(await page.evaluate(() => document.activeElement.id), await field.getAttribute('id'));
	await check(page, 'patient', 'bestall-fel');
	await page.context().close();
});

test('patient: orders with home delivery, sees the order, the orders and who read the data', async () => {
	const page = await newPage(env.browser);
	await login(page, env.base, 'patient');
	await page.getByRole('link', { name: 'Beställ', exact: true }).click();
	await page.waitForURL(/\/bestall$/);
	const card = page.getByRole('group', { name: 'Vad vill du beställa?' }).locator('.card').first();
	const qty = card.getByLabel(/Antal förpackningar \(högst \d+\)/);
	await card.getByRole('checkbox').check();
	await qty.fill('1');
	await page.getByRole('radio', { name: /Hem till adressen/ }).check();
	await page.getByLabel('Portkod (om det behövs)').fill('1234');
	await page.getByRole('button', { name: 'Skicka beställningen' }).click();
	await page.waitForURL(/\/bestallningar\/\d+\?ny=1$/);
	const id = /\/bestallningar\/(\d+)/.exec(page.url())[1];
	assert.match(await page.getByRole('status').innerText(), /Tack! Beställningen har kommit in/);
	await assert.doesNotReject(page.getByRole('heading', { level: 1, name: `Beställning ${id}` }).waitFor());
	const facts = await page.locator('dl.facts').innerText();
	assert.match(facts, /mottagen/, 'status received');
	assert.match(facts, /Hem till dig/, 'home delivery');
	assert.match(facts, /Levereras\s+senast fredag 27 november/, 'due on the fourth working day, in words');
	assert.match(facts, /Portkod\s+1234/, 'the door code is echoed');
	const rows = page.getByRole('table', { name: 'Rader' }).locator('tbody tr');
	assert.equal(await rows.count(), 1);
	assert.match(await rows.first().innerText(), /\b1\b/);
	await check(page, 'patient', 'bestallning');

	await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Mina beställningar' }).click();
	await page.waitForURL(/\/mina-bestallningar$/);
	const link = page.getByRole('link', { name: id, exact: true });
	await assert.doesNotReject(link.waitFor(), 'the new order is listed');
	assert.equal(await page.getByRole('link', { name: 'Mina beställningar' }).getAttribute('aria-current'), 'page');
	await check(page, 'patient', 'mina-bestallningar');

	await page.getByRole('link', { name: 'Vem har läst mina uppgifter' }).click();
	await page.waitForURL(/\/vem-har-last$/);
	assert.ok(await page.getByRole('table').locator('tbody tr').count() > 0, 'the access log lists reads');
	await check(page, 'patient', 'vem-har-last');
	// Only the others' reads: the patient's own (this session's) are left out.
	assert.ok(await page.getByRole('table').locator('tbody tr').filter({ hasText: 'Anna Exempelsson' }).count() > 0);
	await page.getByRole('checkbox', { name: 'Visa bara andra än jag' }).check();
	await page.getByRole('button', { name: 'Visa' }).click();
	await page.waitForURL(/andra=1/);
	assert.equal(await page.getByRole('table').locator('tbody tr').filter({ hasText: 'Anna Exempelsson' }).count(), 0);
	await check(page, 'patient', 'vem-har-last-andra');

	// The card of the product just ordered: the next withdrawal would come after the last valid day.
	await page.goto(`${env.base}/mina-sidor`);
	await assert.doesNotReject(page.getByText(/Nästa uttag skulle bli efter att förskrivningen slutar gälla.*Kontakta förskrivaren/).first().waitFor());
	await check(page, 'patient', 'mina-sidor-efter-bestallning');

	// Printed, the receipt has no navigation and no buttons.
	await page.goto(`${env.base}/bestallningar/${id}`);
	await page.emulateMedia({ media: 'print' });
	assert.equal(await page.getByRole('navigation', { name: 'Huvudmeny' }).isVisible(), false, 'no menu in print');
	assert.equal(await page.getByRole('button').filter({ visible: true }).count(), 0, 'no buttons in print');
	assert.ok(await page.locator('dl.facts').isVisible(), 'the facts are printed');
	await page.screenshot({ path: 'screenshots/patient-bestallning-utskrift.png', fullPage: true });
	await page.emulateMedia({ media: 'screen' });

	// Cancelling the new order, from its page: a secondary button, then a question.
	const cancel = page.getByRole('button', { name: 'Avbryt beställningen' });
	assert.equal(await page.getByRole('button', { name: 'Makulera beställningen' }).count(), 0);
	assert.notEqual(await cancel.evaluate((b) => getComputedStyle(b).backgroundColor),
		await page.locator('header.top').evaluate((h) => getComputedStyle(h).backgroundColor),
		'not styled as the primary action');
	await cancel.click();
	await page.waitForURL(/avbryt=1$/);
	await assert.doesNotReject(page.getByRole('heading', { level: 1, name: `Vill du avbryta beställningen ${id}?` }).waitFor());
	await check(page, 'patient', 'bestallning-avbryt-fraga');
	await page.getByRole('link', { name: 'Nej, behåll den' }).click();
	await page.waitForURL(new RegExp(`/bestallningar/${id}$`));
	assert.match(await page.locator('dl.facts').innerText(), /mottagen/, 'kept');
	await page.getByRole('button', { name: 'Avbryt beställningen' }).click();
	await page.waitForURL(/avbryt=1$/);
	await page.getByRole('button', { name: 'Ja, avbryt beställningen' }).click();
	await page.waitForURL(/makulerad=1$/);
	assert.match(await page.getByRole('status').innerText(), /avbruten/);
	await check(page, 'patient', 'bestallning-makulerad');

	await logout(page);
	await check(page, 'anonym', 'utloggad');
	await page.context().close();
});

test('patient on a phone (390×844): every page fits the width and passes axe', async () => {
	const page = await newPage(env.browser, PHONE);
	await login(page, env.base, 'patient');
	let orderId = null;
	for (const [path, name] of [['/mina-sidor', 'mina-sidor'], ['/bestall', 'bestall'],
		['/mina-bestallningar', 'mina-bestallningar'], ['/vem-har-last', 'vem-har-last']]) {
		await visit(page, env.base, path);
		const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
		assert.ok(scroll <= inner, `${path}: no sideways scrolling on a phone (${scroll} > ${inner})`);
		await check(page, 'patient-telefon', name);
		if (path === '/mina-bestallningar')
			orderId = await page.getByRole('table').locator('tbody tr a').first().innerText();
	}
	assert.ok(orderId, 'the patient has orders');
	await visit(page, env.base, `/bestallningar/${orderId}`);
	const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
	assert.ok(scroll <= inner, `order page: no sideways scrolling (${scroll} > ${inner})`);
	await check(page, 'patient-telefon', 'bestallning');
	await page.context().close();
});

test('ombud: orders for the patient they act for (patient 2)', async () => {
	const page = await newPage(env.browser);
	await login(page, env.base, 'ombud');
	assert.equal(new URL(page.url()).pathname, '/mina-sidor');
	// The delegate's pages name the patient they act for (demo patient 2).
	await assert.doesNotReject(page.getByRole('heading', { level: 1, name: /^Förskrivningar för \S+ \S+$/ }).waitFor());
	await check(page, 'ombud', 'mina-sidor');
	await page.getByRole('link', { name: 'Beställ', exact: true }).click();
	await page.waitForURL(/\/bestall$/);
	assert.match(await page.locator('main').innerText(), /Du beställer för \S+ \S+\./);
	const card = page.getByRole('group', { name: 'Vad vill du beställa?' }).locator('.card').first();
	const qty = card.getByLabel(/Antal förpackningar \(högst \d+\)/);
	if (await qty.count() === 0) {
		// Nothing of patient 2's may be ordered today: the form says so.
		await assert.doesNotReject(page.getByText('Inget kan beställas just nu').waitFor());
		await check(page, 'ombud', 'bestall');
		await page.context().close();
		return;
	}
	await check(page, 'ombud', 'bestall');
	await card.getByRole('checkbox').check();
	await qty.fill('1');
	const pickup = page.getByRole('radio', { name: /utlämningsställe/ });
	if (await pickup.count()) {
		await pickup.check();
		await page.getByLabel('Utlämningsställe (de tio närmaste)').selectOption({ index: 1 });
		await page.getByLabel('Avisering när paketet kan hämtas').selectOption({ label: 'e-post' });
	} else {
		await page.getByRole('radio', { name: /Hem till adressen/ }).check();
	}
	await page.getByRole('button', { name: 'Skicka beställningen' }).click();
	await page.waitForURL(/\/bestallningar\/\d+\?ny=1$/);
	assert.match(await page.getByRole('status').innerText(), /Tack!/);
	await check(page, 'ombud', 'bestallning');
	await page.context().close();
});
