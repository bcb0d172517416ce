#!/usr/bin/python3
"""dmarcsift serve in a real browser (issue 14): headless Chromium driven by
Selenium through chromedriver, against a serve started by test_browser.sh
over a database filled by a real ingest.

It clicks from the domain list to a domain, to a source, to a report and
its XML, and downloads the report's input; checks the domain page's senders
against `dmarcsift sources --json` and its figures against `report
--format json`; reads the browser's console after every page; shoots every
page at desktop (1280x900) and phone (390x844) widths into --out; opens the
pages of hostile reports and finds no element or alert a payload would
make; and sees a 401 where serve asks for a login.

It also submits the what-if form of the domain page and checks its table
against `advise --what-if ... --json`, and the search box of the header
(an address, a hostile text); the domain list's sparklines are SVG the
Content-Security-Policy lets through (no console error).

usage: test_browser.py --url URL --login-url URL --user U --password P
       --sources FILE --report FILE --whatif FILE --samples DIR --out DIR
Exit status 0 when every check passed, 1 otherwise.
"""

import argparse
import base64
import json
import os
import shutil
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

DESKTOP = (1280, 900)
PHONE = (390, 844)

failures = []


def fail(msg):
    print("FAIL " + msg, file=sys.stderr)
    failures.append(msg)


def check(cond, msg):
    if not cond:
        fail(msg)
    return cond


def browser(downloads):
    opts = webdriver.ChromeOptions()
    opts.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
              "--no-first-run", "--disable-extensions", "--disable-sync",
              "--disable-background-networking",
              "--disable-component-update",
              "--force-device-scale-factor=1", "--hide-scrollbars",
              # Nothing but the server on loopback: names do not resolve.
              "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
              "--window-size=%d,%d" % DESKTOP):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs",
                        {"browser": "ALL", "performance": "ALL"})
    opts.add_experimental_option("prefs", {
        "download.default_directory": downloads,
        "download.prompt_for_download": False,
    })
    service = Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    d = webdriver.Chrome(service=service, options=opts)
    d.set_page_load_timeout(30)
    d.execute_cdp_cmd("Page.setDownloadBehavior",
                      {"behavior": "allow", "downloadPath": downloads})
    return d


def console_clean(d, page):
    """No message of level SEVERE (a script error, a resource that failed,
    a CSP violation) since the last call."""
    bad = [e for e in d.get_log("browser") if e.get("level") == "SEVERE"]
    for e in bad:
        fail("%s: console: %s" % (page, e.get("message")))
    return not bad


def statuses(d):
    """The HTTP status of each document loaded since the last call, from
    the performance log (Network.responseReceived)."""
    out = []
    for e in d.get_log("performance"):
        m = json.loads(e["message"])["message"]
        if m.get("method") != "Network.responseReceived":
            continue
        p = m["params"]
        if p.get("type") == "Document":
            out.append((p["response"]["url"], p["response"]["status"]))
    return out


def no_injection(d, page):
    """No element or script a payload could have made: the page has no
    <script> at all, no element with an on* attribute, no javascript:
    link, and no alert is open."""
    check(not d.find_elements(By.TAG_NAME, "script"), page + ": a <script>")
    check(not d.find_elements(By.CSS_SELECTOR, "svg[onload]"),
          page + ": an <svg onload>")
    check(not d.find_elements(By.CSS_SELECTOR, "[onload],[onerror],"
                              "[onclick],[onmouseover]"),
          page + ": an element with an event handler")
    check(not d.find_elements(By.CSS_SELECTOR, 'a[href^="javascript:" i]'),
          page + ": a javascript: link")
    try:
        d.switch_to.alert
        fail(page + ": an alert is open")
    except NoAlertPresentException:
        pass


def shoot(d, out, name, whole=False):
    """The page at desktop and phone widths, as artefacts; on the phone
    nothing but a table's own scroller may be wider than the screen.  With
    whole, also the desktop page in full (at most 2400 pixels high): the
    README's picture."""
    d.save_screenshot(os.path.join(out, name + "-desktop.png"))
    if whole:
        # The page to the right edge of <main>, down to its last heading
        # (for the README: scripts/png-palette makes it small).
        box = d.execute_script(
            "var m = document.querySelector('main').getBoundingClientRect();"
            "var h = document.querySelectorAll('h2');"
            "return [m.right, h[h.length - 1].getBoundingClientRect().top];")
        shot = d.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": box[0],
                     "height": min(box[1], 2400), "scale": 1}})
        with open(os.path.join(out, name + "-desktop-full.png"), "wb") as f:
            f.write(base64.b64decode(shot["data"]))
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 1,
        "mobile": True})
    try:
        d.refresh()
        wide = d.execute_script(
            "return document.documentElement.scrollWidth")
        check(wide <= PHONE[0],
              "%s: %d pixels wide on a %d-pixel phone" %
              (name, wide, PHONE[0]))
        d.save_screenshot(os.path.join(out, name + "-phone.png"))
    finally:
        d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        d.refresh()


