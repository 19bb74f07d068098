// Governance through the browser: the secretary opens a meeting with the quorum of every item,
// is refused a decision without quorum (the reason next to the field), records attendance, the
// member takes part in writing, the change log shows a side-by-side difference, and the
// compliance and what-if pages answer. axe-core checks every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, newPage, login, check, visit, missing } from './lib.mjs';

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

	await visit(page, env.base, '/styrning/vad-hander-om');
	await check(page, 'ledamot', 'vad-hander-om');
	const main = page.getByRole('main');
	await main.getByLabel('Regelparameter').fill('lead_time_working_days');
	await main.getByLabel('Föreslaget värde').fill('3');
	await main.getByLabel('Från').fill('2026-01-01');
	await main.getByLabel('Till och med').fill('2026-06-30');
	await Promise.all([page.waitForEvent('load'), main.getByRole('button', { name: 'Spela upp perioden' }).click()]);
	assert.match(await page.getByRole('main').innerText(), /Levererade i tid/);
	assert.match(await page.getByRole('main').innerText(), /Leveranssäkerhet: \d+,\d\d % med reglerna som gällde, \d+,\d\d % med förslaget/);
	await check(page, 'ledamot', 'vad-hander-om-svar');
	await page.context().close();
});
