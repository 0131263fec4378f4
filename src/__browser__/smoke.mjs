/**
 * Browser smoke check of the config and query editors (npm run test:browser).
 *
 * It bundles harness.tsx together with React and @grafana/ui (inside Grafana
 * these come from the host, so dist/module.js cannot run alone), serves the
 * page from 127.0.0.1, drives a headless Chromium through playwright-core,
 * checks that the editors render and write what they should, and saves a
 * screenshots to src/__browser__/out/ (gitignored).
 *
 * Needs a Chromium binary: Debian's `apt-get install -y chromium` puts it at
 * /usr/bin/chromium; set CHROMIUM_PATH to use another one. Not part of test:ci.
 */
import { createServer } from 'node:http';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import webpack from 'webpack';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const buildDir = path.join(root, '.build', 'browser');
const outDir = path.join(here, 'out');
const iconsDir = path.join(root, 'node_modules', '@grafana', 'ui', 'dist', 'public', 'img', 'icons');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function bundle() {
  const compiler = webpack({
    mode: 'development',
    devtool: false,
    context: root,
    entry: path.join(here, 'harness.tsx'),
    output: { path: buildDir, filename: 'harness.js' },
    resolve: { extensions: ['.js', '.jsx', '.ts', '.tsx'] },
    module: {
      rules: [
        {
          test: /\.[tj]sx?$/,
          exclude: /node_modules/,
          use: {
            loader: 'swc-loader',
            options: { jsc: { target: 'es2020', parser: { syntax: 'typescript', tsx: true } } },
          },
        },
        { test: /\.css$/, use: ['style-loader', 'css-loader'] },
      ],
    },
    performance: { hints: false },
  });
  return new Promise((resolve, reject) => {
    compiler.run((error, stats) => {
      compiler.close(() => undefined);
      if (error) {
        reject(error);
      } else if (stats.hasErrors()) {
        reject(new Error(`bundling the harness failed:\n${stats.toString('errors-only')}`));
      } else {
        resolve();
      }
    });
  });
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TokenTrail editors</title></head>
<body><div id="root" style="padding: 24px; max-width: 1100px"></div><script src="/harness.js"></script></body></html>`;

const ICONS = '/public/build/img/icons/';

/** Serves the page, the bundle and @grafana/ui's icons, which Icon fetches from public/build/img/icons/. */
function serve() {
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const send = (type, body) => response.writeHead(200, { 'content-type': type }).end(body);
    try {
      if (url.pathname === '/') {
        send('text/html', PAGE);
      } else if (url.pathname === '/harness.js') {
        send('text/javascript', await readFile(path.join(buildDir, 'harness.js')));
      } else if (url.pathname.startsWith(ICONS) && !url.pathname.includes('..')) {
        send('image/svg+xml', await readFile(path.join(iconsDir, url.pathname.slice(ICONS.length))));
      } else {
        response.writeHead(404).end();
      }
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const checks = [];
function check(name, ok, detail = '') {
  checks.push({ name, ok, detail });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
}

async function json(page, testId) {
  return JSON.parse(await page.getByTestId(testId).textContent());
}

// React writes the editor's state on its own schedule after a click or key
// press, so a check of what was written waits (up to 5 s) for the value to
// satisfy it instead of reading once. It returns the last value it saw, so a
// failing check can say what was written instead.
async function written(page, testId, ok) {
  const deadline = Date.now() + 5000;
  let value = await json(page, testId);
  while (!ok(value) && Date.now() < deadline) {
    await page.waitForTimeout(50);
    value = await json(page, testId);
  }
  return { ok: ok(value), value };
}

async function checkWritten(name, page, testId, ok) {
  const result = await written(page, testId, ok);
  check(name, result.ok, result.ok ? '' : `wrote ${JSON.stringify(result.value)}`);
  return result.value;
}

async function run(page) {
  // Config editor: defaults as placeholders, TLS fields only with TLS on, values land in jsonData.
  await page.getByText('Audit table', { exact: true }).waitFor();
  check(
    'port placeholder is the native default',
    (await page.locator('#tokentrail-port').getAttribute('placeholder')) === '9000'
  );
  check('TLS fields hidden while TLS is off', (await page.locator('#tokentrail-tlsCACert').count()) === 0);
  await page.locator('label[for="tokentrail-secure"]').last().click();
  await page.locator('#tokentrail-tlsCACert').waitFor();
  check('TLS fields shown once TLS is on', true);
  check(
    'port placeholder follows TLS',
    (await page.locator('#tokentrail-port').getAttribute('placeholder')) === '9440'
  );
  await page.locator('#tokentrail-database').fill('security');
  await page.locator('#tokentrail-password').fill('s3cret');
  const settings = await json(page, 'settings');
  check('settings written to jsonData', settings.jsonData.secure === true && settings.jsonData.database === 'security');
  check(
    'password written to secureJsonData only',
    settings.secureJsonData?.password === 's3cret' && !JSON.stringify(settings.jsonData).includes('s3cret')
  );

  // Query editor: sequences defaults, Go-duration validation, filters.
  const maxSpan = page.locator('#tokentrail-A-max-span');
  check('max span shows its default', (await maxSpan.inputValue()) === '1h');
  const correlate = page.locator('#tokentrail-A-correlate-by').locator('xpath=..');
  check(
    'correlate by shows both default fields as pills',
    (await correlate.getByRole('button', { name: 'Remove actor_id' }).isVisible()) &&
      (await correlate.getByRole('button', { name: 'Remove app_id' }).isVisible())
  );
  await maxSpan.fill('1d');
  const error = page.getByText(/unknown unit "d"/);
  await error.waitFor();
  check('invalid max span shows an inline error', await error.isVisible());
  await page
    .locator('section')
    .nth(1)
    .screenshot({ path: path.join(outDir, 'query-editor-invalid-span.png') });
  await maxSpan.fill('30m');
  await maxSpan.press('Enter');
  await checkWritten('valid max span is written', page, 'query', (q) => q.maxSpan === '30m');

  const minSeverity = page.locator('#tokentrail-A-min-severity');
  check('min severity shows Any by default', (await minSeverity.inputValue()) === 'Any');
  await minSeverity.click();
  await page.getByRole('option', { name: /^High/ }).click();
  await checkWritten('min severity high is written', page, 'query', (q) => q.minSeverity === 'high');

  await page.getByRole('button', { name: 'Add filter' }).click();
  await page.locator('#tokentrail-A-filter-0-values').click();
  const suggestion = page.getByRole('option', { name: 'app_id-1' });
  await suggestion.waitFor();
  check('filter values are suggested from the backend', true);
  await suggestion.click();
  await page.keyboard.press('Escape');
  await checkWritten(
    'filter row written to the query',
    page,
    'query',
    (q) => JSON.stringify(q.filters) === JSON.stringify([{ field: 'app_id', op: '=', values: ['app_id-1'] }])
  );

  // RadioButtonGroup lays its invisible radio input over the label, so click the input.
  const queryEditor = page.locator('section').nth(1);
  check(
    'the AN0020 preset is chosen for a new query',
    await queryEditor.getByRole('radio', { name: 'AN0020', exact: true }).isChecked()
  );
  await queryEditor.getByRole('radio', { name: 'AN0020 broad' }).click();
  await checkWritten(
    'the broad preset is written with its correlation',
    page,
    'query',
    (q) => q.preset === 'an0020-broad' && JSON.stringify(q.correlateBy) === '["actor_id"]'
  );

  await page.getByRole('radio', { name: 'Sequence counts' }).click();
  await page.locator('#tokentrail-A-group-by').waitFor();
  check('sequence counts shows group by', true);

  // Inventory and coverage render a useful panel as soon as they are picked.
  await queryEditor.getByRole('radio', { name: 'Inventory' }).click();
  await page.locator('#tokentrail-A-require').waitFor();
  const inventory = await json(page, 'query');
  check(
    'inventory defaults to an apps table',
    inventory.queryType === 'inventory' &&
      inventory.format === 'table' &&
      (await queryEditor.getByRole('radio', { name: 'Apps' }).isChecked())
  );
  check(
    'inventory shows the data source baseline as placeholder',
    (await page.locator('#tokentrail-A-baseline-days').getAttribute('placeholder')) === '30'
  );
  await queryEditor.getByRole('radio', { name: 'Tokens' }).click();
  await page.locator('#tokentrail-A-longLivedDays').waitFor();
  await checkWritten('tokens show the long-lived and unused thresholds', page, 'query', (q) => q.kind === 'tokens');
  await queryEditor.screenshot({ path: path.join(outDir, 'inventory-editor.png') });
  await queryEditor.getByRole('radio', { name: 'Coverage' }).click();
  await page.locator('#tokentrail-A-coverage-require').waitFor();
  await queryEditor.getByRole('radio', { name: 'Per source' }).click();
  await checkWritten(
    'coverage writes the alerting format',
    page,
    'query',
    (q) => q.queryType === 'coverage' && q.format === 'numeric'
  );
  await queryEditor.screenshot({ path: path.join(outDir, 'coverage-editor.png') });

  // Template variable editor, and metricFindQuery through the resource call.
  const variables = page.locator('section').nth(2);
  check('variable editor lists apps by default', await variables.getByRole('radio', { name: 'Apps' }).isChecked());
  await variables.getByRole('radio', { name: 'Actors' }).click();
  await page.locator('#tokentrail-variable-prefix').fill('ali');
  await page.locator('#tokentrail-variable-prefix').press('Enter');
  await page.getByTestId('variable-values').getByText('actors starting ali').waitFor();
  const variable = await json(page, 'variable');
  check(
    'variable query and its summary are saved',
    variable.query.kind === 'actors' &&
      variable.query.prefix === 'ali' &&
      variable.definition.includes('starting with "ali"')
  );
  check('metricFindQuery lists the resource values', true);
  await variables.screenshot({ path: path.join(outDir, 'variable-editor.png') });
  await page.screenshot({ path: path.join(outDir, 'editors.png'), fullPage: true });
  await page
    .locator('section')
    .nth(1)
    .screenshot({ path: path.join(outDir, 'query-editor.png') });
}

async function main() {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await bundle();
  const server = await serve();
  const { port } = server.address();
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  const pageErrors = [];
  let page;
  try {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.setDefaultTimeout(10000);
    await page.goto(`http://127.0.0.1:${port}/`);
    await run(page);
  } catch (error) {
    await page?.screenshot({ path: path.join(outDir, 'failure.png'), fullPage: true }).catch(() => undefined);
    check(
      'smoke run completed',
      false,
      error instanceof Error ? error.message.split('\n').slice(0, 8).join(' ') : String(error)
    );
  } finally {
    check('no uncaught errors in the page', pageErrors.length === 0, pageErrors.join(' | '));
    await browser.close();
    server.close();
  }
  await writeFile(path.join(outDir, 'result.json'), JSON.stringify(checks, null, 2));
  const failed = checks.filter((c) => !c.ok);
  console.log(
    `${checks.length - failed.length}/${checks.length} checks passed; screenshots in ${path.relative(root, outDir)}/`
  );
  process.exitCode = failed.length === 0 ? 0 : 1;
}

main().catch((error) => {
  console.error(`browser smoke check could not run: ${error instanceof Error ? error.message : error}`);
  console.error(`is Chromium installed at ${chromiumPath}? (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  process.exitCode = 1;
});
