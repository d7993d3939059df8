// Lighthouse over the public pages of a running site (README, "Lighthouse").
//
//   node run.mjs --base http://127.0.0.1:8000 --out test-artifacts/lighthouse [--page search]
//       [--waive search:is-crawlable] [--runs 3] [--article-kb 60]
//
// (`make lighthouse` builds the demo site, serves it and calls this: see run.sh.)
//
// Audits home, news list, the reference article, a WCO body and search in /ru/ and /en/
// with Lighthouse's default (mobile, simulated throttling) settings, writes one JSON report
// per page, prints the scores against the targets (issue 21), the audits that cost points
// in a category below its target, and the article page's transfer size without images.
// Exits 1 when a target is missed, 2 when the run itself fails.
import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {parseArgs} from 'node:util';
import {gzipSync} from 'node:zlib';

import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

const {values: args} = parseArgs({
  options: {
    base: {type: 'string', default: 'http://127.0.0.1:8000'},
    out: {type: 'string', default: 'test-artifacts/lighthouse'},
    page: {type: 'string', multiple: true},
    'article-kb': {type: 'string', default: '60'},
    // Runs of a page below the performance target on its first run; the median counts.
    runs: {type: 'string', default: '3'},
    // page:audit-id, e.g. search:is-crawlable: the audit is left out of that page's score.
    waive: {type: 'string', multiple: true, default: []},
  },
});

const BASE = args.base.replace(/\/$/, '');
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const TARGETS = {performance: 95, accessibility: 100, 'best-practices': 100, seo: 100};
const SHORT = {performance: 'perf', accessibility: 'a11y', 'best-practices': 'bp', seo: 'seo'};
const ARTICLE_LIMIT_BYTES = Number(args['article-kb']) * 1024;
const CHROME_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

// The pages: a path per language; a path that redirects (the article's id without its
// slug) is audited at the address it ends at, so that the redirect is not measured.
const PAGES = [
  {name: 'home', paths: {ru: '/ru/', en: '/en/'}},
  {name: 'list', paths: {ru: '/ru/news/', en: '/en/news/'}},
  {name: 'article', paths: {ru: '/ru/news/276760/', en: '/en/news/276760/'}},
  {
    name: 'body',
    paths: {ru: '/ru/committees/enforcement-committee/', en: '/en/committees/enforcement-committee/'},
  },
  {
    name: 'search',
    paths: {ru: `/ru/search/?q=${encodeURIComponent('ВТамО')}`, en: '/en/search/?q=WCO'},
  },
].filter((page) => !args.page || args.page.includes(page.name));

async function resolve(url) {
  // Also warms the page cache, as a visited page is in production.
  const response = await fetch(url, {redirect: 'follow'});
  await response.arrayBuffer();
  if (response.status !== 200) {
    throw new Error(`${url} answered ${response.status}`);
  }
  return response.url;
}

function describeItem(item) {
  const parts = [];
  const node = [item.node, item.source, item].find((value) => value && value.type === 'node');
  if (node) {
    if (node.selector) parts.push(node.selector);
    if (node.snippet) parts.push(node.snippet.replace(/\s+/g, ' ').slice(0, 200));
    if (node.explanation) parts.push(node.explanation.replace(/\s+/g, ' ').slice(0, 300));
  }
  for (const key of ['url', 'source', 'description', 'label']) {
    const value = item[key];
    if (typeof value === 'string') parts.push(value.slice(0, 200));
    else if (value && typeof value === 'object' && value.url) {
      parts.push(value.line === undefined ? value.url : `${value.url} line ${value.line + 1}`);
    }
  }
  if (item.sourceLocation && item.sourceLocation.url) {
    parts.push(`${item.sourceLocation.url}:${item.sourceLocation.line}`);
  }
  if (item.wastedBytes) parts.push(`could save ${Math.round(item.wastedBytes / 1024)} KiB`);
  if (item.wastedMs) parts.push(`could save ${Math.round(item.wastedMs)} ms`);
  return parts.join(' | ');
}

function auditItems(audit) {
  const details = audit.details;
  if (!details) return [];
  if (!Array.isArray(details.items)) return [];
  const items = details.items;
  const flat = [];
  for (const item of items) {
    // Grouped tables (console errors by source, issues by type) keep rows in subItems.
    if (item.subItems && item.subItems.items) {
      for (const sub of item.subItems.items) flat.push({...item, ...sub});
    } else {
      flat.push(item);
    }
  }
  return flat;
}

