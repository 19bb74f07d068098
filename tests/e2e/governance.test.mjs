// Governance through the browser: the secretary opens a meeting with the quorum of every item,
// is refused an e-mail given after the meeting began (next to when it was given), reads the quorum
// per item beside the minutes, is refused a decision without quorum (the reason next to the
// field), records attendance; the member takes part in writing, and too late is told why by the
// button; the change log shows a side-by-side difference, and the compliance and what-if pages
// answer. axe-core checks every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, newPage, login, check, visit, missing, set, PHONE } from './lib.mjs';

const env = setup({ before, after });

async function skipMissing(t, ...paths) {
	const m = await missing(env.base, ...paths);
	if (m)
		t.skip(`page ${m} is not built yet (GET answers 404)`);
	return Boolean(m);
}

// The id of the council's meeting of 2026-12-10, as the API lists it to the signed-in page.
async function upcomingMeeting(page) {
	const r = await page.request.get(`${env.base}/api/meetings?body_id=3&year=2026`);
	const list = await r.json();
	return list.meetings.find((m) => m.starts_at.startsWith('2026-12-10')).id;
}

test('sekreterare: a meeting with live quorum, a refused decision, attendance', async (t) => {
	if (await skipMissing(t, '/styrning', '/styrning/moten/1', '/styrning/andringslogg'))
		return;
	const page = await newPage(env.browser);
	await login(page, env.base, 'sekreterare');
	assert.equal(new URL(page.url()).pathname, '/styrning', 'the secretary starts on governance');
	await check(page, 'sekreterare', 'styrning');

	await visit(page, env.base, '/styrning/moten/1');
	// As the minutes show it: quorate through 3e (VGR 3 of its 5 member seats), not from 3f on.
	assert.match(await page.getByRole('main').innerText(), /Beslutsmässigt \(VGR 3 av 5, VGK 3 av 5\)/);
	assert.match(await page.getByRole('main').innerText(), /Inte beslutsmässigt \(VGR 2 av 5, saknar 1, VGK 3 av 5\)/);
	await check(page, 'sekreterare', 'mote-2024-10-24');

	// An e-mail given after the meeting began is refused next to when it was given, naming the rule.
	const b3 = page.getByRole('region', { name: /^3b\. / });
	await b3.getByText('Registrera skriftligt deltagande').click();
	await b3.getByLabel('Ledamot').selectOption({ label: 'Camilla Wester (ledamot, VGR)' });
	await b3.getByLabel('Lämnat').fill('2024-10-24T13:05');
	await Promise.all([page.waitForEvent('load'), b3.getByRole('button', { name: 'Registrera det skriftliga deltagandet' }).click()]);
	const given = page.getByRole('region', { name: /^3b\. / }).getByLabel('Lämnat');
	assert.equal(await given.getAttribute('aria-invalid'), 'true', 'refused on the time it was given');
	const why = page.locator(`#${await given.getAttribute('id')}-fel`);
	assert.match(await why.innerText(), /mötet började 2024-10-24 kl\. 13:00, deltagandet lämnades 2024-10-24 kl\. 13:05\. \(Specifikation D, beslutsmässighet\)/);
	assert.ok(await why.isVisible(), 'the reason is shown, the form open');
	await check(page, 'sekreterare', 'mote-skriftligt-efter-start');

	// The minutes page: quorum per item beside the versions, on a wide screen and a phone.
	await visit(page, env.base, '/styrning/moten/1/anteckningar');
	const table = page.getByRole('table', { name: /per part och punkt/ });
	assert.match(await table.getByRole('row', { name: /^3e\. / }).innerText(), /3 av 5\s+3 av 5\s+ja/);
	assert.match(await table.getByRole('row', { name: /^3f\. / }).innerText(), /2 av 5, saknar 1\s+3 av 5\s+nej\s+bordlagt/);
	await check(page, 'sekreterare', 'anteckningar');
	const phone = await newPage(env.browser, PHONE);
	await login(phone, env.base, 'sekreterare');
	for (const [path, name] of [['/styrning/moten/1/anteckningar', 'anteckningar'], ['/styrning/moten/1', 'mote-2024-10-24']]) {
		await visit(phone, env.base, path);
		const [scroll, inner] = await phone.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
		assert.ok(scroll <= inner, `${path}: no sideways scrolling on a phone (${scroll} > ${inner})`);
		await check(phone, 'sekreterare-telefon', name);
	}
	await phone.context().close();

	const id = await upcomingMeeting(page);
	await visit(page, env.base, `/styrning/moten/${id}`);
	await check(page, 'sekreterare', 'mote-kommande');
	// Nobody has been recorded present: deciding item 2 is refused, naming both parties.
	const item = page.getByRole('region', { name: /^2\. Ledtid/ });
	await item.getByLabel('Utfall').selectOption('decided');
	await Promise.all([page.waitForEvent('load'), item.getByRole('button', { name: 'Spara utfallet' }).click()]);
	const summary = page.getByRole('alert');
	assert.match(await summary.innerText(), /VGR saknar 3[\s\S]*VGK saknar 3/);
	await check(page, 'sekreterare', 'mote-utan-beslutsmassighet');

	// A VGR member is recorded present for the whole meeting: VGR counts one of its five seats.
	const main = page.getByRole('main');
	await main.getByLabel('Person').selectOption({ label: 'Cecilia Hallberg' });
	await Promise.all([page.waitForEvent('load'), main.getByRole('button', { name: 'Spara närvaron' }).click()]);
	assert.match(await page.getByRole('region', { name: /^2\. Ledtid/ }).innerText(), /VGR 1 av 5, saknar 2/);

	await visit(page, env.base, '/styrning/andringslogg?avsnitt=B3:3&fran=2019-01-01&till=2021-01-01');
	assert.ok(await page.locator('table.diff del').count() > 0, 'removed words are marked');
	assert.ok(await page.locator('table.diff ins').count() > 0, 'added words are marked');
	await check(page, 'sekreterare', 'andringslogg');

	await visit(page, env.base, '/styrning/organ/8?ar=2026');
	assert.match(await page.getByRole('main').innerText(), /kallelsen gick ut 7 dagar före, minst 14 krävs/);
	await check(page, 'sekreterare', 'uppfoljning-forum');
	await page.context().close();
});