def count(n):
    return "{:,}".format(n)


def domain_page(d, sources, report):
    """The senders as `sources --json` gives them, row by row, and the
    figures as `report --format json` does."""
    rows = d.find_elements(
        By.XPATH, "//h2[.='Senders that fail DMARC']/following::table[1]"
        "//tr[td]")
    senders = sources["senders"]
    check(len(rows) == len(senders),
          "domain: %d sender rows, the CLI has %d" %
          (len(rows), len(senders)))
    for row, s in zip(rows, senders):
        cells = row.find_elements(By.TAG_NAME, "td")
        check(cells[0].text == s["who"],
              "domain: sender '%s', the CLI says '%s'" %
              (cells[0].text, s["who"]))
        check(cells[1].text == s["class"],
              "domain: %s: class '%s', the CLI says '%s'" %
              (s["who"], cells[1].text, s["class"]))
        want = "%s of %s" % (count(s["failed"]), count(s["messages"]))
        check(cells[2].text.split("\n")[0] == want,
              "domain: %s: '%s', the CLI says '%s'" %
              (s["who"], cells[2].text.split("\n")[0], want))
        ips = [a.text for a in cells[4].find_elements(By.TAG_NAME, "a")]
        check(ips == s["ips"][:len(ips)] and ips,
              "domain: %s: addresses %s, the CLI says %s" %
              (s["who"], ips, s["ips"]))
    dd = report["domains"][0]
    figures = {f.text.split("\n")[0]: f.find_element(By.TAG_NAME, "b").text
               for f in d.find_elements(By.CSS_SELECTOR, ".figures > div")}
    check(figures.get("messages") == count(dd["messages"]),
          "domain: %s messages, the CLI says %s" %
          (figures.get("messages"), dd["messages"]))


def arrived(d, part):
    """Waits until the page whose URL holds part has loaded: a click on a
    form's button may return before the browser has left the page."""
    try:
        WebDriverWait(d, 10).until(
            lambda x: part in x.current_url and x.execute_script(
                "return document.readyState") == "complete")
    except Exception:
        fail("no page at %s after 10 s (at %s)" % (part, d.current_url))


def whatif(d, out, cli):
    """The what-if form of the domain page, submitted with the policy of
    cli (advise --what-if 'p=reject; sp=none; pct=50' --json): the page it
    leads to shows advise's numbers, per class and in all."""
    Select(d.find_element(By.NAME, "p")).select_by_visible_text("reject")
    Select(d.find_element(By.NAME, "sp")).select_by_visible_text("none")
    pct = d.find_element(By.NAME, "pct")
    pct.clear()
    pct.send_keys("50")
    d.find_element(By.XPATH, "//form[select[@name='p'] or "
                   ".//select[@name='p']]//button").click()
    arrived(d, "/what-if?")
    check("/domain/example.com/what-if?" in d.current_url,
          "whatif: went to " + d.current_url)
    w = cli["whatif"]
    verdict = d.find_element(
        By.XPATH, "//h2[@id='what-if']/following::p[@class='verdict'][1]")
    want = "%s would have rejected %s of %s messages" % (
        w["policy"], count(w["total_affected"]), count(w["messages"]))
    check(verdict.text.startswith(want),
          "whatif: '%s', the CLI says '%s'" % (verdict.text, want))
    ev = cli["evidence"]
    total = {"legitimate": ev["legit_messages"],
             "unknown": ev["unknown_messages"],
             "forwarder": ev["forwarded"], "spoofing": ev["spoofing"],
             "ignored": ev["ignored"]}
    rows = d.find_elements(By.CSS_SELECTOR, "table.whatif tr")
    seen = {}
    for row in rows:
        cells = [c.text for c in row.find_elements(By.XPATH, "td|th")]
        if cells and cells[0] in total:
            seen[cells[0]] = cells
            want = [cells[0], count(total[cells[0]]),
                    count(w["affected"][cells[0]])]
            check(cells[:3] == want, "whatif: row %s, the CLI says %s" %
                  (cells[:3], want))
    check(sorted(seen) == sorted(total),
          "whatif: classes %s" % sorted(seen))
    ips = [a.text for a in d.find_elements(
        By.CSS_SELECTOR, "table.whatif-sources td.ip a")]
    want = [x["ip"] for x in w["sources"]][:len(ips)]
    check(ips and ips == want,
          "whatif: addresses %s, the CLI says %s" % (ips, want))
    console_clean(d, "whatif")
    no_injection(d, "whatif")
    shoot(d, out, "whatif")


