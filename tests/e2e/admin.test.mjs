// The supply administration through the browser: an assortment file uploaded, its progress and
// outcome (and a bad file's errors by line), a staff account created, and the rules in force.
// Skipped while a page is missing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setup, newPage, login, logout, check, audit, visit, missing, submit, PASSWORD, SHOTS } from './lib.mjs';

const env = setup({ before, after });
const ASSORTMENT = resolve(dirname(fileURLToPath(import.meta.url)), '../../data/demo/assortment.csv');

async function skipMissing(t, ...paths) {
	const m = await missing(env.base, ...paths);
	if (m)
		t.skip(`page ${m} is not built yet (GET answers 404)`);
	return Boolean(m);
}

// Uploads file on /admin/sortiment and follows the import to its end; returns the final page's
// main text. What is wrong with the page while the import runs is added to problems, so that the
// test goes on to the outcome and fails at its end.
async function importFile(page, file, shot, problems) {
	await visit(page, env.base, '/admin/sortiment');
	await page.getByLabel('Sortimentsfil (CSV)').setInputFiles(file);
	await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Ladda upp och importera' }).click()]);
	assert.match(new URL(page.url()).pathname, /^\/admin\/importer\/\d+$/, 'the upload leads to the import\'s page');
	const id = /importer\/(\d+)/.exec(page.url())[1];
	// While it runs the page shows its progress (checked as the reader sees it, refreshing or not).
	if (await page.locator('main progress').count()) {
		problems.push(await audit(page, 'admin', `${shot}-pagar`));
		await visit(page, env.base, `/admin/importer/${id}?stilla=1`);
		problems.push(await audit(page, 'admin', `${shot}-pagar-stilla`));
	}
	for (let i = 0; i < 100 && await page.locator('main progress').count(); i++) {
		await new Promise((ok) => setTimeout(ok, 100));
		await visit(page, env.base, `/admin/importer/${id}?stilla=1`);
	}
	await visit(page, env.base, `/admin/importer/${id}`);
	await check(page, 'admin', shot);
	return page.getByRole('main').innerText();
}