test('ledamot: takes part in writing before the meeting, and replays a period', async (t) => {
	if (await skipMissing(t, '/styrning', '/styrning/vad-hander-om'))
		return;
	const page = await newPage(env.browser);
	await login(page, env.base, 'ledamot');
	assert.equal(new URL(page.url()).pathname, '/styrning');
	const id = await upcomingMeeting(page);
	await visit(page, env.base, `/styrning/moten/${id}`);
	const item = page.getByRole('region', { name: /^2\. Ledtid/ });
	await Promise.all([page.waitForEvent('load'), item.getByRole('button', { name: /skriftligt/ }).click()]);
	assert.match(await page.getByRole('region', { name: /^2\. Ledtid/ }).innerText(), /Deltog skriftligt: Kristin Lundgren/);
	await check(page, 'ledamot', 'mote-skriftligt');

	// On the 2024-10-24 meeting it is too late: the reason is shown by the button, naming the rule.
	await visit(page, env.base, '/styrning/moten/1');
	const late = page.getByRole('region', { name: /^3b\. / });
	await Promise.all([page.waitForEvent('load'), late.getByRole('button', { name: /skriftligt/ }).click()]);
	const refused = page.getByRole('region', { name: /^3b\. / }).getByRole('button', { name: /skriftligt/ });
	const reason = page.locator(`#${await refused.getAttribute('aria-describedby')}`);
	assert.match(await reason.innerText(), /Mötet har börjat \(2024-10-24 kl\. 13:00\); skriftligt deltagande i avgörandet lämnas före mötet\. \(Specifikation D, beslutsmässighet\)/);
	await check(page, 'ledamot', 'mote-skriftligt-for-sent');

	await visit(page, env.base, '/styrning/vad-hander-om');
	await check(page, 'ledamot', 'vad-hander-om');
	const main = page.getByRole('main');
	await set(main.getByLabel('Regel', { exact: true }), 'Leveranstid, arbetsdagar efter mottagningsdagen');
	await main.getByLabel('Föreslaget värde').fill('3');
	await main.getByLabel('Från').fill('2026-01-01');
	await main.getByLabel('Till och med').fill('2026-06-30');
	await Promise.all([page.waitForEvent('load'), main.getByRole('button', { name: 'Spela upp perioden' }).click()]);
	assert.match(await page.getByRole('main').innerText(), /Levererade i tid/);
	assert.match(await page.getByRole('main').innerText(), /Leveranssäkerhet: \d+,\d\d % med reglerna som gällde, \d+,\d\d % med förslaget/);
	await check(page, 'ledamot', 'vad-hander-om-svar');
	await page.context().close();
});