def search(d, url, out, ip):
    """The header's search box: an address leads to its source page for
    the domain it sent as; a hostile text comes back as text."""
    box = d.find_element(By.CSS_SELECTOR, "header form.search input")
    box.send_keys(ip)
    d.find_element(By.CSS_SELECTOR, "header form.search button").click()
    arrived(d, "/search?q=")
    check(d.title.startswith("Search"), "search: title %r" % d.title)
    check(d.find_element(By.CSS_SELECTOR, "main input[name=q]")
          .get_attribute("value") == ip,
          "search: the text asked is not in the box")
    console_clean(d, "search")
    no_injection(d, "search")
    shoot(d, out, "search")
    d.find_element(By.XPATH, "//h2[starts-with(., 'Address')]/following::"
                   "table[1]//a[.='example.com']").click()
    check(d.find_element(By.TAG_NAME, "h1").text == ip,
          "search: the link led to " + d.current_url)
    d.find_element(By.LINK_TEXT, "Every domain it sent as").click()
    check(d.find_elements(By.XPATH, "//table//a[.='example.com']"),
          "search: the source's page of every domain lacks example.com")
    console_clean(d, "source-all")
    no_injection(d, "source-all")
    hostile = '"><script>alert(10)</script><svg onload=alert(11)>'
    box = d.find_element(By.CSS_SELECTOR, "header form.search input")
    box.send_keys(hostile)
    d.find_element(By.CSS_SELECTOR, "header form.search button").click()
    arrived(d, "alert")
    check(d.find_element(By.CSS_SELECTOR, "main input[name=q]")
          .get_attribute("value") == hostile,
          "search: a hostile text is not given back as text")
    no_injection(d, "search-hostile")
    console_clean(d, "search-hostile")
    d.get(url + "/search?q=test")
    check(d.find_elements(By.LINK_TEXT, "hostile.test"),
          "search: 'test' does not find hostile.test")
    no_injection(d, "search-test")
    console_clean(d, "search-test")