function failingAudits(lhr, categoryId, waived) {
  const category = lhr.categories[categoryId];
  const failing = [];
  for (const ref of category.auditRefs) {
    if (waived.has(ref.id)) continue;
    const audit = lhr.audits[ref.id];
    if (audit.score === null || audit.score >= (categoryId === 'performance' ? 0.9 : 1)) continue;
    if (['notApplicable', 'informative', 'manual'].includes(audit.scoreDisplayMode)) continue;
    if (ref.weight === 0 && categoryId !== 'performance') continue;
    failing.push({ref, audit});
  }
  // Performance: the weighted metrics first, then the insights and diagnostics.
  failing.sort((a, b) => b.ref.weight - a.ref.weight);
  return failing;
}

function transferSize(lhr) {
  const records = lhr.audits['network-requests']?.details?.items || [];
  const byType = {};
  for (const record of records) {
    if (record.url.startsWith('data:')) continue;
    const type = record.resourceType || 'Other';
    byType[type] = (byType[type] || 0) + (record.transferSize || 0);
  }
  const total = lhr.audits['total-byte-weight'].numericValue;
  return {total, images: byType.Image || 0, withoutImages: total - (byType.Image || 0), byType};
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

// The audits waived for a page, from --waive page:audit.
function waivedFor(page) {
  const ids = new Set();
  for (const entry of args.waive) {
    const [name, id] = entry.split(':');
    if (name === page && id) ids.add(id);
  }
  return ids;
}

// A category's score as Lighthouse computes it (the weighted mean of its audits' scores),
// without the waived audits.
function categoryScore(lhr, categoryId, waived) {
  const category = lhr.categories[categoryId];
  const refs = category.auditRefs.filter((ref) => waived.has(ref.id));
  if (!refs.length) return Math.round((category.score ?? 0) * 100);
  let sum = 0;
  let weights = 0;
  for (const ref of category.auditRefs) {
    const audit = lhr.audits[ref.id];
    if (waived.has(ref.id) || !ref.weight) continue;
    if (['notApplicable', 'informative', 'manual'].includes(audit.scoreDisplayMode)) continue;
    sum += ref.weight * (audit.score ?? 0);
    weights += ref.weight;
  }
  return Math.round((weights ? sum / weights : 0) * 100);
}


// One fresh Chromium per run: a browser reused across runs now and then loses a trace
// (NO_NAVSTART). A run that Lighthouse itself asks to repeat is tried twice more.
async function lighthouseRun(url) {
  let lastError;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const chrome = await chromeLauncher.launch({
      chromePath: process.env.CHROME_PATH || '/usr/bin/chromium',
      chromeFlags: CHROME_FLAGS,
      logLevel: 'silent',
    });
    try {
      const runner = await lighthouse(url, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: CATEGORIES,
      });
      if (runner && !runner.lhr.runtimeError) return runner;
      lastError = runner ? runner.lhr.runtimeError.message : 'no result';
    } catch (error) {
      lastError = error.message;
    } finally {
      await chrome.kill();
    }
    console.log(`    (${url}: ${lastError}; attempt ${attempt} of 3)`);
  }
  throw new Error(`${url}: ${lastError}`);
}

async function auditOnce(job) {
  const runner = await lighthouseRun(job.url);
  const scores = Object.fromEntries(
    CATEGORIES.map((id) => [id, categoryScore(runner.lhr, id, job.waived)]),
  );
  return {lhr: runner.lhr, report: runner.report, scores};
}

// A page below the performance target on its first run is run again, and the median run
// by performance (the score that varies with the machine's load) counts; the other
// categories do not vary between runs.
async function auditPage(job, outDir) {
  const started = Date.now();
  const runs = [await auditOnce(job)];
  const wanted = Math.max(1, Number(args.runs) || 1);
  if (runs[0].scores.performance < TARGETS.performance) {
    while (runs.length < wanted) runs.push(await auditOnce(job));
  }
  const sorted = [...runs].sort((a, b) => a.scores.performance - b.scores.performance);
  const chosen = sorted[Math.floor((sorted.length - 1) / 2)];
  const file = path.join(outDir, `${job.page}-${job.language}.json`);
  await writeFile(file, chosen.report);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const perfRuns = runs.length > 1 ? ` [perf runs: ${runs.map((r) => r.scores.performance).join(', ')}]` : '';
  console.log(
    `  ${job.page}/${job.language}: ` +
      CATEGORIES.map((id) => `${SHORT[id]} ${chosen.scores[id]}`).join(', ') +
      `${perfRuns} (${seconds} s)`,
  );
  return {...job, ...chosen, runs: runs.length, file};
}

