// Care staff through the browser: a regional prescriber finds a patient, prescribes, and is sent to
// customer service to order (decision 2024-10-24); the dietitian, the municipal prescriber and the municipal orderer each find their patients
// and (the orderer) order for a resident in municipal housing. Skipped while a page is missing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, newPage, login, check, visit, missing, field, button, set, submit, openPatient, placeOrder, PHONE } from './lib.mjs';

const env = setup({ before, after });

// Skips the test (returning true) while one of the pages it needs is not built (404).
async function skipMissing(t, ...paths) {
	const m = await missing(env.base, ...paths);
	if (m)
		t.skip(`page ${m} is not built yet (GET answers 404)`);
	return Boolean(m);
}

test('förskrivare: finds a patient, prescribes, and is sent to customer service to order', async (t) => {
	if (await skipMissing(t, '/patienter', '/patienter/1', '/patienter/1/forskriv', '/patienter/1/bestall'))
		return;
	const page = await newPage(env.browser);
	await login(page, env.base, 'forskrivare');
	assert.equal(new URL(page.url()).pathname, '/patienter', 'a prescriber starts on the patients');
	await check(page, 'forskrivare', 'patienter');

	const id = await openPatient(page, env.base, /Exempelsson/, 'Exempelsson');
	await check(page, 'forskrivare', 'patient');

	// An article of the assortment, as the API lists it (the session is the browser's).
	const arts = await (await page.request.get(`${env.base}/api/articles?area=nutrition`)).json();
	const art = arts.articles[0];
	assert.ok(art, 'the assortment has nutrition articles');

	await Promise.all([page.waitForEvent('load'), page.getByRole('main').getByRole('link', { name: /Förskriv/ }).first().click()]);
	assert.equal(new URL(page.url()).pathname, `/patienter/${id}/forskriv`);
	await check(page, 'forskrivare', 'forskriv');
	const main = page.getByRole('main');
	const article = await field(main, /Artikel/i, /Produkt/i);
	if (await article.evaluate((e) => e.tagName) === 'SELECT')
		await set(article, new RegExp(art.article_number));
	else
		await article.fill(art.article_number);
	await set(await field(main, /per uttag/i, /Antal förpackningar/i), 2);
	await set(await field(main, /Antal uttag/i, /Uttag/i), 4);
	await set(await field(main, /dagar/i, /Period/i, /Intervall/i), 30);
	await set(await field(main, /Giltig/i, /Sista/i), '2027-11-22');
	await submit(page, await button(main, /Förskriv/i, /Spara/i), 'prescribing');
	await check(page, 'forskrivare', 'forskriv-klar');

	// The new item is on the patient's page. Since the council's decision of 2024-10-24 (item 3d) a
	// regional prescriber does not enter withdrawals: the page offers no order and says whom to call.
	await visit(page, env.base, `/patienter/${id}`);
	await assert.doesNotReject(page.getByRole('main').getByText(art.name).first().waitFor(), 'the new prescription is shown');
	assert.equal(await page.getByRole('main').getByRole('link', { name: /Beställ/ }).count(), 0, 'no order link for a regional prescriber');
	assert.match(await page.getByRole('main').getByRole('alert').first().innerText(), /kundtjänst[\s\S]*Beställningsrätt, beslut 2024-10-24/);
	await visit(page, env.base, `/patienter/${id}/bestall`);
	assert.equal(await page.locator('form select[name="typ"]').count(), 0, 'the order page shows no form');
	assert.match(await page.getByRole('main').innerText(), /får inte registrera uttag \(gäller från 2024-10-24\)/);
	await check(page, 'forskrivare', 'bestall');
	await page.context().close();
});

