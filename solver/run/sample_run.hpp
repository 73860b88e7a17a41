// `hjbench sample`'s work: a sparse table's interpolant (and its feedback's) evaluated at every node
// of a tensor grid over the table's box and published as a tensor table, for plots, XDMF and
// tensor-table readers.
#pragma once
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tables/table.hpp"

namespace hjb {

/// Collective: rows of axis 0 are split over the ranks, each rank evaluates and writes its block of
/// `output` (written as OUTPUT.TAG.tmp and renamed when complete; with the XDMF `sidecar` when it is
/// not empty). The outputs must have been checked (check_outputs) before.
void sample_sparse_table(MPI_Comm comm, const SparseTable& table, const std::string& table_path,
                         const std::vector<std::int64_t>& shape, const std::string& output,
                         const std::string& sidecar);

}  // namespace hjb
