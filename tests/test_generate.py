"""FID weights are found where torch's hub cache keeps them (or at a given path), loaded through pytorch-fid's
own code and never downloaded; without them one clear error. Decoders cached in a run directory are retrained
when the checkpoint or the config changes; figures refuse runs on different datasets."""
import socket, warnings
from pathlib import Path

import numpy as np
import pytest
import torch

from simvae_nb import fid as F
from simvae_nb.generate import DecoderConfig, load_codec, reconstruction_figure, generation_figure
from simvae_nb.learner import TrainConfig, train, load_checkpoint, save_checkpoint
from simvae_nb.data import write_mnist_files


@pytest.fixture(autouse=True)
def one_thread():
    "Small models on a shared 2-core machine: one thread (torch and BLAS) is many times faster than two. Restored after."
    from threadpoolctl import threadpool_limits
    n = torch.get_num_threads()
    with threadpool_limits(1):
        torch.set_num_threads(1)
        yield
    torch.set_num_threads(n)


@pytest.fixture
def offline(monkeypatch):
    "Every network connection fails loudly, and the record of attempts is returned."
    attempts = []
    def refuse(self, address, *args):
        attempts.append(address)
        raise AssertionError(f'network connection attempted to {address}')
    monkeypatch.setattr(socket.socket, 'connect', refuse)
    monkeypatch.setattr(socket.socket, 'connect_ex', refuse)
    return attempts


@pytest.fixture
def torch_home(tmp_path, monkeypatch):
    "A fresh TORCH_HOME, and a HOME/XDG cache without the weights, so the real ones (if any) can't be found."
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch'))
    monkeypatch.setenv('HOME', str(tmp_path / 'home'))
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path / 'home' / '.cache'))
    return tmp_path / 'torch'


@pytest.fixture(scope='module')
def random_weights(tmp_path_factory):
    return F.write_random_fid_weights(tmp_path_factory.mktemp('w') / F.FID_WEIGHTS_FILE, seed=0)


def test_missing_weights_one_clear_error(torch_home, offline):
    with pytest.raises(F.FIDWeightsNotFoundError) as e:
        F.fid_inception()
    msg = str(e.value)
    want = torch_home / 'hub' / 'checkpoints' / F.FID_WEIGHTS_FILE
    assert F.FID_WEIGHTS_FILE in msg and f'put it at {want}' in msg and F.FID_WEIGHTS_URL in msg
    assert str(Path.home() / '.cache' / 'torch' / 'hub' / 'checkpoints' / F.FID_WEIGHTS_FILE) in msg   # the default place too
    assert not offline


def test_weights_from_torch_home_load_through_pytorch_fid(torch_home, random_weights, offline):
    target = torch_home / 'hub' / 'checkpoints' / F.FID_WEIGHTS_FILE
    target.parent.mkdir(parents=True)
    target.write_bytes(random_weights.read_bytes())
    with pytest.warns(UserWarning, match='not the official FID weights'):
        model = F.fid_inception()
    assert model.weights_path == target and not model.official_weights
    saved = torch.load(target, weights_only=True)
    ours = {k: v for k, v in model.state_dict().items()}
    # every tensor of the network is the file's (the wrapper renames modules into blocks: match by value and order)
    inc = [v for k, v in saved.items() if not k.startswith('fc.')]
    assert len(ours) == len(inc) and all(torch.equal(a, b) for a, b in zip(ours.values(), inc))
    assert sorted(p.name for p in target.parent.iterdir()) == [F.FID_WEIGHTS_FILE]
    assert not offline


def test_pytorch_fid_itself_finds_the_same_file(torch_home, random_weights, offline):
    "The place we look is where pytorch-fid's own loader (torch.hub) looks: unpatched, it loads the file without downloading."
    from pytorch_fid.inception import fid_inception_v3
    target = torch_home / 'hub' / 'checkpoints' / F.FID_WEIGHTS_FILE
    target.parent.mkdir(parents=True)
    target.write_bytes(random_weights.read_bytes())
    theirs = fid_inception_v3()
    saved = torch.load(target, weights_only=True)
    assert all(torch.equal(v, saved[k]) for k, v in theirs.state_dict().items())
    assert not offline


