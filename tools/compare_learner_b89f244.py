#!/usr/bin/env python
# Setup: git show b89f244:simvae_nb/learner.py > /tmp/learner_old.py   (the Learner before the miniai redesign)
"Old (b89f244) vs new Learner in one process: identical checkpoints, and views/s alternating (fp32, 2 epochs of 10,000 FashionMNIST images, J=10)."
import importlib.util, sys, tempfile, time, torch
import simvae_nb
spec = importlib.util.spec_from_file_location('simvae_nb.learner_old', '/tmp/learner_old.py', submodule_search_locations=None)
old = importlib.util.module_from_spec(spec); old.__package__ = 'simvae_nb'; sys.modules['simvae_nb.learner_old'] = old; spec.loader.exec_module(old)
from simvae_nb import learner as new
from simvae_nb.run import TrainConfig, checkpoint_digest, load_checkpoint
kw = dict(dataset='fashion_mnist', method='simvae', n_views=10, train_size=10000, epochs=2, progress=False, checkpoint_every=2)
res = {'old': [], 'new': []}; digests = {}
for r in range(2):
    for name, build in (('old', lambda c: old.Learner(c)), ('new', lambda c: new.make_learner(c))):
        with tempfile.TemporaryDirectory() as d:
            l = build(TrainConfig(**kw, out_dir=d)); l.fit()
            res[name].append(l.last_metrics['views_per_s']); digests[name] = checkpoint_digest({k: v for k, v in load_checkpoint(f'{d}/checkpoint.pt').items() if k != 'history'})
print('views/s of the second epoch:', res)
print('ratio new/old (best of 2):', round(max(res['new']) / max(res['old']), 3))
print('same checkpoint content:', digests['old'] == digests['new'])
