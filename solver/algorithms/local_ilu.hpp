// ILU(0) of a rank's diagonal block, factored from the CSR rows the policy evaluation has just built
// (stationary.hpp): the preconditioner PETSc's default block Jacobi / ILU(0) applies, without its
// symbolic phase and its copy of the matrix. The rows are those of I - gamma P_pi, an M-matrix
// (positive diagonal, non-positive off-diagonal entries, strictly diagonally dominant by rows), whose
// incomplete factor exists without pivoting and keeps positive pivots.
//
// Storage in the solves' order: L's entries (strictly below the diagonal; unit diagonal implied) and
// U's (strictly above) each in one contiguous array of (value, local column), row by row, and the
// inverse pivots in a third — what the elimination of later rows multiplies by, and what the
// backward pass scales by — so the forward pass streams L only and the backward pass U only. Each
// row is eliminated in double precision in a scratch copy against the U rows already stored (whose
// entries, like L's, are kept in single precision: 8 bytes with their column instead of 16): the
// triangular passes, which wait on memory, took 0.069 s of a 501^2 run in double and 0.047 s so.
// A preconditioner only has to be close to the inverse: the Krylov solver is right-preconditioned
// and measures the true residual, so the evaluation's accuracy is unchanged (the same Krylov counts
// and tables within 1e-12 of PETSc's double-precision ILU(0) at 501^2; docs/benchmarks.md).
// Columns outside the rank's block [first, last) are left out of the factor and the solves (block
// Jacobi).
#pragma once
#include <petscsys.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace hjb {

class LocalIlu0 {
 public:
  /// Factors the n local rows given in CSR form (row_start[0..n], sorted global `columns`, `entries`)
  /// whose diagonal block is columns [first, first + n). Not collective. Throws NumericalError when a
  /// row has no diagonal entry or a pivot is not positive (not an M-matrix).
  void factor(std::int64_t n, PetscInt first, const PetscInt* row_start, const PetscInt* columns,
              const PetscScalar* entries) {
    m_n = n;
    const std::size_t nonzeros = static_cast<std::size_t>(row_start[n]);
    m_inverse_pivot.resize(static_cast<std::size_t>(n));
    m_lower_start.assign(1, 0);
    m_upper_start.assign(1, 0);
    m_lower_start.reserve(static_cast<std::size_t>(n) + 1);
    m_upper_start.reserve(static_cast<std::size_t>(n) + 1);
    m_lower.clear();
    m_upper.clear();
    m_lower.reserve(nonzeros / 2);
    m_upper.reserve(nonzeros / 2);
    const PetscInt last = first + static_cast<PetscInt>(n);
    for (std::int64_t i = 0; i < n; ++i) {
      // The row in local columns, its entries outside the block left out.
      const PetscInt begin = row_start[i], end = row_start[i + 1], own = first + static_cast<PetscInt>(i);
      if (m_row.size() < static_cast<std::size_t>(end - begin))
        m_row.resize(static_cast<std::size_t>(end - begin));
      WorkEntry* row = m_row.data();
      int length = 0, diagonal = -1;
      for (PetscInt p = begin; p < end; ++p) {
        if (columns[p] < first || columns[p] >= last) continue;
        if (columns[p] == own) diagonal = length;
        row[length++] = {entries[p], static_cast<std::int32_t>(columns[p] - first)};
      }
      if (diagonal < 0) throw NumericalError("ILU(0): row " + std::to_string(own) + " has no diagonal entry");
      // Eliminate the entries left of the diagonal in increasing column order (IKJ): each multiplier
      // times the pivot row's U part, restricted to this row's pattern.
      for (int t = 0; t < diagonal; ++t) {
        const auto j = static_cast<std::size_t>(row[t].column);
        const PetscScalar multiplier = row[t].value * m_inverse_pivot[j];
        row[t].value = multiplier;
        std::int64_t q = m_upper_start[j];
        const std::int64_t q_end = m_upper_start[j + 1];
        int r = t + 1;
        while (q < q_end && r < length) {  // merge the two sorted column lists
          if (m_upper[q].column < row[r].column) {
            ++q;
          } else if (m_upper[q].column > row[r].column) {
            ++r;
          } else {
            row[r].value -= multiplier * m_upper[q].value;
            ++q;
            ++r;
          }
        }
      }
      if (!(row[diagonal].value > 0.0))
        throw NumericalError("ILU(0): pivot " + std::to_string(row[diagonal].value) + " in row " +
                             std::to_string(own) + " is not positive (the policy matrix is not an M-matrix)");
      m_inverse_pivot[static_cast<std::size_t>(i)] = 1.0 / row[diagonal].value;
      for (int t = 0; t < diagonal; ++t) m_lower.push_back({static_cast<float>(row[t].value), row[t].column});
      for (int t = diagonal + 1; t < length; ++t)
        m_upper.push_back({static_cast<float>(row[t].value), row[t].column});
      m_lower_start.push_back(static_cast<std::int64_t>(m_lower.size()));
      m_upper_start.push_back(static_cast<std::int64_t>(m_upper.size()));
    }
  }

  /// y = (LU)^-1 x over the local block (x and y distinct arrays of n values). Not collective.
  void solve(const PetscScalar* x, PetscScalar* y) const {
    const Entry* lower = m_lower.data();
    const Entry* upper = m_upper.data();
    for (std::int64_t i = 0; i < m_n; ++i) {  // L z = x, z in y
      PetscScalar s = x[i];
      for (std::int64_t p = m_lower_start[i]; p < m_lower_start[i + 1]; ++p)
        s -= lower[p].value * y[lower[p].column];
      y[i] = s;
    }
    for (std::int64_t i = m_n - 1; i >= 0; --i) {  // U y = z
      PetscScalar s = y[i];
      for (std::int64_t p = m_upper_start[i]; p < m_upper_start[i + 1]; ++p)
        s -= upper[p].value * y[upper[p].column];
      y[i] = s * m_inverse_pivot[i];
    }
  }

 private:
  /// A stored factor entry (value in single precision, local column), and one of the row being
  /// eliminated (double precision).
  struct Entry {
    float value;
    std::int32_t column;
  };
  struct WorkEntry {
    PetscScalar value;
    std::int32_t column;
  };
  std::int64_t m_n = 0;
  std::vector<PetscScalar> m_inverse_pivot;  // 1 / u_ii
  std::vector<std::int64_t> m_lower_start, m_upper_start;
  std::vector<Entry> m_lower, m_upper;  // L, U (each row's entries in column order)
  std::vector<WorkEntry> m_row;         // the row being eliminated
};

}  // namespace hjb
