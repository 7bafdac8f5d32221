#!/usr/bin/env bash
# Brings each library's PublicAPI.Unshipped.txt in line with its code, for Microsoft.CodeAnalysis.PublicApiAnalyzers.
#
#   bash build/update-public-api.sh          record every public API change since the last release in
#                                            src/*/PublicAPI.Unshipped.txt (RS0016: added, RS0017: removed)
#   bash build/update-public-api.sh --ship   at a release: move PublicAPI.Unshipped.txt into PublicAPI.Shipped.txt
#
# It builds each src project with warnings left as warnings, reads the analyzer's RS0016 ("Symbol '…' is not
# part of the declared public API") and RS0017 ("Symbol '…' is part of the declared API, but is either not
# public or could not be found") diagnostics, whose quoted text is exactly the line the file needs, and rewrites
# PublicAPI.Unshipped.txt sorted (ordinal). Running it again changes nothing. Review the diff: it is the change
# to the public surface that your commit makes.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C

header='#nullable enable'
mode=${1:-update}
case $mode in update | --ship) ;; *) echo "usage: $0 [--ship]" >&2; exit 2 ;; esac

log=$(mktemp)
trap 'rm -f "$log" "$log.unshipped"' EXIT

# Lines of an API file without its header and blank lines.
entries() { [[ -f $1 ]] && grep -v -e "^$header\$" -e '^[[:space:]]*$' "$1" || true; }

# Writes the header and then the entries from standard input, sorted and de-duplicated.
write_api() { { echo "$header"; sort -u; } > "$1.tmp" && mv "$1.tmp" "$1"; }

for project in src/*/*.csproj; do
  dir=$(dirname "$project")
  shipped=$dir/PublicAPI.Shipped.txt
  unshipped=$dir/PublicAPI.Unshipped.txt
  [[ -f $shipped ]] || echo "$header" > "$shipped"
  [[ -f $unshipped ]] || echo "$header" > "$unshipped"

  if [[ $mode == --ship ]]; then
    # A release: what was unshipped is now shipped; '*REMOVED*X' lines take X out of the shipped file.
    removed=$(entries "$unshipped" | sed -n 's/^\*REMOVED\*//p')
    { entries "$shipped"; entries "$unshipped" | grep -v '^\*REMOVED\*' || true; } \
      | { grep -v -x -F -f <(printf '%s\n' "$removed") || true; } | write_api "$shipped"
    echo "$header" > "$unshipped"
    echo "$dir: shipped $(entries "$shipped" | wc -l) symbols"
    continue
  fi

  # Build without the *REMOVED* marks, so that RS0017 names every shipped symbol that is still gone (and a
  # symbol that came back loses its mark). --no-incremental: an up-to-date build runs no analyzer.
  cp "$unshipped" "$log.unshipped"
  entries "$log.unshipped" | { grep -v '^\*REMOVED\*' || true; } | write_api "$unshipped"
  if ! dotnet build "$project" -c Release --no-incremental -nologo -clp:NoSummary \
      -p:TreatWarningsAsErrors=false > "$log" 2>&1; then
    mv "$log.unshipped" "$unshipped"
    cat "$log" >&2
    echo "$project does not build (see above); fix that first." >&2
    exit 1
  fi
  this="[$(cd "$dir" && pwd)/$(basename "$project")]"
  mine=$(grep -F -- "$this" "$log" || true)
  added=$(grep -oP "RS0016: Symbol '\K.*(?=' is not part of the declared public API)" <<< "$mine" | sort -u || true)
  gone=$(grep -oP "RS0017: Symbol '\K.*(?=' is part of the declared (public )?API, but)" <<< "$mine" | sort -u || true)

  # A vanished symbol that was only unshipped is simply dropped; one that had shipped is marked *REMOVED*.
  gone_shipped=$(comm -12 <(printf '%s\n' "$gone" | sed '/^$/d') <(entries "$shipped" | sort -u))
  {
    entries "$unshipped" | { grep -v -x -F -f <(printf '%s\n' "$gone") || true; }
    printf '%s\n' "$added" | sed '/^$/d'
    printf '%s\n' "$gone_shipped" | sed '/^$/d; s/^/*REMOVED*/'
  } | write_api "$unshipped"

  echo "$dir: $(printf '%s\n' "$added" | sed '/^$/d' | wc -l) added, $(printf '%s\n' "$gone" | sed '/^$/d' | wc -l) removed;" \
    "$(entries "$unshipped" | wc -l) unshipped, $(entries "$shipped" | wc -l) shipped"
done
