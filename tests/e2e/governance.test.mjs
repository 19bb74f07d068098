// Governance through the browser: the secretary opens a meeting with the quorum of every item,
// is refused an e-mail given after the meeting began (next to when it was given), reads the quorum
// per item beside the minutes, reads a coming meeting's proposal, is refused a decision without
// quorum (the reason next to the field, only the item type's outcomes offered), records the
// attendance of six in one submit and removes one (asked first), records the chair's approval of
// minutes on her behalf; the member reads a proposal and endorses it in writing, and is offered no
// answer on a meeting that has been held; the change log shows a side-by-side difference, and the
// compliance and what-if pages answer. axe-core checks every page.
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
	// Before the meeting the proposal can be read; attendance and outcomes wait for the start.
	const coming = await page.getByRole('main').innerText();
	assert.match(coming, /Förslag: ledtiden för leverans till ordinärt boende/);
	assert.match(coming, /Närvaron registreras när mötet har börjat/);
	assert.equal(await page.getByRole('button', { name: 'Spara utfallet' }).count(), 0, 'no outcome before the start');
	await check(page, 'sekreterare', 'mote-kommande');

	// A council meeting this morning (under way at 10:00) with one decision item.
	await visit(page, env.base, '/styrning');
	let main = page.getByRole('main');
	await main.getByLabel('Organ').selectOption({ label: 'Ledningsrådet för hjälpmedel' });
	await main.getByLabel('Börjar').fill('2026-11-23T09:00');
	await main.getByLabel('Slutar').fill('2026-11-23T11:00');
	await Promise.all([page.waitForEvent('load'), main.getByRole('button', { name: 'Skapa mötet' }).click()]);
	main = page.getByRole('main');
	await main.getByLabel('Nummer').fill('1');
	await main.getByLabel('Typ').selectOption({ label: 'beslutsärende' });
	await main.getByLabel('Rubrik').fill('Ledtid för leverans till ordinärt boende');
	await main.getByLabel('Text', { exact: true }).fill('Förslag: ledtiden blir tre arbetsdagar.');
	await Promise.all([page.waitForEvent('load'), main.getByRole('button', { name: 'Lägg till punkten' }).click()]);
	// Nobody has been recorded present: deciding item 1 is refused, naming both parties.
	const item = page.getByRole('region', { name: /^1\. Ledtid/ });
	assert.deepEqual(await item.getByLabel('Utfall').locator('option').allTextContents(),
		['beslutat', 'återremitterat', 'avfört', 'bordlagt'], 'a decision item offers its own outcomes');
	await item.getByLabel('Utfall').selectOption('decided');
	await Promise.all([page.waitForEvent('load'), item.getByRole('button', { name: 'Spara utfallet' }).click()]);
	const summary = page.getByRole('alert');
	assert.match(await summary.innerText(), /VGR saknar 3[\s\S]*VGK saknar 3/);
	await check(page, 'sekreterare', 'mote-utan-beslutsmassighet');

	// Six present in one submit: three of each party's five member seats.
	main = page.getByRole('main');
	for (const who of ['Cecilia Hallberg (ledamot, VGR)', 'Sofia Nordin (ledamot, VGR)', 'Camilla Wester (ledamot, VGR)',
		'Malin Lund (ledamot, VGK)', 'Ingrid Lindqvist (ledamot, VGK)', 'Karin Axelsson (ledamot, VGK)'])
		await main.getByRole('checkbox', { name: who }).check();
	await Promise.all([page.waitForEvent('load'), main.getByRole('button', { name: 'Spara närvaron' }).click()]);
	assert.match(await page.getByRole('status').innerText(), /Närvaron är sparad för 6 personer\./);
	const present = page.getByRole('table', { name: 'Registrerade som närvarande' });
	assert.match(await present.getByRole('row', { name: /Karin Axelsson/ }).innerText(), /VGK\s+ledamot\s+hela mötet/);
	assert.match(await page.getByRole('region', { name: /^1\. Ledtid/ }).innerText(), /Beslutsmässigt \(VGR 3 av 5, VGK 3 av 5\)/);
	await check(page, 'sekreterare', 'mote-narvaro');
	// Correcting an entry asks first, then says it was done.
	await Promise.all([page.waitForEvent('load'), present.getByRole('button', { name: 'Ta bort närvaron för Karin Axelsson' }).click()]);
	assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /Ta bort närvaron för Karin Axelsson\?/);
	await check(page, 'sekreterare', 'narvaro-ta-bort');
	await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Ja, ta bort närvaron' }).click()]);
	assert.match(await page.getByRole('status').innerText(), /Närvaron för Karin Axelsson är borttagen\./);
	assert.match(await page.getByRole('region', { name: /^1\. Ledtid/ }).innerText(), /VGK 2 av 5, saknar 1/);

	// The political group's minutes: the chair's approval recorded on her behalf, and how.
	await visit(page, env.base, '/styrning/moten/8');
	await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Skapa mötesanteckningar' }).click()]);
	main = page.getByRole('main');
	assert.match(await main.innerText(), /Ska godkännas av: ordföranden, en ledamot från den andra parten/);
	await main.getByLabel('Godkänt av').selectOption({ label: 'Eva Kommunsson (ordförande, VGK)' });
	await main.getByLabel('Hur godkännandet lämnades').selectOption({ label: 'muntligt på mötet' });
	await Promise.all([page.waitForEvent('load'), main.getByRole('button', { name: 'Registrera godkännandet' }).click()]);
	assert.match(await page.getByRole('status').innerText(), /Godkännandet är registrerat\./);
	const approved = await page.getByRole('main').innerText();
	assert.match(approved, /Godkänd av Eva Kommunsson \(ordförande\) 23 november 2026 kl\. 10\.\d\d, muntligt på mötet/);
	assert.match(approved, /Ska godkännas av: en ledamot från den andra parten\n/);
	assert.doesNotMatch(approved, /\dT\d\d:\d\d/, 'no ISO timestamps');
	await check(page, 'sekreterare', 'anteckningar-godkann');

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
	// The member reads the proposal, and answers it: endorse, abstain or object.
	assert.match(await item.innerText(), /Förslag: ledtiden för leverans till ordinärt boende/);
	for (const name of ['Jag ställer mig bakom förslaget', 'Jag avstår', 'Jag invänder'])
		assert.equal(await item.getByRole('button', { name }).count(), 1, name);
	await Promise.all([page.waitForEvent('load'), item.getByRole('button', { name: 'Jag ställer mig bakom förslaget' }).click()]);
	assert.match(await page.getByRole('status').innerText(), /Ditt svar är registrerat\./);
	const answered = await page.getByRole('region', { name: /^2\. Ledtid/ }).innerText();
	assert.match(answered, /Deltog skriftligt: Kristin Lundgren/);
	assert.match(answered, /Du har svarat: Jag ställer mig bakom förslaget/);
	await check(page, 'ledamot', 'mote-skriftligt');

	// The 2024-10-24 meeting has been held: no answer is offered there.
	await visit(page, env.base, '/styrning/moten/1');
	assert.equal(await page.getByRole('button', { name: /Jag ställer mig bakom/ }).count(), 0);
	await check(page, 'ledamot', 'mote-2024');

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

