"""The documentation site as a reader sees it, in a real browser with no network: headless Chromium opens
every page from a server on 127.0.0.1 at a 1280-px-wide window and checks that every image decodes, every
equation is typeset by the site's own copy of KaTeX (no TeX left raw in the text), nothing is wider than the
window, the page asks for nothing beyond the local server, and the console shows no error. Screenshots of
the index page and the reproduction report are saved in `_docs/_screenshots/`.

Chromium is driven over the DevTools protocol through a pipe (`--remote-debugging-pipe`), with the standard
library only. Without Chromium the test fails: install it with `apt-get install chromium` (tools/setup.sh does).
"""
import base64, functools, http.server, json, os, select, shutil, subprocess, sys, threading, time
from pathlib import Path

import pytest

from conftest import ROOT

WIDTH, HEIGHT = 1280, 900
SHOTS = {'index.html': 'index.png', 'figures.html': 'figures.png'}  # the pages a reader sees first
SHOT_DIR = ROOT / '_docs' / '_screenshots'
BROWSERS = ('chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable')


def find_chromium() -> str | None:
    "`$CHROMIUM`, else the first Chromium-based browser on PATH."
    exe = os.environ.get('CHROMIUM')
    return shutil.which(exe) if exe else next(filter(None, map(shutil.which, BROWSERS)), None)


# Starts Chromium with the two pipe ends on fds 3 and 4, where --remote-debugging-pipe expects them.
FDS_3_4 = ("import fcntl, os, sys; r, w = (fcntl.fcntl(int(f), fcntl.F_DUPFD, 10) for f in sys.argv[1:3]); "
           "os.dup2(r, 3); os.dup2(w, 4); os.execv(sys.argv[3], sys.argv[3:])")


class Chromium:
    "Headless Chromium and one tab, spoken to with the DevTools protocol over a pipe (JSON messages ended by NUL)."

    def __init__(self, exe: str, profile: Path, log: Path, timeout: float = 30):
        r_in, w_in = os.pipe()    # we write, Chromium reads on fd 3
        r_out, w_out = os.pipe()  # Chromium writes on fd 4, we read
        args = ['--headless', '--no-sandbox', '--remote-debugging-pipe', '--disable-gpu', '--disable-dev-shm-usage',
                '--no-first-run', '--no-default-browser-check', '--disable-extensions', '--disable-sync',
                '--disable-background-networking', '--disable-component-update', '--hide-scrollbars', '--mute-audio',
                f'--user-data-dir={profile}', f'--window-size={WIDTH},{HEIGHT}', 'about:blank']
        self.log = log
        self.proc = subprocess.Popen([sys.executable, '-c', FDS_3_4, str(r_in), str(w_out), exe, *args], pass_fds=(r_in, w_out),
                                     stdin=subprocess.DEVNULL, stdout=log.open('wb'), stderr=subprocess.STDOUT)
        os.close(r_in); os.close(w_out)
        self._w, self._r, self._buf, self._id, self.timeout = w_in, r_out, b'', 0, timeout
        self.events: list[dict] = []
        target = self.call('Target.createTarget', url='about:blank')['targetId']
        self.session = self.call('Target.attachToTarget', targetId=target, flatten=True)['sessionId']

    def _read(self, deadline: float) -> dict:
        while b'\0' not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._r], [], [], left)[0]:
                raise TimeoutError(f'Chromium did not answer in time; its log ({self.log}):\n{self._log_tail()}')
            chunk = os.read(self._r, 1 << 20)
            if not chunk: raise RuntimeError(f'Chromium closed the pipe; its log ({self.log}):\n{self._log_tail()}')
            self._buf += chunk
        msg, self._buf = self._buf.split(b'\0', 1)
        return json.loads(msg)

    def _log_tail(self) -> str:
        return self.log.read_text(errors='replace')[-3000:] if self.log.exists() else ''

    def call(self, method: str, session: bool = False, **params) -> dict:
        "Send a command (to the tab when `session`) and return its result; events that arrive meanwhile are kept."
        self._id += 1
        msg = {'id': self._id, 'method': method, 'params': params}
        if session: msg['sessionId'] = self.session
        os.write(self._w, json.dumps(msg).encode() + b'\0')
        deadline = time.monotonic() + self.timeout
        while True:
            m = self._read(deadline)
            if m.get('id') == self._id:
                if 'error' in m: raise RuntimeError(f'{method}: {m["error"]}')
                return m.get('result', {})
            self.events.append(m)

    def tab(self, method: str, **params) -> dict: return self.call(method, session=True, **params)

    def wait_event(self, method: str) -> dict:
        "Wait for the tab's next `method` event (kept events first)."
        for i, e in enumerate(self.events):
            if e.get('method') == method: return self.events.pop(i)
        deadline = time.monotonic() + self.timeout
        while True:
            m = self._read(deadline)
            if m.get('method') == method: return m
            self.events.append(m)

    def evaluate(self, js: str):
        "The value of a JavaScript expression (awaited when it is a promise); a thrown error fails the test."
        r = self.tab('Runtime.evaluate', expression=js, awaitPromise=True, returnByValue=True)
        if 'exceptionDetails' in r: raise AssertionError(f'page script failed: {r["exceptionDetails"]}')
        return r['result'].get('value')

    def close(self):
        try: self.call('Browser.close')
        except Exception: pass
        try: self.proc.wait(10)
        except subprocess.TimeoutExpired: self.proc.kill(); self.proc.wait()
        os.close(self._w); os.close(self._r)