def main():
    ap = argparse.ArgumentParser()
    for a in ("url", "login-url", "user", "password", "sources", "report",
              "whatif", "samples", "out"):
        ap.add_argument("--" + a, required=True)
    args = ap.parse_args()
    with open(args.sources) as f:
        sources = json.load(f)
    with open(args.report) as f:
        report = json.load(f)
    with open(args.whatif) as f:
        cli_whatif = json.load(f)
    out = args.out
    downloads = os.path.join(out, "downloads")
    shutil.rmtree(downloads, ignore_errors=True)
    os.makedirs(downloads)

    t0 = time.monotonic()
    d = browser(downloads)
    try:
        # The domains, and a click to example.com.
        d.get(args.url + "/")
        check(d.title.startswith("Domains"), "home: title " + d.title)
        check(d.find_elements(By.CSS_SELECTOR, "td svg.spark path"),
              "home: no sparkline")
        console_clean(d, "home")
        no_injection(d, "home")
        shoot(d, out, "home")
        d.find_element(By.LINK_TEXT, "example.com").click()
        check(d.title.startswith("example.com"), "domain: title " + d.title)
        domain_page(d, sources, report)
        console_clean(d, "domain")
        no_injection(d, "domain")
        check(len(d.find_elements(By.TAG_NAME, "svg")) >= 2,
              "domain: fewer than 2 charts")
        shoot(d, out, "domain", whole=True)

        # The what-if of a policy, and back to the domain.
        whatif(d, out, cli_whatif)
        d.get(args.url + "/domain/example.com")

        # The first address of the first sender, and its numbers.
        first = sources["senders"][0]
        ip = first["ips"][0]
        d.find_element(By.LINK_TEXT, ip).click()
        check(d.find_element(By.TAG_NAME, "h1").text == ip,
              "source: heading is not " + ip)
        src = [s for s in sources["sources"] if s["ip"] == ip][0]
        figures = {f.text.split("\n")[0]:
                   f.find_element(By.TAG_NAME, "b").text
                   for f in d.find_elements(By.CSS_SELECTOR,
                                            ".figures > div")}
        check(figures.get("messages") == count(src["messages"]) and
              figures.get("failed") == count(src["failed"]),
              "source: figures %s, the CLI says %d messages, %d failed" %
              (figures, src["messages"], src["failed"]))
        console_clean(d, "source")
        no_injection(d, "source")
        shoot(d, out, "source")

        # The gzip sample's report, its XML as text, and its download.
        d.find_element(By.XPATH, "//tr[td[1]='google.com']//a").click()
        check(d.find_element(By.TAG_NAME, "h1").text.startswith("Report "),
              "report: heading")
        xml = d.find_element(By.CSS_SELECTOR, "pre.raw").text
        check("<org_name>google.com</org_name>" in xml,
              "report: the XML is not shown as text")
        console_clean(d, "report")
        no_injection(d, "report")
        shoot(d, out, "report")
        d.find_element(By.PARTIAL_LINK_TEXT, "Download the input").click()
        want = os.path.join(
            args.samples, "google.com!example.com!1763078400!1763164799.xml.gz")
        got = os.path.join(
            downloads, "google.com_example.com_1763078400_1763164799.xml.gz")
        for _ in range(100):
            if os.path.exists(got):
                break
            time.sleep(0.1)
        if check(os.path.exists(got),
                 "download: no %s in %s" % (os.path.basename(got),
                                            os.listdir(downloads))):
            with open(got, "rb") as a, open(want, "rb") as b:
                check(a.read() == b.read(),
                      "download: not the bytes as received")
        console_clean(d, "download")

        # The search box, from the page of the report.
        search(d, args.url, out, ip)

        # The refused inputs (none here), in the layout of every page.
        d.get(args.url + "/refused")
        console_clean(d, "refused")
        shoot(d, out, "refused")

        # Strangers' strings: every page of the hostile reports.
        hostile = [args.url + "/domain/hostile.test",
                   args.url + "/source/192.0.2.1?domain=hostile.test"]
        d.get(hostile[1])
        hostile += [a.get_attribute("href") for a in d.find_elements(
            By.XPATH, "//h2[.='Reports that name it']/following::table[1]"
            "//a")]
        check(len(hostile) == 4, "hostile: %d report links, want 2" %
              (len(hostile) - 2))
        for i, u in enumerate(hostile):
            d.get(u)
            name = "hostile-%d" % i
            no_injection(d, name)
            console_clean(d, name)
        body = d.find_element(By.TAG_NAME, "body").text
        check("<!-- <script>alert(7)</script><svg onload=alert(8)> -->"
              in body, "hostile report: its XML is not shown as text")
        d.get(hostile[0])
        body = d.find_element(By.TAG_NAME, "body").text
        check("<script>alert(1)</script>" in body,
              "hostile domain: the reporter's name is not shown as text")
        shoot(d, out, "hostile")

        # A login: none given is a 401; the user's credentials are a page.
        statuses(d)
        d.get(args.login_url + "/")
        got = [s for u, s in statuses(d)]
        check(got == [401], "login: statuses %s, want [401]" % got)
        check("example.com" not in d.page_source,
              "login: a page shown without credentials")
        # The 401 is the point here, not a console error.
        d.get_log("browser")
        cred = base64.b64encode(
            ("%s:%s" % (args.user, args.password)).encode()).decode()
        d.execute_cdp_cmd("Network.enable", {})
        d.execute_cdp_cmd("Network.setExtraHTTPHeaders",
                          {"headers": {"Authorization": "Basic " + cred}})
        d.get(args.login_url + "/domain/example.com")
        got = [s for u, s in statuses(d)]
        check(got == [200], "login: with credentials, statuses %s" % got)
        check(d.title.startswith("example.com"),
              "login: with credentials, title " + d.title)
        console_clean(d, "login")
    finally:
        d.quit()
    print("browser: %.1f s" % (time.monotonic() - t0))
    if failures:
        print("%d failure(s)" % len(failures), file=sys.stderr)
        return 1
    print("all browser checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
