#pragma once
/// @file convert.hpp
/// CellTypist's `Model.convert()`: a model over one species' genes turned into a model over
/// another's through a two-column ortholog table (by default CellTypist's
/// Ensembl105_Human2Mouse_Genes.csv), with pandas' exact semantics: rows with an empty field
/// are dropped, duplicate rows dropped, the direction detected from which column overlaps the
/// model's genes more, rows kept whose "from" gene is a model feature, and with `unique_only`
/// only genes that occur once on each side (1:1 orthologs), in table order. Without it, each
/// target gene (sorted) gets the average of its source genes' weights and scaler values.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "model/model.hpp"

namespace ct::model {

/// One row of a gene map: (column 0, column 1).
using GeneMapRow = std::pair<std::string, std::string>;

struct ConvertOptions {
    /// Column converted from: 0 or 1, or -1 to detect it (CellTypist's default).
    int convert_from = -1;
    /// Only 1:1 orthologs (CellTypist's default); otherwise 1:N are averaged.
    bool unique_only = true;
};

struct ConvertResult {
    Model model;
    int convert_from = 0;  ///< the direction used
    std::size_t n_features_before = 0;
};

/// Parses a two-column delimited table as pandas `read_csv(header=None)` would for
/// CellTypist: fields may be quoted; pandas' default NA strings ("", "NA", "nan", ...) are
/// missing values. Rows with a missing field are dropped here (CellTypist's `dropna`).
/// @throws std::invalid_argument when a row does not have exactly two fields.
std::vector<GeneMapRow> parse_gene_map(const char* text, std::size_t size, char sep = ',');

/// Converts `model` by the rows of the map.
/// @throws std::invalid_argument when no model gene is in the map (nothing to convert).
ConvertResult convert_model(const Model& model, const std::vector<GeneMapRow>& map,
                            const ConvertOptions& options = {});

}  // namespace ct::model
