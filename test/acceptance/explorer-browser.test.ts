import fs from 'fs';
import type { AddressInfo } from 'net';
import path from 'path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { bootExampleApp, REPO_ROOT } from '../support/example-app';

/**
 * The explorer in a real browser: Debian's headless Chromium, driven by playwright-core, opens
 * /explorer of the example app, expands a model, tries GET /api/<Models> and reads the response
 * Swagger UI shows; then logs in through the Authorize box and calls a protected endpoint.
 */
const CHROMIUM = '/usr/bin/chromium';
const OUTPUT_DIR = path.join(REPO_ROOT, 'test-output');
const haveChromium = fs.existsSync(CHROMIUM);

if (!haveChromium) {
  if (process.env.CI === 'true')
    throw new Error(`${CHROMIUM} is missing; CI must install it (apt-get install -y chromium, see .ci/run)`);
  console.warn(`explorer-browser: skipped, ${CHROMIUM} is not installed (apt-get install -y chromium)`);
}
const describeInBrowser = haveChromium ? describe : describe.skip;

jest.setTimeout(90000);

describeInBrowser('the explorer in headless Chromium', () => {
  let app: any;
  let server: import('http').Server;
  let baseUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    app = await bootExampleApp();
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function post(urlPath: string, body: unknown, token?: string): Promise<any> {
    const res = await fetch(baseUrl + urlPath, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return res.json();
  }

  /** Expands the model's section and the GET operation on `apiPath`, and presses Execute. */
  async function executeGet(
    page: Page,
    model: string,
    apiPath: string,
  ): Promise<{ status: string; body: string }> {
    const section = page.locator(`.opblock-tag-section:has(#operations-tag-${model})`);
    if (!(await section.locator('.opblock').count())) await page.click(`#operations-tag-${model}`);
    const operation = section
      .locator('.opblock.opblock-get', { has: page.locator(`.opblock-summary-path[data-path="${apiPath}"]`) })
      .first();
    if (!(await operation.locator('.opblock-body').count()))
      await operation.locator('.opblock-summary-control').click();
    const tryItOut = operation.locator('button.try-out__btn:has-text("Try it out")');
    if (await tryItOut.count()) await tryItOut.click();
    await operation.locator('button.execute').click();
    const response = operation.locator('.live-responses-table .response').first();
    await response.locator('.response-col_status').waitFor();
    // Swagger UI adds "Undocumented" under a status the document does not list (a 401, say).
    const status = (await response.locator('.response-col_status').innerText()).trim().split(/\s+/)[0];
    const body = await response.locator('.response-col_description pre').first().innerText();
    await operation.locator('.btn-clear').click();
    return { status, body };
  }

  it('expands Customer, executes GET /api/Customers and shows 200 with the JSON', async () => {
    await post('/api/Customers', { name: 'Ann', email: 'ann@example.com' });
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    await page.goto(`${baseUrl}/explorer/`);
    await page.waitForSelector('#operations-tag-Customer');
    const { status, body } = await executeGet(page, 'Customer', '/api/Customers');
    expect(status).toBe('200');
    expect(JSON.parse(body)).toEqual([
      expect.objectContaining({ name: 'Ann', email: 'ann@example.com', id: 1 }),
    ]);
    // Execute again so the screenshot shows the response under the operation.
    await page.locator('.opblock.opblock-get button.execute').first().click();
    await page.locator('.live-responses-table').first().waitFor();
    const shot = path.join(OUTPUT_DIR, 'explorer-get-customers.png');
    await page.screenshot({ path: shot, fullPage: false });
    expect(fs.statSync(shot).size).toBeGreaterThan(10000);
    console.log(`explorer screenshot: ${shot}`);
    await page.close();
  });

  it('sends the token set in the Authorize box: 401 without it, 200 with it', async () => {
    await post('/api/Accounts', { email: 'bob@example.com', password: 'bob secret' });
    const token = (await post('/api/Accounts/login', { email: 'bob@example.com', password: 'bob secret' }))
      .id as string;
    await post('/api/Wishlists', { name: 'birthday' }, token);

    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    await page.goto(`${baseUrl}/explorer/`);
    await page.waitForSelector('#operations-tag-Wishlist');
    const anonymous = await executeGet(page, 'Wishlist', '/api/Wishlists');
    expect(anonymous.status).toBe('401');
    expect(JSON.parse(anonymous.body).error.code).toBe('AUTHORIZATION_REQUIRED');

    await page.click('.auth-wrapper button.authorize');
    await page.locator('.modal-ux input').fill(token);
    await page.locator('.modal-ux button.authorize').click();
    await page.locator('.modal-ux button.btn-done').click();

    const signedIn = await executeGet(page, 'Wishlist', '/api/Wishlists');
    expect(signedIn.status).toBe('200');
    expect(JSON.parse(signedIn.body)).toEqual([expect.objectContaining({ name: 'birthday' })]);
    await page.close();
  });
});
