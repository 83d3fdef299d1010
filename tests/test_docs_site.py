"""The documentation site builds offline from the Quarto project, and it is complete:
every notebook has a page, every image a page shows exists, no internal link is broken, and the
README is what `nbs/index.ipynb` generates."""
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit, unquote

from conftest import ROOT


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__(); self.links, self.images, self.ids = [], [], set()
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if 'id' in a: self.ids.add(a['id'])
        if tag == 'a' and a.get('href'): self.links.append(a['href'])
        if tag in ('link', 'script') and (a.get('href') or a.get('src')): self.links.append(a.get('href') or a.get('src'))
        if tag == 'img' and a.get('src') is not None: self.images.append(a['src'])


def _parse(page: Path) -> _Refs:
    p = _Refs(); p.feed(page.read_text(encoding='utf-8')); return p


def _local(url: str) -> bool:
    u = urlsplit(url)
    return not (u.scheme or u.netloc or url.startswith('#') or url.startswith('data:'))


def _page_name(nb: Path) -> str:
    "nbdev's output-file: the notebook name without its number prefix (`05_data.ipynb` -> `data.html`)."
    return re.sub(r'^\d+[a-zA-Z]?_', '', nb.stem) + '.html'


def test_every_notebook_has_a_page(site):
    out, _ = site
    nbs = [p for p in (ROOT / 'nbs').glob('*.ipynb') if not p.name.startswith(('_', '.'))]
    assert nbs
    missing = [nb.name for nb in nbs if not (out / _page_name(nb)).exists()]
    assert not missing, f'no page for {missing}'
    for nb in nbs:
        html = (out / _page_name(nb)).read_text()
        assert '<h1' in html and 'quarto-sidebar' in html, f'{_page_name(nb)} lacks a title or the sidebar'


def test_images_exist(site):
    out, _ = site
    n = 0
    for page in out.rglob('*.html'):
        for src in _parse(page).images:
            n += 1
            assert src, f'{page.name}: <img> without src'
            if src.startswith('data:image/'):
                assert len(src) > 100, f'{page.name}: empty inline image'
            elif _local(src):
                f = (page.parent / unquote(urlsplit(src).path)).resolve()
                assert f.exists() and f.stat().st_size > 0, f'{page.name}: image {src} missing'


def test_internal_links_resolve(site):
    out, _ = site
    ids = {p.resolve(): _parse(p).ids for p in out.rglob('*.html')}
    broken = []
    for page in out.rglob('*.html'):
        refs = _parse(page)
        for href in refs.links:
            u = urlsplit(href)
            if href.startswith('#'):
                if u.fragment and u.fragment not in refs.ids: broken.append(f'{page.name}: {href}')
                continue
            if not _local(href): continue
            target = (page.parent / unquote(u.path)).resolve()
            if target.is_dir(): target = target / 'index.html'
            if not target.exists(): broken.append(f'{page.name}: {href}')
            elif u.fragment and target.suffix == '.html' and u.fragment not in ids.get(target, set()):
                broken.append(f'{page.name}: {href} (no anchor)')
    assert not broken, 'broken internal links:\n' + '\n'.join(broken)


class _Text(HTMLParser):
    "A page's visible prose: text outside code, scripts and styles."
    SKIP = {'code', 'pre', 'script', 'style'}
    def __init__(self):
        super().__init__(); self.depth, self.parts = 0, []
    def handle_starttag(self, tag, attrs): self.depth += tag in self.SKIP
    def handle_endtag(self, tag): self.depth -= tag in self.SKIP and self.depth > 0
    def handle_data(self, data):
        if not self.depth: self.parts.append(data)


def test_no_markdown_link_left_unrendered(site):
    "A markdown link whose text nbdev turned into a link of its own ([`name`](page.html)) renders as '[ name ](page.html)'."
    out, _ = site
    left = []
    for page in out.rglob('*.html'):
        t = _Text(); t.feed(page.read_text(encoding='utf-8'))
        left += [f'{page.name}: {m}' for m in re.findall(r'\]\([^)\s]+\)', ''.join(t.parts))]
    assert not left, 'markdown links shown as text (write `name` alone, or [words](page.html), not [`name`](page.html)):\n' + '\n'.join(left)


def test_readme_is_generated_from_index(site):
    _, readme = site
    assert readme.read_text() == (ROOT / 'README.md').read_text(), \
        'README.md is stale: run `python tools/build_docs.py` (or nbdev_readme) and commit README.md'
