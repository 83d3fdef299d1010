#!/usr/bin/env python
"Old (b89f244) vs new fit_probes: identical predictions and curves, then seconds alternating (20,000 x 10 features, 10 classes, 10 epochs)."
# Setup: git show b89f244:simvae_nb/evaluate.py > /tmp/evaluate_old.py   (fit_probes before it was split into named pieces)
import importlib.util, sys, time, numpy as np
spec = importlib.util.spec_from_file_location('simvae_nb.evaluate_old', '/tmp/evaluate_old.py'); old = importlib.util.module_from_spec(spec)
sys.modules['simvae_nb.evaluate_old'] = old; spec.loader.exec_module(old)
from simvae_nb import evaluate as new
g = np.random.default_rng(0)
x = g.normal(size=(20000, 10)).astype(np.float32); y = (x[:, :3] @ g.normal(size=(3, 10))).argmax(1)
xt = g.normal(size=(5000, 10)).astype(np.float32); yt = (xt[:, :3] @ g.normal(size=(3, 10))).argmax(1)
for loss, yy, yyt, C in (('ce', y, yt, 10), ('mse', x[:, :2] @ np.ones((2, 2)), xt[:, :2] @ np.ones((2, 2)), 1)):
    a = old.fit_probes(x, yy, xt, yyt, C, loss, epochs=3); b = new.fit_probes(x, yy, xt, yyt, C, loss, epochs=3)
    assert np.array_equal(a.linear, b.linear) and np.array_equal(a.mlp, b.mlp) and all(np.array_equal(a.curve[k], b.curve[k]) for k in a.curve), loss
print('identical predictions and curves (ce and mse)')
ts = {'old': [], 'new': []}
for r in range(3):
    for name, mod in (('old', old), ('new', new)):
        t = time.perf_counter(); mod.fit_probes(x, y, xt, yt, 10, epochs=10); ts[name].append(time.perf_counter() - t)
print({k: [round(t, 2) for t in v] for k, v in ts.items()}, 'min ratio new/old', round(min(ts['new']) / min(ts['old']), 3))