// Renewing an article the patient has an active item for replaces that item (1177's MAKULERAD,
// "the same article prescribed in another prescription"): the prescriber, customer service and
// the patient see the old item as replaced by the new prescription of that day, not as a bare
// status, on a wide screen and on a phone.
test('förskrivare: renews an item; everyone sees it replaced by the new prescription', async (t) => {
	if (await skipMissing(t, '/patienter', '/patienter/1', '/patienter/1/forskriv'))
		return;
	const page = await newPage(env.browser);
	await login(page, env.base, 'forskrivare');
	const id = await openPatient(page, env.base, /Exempelsson/, 'Exempelsson');
	const renew = page.getByRole('main').getByRole('link', { name: /^Förnya/ }).first();
	const article = (await renew.locator('.sr').innerText()).trim();
	await Promise.all([page.waitForEvent('load'), renew.click()]);
	await set(await field(page.getByRole('main'), /Giltig/i, /Sista/i), '2027-11-22');
	await submit(page, await button(page.getByRole('main'), /Förskriv/i, /Spara/i), 'renewing');
	await visit(page, env.base, `/patienter/${id}`);
	const cards = page.getByRole('main').locator('ul.cards > li').filter({ hasText: article });
	const old = cards.filter({ hasText: 'Ersatt av ny förskrivning' });
	assert.match(await old.first().locator('dl').innerText(), /Status\s+Ersatt av ny förskrivning 2026-11-23/);
	const renewed = cards.filter({ hasText: 'Ersätter' });
	assert.ok(await renewed.count(), 'the new item names the one it replaces');
	assert.match(await renewed.first().innerText(), /Ersätter\s+Förskrivningen från \d{4}-\d\d-\d\d\. Uttag som redan gjorts i perioden räknas\./);
	await check(page, 'forskrivare', 'patient-ersatt');
	await page.context().close();

	for (const [user, path] of [['kundtjanst', `/patienter/${id}`], ['patient', '/mina-sidor']]) {
		for (const [viewport, suffix] of [[undefined, ''], [PHONE, '-telefon']]) {
			const p = await newPage(env.browser, viewport);
			await login(p, env.base, user);
			await visit(p, env.base, path);
			const card = p.getByRole('main').locator('ul.cards > li').filter({ hasText: article })
				.filter({ hasText: 'Ersatt av ny förskrivning' });
			assert.ok(await card.count(), `${user} sees the replaced item of ${article}`);
			assert.match(await card.first().innerText(), /Status\s+Ersatt av ny förskrivning 2026-11-23/);
			const [scroll, inner] = await p.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
			assert.ok(scroll <= inner, `${user}${suffix}: no sideways scrolling (${scroll} > ${inner})`);
			await check(p, `${user}${suffix}`, 'forskrivningar-ersatt');
			await p.context().close();
		}
	}
});

test('dietist: finds a patient of the unit and sees their prescriptions and orders', async (t) => {
	if (await skipMissing(t, '/patienter', '/patienter/1'))
		return;
	const page = await newPage(env.browser);
	await login(page, env.base, 'dietist');
	assert.equal(new URL(page.url()).pathname, '/patienter');
	await check(page, 'dietist', 'patienter');
	await openPatient(page, env.base, /Demostedt/, 'Demostedt');
	await assert.doesNotReject(page.getByRole('main').locator('.card').first().waitFor(), 'prescriptions are shown');
	await check(page, 'dietist', 'patient');
	await page.context().close();
});

test('kommunforskrivare: finds a Borås resident and opens the prescription form', async (t) => {
	if (await skipMissing(t, '/patienter', '/patienter/1', '/patienter/1/forskriv'))
		return;
	const page = await newPage(env.browser);
	await login(page, env.base, 'kommunforskrivare');
	assert.equal(new URL(page.url()).pathname, '/patienter');
	await check(page, 'kommunforskrivare', 'patienter');
	const id = await openPatient(page, env.base, /Ella Provander|Provander, Ella/, 'Provander');
	await check(page, 'kommunforskrivare', 'patient');
	await visit(page, env.base, `/patienter/${id}/forskriv`);
	await check(page, 'kommunforskrivare', 'forskriv');
	await page.context().close();
});

test('kommunbestallare: orders for a resident in municipal housing', async (t) => {
	if (await skipMissing(t, '/patienter', '/patienter/1', '/patienter/1/bestall'))
		return;
	const page = await newPage(env.browser);
	await login(page, env.base, 'kommunbestallare');
	assert.equal(new URL(page.url()).pathname, '/patienter');
	await check(page, 'kommunbestallare', 'patienter');
	const id = await openPatient(page, env.base, /Ella Provander|Provander, Ella/, 'Provander');
	await check(page, 'kommunbestallare', 'patient');
	await visit(page, env.base, `/patienter/${id}/bestall`);
	await check(page, 'kommunbestallare', 'bestall');
	const what = page.getByRole('group', { name: 'Vad vill du beställa?' });
	if (await what.locator('.card').count() === 0) {
		// Nothing may be ordered for her today: the form says so (and passed axe above).
		await assert.doesNotReject(what.getByText('Inget kan beställas just nu').waitFor());
	} else {
		await placeOrder(page, 'municipal orderer orders');
		await check(page, 'kommunbestallare', 'bestallning');
	}
	await page.context().close();
});