# Runs in the page once it has loaded: waits for the images and the fonts, then reports what a reader would miss.
CHECK_JS = r"""(async () => {
  const W = window.innerWidth;
  const sel = el => {  // a short CSS path that finds the element in the page source
    const parts = [];
    for (let e = el; e && e.nodeType === 1 && parts.length < 4; e = e.parentElement) {
      let s = e.tagName.toLowerCase();
      if (e.id) { parts.unshift(s + '#' + e.id); break; }
      if (e.classList.length) s += '.' + [...e.classList].slice(0, 2).join('.');
      parts.unshift(s);
    }
    return parts.join(' > ');
  };
  const imgs = [...document.images];
  imgs.forEach(i => { i.loading = 'eager'; });
  await Promise.all(imgs.map(i => i.decode().catch(() => null)));
  await document.fonts.ready;
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)));
  const broken = imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => sel(i) + ' src=' + i.getAttribute('src').slice(0, 80));
  // TeX left in the text a reader sees: outside code, scripts and KaTeX's own output
  const tex = /\\[()\[\]]|\$\$|\$[^$\s][^$]*\$|\$\\|\\[A-Za-z]{2,}/;
  const raw = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n; (n = walk.nextNode()); ) {
    const p = n.parentElement;
    if (!p || p.closest('code, pre, kbd, samp, script, style, textarea, .katex, .sourceCode')) continue;
    const m = n.data.match(tex);
    if (m) raw.push(sel(p) + ': …' + n.data.slice(Math.max(0, m.index - 30), m.index + 50).replace(/\s+/g, ' ') + '…');
  }
  const maths = [...document.querySelectorAll('.math')];
  const untypeset = maths.filter(m => !m.querySelector('.katex')).map(m => sel(m) + ': ' + m.textContent.slice(0, 60));
  const errors = [...document.querySelectorAll('.katex-error')].map(e => (e.title || e.textContent).slice(0, 120));
  const katexFonts = [...document.fonts].filter(f => f.family.replace(/"/g, '').startsWith('KaTeX') && f.status === 'loaded').length;
  // elements that stick out of the window: a box that scrolls (overflow-x auto or scroll: a wide table in its
  // output cell) holds its content to its own right edge, and so does KaTeX's clipping of its stretchy SVGs;
  // a box that merely clips (the page grid has overflow-x: clip) cuts the content off, which a reader can't read
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= W + 1) continue;
    let right = r.right;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if (ox === 'auto' || ox === 'scroll' || (ox !== 'visible' && a.closest('.katex')))
        right = Math.min(right, a.getBoundingClientRect().right);
    }
    if (right <= W + 1) continue;
    if (el.parentElement && wide.length && wide[wide.length - 1].el === el.parentElement) wide.pop();  // keep the innermost
    wide.push({el, s: sel(el) + ` (right edge at ${Math.round(r.right)} px)`});
  }
  return {broken, raw, maths: maths.length, untypeset, errors, katexFonts,
          scrollWidth: document.documentElement.scrollWidth, width: W, wide: wide.map(w => w.s)};
})()"""


