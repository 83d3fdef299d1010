"""Data discovery through the environment (what the notebooks can't set up cleanly), and the real FashionMNIST
when it is installed (skipped, with the reason, when it is not)."""
from pathlib import Path
from urllib.error import URLError
import dataclasses
import numpy as np
import pytest
import torch

import simvae_nb.data as data
from simvae_nb.data import DATASETS, DataNotFoundError, load_dataset, write_mnist_files


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv('SIMVAE_CACHE', str(tmp_path / 'cache'))
    monkeypatch.delenv('SIMVAE_DATA', raising=False)
    return tmp_path


def test_discovery_order(env, monkeypatch):
    "an explicit data_root alone; without one, $SIMVAE_DATA, then known local copies; each found copy is the one loaded."
    a = write_mnist_files(env / 'a', seed=1)['test'][0]
    b = write_mnist_files(env / 'b', seed=2)['test'][0]
    c = write_mnist_files(env / 'c', flat=True, seed=3)['test'][0]
    monkeypatch.setitem(DATASETS, 'mnist', dataclasses.replace(DATASETS['mnist'], local_copies=(str(env / 'c'),)))
    monkeypatch.setenv('SIMVAE_DATA', str(env / 'b'))
    load = lambda **kw: load_dataset('mnist', 'test', download=False, binarize=False, **kw).images[:, 0].numpy()
    assert np.array_equal(load(data_root=env / 'a'), a)
    assert np.array_equal(load(), b)
    monkeypatch.delenv('SIMVAE_DATA')
    assert np.array_equal(load(), c)
    with pytest.raises(DataNotFoundError, match='does not exist'): load(data_root=env / 'nothing-here')
    (env / 'empty').mkdir()
    with pytest.raises(DataNotFoundError) as e: load(data_root=env / 'empty')    # used or refused, never replaced by a copy
    assert 'local copy' not in str(e.value) and str(env / 'c') not in str(e.value)


def test_download_failure_names_every_place(env, monkeypatch):
    def offline(root): raise URLError('[Errno -2] Name or service not known')
    monkeypatch.setitem(DATASETS, 'cifar10', dataclasses.replace(DATASETS['cifar10'], download=offline))
    monkeypatch.setenv('SIMVAE_DATA', str(env / 'shared'))
    with pytest.raises(DataNotFoundError) as e: load_dataset('cifar10')
    msg = str(e.value)
    for part in ('$SIMVAE_DATA', str(env / 'shared'), 'cache', f"torchvision download into {env / 'shared'}", 'URLError',
                 'cifar-10-python.tar.gz', 'cifar-10-batches-py'):
        assert part in msg, part
    (env / 'mine').mkdir()                              # an explicit folder: the only place looked at, and where downloads go
    with pytest.raises(DataNotFoundError) as e: load_dataset('cifar10', data_root=env / 'mine')
    msg = str(e.value)
    for part in (f"data_root {env / 'mine'}", f"torchvision download into {env / 'mine'}", 'URLError', 'cifar-10-batches-py'):
        assert part in msg, part
    assert '$SIMVAE_DATA' not in msg


REAL = Path('/usr/share/datasets/fashion-mnist')

@pytest.mark.skipif(not (REAL / 't10k-labels-idx1-ubyte.gz').exists(),
                    reason='real FashionMNIST is not installed (apt-get install dataset-fashion-mnist)')
def test_real_fashion_mnist(env):
    tr, te = load_dataset('fashion_mnist', 'train', download=False), load_dataset('fashion_mnist', 'test', download=False)
    assert (len(tr), len(te)) == (60000, 10000) and tr.images.shape[1:] == (1, 28, 28) and tr.images.dtype == torch.uint8
    assert torch.bincount(tr.labels).tolist() == [6000] * 10 and torch.bincount(te.labels).tolist() == [1000] * 10
    # the published statistics of the training images (Xiao et al.'s repository): mean 0.2860, std 0.3530
    x = tr.images.float() / 255
    assert abs(x.mean().item() - 0.2860) < 5e-4 and abs(x.std().item() - 0.3530) < 5e-4
    assert tr.source == str(REAL)
