#!/usr/bin/env node
/*
 * search_page.test.js URL SCREENSHOT [TIMING_URL] - the search page of
 * `kzsearch serve` in Debian's chromium (puppeteer-core, nothing
 * downloaded). tests/integration/browser.sh starts the servers: URL serves
 * a corpus with dated articles over several months; TIMING_URL, when given,
 * serves Reuters-21578 for the time-to-results figure.
 *
 * It types a query and sees hits and highlights, clicks a histogram bar and
 * sees the date filter applied, pages forward and back (the URL carries the
 * state), sorts by date, opens a stored article and comes back, moves with
 * the keyboard, and saves a screenshot of the results. Prints "N passed, N failed".
 */
"use strict";
const puppeteer = require("puppeteer-core");
const [url, screenshot, timingUrl] = process.argv.slice(2);
let passed = 0, failed = 0;
function check(name, cond, detail) {
  if (cond) { passed++; console.log("ok   - " + name); }
  else { failed++; console.log("FAIL - " + name + (detail !== undefined ? ": " + JSON.stringify(detail) : "")); }
}
const settle = (page) => page.waitForFunction(() => document.querySelector("#status").textContent.length > 0, { timeout: 10000 });
async function statusAfter(page, action) {
  await page.evaluate(() => { document.querySelector("#status").textContent = ""; });
  await action();
  await settle(page);
  return page.$eval("#status", (e) => e.textContent);
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium", headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 900 });
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(url, { waitUntil: "load" });
    check("the page has a noscript note", (await page.content()).includes("<noscript>"));
    check("the search box has a label", await page.$eval("#q", (e) => !!e.closest("label") || e.hasAttribute("aria-label")));

    // Results as you type, with highlights.
    let status = await statusAfter(page, () => page.type("#q", "almaty report", { delay: 20 }));
    check("typing shows the total and the time", /\d+ matches \(\d+(\.\d)? ms\)/.test(status), status);
    const hits = await page.$$eval("#hits .hit", (l) => l.length);
    check("ten hits on the first page", hits === 10, hits);
    const marks = await page.$$eval("#hits mark", (l) => l.map((m) => m.textContent.toLowerCase()));
    check("matches are highlighted", marks.length > 0 && marks.every((m) => /almaty|report/.test(m)), marks.slice(0, 5));
    check("the query is in the URL", new URL(page.url()).searchParams.get("q") === "almaty report", page.url());
    const total = parseInt(status, 10);

    // Paging forward and back.
    status = await statusAfter(page, () => page.click("nav.pages button[rel=next]"));
    check("next page: page=2 in the URL", new URL(page.url()).searchParams.get("page") === "2", page.url());
    const firstOnPage2 = await page.$eval("#hits .hit h2", (e) => e.textContent);
    status = await statusAfter(page, () => page.goBack());
    check("back: page 1 again", !new URL(page.url()).searchParams.get("page"), page.url());
    const firstOnPage1 = await page.$eval("#hits .hit h2", (e) => e.textContent);
    check("page 1 and page 2 show different hits", firstOnPage1 !== firstOnPage2, [firstOnPage1, firstOnPage2]);

    // The histogram: a bar per period; a click filters to it.
    const bars = await page.$$eval("#histogram button", (l) => l.map((b) => b.dataset.bucket));
    check("a histogram of matches over time", bars.length >= 2, bars);
    status = await statusAfter(page, () => page.click("#histogram button"));
    const u = new URL(page.url()).searchParams;
    check("clicking a bar puts its range in the URL", u.get("since") && u.get("until"), page.url());
    const dates = await page.$$eval("#hits .meta", (l) => l.map((m) => m.textContent.slice(0, 10)));
    check("the filtered hits are inside the range", dates.length > 0 && dates.every((d) => d >= u.get("since").slice(0, 10) && d <= u.get("until")), [u.get("since"), u.get("until"), dates]);
    check("the filtered total is smaller", parseInt(status, 10) < total, [status, total]);
    await statusAfter(page, () => page.click("#clear-dates"));

    // Sorting by date.
    await statusAfter(page, () => page.select("#sort", "date"));
    const sorted = await page.$$eval("#hits .meta", (l) => l.map((m) => m.textContent.slice(0, 10)));
    check("newest first", sorted.length > 1 && sorted.every((d, i) => i === 0 || sorted[i - 1] >= d), sorted);
    check("sort=date in the URL", new URL(page.url()).searchParams.get("sort") === "date", page.url());

    // The keyboard: "/" focuses the box, arrows move through the results.
    await page.click("h1");
    await page.keyboard.press("/");
    check("'/' focuses the search box", await page.evaluate(() => document.activeElement.id === "q"));
    await page.keyboard.press("ArrowDown");
    check("ArrowDown moves to the first result", await page.evaluate(() => !!document.activeElement.closest("#hits")));

    await page.screenshot({ path: screenshot, fullPage: true });
    check("screenshot saved", require("fs").statSync(screenshot).size > 10000, screenshot);

    // Opening a stored article, then back.
    const id = await page.$eval("#hits a[data-doc]", (a) => a.dataset.doc);
    await page.click("#hits a[data-doc]");
    await page.waitForFunction(() => !document.querySelector("#article").hidden && document.querySelector("#article .body"), { timeout: 10000 });
    const body = await page.$eval("#article .body", (e) => e.textContent);
    check("the stored article opens with its body", body.length > 20 && new URL(page.url()).searchParams.get("doc") === id, [id, body.slice(0, 40)]);
    await page.goBack();
    await page.waitForFunction(() => document.querySelector("#article").hidden, { timeout: 10000 });
    check("back closes the article", true);

    // A malformed query says what is wrong.
    await page.$eval("#q", (e) => { e.value = ""; });
    status = await statusAfter(page, () => page.type("#q", "(almaty"));
    check("a malformed query shows the error", /parenthes|\(/i.test(status), status);
    check("no JavaScript errors", errors.length === 0, errors);

    if (timingUrl) {
      const p2 = await browser.newPage();
      await p2.goto(timingUrl, { waitUntil: "load" });
      const times = [];
      for (const q of ["oil prices", "crude oil opec", "bank of japan", "wheat exports", "coffee quota", "gold"]) {
        await p2.$eval("#q", (e) => { e.value = ""; });
        await statusAfter(p2, () => p2.type("#q", q));
        times.push(parseFloat(await p2.evaluate(() => document.body.dataset.lastResultsMs)));
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)];
      console.log("time_to_results_ms " + JSON.stringify(times) + " median " + median + " (after the " + 150 + " ms debounce)");
      check("Reuters: results shown within 100 ms of the request (median)", median < 100, times);
    }
  } finally {
    await browser.close();
  }
  console.log(passed + " passed, " + failed + " failed");
  process.exit(failed ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(1); });
