"""The report can never be stale: `figures.ipynb` and `index.ipynb` (hence README.md) are pure functions of the
committed records in `results/`. Each is executed again from `results/` and every text, Markdown and HTML output
must equal the committed notebook's; a figure may differ by pixels, but not in number or size.
Refresh the committed pages with `bash tools/refresh_report.sh` after recording runs."""
import json, os, subprocess, sys
from pathlib import Path
import papermill as pm
import pytest

from conftest import ROOT

TEXT = ('text/plain', 'text/markdown', 'text/html', 'text/latex')


def _outputs(nb: dict) -> list:
    "Per code cell (papermill's injected parameters left out): its outputs as comparable tuples."
    out = []
    for c in nb['cells']:
        if c['cell_type'] != 'code' or 'injected-parameters' in c.get('metadata', {}).get('tags', []): continue
        cell = []
        for o in c.get('outputs', []):
            if o['output_type'] == 'stream':
                if o['name'] == 'stdout': cell.append(('stream', ''.join(o['text'])))   # stderr: warnings, which vary by machine
            elif o['output_type'] == 'error': cell.append(('error', o['ename'], o['evalue']))
            else:
                d = o.get('data', {})
                cell.append((o['output_type'], 'image' if any(k.startswith('image/') for k in d) else 'data',
                             tuple((k, ''.join(d[k])) for k in TEXT if k in d)))
        out.append(cell)
    return out


def _first_difference(a: list, b: list) -> str:
    if len(a) != len(b): return f'{len(a)} code cells committed, {len(b)} now'
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            for j, (p, q) in enumerate(zip(x, y)):
                if p != q: return f'code cell {i}, output {j}:\n  committed: {str(p)[:600]}\n  now:       {str(q)[:600]}'
            return f'code cell {i}: {len(x)} outputs committed, {len(y)} now'
    return ''


@pytest.mark.parametrize('name', ['figures.ipynb', 'index.ipynb'])
def test_page_is_what_the_records_give(name, tmp_path, monkeypatch):
    monkeypatch.delenv('MPLBACKEND', raising=False)          # the inline backend keeps figures as outputs, as in the docs
    committed = json.loads((ROOT / 'nbs' / name).read_text())
    params = dict(out_dir=str(tmp_path / 'figures')) if name == 'figures.ipynb' else {}
    pm.execute_notebook(str(ROOT / 'nbs' / name), str(tmp_path / name), parameters=params, cwd=str(ROOT / 'nbs'),
                        progress_bar=False, kernel_name='python3')
    now = json.loads((tmp_path / name).read_text())
    diff = _first_difference(_outputs(committed), _outputs(now))
    assert not diff, (f'nbs/{name} is stale against results/: {diff}\n'
                      'Refresh it with `bash tools/refresh_report.sh` and commit it (and README.md).')


def test_records_hold_no_checkpoint_and_stay_small():
    res = ROOT / 'results'
    files = [p for p in res.rglob('*') if p.is_file()]
    assert files, 'results/ holds no record'
    assert not [p for p in files if p.suffix in ('.pt', '.pth', '.ckpt')], 'a checkpoint was committed under results/'
    size = sum(p.stat().st_size for p in files)
    assert size < 20 * 2**20, f'results/ holds {size / 2**20:.1f} MB; it must stay under 20 MB'
    from simvae_nb.run import iter_runs
    runs = iter_runs(res)
    assert runs and all(r.recorded for r in runs), [r.name for r in runs if not r.recorded]
    bad = {r.name: r.eval_problem() for r in runs if r.eval_problem()}
    assert not bad, bad
