// Reflow (issue 20): no admin page is wider than the window, at desktop (1280), phone (390) and the
// WCAG reflow width (320). A wide table scrolls inside a region that takes keyboard focus.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, newPage, login, visit } from './lib.mjs';

const env = setup({ before, after });
const PAGES = ['/admin/sortiment', '/admin/fakturaunderlag?manad=2026-02', '/admin/rapporter', '/admin/regler'];
const WIDTHS = [1280, 390, 320];

test('admin pages are never wider than the window', async () => {
	const wide = [];
	for (const width of WIDTHS) {
		const page = await newPage(env.browser, { width, height: 900 });
		await login(page, env.base, 'admin');
		for (const path of PAGES) {
			await visit(page, env.base, path);
			const doc = await page.evaluate(() => document.documentElement.scrollWidth);
			if (doc > width)
				wide.push(`${path} at ${width} px is ${doc} px wide`);
			// Every scroll region can be reached and scrolled with the keyboard.
			const unfocusable = await page.locator('.scroll, .table-scroll').evaluateAll((els) => els
				.filter((e) => e.scrollWidth > e.clientWidth && (e.getAttribute('tabindex') !== '0' || !e.getAttribute('aria-label')))
				.length);
			if (unfocusable)
				wide.push(`${path} at ${width} px: ${unfocusable} scroll region(s) without tabindex="0" and a name`);
		}
		await page.context().close();
	}
	assert.deepEqual(wide, [], wide.join('\n'));
});

test('dates in the rules tables do not break at the hyphen', async () => {
	const page = await newPage(env.browser, { width: 1280, height: 900 });
	await login(page, env.base, 'admin');
	await visit(page, env.base, '/admin/regler');
	const broken = await page.locator('td.date').evaluateAll((els) => els
		.filter((e) => /^\d{4}-\d\d-\d\d$/.test(e.innerText.trim()) && getComputedStyle(e).whiteSpace !== 'nowrap').length);
	assert.ok(await page.locator('td.date').count() > 0, 'the rules tables mark their dates');
	assert.equal(broken, 0, 'every date cell keeps its date on one line');
	await page.context().close();
});