// What the page's HTML weighs as served and gzipped, for a server that does not compress.
async function documentSizes(url) {
  const response = await fetch(url, {headers: {'Accept-Encoding': 'identity'}});
  const body = Buffer.from(await response.arrayBuffer());
  return {raw: body.length, gzip: gzipSync(body, {level: 6}).length};
}

async function main() {
  const outDir = path.resolve(args.out);
  await mkdir(outDir, {recursive: true});
  const jobs = [];
  for (const page of PAGES) {
    for (const [language, pathname] of Object.entries(page.paths)) {
      jobs.push({page: page.name, language, url: BASE + pathname, waived: waivedFor(page.name)});
    }
  }

  const results = [];
  for (const job of jobs) {
    try {
      job.url = await resolve(job.url);
      results.push(await auditPage(job, outDir));
    } catch (error) {
      // A page that fails to load (a 500, a timeout) counts as missing every target.
      console.log(`  ${job.page}/${job.language}: FAILED — ${error.message}`);
      results.push({...job, error: error.message});
    }
  }

  let missed = 0;
  console.log(
    '\nLighthouse 12 scores (mobile, simulated throttling); targets: ' +
      CATEGORIES.map((id) => `${SHORT[id]} ${id === 'performance' ? '≥ ' : ''}${TARGETS[id]}`).join(', '),
  );
  const header = ['page', 'lang', ...CATEGORIES.map((id) => SHORT[id]), 'FCP', 'LCP', 'TBT', 'CLS', 'runs'];
  const rows = results.map((r) => {
    if (r.error) return [r.page, r.language, ...CATEGORIES.map(() => 'error'), '', '', '', '', '0'];
    const a = r.lhr.audits;
    const metric = (id) => (a[id].displayValue || '').replace(/\u00a0/g, ' ');
    return [
      r.page,
      r.language,
      ...CATEGORIES.map((id) => `${r.scores[id]}${r.scores[id] < TARGETS[id] ? ' ✗' : ''}`),
      metric('first-contentful-paint'),
      metric('largest-contentful-paint'),
      metric('total-blocking-time'),
      metric('cumulative-layout-shift'),
      String(r.runs),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  for (const entry of args.waive) console.log(`(waived: ${entry})`);

  console.log(`\nArticle page, first view without images (target ≤ ${args['article-kb']} KB):`);
  for (const r of results.filter((result) => result.page === 'article' && !result.error)) {
    const size = transferSize(r.lhr);
    const parts = Object.entries(size.byType)
      .filter(([type]) => type !== 'Image')
      .map(([type, bytes]) => `${type} ${kib(bytes)}`)
      .join(', ');
    const ok = size.withoutImages <= ARTICLE_LIMIT_BYTES;
    if (!ok) missed += 1;
    const html = await documentSizes(r.url);
    console.log(
      `  ${r.language}: ${kib(size.withoutImages)} ${ok ? 'ok' : '✗ over the target'} ` +
        `(${parts}; images ${kib(size.images)}, total ${kib(size.total)}); ` +
        `HTML ${kib(html.raw)} uncompressed, ${kib(html.gzip)} gzipped`,
    );
  }

  for (const r of results) {
    if (r.error) {
      missed += CATEGORIES.length;
      console.log(`\n${r.page}/${r.language} ${r.url}\n  not audited: ${r.error}`);
      continue;
    }
    const below = CATEGORIES.filter((id) => r.scores[id] < TARGETS[id]);
    if (!below.length) continue;
    missed += below.length;
    console.log(`\n${r.page}/${r.language} ${r.url}`);
    for (const id of below) {
      console.log(`  ${id} ${r.scores[id]} (target ${TARGETS[id]}):`);
      for (const {ref, audit} of failingAudits(r.lhr, id, r.waived)) {
        const score = Math.round(audit.score * 100);
        const value = audit.displayValue ? ` — ${audit.displayValue.replace(/\u00a0/g, ' ')}` : '';
        const weight = id === 'performance' && ref.weight ? `, weight ${ref.weight}` : '';
        console.log(`    - ${audit.id}: ${audit.title} (score ${score}${weight})${value}`);
        for (const item of auditItems(audit).slice(0, 6)) {
          const text = describeItem(item);
          if (text) console.log(`        ${text}`);
        }
      }
    }
  }
  console.log(`\nReports: ${outDir}/<page>-<lang>.json`);
  if (missed) {
    console.log(`Lighthouse: ${missed} target(s) missed.`);
    process.exitCode = 1;
  } else {
    console.log('Lighthouse: every target met.');
  }
}

main().catch((error) => {
  console.error(`Lighthouse run failed: ${error.stack || error}`);
  process.exitCode = 2;
});
