#!/usr/bin/env python3
"""Writes data/breast-cancer.csv: the Breast Cancer Wisconsin (Diagnostic) set as scikit-learn ships it.

    apt-get install -y python3-sklearn && /usr/bin/python3 scripts/make-breast-cancer.py

569 tumours, 30 real features computed from a digitised image of a fine-needle aspirate, and the diagnosis
(0 = malignant, 1 = benign, scikit-learn's coding). Source: W. Wolberg, O. Mangasarian, N. Street, W. Street,
UCI Machine Learning Repository (1993), CC BY 4.0; the copy bundled with scikit-learn (BSD-3-Clause), whose rows
are copied here verbatim under a header of scikit-learn's feature names.
"""
import hashlib
import importlib.resources
import pathlib

import numpy as np
from sklearn.datasets import load_breast_cancer

bundled = importlib.resources.files("sklearn.datasets.data") / "breast_cancer.csv"
lines = bundled.read_text().splitlines()
rows, features = (int(v) for v in lines[0].split(",")[:2])
body = lines[1:]
assert len(body) == rows == 569 and features == 30

# The rows are what load_breast_cancer() returns, number for number.
data = load_breast_cancer()
parsed = np.array([[float(v) for v in line.split(",")] for line in body])
assert np.array_equal(parsed[:, :features], data.data) and np.array_equal(parsed[:, features], data.target)

header = ",".join([name.replace(" ", "_") for name in data.feature_names] + ["diagnosis"])
out = pathlib.Path(__file__).resolve().parent.parent / "data" / "breast-cancer.csv"
out.write_text("\n".join([header] + body) + "\n")
print(out, hashlib.sha256(out.read_bytes()).hexdigest())
