import importlib.util, os, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault('MPLBACKEND', 'Agg')

# tools/test.sh runs the tests two at a time (pytest-xdist). These files read or write the working tree's shared
# build state (the docs build rewrites _proc/, simvae_nb/_modidx.py and nbs/sidebar.yml; test_repo copies nbs/ and
# simvae_nb/): they run one after another on one worker, which also builds the `site` below once.
SHARED_TREE = ('test_docs_site.py', 'test_browser.py', 'test_repo.py')
# the longest first, so that no worker is left alone with one at the end
FIRST = ('test_sweep.py', 'test_learner.py', *SHARED_TREE)


def _file(nodeid: str) -> str: return nodeid.split('::')[0].rsplit('/', 1)[-1]   # wherever pytest is started from


def pytest_collection_modifyitems(config, items):
    rank = {f: i for i, f in enumerate(FIRST)}
    items.sort(key=lambda it: rank.get(_file(it.nodeid), len(FIRST)))   # stable: the rest keep their order


if importlib.util.find_spec('xdist'):
    def pytest_xdist_make_scheduler(config, log):
        "Each test is its own unit of work, except the SHARED_TREE files, which are one unit together."
        from xdist.scheduler import LoadScopeScheduling

        class _Scheduling(LoadScopeScheduling):
            def _split_scope(self, nodeid):
                return 'shared-tree' if _file(nodeid) in SHARED_TREE else nodeid
        return _Scheduling(config, log)


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
