import os, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault('MPLBACKEND', 'Agg')


@pytest.fixture(scope='session')
def root() -> Path:
    return ROOT


@pytest.fixture(scope='session')
def site(tmp_path_factory):
    "The documentation site, built once per session from the current tree (site folder, README it generated)."
    sys.path.insert(0, str(ROOT / 'tools'))
    import build_docs
    tmp = tmp_path_factory.mktemp('docs')
    out = build_docs.build(tmp / 'site', readme=tmp / 'README.md')
    return out, tmp / 'README.md'