def test_weights_path_file_or_folder(torch_home, random_weights, offline):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', UserWarning)
        assert F.fid_inception(random_weights).weights_path == random_weights
        assert F.fid_inception(random_weights.parent).weights_path == random_weights
    with pytest.raises(F.FIDWeightsNotFoundError, match='weights_path'):
        F.fid_inception(torch_home / 'nowhere.pth')


def test_fid_through_the_network_grows_with_noise(random_weights):
    "Few images through the full network (random weights): itself ~0, then strictly growing over three noise levels."
    from simvae_nb.data import make_shapes
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', UserWarning)
        model = F.fid_inception(random_weights)
    x = make_shapes(5, size=32, seed=4).images.float() / 255
    g = torch.Generator().manual_seed(0)
    f0 = F.inception_features(x, model)
    fids = [F.fid_from_features(f0, F.inception_features((x + s * torch.randn(x.shape, generator=g)).clamp(0, 1), model))
            for s in (0.05, 0.2, 0.8)]
    assert abs(F.fid_from_features(f0, f0)) < 1e-9 * np.trace(np.cov(f0, rowvar=False))
    assert 0 < fids[0] < fids[1] < fids[2], fids


@pytest.fixture(scope='module')
def random_run(tmp_path_factory):
    d = tmp_path_factory.mktemp('runs') / 'random'
    train(TrainConfig('shapes', 'random', train_size=128, out_dir=str(d), progress=False))
    return d


def test_decoder_cache_follows_config_and_checkpoint(random_run):
    cfg1, cfg2 = DecoderConfig(max_epochs=1, patience=1, lr=1e-3), DecoderConfig(max_epochs=2, patience=1, lr=1e-3)
    path = random_run / 'decoder.pt'
    load_codec(random_run, 'cpu', cfg1)
    key1 = load_checkpoint(path)['key']
    t1 = path.stat().st_mtime_ns
    load_codec(random_run, 'cpu', cfg1)                      # same config, same checkpoint: reused
    assert path.stat().st_mtime_ns == t1
    load_codec(random_run, 'cpu', cfg2)                      # another config: trained again
    assert load_checkpoint(path)['key']['config']['max_epochs'] == 2
    ck = load_checkpoint(random_run / 'checkpoint.pt')        # the encoder changes (as when a run is trained further)
    k = next(k for k, v in ck['model'].items() if v.is_floating_point())
    ck['model'][k] = ck['model'][k] + 1
    save_checkpoint(random_run / 'checkpoint.pt', ck)
    load_codec(random_run, 'cpu', cfg2)
    key3 = load_checkpoint(path)['key']
    assert key3['checkpoint'] != key1['checkpoint'] and key3['config']['max_epochs'] == 2
    assert len(load_checkpoint(path)['value']['history']) == 2


def test_one_figure_per_dataset(random_run, tmp_path):
    write_mnist_files(tmp_path / 'data', n_train=64, n_test=16)
    other = tmp_path / 'mnist'
    train(TrainConfig('mnist', 'random', data_root=str(tmp_path / 'data'), out_dir=str(other), progress=False))
    with pytest.raises(ValueError, match='one figure per dataset'):
        reconstruction_figure({'a': random_run, 'b': other}, device='cpu')


def test_generation_of_a_non_generative_method(random_run):
    "Figure 10's path with a decoder trained on frozen representations (as for SimCLR, MoCo, VicREG)."
    import matplotlib
    matplotlib.use('Agg')
    fig = generation_figure(random_run, n_per_class=3, device='cpu', decoder_cfg=DecoderConfig(max_epochs=1, patience=1))
    assert len(fig.axes) == 4 * 3