test('admin: imports the assortment file, then a bad file shows its errors by line', async (t) => {
	if (await skipMissing(t, '/admin/sortiment', '/admin/importer/1'))
		return;
	const page = await newPage(env.browser);
	await login(page, env.base, 'admin');
	assert.equal(new URL(page.url()).pathname, '/admin/sortiment', 'the administration starts on the assortment');
	await check(page, 'admin', 'sortiment');

	const problems = [];
	const done = await importFile(page, ASSORTMENT, 'import', problems);
	assert.match(done, /Importen är klar/, 'the import is done');
	assert.match(done, /Nya artiklar\s+288/, 'with the 288 new articles');
	await check(page, 'admin', 'import-klar');
	await visit(page, env.base, '/admin/sortiment?q=jordgubb');
	await assert.doesNotReject(page.getByRole('main').getByText('N10001').first().waitFor(), 'an imported article is listed');
	await check(page, 'admin', 'sortiment-sok');

	const dir = mkdtempSync(join(tmpdir(), 'lmn-e2e-csv-'));
	const bad = join(dir, 'fel.csv');
	writeFileSync(bad, 'article_number;name;area;unit;package_size;supplier;stocked;price;price_from\n'
		+ 'T1;Testartikel ett;nutrition;st;1;Exempel AB;ja;10,50;2026-12-01\n'
		+ 'T3;Testartikel tre;dentistry;st;1;Exempel AB;ja;1;2026-12-01\n'
		+ 'T4;Testartikel fyra;nutrition;st;1;Exempel AB;ja;2;2026-13-01\n');
	try {
		const failed = await importFile(page, bad, 'import-fel', problems);
		assert.match(failed, /Importen misslyckades/);
		const rows = page.getByRole('table', { name: 'Fel i filen, i radordning' }).locator('tbody tr');
		assert.deepEqual((await rows.allInnerTexts()).map((r) => r.split(/\s+/).slice(0, 2).join(' ')),
			['3 area', '4 price_from'], 'each error with its line and column');
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
	await page.context().close();
	const wrong = problems.filter(Boolean);
	if (wrong.length)
		assert.fail(`the import's progress page:\n${wrong.join('\n')}`);
});

test('admin: creates a staff account, who can then sign in', async (t) => {
	if (await skipMissing(t, '/admin/anvandare'))
		return;
	const page = await newPage(env.browser);
	await login(page, env.base, 'admin');
	await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Användare' }).click();
	await page.waitForURL(/\/admin\/anvandare$/);
	await check(page, 'admin', 'anvandare');
	const main = page.getByRole('main');
	// Issue 20: every staff role, in Swedish; units and municipalities chosen by name.
	assert.deepEqual(await main.getByLabel('Roll').locator('option').allInnerTexts(),
		['Förskrivare (regionen)', 'Kommunal förskrivare', 'Kommunal beställare', 'Kundtjänst', 'Distributör',
			'Förvaltning (administratör)', 'Sekreterare (samverkansfunktionen)', 'Ledamot']);
	assert.equal(await main.getByLabel('Kommun').locator('option').count(), 50, 'no municipality but the agreement\'s 49');
	assert.match((await main.getByLabel('Enhet').locator('option').allInnerTexts()).join('|'), /Hemsjukvården Borås – Borås kommun/);
	// A user name the API refuses and a password too short: both at once, each next to its field.
	await main.getByLabel('Användarnamn').fill('Ä');
	await main.getByLabel('Namn och titel').fill('Erik Testdemo');
	await main.getByLabel('Roll').selectOption({ label: 'Kundtjänst' });
	await main.getByLabel('Lösenord').fill('kort');
	await Promise.all([page.waitForEvent('load'), main.getByRole('button', { name: 'Skapa kontot' }).click()]);
	const name = page.getByRole('main').getByLabel('Användarnamn');
	assert.equal(await name.getAttribute('aria-invalid'), 'true', 'a bad user name is refused on its field');
	assert.match(await name.getAttribute('aria-describedby'), /anvandarnamn-fel/);
	const password = page.getByRole('main').getByLabel('Lösenord');
	assert.equal(await password.getAttribute('aria-invalid'), 'true', 'and the short password at the same time');
	assert.match(await password.getAttribute('aria-describedby'), /losenord-fel/);
	await check(page, 'admin', 'anvandare-fel');

	await name.fill('e2e.kundtjanst');
	await main.getByLabel('Lösenord').fill(`${PASSWORD}-e2e-konto`);
	await submit(page, main.getByRole('button', { name: 'Skapa kontot' }), 'creating an account');
	assert.match(await page.getByRole('status').innerText(), /Kontot är skapat/);
	await assert.doesNotReject(page.getByRole('main').getByRole('rowheader', { name: 'e2e.kundtjanst' }).waitFor(), 'the account is listed');
	await check(page, 'admin', 'anvandare-skapad');
	await logout(page);

	await page.getByLabel('Användarnamn').fill('e2e.kundtjanst');
	await page.getByLabel('Lösenord').fill(`${PASSWORD}-e2e-konto`);
	await page.getByRole('button', { name: 'Logga in' }).click();
	await page.waitForURL((u) => u.pathname !== '/logga-in');
	assert.match(await page.locator('.who').innerText(), /Erik Testdemo \(kundtjänst\)/);
	await page.context().close();
});

test('admin: closing an account asks first, and a closed account is reopened', async (t) => {
	if (await skipMissing(t, '/admin/anvandare'))
		return;
	const page = await newPage(env.browser);
	await login(page, env.base, 'admin');
	await visit(page, env.base, '/admin/anvandare');
	const row = page.getByRole('main').getByRole('row', { name: /^distributor / });
	await Promise.all([page.waitForEvent('load'), row.getByRole('link', { name: 'Stäng kontot distributor' }).click()]);
	assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Vill du stänga kontot distributor?');
	await check(page, 'admin', 'anvandare-stang');
	await submit(page, page.getByRole('button', { name: 'Ja, stäng kontot' }), 'closing the account');
	assert.match(await page.getByRole('status').innerText(), /Kontot är stängt/);
	const closed = page.getByRole('main').getByRole('row', { name: /^distributor / });
	assert.match(await closed.innerText(), /stängt/);
	await check(page, 'admin', 'anvandare-stangt');
	await submit(page, closed.getByRole('button', { name: 'Öppna kontot igen distributor' }), 'reopening it');
	assert.match(await page.getByRole('status').innerText(), /Kontot är öppnat igen/);
	assert.match(await page.getByRole('main').getByRole('row', { name: /^distributor / }).innerText(), /aktivt/);
	await page.context().close();
});

test('admin: a fee from a day that has one asks before replacing it', async (t) => {
	if (await skipMissing(t, '/admin/avgifter'))
		return;
	const page = await newPage(env.browser);
	await login(page, env.base, 'admin');
	const save = async (amount) => {
		await visit(page, env.base, '/admin/avgifter');
		const main = page.getByRole('main');
		await main.getByLabel('Avgift', { exact: true }).selectOption({ label: 'Leveransavgift' });
		await main.getByLabel('Belopp i kronor').fill(amount);
		await main.getByLabel('Gäller från').fill('2027-01-01');
		await submit(page, main.getByRole('button', { name: 'Spara avgiften' }), `saving ${amount}`);
	};
	await save('55');
	assert.match(await page.getByRole('status').innerText(), /Avgiften är sparad: Leveransavgift 55,00\u00a0kr från 2027-01-01/);
	await check(page, 'admin', 'avgifter-sparad');
	await save('56');
	assert.match(await page.getByRole('main').innerText(), /Leveransavgift från 2027-01-01 är 55,00\u00a0kr\. Ersätt med 56,00\u00a0kr\?/);
	await check(page, 'admin', 'avgifter-ersatt-fraga');
	await submit(page, page.getByRole('button', { name: 'Ja, ersätt med 56,00\u00a0kr' }), 'replacing it');
	assert.match(await page.getByRole('status').innerText(), /Avgiften är ersatt: Leveransavgift 56,00\u00a0kr/);
	await page.context().close();
});

test('admin: the rules in force', async (t) => {
	if (await skipMissing(t, '/admin/regler'))
		return;
	const page = await newPage(env.browser);
	await login(page, env.base, 'admin');
	await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Regler' }).click();
	await page.waitForURL(/\/admin\/regler(\?.*)?$/);
	assert.ok(await page.getByRole('main').getByRole('table').count() > 0, 'the rules are listed in tables');
	await check(page, 'admin', 'regler');
	// The rules as they were on another day.
	await page.getByLabel('Visa reglerna som gällde den').fill('2019-06-01');
	await submit(page, page.getByRole('button', { name: 'Visa reglerna' }), 'rules on a day');
	assert.match(await page.getByRole('main').innerText(), /Reglerna i kraft 2019-06-01/);
	await check(page, 'admin', 'regler-2019');
	// Issue 20: on a phone the decisions' list fits, and no date breaks at its hyphens.
	await page.setViewportSize({ width: 390, height: 844 });
	await check(page, 'admin', 'regler-2019-mobil');
	const broken = await page.getByRole('main').evaluate((m) => {
		const out = [];
		for (const s of m.querySelectorAll('span.nowrap, td.date'))
			if (/\d{4}-\d\d-\d\d/.test(s.textContent) && s.getClientRects().length > 1)
				out.push(s.textContent);
		return out;
	});
	assert.deepEqual(broken, [], 'no date on two lines');
	await page.context().close();
});

test('admin: the operations page shows the 1177 contracts\' traffic of the day', async (t) => {
	if (await skipMissing(t, '/admin/drift'))
		return;
	const page = await newPage(env.browser);
	await login(page, env.base, 'admin');
	await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Drift' }).click();
	await page.waitForURL(/\/admin\/drift$/);
	const main = page.getByRole('main');
	await assert.doesNotReject(main.getByRole('heading', { name: '1177-tjänsternas trafik i dag' }).waitFor());
	const table = main.getByRole('table', { name: 'Anrop från 1177 i dag per tjänst och version' });
	assert.deepEqual(await table.locator('thead th').allInnerTexts(),
		['Tjänst', 'Version', 'Anrop', 'Fel', 'Tekniska fel']);
	// This server has no contracts' listener: every service of both versions, nothing called.
	assert.deepEqual((await table.locator('tbody tr').allInnerTexts()).map((r) => r.split(/\s+/).join(' ')),
		['Förskrivningar 1 0 0 0', 'Förskrivningar 2 0 0 0', 'Utlämningsställen 1 0 0 0',
			'Utlämningsställen 2 0 0 0', 'Beställningar 1 0 0 0', 'Beställningar 2 0 0 0']);
	await check(page, 'admin', 'drift');
	await page.context().close();
});

test('admin: the follow-up shows the share via 1177 beside lmn\'s own patient pages', async (t) => {
	if (await skipMissing(t, '/admin/rapporter'))
		return;
	const page = await newPage(env.browser);
	await login(page, env.base, 'admin');
	await visit(page, env.base, '/admin/rapporter?ar=2025&tertial=3');
	const total = page.getByRole('main').getByRole('table', { name: 'Nyckeltal 2025 T3, totalt' });
	const share = async (name) => (await total.getByRole('row', { name: new RegExp(`^${name}`) }).innerText()).split('\t')[1];
	assert.match(await share('Andel beställningar via 1177'), /^\d+,\d\d\u00a0%$/);
	assert.match(await share('Andel via lmn:s egna patientsidor'), /^\d+,\d\d\u00a0%$/);
	assert.notEqual(await share('Andel beställningar via 1177'), '0,00\u00a0%', 'the demo has orders through 1177');
	await check(page, 'admin', 'rapporter');
	// Issue 20: the charts as the reader sees them, at desktop and phone width.
	const figures = page.getByRole('main').locator('figure.chart');
	assert.equal(await figures.count(), 2);
	for (let i = 0; i < 2; i++)
		await figures.nth(i).screenshot({ path: `${SHOTS}/admin-rapporter-diagram-${i + 1}-desk.png` });
	await page.setViewportSize({ width: 390, height: 844 });
	await check(page, 'admin', 'rapporter-mobil');
	for (let i = 0; i < 2; i++)
		await figures.nth(i).screenshot({ path: `${SHOTS}/admin-rapporter-diagram-${i + 1}-mobil.png` });
	await page.context().close();
});

test('admin: the invoice basis\'s month field looks like the other fields', async (t) => {
	if (await skipMissing(t, '/admin/fakturaunderlag'))
		return;
	const page = await newPage(env.browser);
	await login(page, env.base, 'admin');
	await visit(page, env.base, '/admin/fakturaunderlag?manad=2026-02');
	const look = (id) => page.locator(`#${id}`).evaluate((e) => {
		const c = getComputedStyle(e);
		return [c.fontSize, c.borderTopWidth, c.borderTopStyle, c.paddingLeft].join(' ');
	});
	assert.equal(await look('manad'), await look('overskott'), 'Månad is styled as Överskott (issue 20)');
	await check(page, 'admin', 'fakturaunderlag');
	await page.context().close();
});

