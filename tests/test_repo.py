"The repository is consistent: the library is what the notebooks export, notebooks are clean, README is current."
import shutil, subprocess, sys
from pathlib import Path
import pytest

from conftest import ROOT


def _tree(d: Path) -> dict:
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob('*'))
            if p.is_file() and '__pycache__' not in p.parts}


def _copy_project(tmp: Path) -> Path:
    for f in ['settings.ini', 'setup.py', 'README.md', '_quarto.yml']: shutil.copy(ROOT / f, tmp / f)
    shutil.copytree(ROOT / 'nbs', tmp / 'nbs', symlinks=True, ignore=shutil.ignore_patterns('.ipynb_checkpoints'))
    shutil.copytree(ROOT / 'simvae_nb', tmp / 'simvae_nb', ignore=shutil.ignore_patterns('__pycache__'))
    return tmp


def _run(cmd, cwd):
    exe = Path(sys.executable).parent / cmd[0]
    r = subprocess.run([str(exe), *cmd[1:]], cwd=cwd, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_nbdev_export_leaves_library_unchanged(tmp_path):
    "simvae_nb/ is exactly what `nbdev_export` writes from nbs/: nobody edited the library by hand."
    proj = _copy_project(tmp_path)
    before = _tree(proj / 'simvae_nb')
    _run(['nbdev_export'], proj)
    after = _tree(proj / 'simvae_nb')
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f'nbdev_export changes {changed}: run nbdev_export and commit the result'


def test_notebooks_are_clean(tmp_path):
    "`nbdev_clean` changes nothing (and keeps papermill's `parameters` tags, see settings.ini)."
    proj = _copy_project(tmp_path)
    before = _tree(proj / 'nbs')
    _run(['nbdev_clean'], proj)
    after = _tree(proj / 'nbs')
    changed = sorted(k for k in before if before[k] != after.get(k))
    assert not changed, f'nbdev_clean changes {changed}: run nbdev_clean and commit the result'


def test_nbdev_clean_keeps_parameters_tag(tmp_path):
    "Without `allowed_cell_metadata_keys = tags`, nbdev_clean would drop papermill's tag and papermill would run defaults."
    import nbformat
    proj = _copy_project(tmp_path)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('dataset = "mnist"', metadata={'tags': ['parameters']})])
    nbformat.write(nb, proj / 'nbs' / '_tagged.ipynb')
    _run(['nbdev_clean', '--fname', 'nbs/_tagged.ipynb'], proj)
    assert nbformat.read(proj / 'nbs' / '_tagged.ipynb', 4).cells[0].metadata.get('tags') == ['parameters']
