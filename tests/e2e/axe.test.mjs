// The accessibility check itself: axe-core, as the tests run it, finds the faults it should (a
// check that cannot fail would prove nothing about the pages).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPage, axe } from './lib.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('axe reports an unlabelled field, low contrast, a missing lang and an unknown role', async () => {
	const page = await newPage(browser);
	await page.setContent('<!doctype html><html><head><title>x</title></head><body><main><h1>x</h1>'
		+ '<input type="text"><p style="color:#aaa;background:#fff">grå text</p>'
		+ '<div role="buton" tabindex="0">Skicka</div></main></body></html>');
	const ids = (await axe(page)).map((v) => v.id).sort();
	assert.deepEqual(ids, ['aria-roles', 'color-contrast', 'html-has-lang', 'label']);
	await page.context().close();
});

test('axe passes a small page that does it right', async () => {
	const page = await newPage(browser);
	await page.setContent('<!doctype html><html lang="sv"><head><title>x</title></head><body><main><h1>x</h1>'
		+ '<label for="f">Namn</label><input id="f" type="text"><a href="/" aria-current="page">hem</a>'
		+ '</main></body></html>');
	assert.deepEqual(await axe(page), []);
	await page.context().close();
});
