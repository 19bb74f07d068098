// Shared machinery of the browser tests: the real `lmn serve` on a fresh demo database and a free
// loopback port, Debian's chromium driven by playwright-core, and a check of every page visited
// (axe-core for WCAG 2.1 A and AA, and a full-page screenshot under screenshots/).
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const LMN = resolve(here, process.env.LMN || '../../build/lmn');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SHOTS = join(here, 'screenshots');
export const PAGES = join(here, 'pages'); // each checked page's HTML, for the Nu Html Checker
const AXE = join(here, 'node_modules/axe-core/axe.min.js');
// Monday 2026-11-23 10:00 local time: the clock of every test, as in tests/cli/api_lib.sh.
export const NOW = '2026-11-23T10:00';
export const PASSWORD = 'demo2026';
export const PHONE = { width: 390, height: 844 };
// The widths every checked page must fit without sideways scrolling.
export const WIDTHS = [1280, 390, 320];

function run(args, env) {
	return new Promise((ok, fail) => {
		const p = spawn(LMN, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
		let err = '';
		p.stderr.on('data', (d) => { err += d; });
		p.on('error', fail);
		p.on('exit', (code) => code === 0 ? ok() : fail(new Error(`${LMN} ${args.join(' ')}: exit ${code}\n${err}`)));
	});
}

// Fills a fresh database with the demo data and starts `lmn serve` on a free port.
// Returns { base, db, stop }; stop() fails if the server died or does not exit cleanly.
export async function startServer() {
	const dir = mkdtempSync(join(tmpdir(), 'lmn-e2e-'));
	const db = join(dir, 'lmn.db');
	const env = { ...process.env, LMN_NOW: NOW };
	await run(['demo', '--db', db], env);
	const srv = spawn(LMN, ['serve', '--db', db, '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '', err = '', exited = null;
	srv.stderr.on('data', (d) => { err += d; });
	const exit = new Promise((ok) => srv.on('exit', (code, signal) => { exited = { code, signal }; ok(); }));
	const base = await new Promise((ok, fail) => {
		const timer = setTimeout(() => fail(new Error(`lmn serve did not start in 10 s\n${err}`)), 10000);
		srv.stdout.on('data', (d) => {
			out += d;
			const m = /serving (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
			if (m) { clearTimeout(timer); ok(m[1]); }
		});
		srv.on('exit', (code) => { clearTimeout(timer); fail(new Error(`lmn serve exited (${code})\n${err}`)); });
		srv.on('error', (e) => { clearTimeout(timer); fail(e); });
	});
	return {
		base, db,
		async stop() {
			const died = exited;
			if (!died)
				srv.kill('SIGTERM');
			await exit;
			rmSync(dir, { recursive: true, force: true });
			assert.equal(died, null, `lmn serve died during the tests: ${JSON.stringify(died)}\n${err}`);
			assert.equal(exited.code, 0, `lmn serve did not stop cleanly on SIGTERM: ${JSON.stringify(exited)}\n${err}`);
		},
	};
}

export async function launchBrowser() {
	const args = ['--disable-dev-shm-usage'];
	if (process.getuid && process.getuid() === 0)
		args.push('--no-sandbox'); // chromium refuses to run its sandbox as root (containers, CI)
	return chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}

// A browser context for one role: its own cookies, Swedish locale, the given viewport. The
// server's Content-Security-Policy forbids inline scripts, so axe is injected with CSP bypassed.
export async function newPage(browser, viewport = { width: 1280, height: 900 }) {
	const ctx = await browser.newContext({ viewport, locale: 'sv-SE', bypassCSP: true });
	const page = await ctx.newPage();
	page.setDefaultTimeout(10000);
	const errors = [];
	page.on('pageerror', (e) => errors.push(e.message));
	// A page answered with 4xx (a refused form) is logged as a console error: that is not a fault.
	page.on('console', (m) => {
		if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()))
			errors.push(m.text());
	});
	page.jsErrors = errors;
	return page;
}

function formatViolations(violations) {
	const lines = [];
	for (const v of violations) {
		lines.push(`- ${v.id} (${v.impact}): ${v.help}  ${v.helpUrl}`);
		for (const n of v.nodes) {
			lines.push(`    at ${n.target.join(' ')}`);
			lines.push(`       ${n.html.replace(/\s+/g, ' ').slice(0, 240)}`);
			if (n.failureSummary)
				lines.push(`       ${n.failureSummary.replace(/\s+/g, ' ').slice(0, 300)}`);
		}
	}
	return lines.join('\n');
}

// Runs axe-core (WCAG 2.0/2.1 A and AA) on the page; returns its violations.
export async function axe(page) {
	if (!(await page.evaluate(() => typeof window.axe === 'object')))
		await page.addScriptTag({ path: AXE });
	const res = await page.evaluate(() => window.axe.run(document, {
		runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
		resultTypes: ['violations'],
	}));
	return res.violations;
}

// audit(page, role, name): saves a full-page screenshot as screenshots/<role>-<name>.png (first,
// so a failure can be looked at), then checks the page as it is now: no script errors, one h1, no
// axe-core violations of WCAG 2.0/2.1 A and AA. Returns what is wrong, or null.
export async function audit(page, role, name) {
	await page.waitForLoadState('load');
	mkdirSync(SHOTS, { recursive: true });
	// 30 s, not Playwright's 10: a full-page screenshot once took longer on a busy 2-core machine.
	await page.screenshot({ path: join(SHOTS, `${role}-${name}.png`), fullPage: true, timeout: 30000 });
	const where = `${role}-${name} (${new URL(page.url()).pathname})`;
	const problems = [];
	// The page as it is now, for the Nu Html Checker, which ./scripts/test runs over all of them
	// after the tests (npm run validate); without an earlier check's injected axe (no page of
	// lmn has an inline script: its Content-Security-Policy forbids them).
	mkdirSync(PAGES, { recursive: true });
	writeFileSync(join(PAGES, `${role}-${name}.html`),
		(await page.content()).replace(/<script(?![^>]*\bsrc=)[^>]*>[\s\S]*?<\/script>/g, ''));
	// No page is wider than the window it is shown in (no sideways scrolling): as it is, and at
	// the other widths people use, desktop (1280), phone (390) and WCAG's reflow width (320). A
	// phone's view is saved as a screenshot too (<role>-<name>-390.png).
	const shown = page.viewportSize();
	for (const width of [shown.width, ...WIDTHS.filter((w) => w !== shown.width)]) {
		if (width !== shown.width)
			await page.setViewportSize({ width, height: shown.height });
		const [wide, view] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
		if (wide > view)
			problems.push(`the page is ${wide} px wide in a window of ${view} px`);
		if (width === PHONE.width && shown.width !== PHONE.width)
			await page.screenshot({ path: join(SHOTS, `${role}-${name}-390.png`), fullPage: true, timeout: 30000 });
	}
	if (page.viewportSize().width !== shown.width)
		await page.setViewportSize(shown);
	if (page.jsErrors.length)
		problems.push(`errors in the browser: ${page.jsErrors.splice(0).join('; ')}`);
	const h1 = await page.locator('h1').count();
	if (h1 !== 1)
		problems.push(`${h1} h1 elements, not one`);
	const violations = await axe(page);
	if (violations.length)
		problems.push(`${violations.length} accessibility violation(s):\n${formatViolations(violations)}`);
	return problems.length ? `${where}: ${problems.join('\n')}` : null;
}

// check(page, role, name): audit, failing the test on anything wrong.
export async function check(page, role, name) {
	const wrong = await audit(page, role, name);
	if (wrong)
		assert.fail(wrong);
}

// Signs in through the form on /logga-in, as a person would.
export async function login(page, base, user) {
	await page.goto(`${base}/logga-in`);
	await page.getByLabel('Användarnamn').fill(user);
	await page.getByLabel('Lösenord').fill(PASSWORD);
	await page.getByRole('button', { name: 'Logga in' }).click();
	await page.waitForURL((u) => u.pathname !== '/logga-in');
}

export async function logout(page) {
	await page.getByRole('button', { name: 'Logga ut' }).click();
	await page.waitForURL((u) => u.pathname === '/logga-in');
}

// Whether the server has a page at path (unsigned: an existing page redirects to the sign-in,
// a missing one is 404). Pages still being built are skipped by their tests until they exist.
export async function pageExists(base, path) {
	const r = await fetch(base + path, { redirect: 'manual' });
	return r.status !== 404;
}

// missing(base, paths): the first of paths that has no page yet, or null.
export async function missing(base, ...paths) {
	for (const p of paths)
		if (!(await pageExists(base, p)))
			return p;
	return null;
}

// Goes to path and checks the response was a page, not an error.
export async function visit(page, base, path, status = 200) {
	const r = await page.goto(base + path);
	assert.equal(r.status(), status, `GET ${path}: status`);
	return r;
}

// The suite's set-up for one test file: server and browser before, both stopped after.
export function setup(hooks) {
	const env = {};
	hooks.before(async () => {
		env.server = await startServer();
		env.base = env.server.base;
		env.browser = await launchBrowser();
	});
	hooks.after(async () => {
		if (env.browser)
			await env.browser.close();
		if (env.server)
			await env.server.stop();
	});
	return env;
}

// ---- Finding controls by their labels, with a readable failure ----

async function describeControls(scope) {
	return scope.locator('input:not([type=hidden]), select, textarea, button').evaluateAll((els) => els.map((e) => {
		const l = e.labels && e.labels.length ? e.labels[0].innerText : (e.getAttribute('aria-label') || e.innerText || '');
		return `${e.tagName.toLowerCase()}${e.type ? `[${e.type}]` : ''} "${l.trim().replace(/\s+/g, ' ')}"`;
	}));
}

// field(scope, patterns…): the first control whose label matches one of patterns (tried in order).
export async function field(scope, ...patterns) {
	for (const p of patterns) {
		const l = scope.getByLabel(p);
		if (await l.count())
			return l.first();
	}
	assert.fail(`no field labelled ${patterns.join(' or ')}; the page has: ${(await describeControls(scope)).join(', ')}`);
}

// button(scope, patterns…): the first button (or submit input) whose name matches.
export async function button(scope, ...patterns) {
	for (const p of patterns) {
		const b = scope.getByRole('button', { name: p });
		if (await b.count())
			return b.first();
	}
	assert.fail(`no button named ${patterns.join(' or ')}; the page has: ${(await describeControls(scope)).join(', ')}`);
}

// set(control, value): fills an input or textarea; for a select, value is a RegExp or string
// matched against the options' text (the first match is chosen), or undefined for the first
// option with a value.
export async function set(control, value) {
	const tag = await control.evaluate((e) => e.tagName);
	if (tag !== 'SELECT')
		return control.fill(String(value));
	const options = await control.locator('option').evaluateAll((os) => os.map((o) => ({ value: o.value, text: o.textContent.trim() })));
	const pick = options.find((o) => value === undefined ? o.value !== ''
		: value instanceof RegExp ? value.test(o.text) : o.text === value || o.value === value);
	assert.ok(pick, `no option ${value} in ${JSON.stringify(options.slice(0, 20))}`);
	return control.selectOption(pick.value);
}

// Submits with the button and waits for the next page; fails if it shows an error summary.
export async function submit(page, btn, where) {
	await Promise.all([page.waitForEvent('load'), btn.click()]);
	const alert = page.locator('.error-summary');
	if (await alert.count())
		assert.fail(`${where}: the form was refused: ${(await alert.innerText()).replace(/\s+/g, ' ')}`);
}

// ---- Pieces of several roles' flows ----

// On /patienter: finds the patient whose link matches name, searching for term when the list does
// not show them already, and opens them. Returns the patient's id.
export async function openPatient(page, base, name, term) {
	await visit(page, base, '/patienter');
	let link = page.getByRole('main').getByRole('link', { name });
	if (!(await link.count())) {
		const search = await field(page.getByRole('main'), /Sök/i, /Namn/i, /Personnummer/i);
		await search.fill(term);
		const go = await button(page.getByRole('main'), /Sök/i, /Hitta/i);
		await Promise.all([page.waitForEvent('load'), go.click()]);
		link = page.getByRole('main').getByRole('link', { name });
	}
	assert.ok(await link.count(), `no link to a patient named ${name} on ${page.url()}`);
	await Promise.all([page.waitForEvent('load'), link.first().click()]);
	assert.match(new URL(page.url()).pathname, /^\/patienter\/\d+$/);
	return Number(/\/patienter\/(\d+)/.exec(page.url())[1]);
}

// On an order form (order_form.c): one package of the first product that may be ordered now
// (or of the one whose name matches product), delivered home; options.fill(page) fills the
// form's other fields. Returns the new order's id, on its page.
export async function placeOrder(page, where, { product, fill } = {}) {
	const what = page.getByRole('group', { name: 'Vad vill du beställa?' });
	let card = what.locator('.card');
	if (product)
		card = card.filter({ hasText: product });
	card = card.first();
	assert.ok(await card.count(), `${where}: nothing${product ? ` named ${product}` : ''} may be ordered: ${(await what.innerText()).replace(/\s+/g, ' ')}`);
	await card.getByRole('checkbox').check();
	await card.getByLabel(/Antal förpackningar/).fill('1');
	await page.getByRole('radio', { name: /Hem till adressen/ }).check();
	if (fill)
		await fill(page);
	await submit(page, page.getByRole('button', { name: 'Skicka beställningen' }), where);
	await page.waitForURL(/\/bestallningar\/\d+\?ny=1$/);
	return Number(/\/bestallningar\/(\d+)/.exec(page.url())[1]);
}
