#!/usr/bin/env python3
"""Checks an hjbench table with h5py: schema, dimension scales, snapshots, XDMF references."""
import sys
import xml.etree.ElementTree as ET

import h5py
import numpy as np

table, xmf, history = sys.argv[1], sys.argv[2], sys.argv[3]
with h5py.File(table, "r") as f:
    assert f.attrs["schema_version"] == 2, "schema_version"
    assert f.attrs["complete"] == "yes", "complete"
    assert f.attrs["problem"] == "air3d"
    names = f.attrs["axes"].split(",")
    assert names == ["x", "y", "psi"], names
    times = f["time"][...]
    assert np.allclose(times, [0.0, -0.1, -0.2]), times
    final = f["value/final"]
    assert final.shape == (21, 19, 16), final.shape
    # Dimension scales: h5py exposes each axis through .dims.
    for k, name in enumerate(names):
        scale = final.dims[k][0]
        assert scale.name == "/axes/" + name, scale.name
        assert len(scale) == final.shape[k]
    assert np.allclose(f["axes/x"][[0, -1]], [-6, 20])
    assert np.isclose(f["axes/psi"][-1], 2 * np.pi * 15 / 16)
    v0 = f["value/snapshot_0000"][...]
    x, y = np.meshgrid(f["axes/x"][...], f["axes/y"][...], indexing="ij")
    assert np.allclose(v0, (np.hypot(x, y) - 5)[:, :, None]), "t = 0 holds the target function"
    assert np.all(final[...] <= v0 + 1e-12), "a tube only grows"
    for key in ("scheme", "command_line", "petsc_options", "project_version", "hdf5_version"):
        assert key in f.attrs, key
root = ET.parse(xmf).getroot()
items = [d.text for d in root.iter("DataItem")]
assert any(t.endswith(":/value/snapshot_0002") for t in items), items
assert any(t.endswith(":/axes/psi") for t in items), items
with h5py.File(table, "r") as f:
    for t in items:
        path = t.split(":", 1)[1]
        assert path in f, f"XDMF references {path}, which the table does not have"
# The step history: one row per step, t decreasing to the horizon, dt > 0.
rows = np.loadtxt(history, delimiter=",", skiprows=1, ndmin=2)
assert rows.shape[1] == 4 and rows.shape[0] >= 2, rows.shape
assert np.all(np.diff(rows[:, 1]) < 0) and np.isclose(rows[-1, 1], -0.2), rows[:, 1]
assert np.all(rows[:, 2] > 0)
print("1 passed, 0 failed")
