#!/usr/bin/python3
"""Fingerprints of HDF5 tables and policy files: one line per dataset and attribute with the SHA-256
of its bytes, so two runs can be compared bit for bit without the attributes that name the build or
the run (project version, command line, library versions, wall time, dates, paths).

  fingerprint.py FILE.h5 ...            print "FILE:/path sha256" lines (sorted)
"""
import hashlib
import os
import sys

import h5py
import numpy as np

# Attributes that describe where, when or by which build a file was written, not what it holds.
VOLATILE = {"version", "project_version", "hjbench_version", "git_version", "command_line", "petsc_options", "petsc_version",
            "hdf5_version", "mpi_version", "library_versions", "wall_seconds", "wall_time", "date",
            "created", "host", "sampled_from", "kernel_variant", "ranks", "output_file", "checkpoint_file", "elapsed_seconds"}


def digest(value):
    if isinstance(value, (bytes, str)):
        data = value.encode() if isinstance(value, str) else value
    else:
        data = np.asarray(value).tobytes()
    return hashlib.sha256(data).hexdigest()[:16]


def lines(path):
    out = []
    name = os.path.basename(path)
    with h5py.File(path, "r") as f:
        def attrs(obj, where):
            for key in obj.attrs:
                if key in VOLATILE or key.endswith("_seconds"):
                    continue
                if key in ("DIMENSION_LIST", "REFERENCE_LIST"):  # object references: compare by name
                    value = "|".join(str(sorted(f[r].name for r in np.ravel(entry) if r))
                                     if not isinstance(entry, (tuple, np.void)) else str(f[entry[0]].name)
                                     for entry in obj.attrs[key])
                    out.append(f"{name}:{where}@{key} {digest(value)}")
                    continue
                out.append(f"{name}:{where}@{key} {digest(obj.attrs[key])}")

        attrs(f, "/")

        def visit(path_in_file, obj):
            if isinstance(obj, h5py.Dataset):
                out.append(f"{name}:/{path_in_file} {digest(obj[()])}")
            attrs(obj, "/" + path_in_file)

        f.visititems(visit)
    return sorted(out)


if __name__ == "__main__":
    for p in sys.argv[1:]:
        print("\n".join(lines(p)))
