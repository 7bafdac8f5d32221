#!/usr/bin/python3
"""scikit-learn's lbfgs and adam solvers on the committed digits, for comparison with samples/Lbfgs.

Run with Debian's interpreter (python3-sklearn 1.2, `apt-get install python3-sklearn`):

    /usr/bin/python3 samples/Lbfgs/sklearn_digits.py

The same data (data/digits.csv.gz), the same 80/20 proportions, network and budgets as the C# sample, but
scikit-learn's own split (train_test_split, random_state=1), so the test digits are not the same 359:
  - MLPClassifier(hidden_layer_sizes=(128,), activation="tanh"), inputs standardised on the training rows;
  - L2: scikit-learn adds alpha/(2 b) * sum W^2 to each batch's mean loss (b its rows: all of them for lbfgs, 32 for
    adam), so alpha = 1e-3 * b is the sample's lambda = 1e-3 for each;
  - lbfgs: max_iter = 500 iterations (the sample's 25 steps of up to 20), scikit-learn's other defaults;
  - adam: batch_size 32, 100 epochs (n_iter_no_change = 100 so it runs them all); learning rate chosen among
    3e-4, 1e-3, 3e-3, 1e-2 on a validation fifth of the training rows, then retrained on all of them.
"""

import gzip
import os
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def load():
    with gzip.open(os.path.join(ROOT, "data", "digits.csv.gz"), "rt") as f:
        rows = np.array([[int(v) for v in line.split(",")] for line in f if line.strip()])
    return rows[:, :64].astype(np.float64), rows[:, 64]


def fit(solver, x, y, hx, hy, batch_rows, **kw):
    scaler = StandardScaler().fit(x)
    model = MLPClassifier(hidden_layer_sizes=(128,), activation="tanh", solver=solver, alpha=1e-3 * batch_rows,
                          random_state=1, **kw)
    start = time.perf_counter()
    model.fit(scaler.transform(x), y)
    seconds = time.perf_counter() - start
    return model.n_iter_, seconds, model.loss_, model.score(scaler.transform(hx), hy)


def main():
    warnings.simplefilter("ignore", ConvergenceWarning)
    x, y = load()
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=1)
    x_fit, x_val, y_fit, y_val = train_test_split(x_train, y_train, test_size=0.2, random_state=2)
    adam = dict(batch_size=32, max_iter=100, n_iter_no_change=100)
    sweep = {rate: fit("adam", x_fit, y_fit, x_val, y_val, 32, learning_rate_init=rate, **adam)[3] for rate in (3e-4, 1e-3, 3e-3, 1e-2)}
    best = max(sweep, key=sweep.get)
    print("adam validation accuracy by learning rate: " + ", ".join(f"{r:g}: {a:.2%}" for r, a in sweep.items()))
    for name, result in (("lbfgs", fit("lbfgs", x_train, y_train, x_test, y_test, len(x_train), max_iter=500)),
                         (f"adam lr={best:g}", fit("adam", x_train, y_train, x_test, y_test, 32, learning_rate_init=best, **adam))):
        iterations, seconds, loss, accuracy = result
        print(f"{name:14s} iterations/epochs {iterations:4d}  {seconds:6.2f} s  training loss {loss:.4f}  test accuracy {accuracy:.2%}"
              f"  ({len(x_train)} training, {len(x_test)} test digits)")


if __name__ == "__main__":
    main()
