#!/usr/bin/env bash
# Are two builds' outputs byte-identical? Runs the `annotate` command of two compiled CLIs (e.g. a
# checkout of main before a refactor and this tree, each built with scripts/build-package.ts)
# over the fixtures' cases (every model, both modes, majority voting given and automatic, conf by
# voting, UMAP, every input format, annotated .h5ad files), and with --big over the 20k bench query
# (scripts/bench-data.ts, $CT_DATA) with the 98-type model; then compares the three CellTypist
# tables and umap.csv with cmp, and the .h5ad files' obs and obsm (every dataset's bytes and
# attributes, via h5py: scripts/h5ad-digest.py). Exit 1 on any difference.
#
#   bash scripts/same-outputs.sh BEFORE/dist/lib/cli/bin.js dist/lib/cli/bin.js [--big]
set -uo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: $0 BEFORE_BIN AFTER_BIN [--big]" >&2; exit 2; }
before=$(realpath "$1") after=$(realpath "$2") big=${3:-}
F=${CT_SHARED:-$(realpath ../shared)}/fixtures
M=$F/models Q=$F/synthetic/query_1k.h5ad FM=$F/formats
export NODE_PATH=/usr/share/nodejs
work=$(mktemp -d -t ctw-same-XXXX)
trap 'rm -rf "$work"' EXIT

cases() {
    if [ "$big" = --big ]; then
        local data=${CT_DATA:-build-bench} model
        model=$(node --import tsx -e "import('./scripts/bench-data.ts').then((m) => console.log(m.MODEL98))")
        echo "big_best|-i $data/q20k.h5ad -m $model --write-h5ad"
        echo "big_vote_umap|-i $data/q20k.h5ad -m $model --majority-voting --umap --conf-by majority_voting --write-h5ad-light"
        return
    fi
    echo "lr_best|-i $Q -m $M/toy_lr.pkl --write-h5ad"
    echo "lr_prob_vote_auto_umap|-i $Q -m $M/toy_lr.pkl --mode prob_match --p-thres 0.5 --majority-voting --umap --write-h5ad --write-h5ad-light"
    echo "lr_vote_given_conf|-i $Q -m $M/toy_lr.pkl --majority-voting --over-clustering given_clusters --min-prop 0.6 --conf-by majority_voting --write-h5ad"
    echo "lr_vote_auto_conf_simd|-i $Q -m $M/toy_lr.pkl --majority-voting --conf-by majority_voting --variant simd"
    echo "sgd_prob|-i $Q -m $M/toy_sgd.pkl --mode prob_match --p-thres 0.5"
    echo "binary_best|-i $Q -m $M/toy_binary.pkl"
    echo "lrfs_best_threads|-i $Q -m $M/toy_lr_fs.pkl --variant simd-threads"
    echo "fmt_csv_vote|-i $FM/query_1k_cells_by_genes.csv -m $M/toy_lr.pkl --majority-voting"
    echo "fmt_tsv_transposed|-i $FM/query_1k_genes_by_cells.tsv -m $M/toy_lr.pkl --transpose-input"
    echo "fmt_mtx|-i $FM/query_1k_cells_by_genes.mtx --gene-file $FM/query_1k_genes.tsv --cell-file $FM/query_1k_cells.tsv -m $M/toy_lr.pkl"
    echo "fmt_10x_folder|-i $FM/query_1k_10x -m $M/toy_lr.pkl"
    echo "fmt_10x_h5_umap|-i $FM/query_1k_filtered_feature_bc_matrix.h5 -m $M/toy_lr.pkl --umap"
}

differ=0 same=0
while IFS='|' read -r name args; do
    for side in before after; do
        bin=$before; [ $side = after ] && bin=$after
        mkdir -p "$work/$side/$name"
        # shellcheck disable=SC2086
        if ! node "$bin" annotate $args -o "$work/$side/$name" --quiet > "$work/$side/$name.log" 2>&1; then
            echo "$side $name failed:"; cat "$work/$side/$name.log"; differ=$((differ + 1))
        fi
    done
    for f in "$work/after/$name"/*; do
        b=$work/before/$name/$(basename "$f")
        if [[ $f == *.h5ad ]]; then
            /usr/bin/python3 scripts/h5ad-digest.py "$f" > "$f.digest"
            /usr/bin/python3 scripts/h5ad-digest.py "$b" > "$b.digest" 2>/dev/null
            cmp -s "$f.digest" "$b.digest"
        else
            cmp -s "$f" "$b"
        fi
        if [ $? -eq 0 ]; then same=$((same + 1)); else echo "DIFFERENT: $name/$(basename "$f")"; differ=$((differ + 1)); fi
    done
    [ "$(ls "$work/before/$name" | grep -v digest)" = "$(ls "$work/after/$name" | grep -v digest)" ] || { echo "DIFFERENT files in $name"; differ=$((differ + 1)); }
done < <(cases)
echo "same-outputs: $same files identical, $differ different"
[ $differ -eq 0 ]