test('sekreterare: seats and terms, closing an action, and every page fits 1280, 390 and 320 px', async (t) => {
	if (await skipMissing(t, '/styrning', '/styrning/organ/3'))
		return;
	const page = await newPage(env.browser);
	await login(page, env.base, 'sekreterare');
	await visit(page, env.base, '/styrning/organ/3');
	const seats = page.getByRole('table', { name: /^Platserna den / });
	assert.match(await seats.getByRole('row', { name: /Cecilia Hallberg/ }).innerText(), /från 1 januari 2023/);
	await check(page, 'sekreterare', 'organ-platser');

	// An open action is closed after asking, and then listed as closed.
	await visit(page, env.base, '/styrning');
	const open = page.getByRole('table', { name: /Åtgärder som inte är klara/ });
	assert.match(await open.innerText(), /försenad/, 'an action due in 2024 is marked overdue');
	await Promise.all([page.waitForEvent('load'), open.getByRole('button', { name: /^Markera som klar/ }).first().click()]);
	assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /Markera åtgärden som klar\?/);
	await check(page, 'sekreterare', 'atgard-klar');
	await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Ja, den är klar' }).click()]);
	assert.match(await page.getByRole('status').innerText(), /Åtgärden är markerad som klar/);
	assert.ok(await page.getByRole('table', { name: /Åtgärder som är klara/ }).count() === 1, 'closed actions listed');
	await check(page, 'sekreterare', 'styrning-klar');
	await page.context().close();

	const wide = [];
	for (const [user, paths] of [['sekreterare', ['/styrning', '/styrning/moten/1', '/styrning/moten/6', '/styrning/moten/7',
		'/styrning/moten/8/anteckningar', '/styrning/organ/3']], ['ledamot', ['/styrning/moten/7']]])
		for (const width of [1280, 390, 320]) {
			const p = await newPage(env.browser, { width, height: 900 });
			await login(p, env.base, user);
			for (const path of paths) {
				await visit(p, env.base, path);
				const doc = await p.evaluate(() => document.documentElement.scrollWidth);
				if (doc > width)
					wide.push(`${user} ${path} at ${width} px is ${doc} px wide`);
			}
			if (width === 320)
				await check(p, `${user}-320`, paths[paths.length - 1].replaceAll('/', '-').slice(1));
			await p.context().close();
		}
	assert.deepEqual(wide, [], wide.join('\n'));
});