test('kommunbestallare: orders for several residents with one submit (issue 20)', async (t) => {
	if (await skipMissing(t, '/patienter'))
		return;
	const page = await newPage(env.browser);
	await login(page, env.base, 'kommunbestallare');
	const send = page.getByRole('button', { name: 'Beställ åt de markerade' });
	// Sent with nobody ticked: the error names the list, and the list is still there to tick.
	await Promise.all([page.waitForEvent('load'), send.click()]);
	await assert.doesNotReject(page.locator('.error-summary').getByText('Markera minst en invånare').waitFor());
	await check(page, 'kommunbestallare', 'boende-ingen-markerad');
	const boxes = page.getByRole('checkbox', { name: /^Beställ åt / });
	assert.ok(await boxes.count() >= 2, 'at least two residents may order today');
	await boxes.nth(0).check();
	await boxes.nth(1).check();
	await submit(page, send, 'the residents\' order');
	await check(page, 'kommunbestallare', 'boende-bestallt');
	const rows = page.getByRole('table', { name: 'Vad som beställdes åt var och en' }).locator('tbody tr');
	assert.equal(await rows.count(), 2);
	assert.equal(await rows.getByText(/är mottagen, levereras senast/).count(), 2);
	await page.setViewportSize({ width: 320, height: 700 });
	await check(page, 'kommunbestallare', 'boende-bestallt-320');
	await page.context().close();
});

// A valid personnummer (check digit by the Luhn algorithm) born on 1952-03-12 with serial n.
function personnummer(n) {
	const s = `520312${String(n).padStart(3, '0')}`;
	const sum = [...s].reduce((a, ch, i) => {
		const d = Number(ch) * (i % 2 ? 1 : 2);
		return a + Math.floor(d / 10) + (d % 10);
	}, 0);
	return `19${s.slice(0, 6)}-${s.slice(6)}${(10 - (sum % 10)) % 10}`;
}

test('förskrivare: registers a new patient found by a valid personnummer (issue 20)', async (t) => {
	if (await skipMissing(t, '/patienter', '/patienter/ny'))
		return;
	const page = await newPage(env.browser);
	await login(page, env.base, 'forskrivare');
	let number;
	for (let n = 901; n < 999 && !number; n++) {
		await visit(page, env.base, `/patienter?personnummer=${personnummer(n)}`);
		if (await page.getByRole('main').getByText('Ingen patient hittades.').count())
			number = personnummer(n);
	}
	assert.ok(number, 'a number no patient has');
	await check(page, 'forskrivare', 'ingen-patient');
	await Promise.all([page.waitForEvent('load'), page.getByRole('main').getByRole('link', { name: 'Registrera ny patient' }).click()]);
	assert.equal(new URL(page.url()).pathname, '/patienter/ny');
	const main = page.getByRole('main');
	assert.equal(await (await field(main, /Personnummer/)).inputValue(), number, 'the number is filled in');
	await check(page, 'forskrivare', 'ny-patient');

	// A postal code of two digits: the server's error is next to its field, and the page passes axe
	// (the browser itself holds back a form with a required field left empty).
	await set(await field(main, /Förnamn/), 'Nora');
	await set(await field(main, /Efternamn/), 'Nyregistrerad');
	await set(await field(main, /Gatuadress/), 'Testgatan 1');
	await set(await field(main, /Postnummer/), '12');
	await set(await field(main, /^Ort/), 'Göteborg');
	await set(await field(main, /Kommun/), 'Göteborg');
	await Promise.all([page.waitForEvent('load'), (await button(main, /Registrera patienten/)).click()]);
	await assert.doesNotReject(page.locator('#postnummer-fel').waitFor(), 'the error is next to Postnummer');
	await check(page, 'forskrivare', 'ny-patient-fel');

	await set(await field(main, /Postnummer/), '411 01');
	await submit(page, await button(main, /Registrera patienten/), 'registering');
	assert.match(new URL(page.url()).pathname, /^\/patienter\/\d+$/, 'on the new patient\'s page');
	await assert.doesNotReject(main.getByText('Patienten är registrerad').waitFor());
	await check(page, 'forskrivare', 'ny-patient-klar');
	await page.context().close();
});