def _serve(site: Path):
    handler = functools.partial(type('Quiet', (http.server.SimpleHTTPRequestHandler,), {'log_message': lambda *a: None}),
                                directory=str(site))
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def _problems(origin: str, events: list[dict], r: dict) -> list[str]:
    "Everything wrong with one page, from its check result and the DevTools events seen while it loaded."
    out = [f'image does not decode: {x}' for x in r['broken']]
    out += [f'TeX left raw: {x}' for x in r['raw'][:5]]
    out += [f'equation not typeset: {x}' for x in r['untypeset'][:5]]
    out += [f'KaTeX error: {x}' for x in r['errors'][:5]]
    if r['maths'] and not r['katexFonts']: out.append(f"{r['maths']} equations but no KaTeX font loaded")
    if r['scrollWidth'] > r['width']: out.append(f"the page scrolls sideways: {r['scrollWidth']} px wide in a {r['width']}-px window")
    out += [f'wider than the window: {x}' for x in r['wide'][:5]]
    for e in events:
        m, p = e.get('method'), e.get('params', {})
        if m == 'Network.requestWillBeSent':
            url = p['request']['url']
            if not url.startswith((origin, 'data:', 'blob:', 'about:')): out.append(f'asks the network for {url}')
        elif m == 'Runtime.consoleAPICalled' and p.get('type') in ('error', 'assert'):
            out.append('console error: ' + ' '.join(str(a.get('value', a.get('description', ''))) for a in p.get('args', []))[:200])
        elif m == 'Runtime.exceptionThrown':
            d = p['exceptionDetails']
            out.append('uncaught exception: ' + (d.get('exception', {}).get('description') or d.get('text', ''))[:200])
        elif m == 'Log.entryAdded' and p['entry'].get('level') == 'error':
            out.append(f"console error: {p['entry'].get('text', '')[:160]} {p['entry'].get('url', '')}")
    return out


@pytest.fixture(scope='session')  # session, as `site`, so that a missing Chromium fails before the build
def browser(tmp_path_factory):
    exe = find_chromium()
    if not exe:
        where = f"CHROMIUM={os.environ['CHROMIUM']} is not an executable" if os.environ.get('CHROMIUM') else \
            'none of ' + ', '.join(BROWSERS) + ' is on PATH'
        pytest.fail(f'Chromium was not found ({where}): the docs cannot be checked in a browser. Install it with '
                    '`apt-get install chromium` (tools/setup.sh does), or set CHROMIUM to a Chromium or Chrome executable.',
                    pytrace=False)
    tmp = tmp_path_factory.mktemp('chromium')
    b = Chromium(exe, tmp / 'profile', tmp / 'chromium.log')
    for domain in ('Page', 'Runtime', 'Log', 'Network'): b.tab(f'{domain}.enable')
    b.tab('Emulation.setDeviceMetricsOverride', width=WIDTH, height=HEIGHT, deviceScaleFactor=1, mobile=False)
    yield b
    b.close()


def test_pages_in_a_browser(browser, site):
    "Every page: images decode, maths typeset offline, nothing wider than 1280 px, no network, no console error."
    out, _ = site
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob('*.html'))
    assert len(pages) > 1, f'no pages in {out}'
    srv = _serve(out)
    origin = f'http://127.0.0.1:{srv.server_address[1]}/'
    SHOT_DIR.mkdir(parents=True, exist_ok=True)
    report, t0 = {}, time.monotonic()
    try:
        for page in pages:
            browser.events.clear()
            browser.tab('Page.navigate', url=origin + page)
            browser.wait_event('Page.loadEventFired')
            r = browser.evaluate(CHECK_JS)
            browser.tab('Runtime.evaluate', expression='0')  # flush the events the checks caused
            problems = _problems(origin, browser.events, r)
            if problems: report[page] = problems
            if page in SHOTS:
                browser.evaluate('window.scrollTo(0, 0)')
                png = browser.tab('Page.captureScreenshot', format='png')['data']
                (SHOT_DIR / SHOTS[page]).write_bytes(base64.b64decode(png))
    finally:
        srv.shutdown(); srv.server_close()
    print(f'{len(pages)} pages checked in Chromium in {time.monotonic() - t0:.1f} s; screenshots in {SHOT_DIR}')
    if report:
        pytest.fail(f'{len(report)} of {len(pages)} pages fail in the browser:\n' + '\n'.join(
            f'{page}:\n  ' + '\n  '.join(ps) for page, ps in report.items()), pytrace=False)
    for shot in SHOTS.values(): assert (SHOT_DIR / shot).stat().st_size > 10_000, f'screenshot {shot} is blank'
