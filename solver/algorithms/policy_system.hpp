// The linear system of one policy evaluation, (I - gamma P_pi) v = c_pi, on a rank's rows
// (stationary.hpp solves it with a KSP): its rows in CSR form, the PETSc operator over them, and the
// block-Jacobi ILU(0) of the rank's block (local_ilu.hpp) as the shell preconditioner's application.
//
// The operator: AIJ over the CSR arrays (in place on one rank) when PETSc's own preconditioners are
// asked for (-pc_type) or on several ranks; on one rank with hjbench's ILU(0) a shell matrix without
// PETSc's assembly checks (inode search, diagonal marking: 20 ms of a 0.7 s run at 501^2), whose
// product reads the policy's transitions in the chain's compact form where the chain has one
// (ControlledChain: a code and D fractions per node, 20 bytes in 2-D where a CSR row takes 60) and
// the CSR rows otherwise (PETSc's AIJ product in the same order).
#pragma once
#include <petscksp.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/error.hpp"
#include "solver/algorithms/local_ilu.hpp"
#include "support/petsc/petsc_owner.hpp"

namespace hjb {

template <class Chain>
class PolicySystem {
 public:
  static constexpr int D = Chain::D;
  /// Whether the chain offers its transitions in compact form (ControlledChain).
  static constexpr bool compact_form = requires(const Chain& c) {
    c.transition_code(std::int64_t{}, std::int64_t{});
    c.fractions(std::int64_t{}, std::int64_t{});
  };

  /// Builds the rows of `policy` on the rank whose first row is `first`, writes c_pi into r, and
  /// with `compact` (and a chain that has the form) also keeps the policy's compact transitions for
  /// a one-rank shell product. Row l: 1 on the diagonal, -gamma w_c at the corners (merged where a
  /// corner is the node), global columns sorted within the row. Not collective.
  void build(const Chain& chain, const std::vector<int>& policy, double gamma, PetscInt first, bool compact,
             PetscScalar* r) {
    m_chain = &chain;
    m_gamma = gamma;
    m_first = first;
    m_n = chain.grid().owned_count();
    m_compact = compact_form && compact;
    const std::int64_t n = m_n, k_count = chain.action_count();
    if (m_compact) {
      m_code.resize(static_cast<std::size_t>(n));
      m_fraction.resize(static_cast<std::size_t>(n) * D);
    }
    m_rows.assign(static_cast<std::size_t>(n) + 1, 0);
    // Each row is kept sorted as it is formed: a successor is inserted in place, or merged into an
    // equal column (the diagonal's included) in the order the chain gives them.
    std::size_t end = 0;
    const auto room = [&](std::size_t needed) {  // grows the arrays kept between evaluations
      if (needed <= m_columns.size()) return;
      m_columns.resize(2 * needed);
      m_entries.resize(2 * needed);
    };
    if (const std::size_t rows_2d = static_cast<std::size_t>(n) * 5; m_columns.size() < rows_2d) {
      m_columns.resize(rows_2d);  // 2^D + 1 entries per row in 2-D; room() grows them beyond
      m_entries.resize(rows_2d);
    }
    constexpr std::int64_t ahead = 16;  // the policy's rows are scattered: fetch them early
    for (std::int64_t l = 0; l < n; ++l) {
      if (l + ahead < n) chain.prefetch((l + ahead) * k_count + policy[l + ahead]);
      const std::int64_t row = l * k_count + policy[l];
      const std::size_t begin = end;
      room(end + 1);
      m_columns[end] = first + static_cast<PetscInt>(l);
      m_entries[end++] = 1.0;
      chain.for_each_entry(row, [&](PetscInt j, double w) {
        std::size_t at = end;
        while (at > begin && m_columns[at - 1] > j) --at;
        if (at > begin && m_columns[at - 1] == j) {
          m_entries[at - 1] -= gamma * w;
          return;
        }
        room(end + 1);
        for (std::size_t e = end; e > at; --e) {
          m_columns[e] = m_columns[e - 1];
          m_entries[e] = m_entries[e - 1];
        }
        m_columns[at] = j;
        m_entries[at] = -(gamma * w);
        ++end;
      });
      m_rows[l + 1] = static_cast<PetscInt>(end);
      r[l] = chain.cost(l, policy[l]);
      if constexpr (compact_form)
        if (m_compact) {
          m_code[l] = chain.transition_code(l, policy[l]);
          const double* f = chain.fractions(l, policy[l]);
          std::copy(f, f + D, &m_fraction[static_cast<std::size_t>(l) * D]);
        }
    }
  }

  /// The operator of the rows last built: a shell product with `shell` (one rank only), else AIJ
  /// over the arrays (which must then stay unchanged while it lives). Collective.
  void create_operator(MPI_Comm comm, bool shell, Mat* a) {
    const auto n = static_cast<PetscInt>(m_n);
    int ranks = 1;
    MPI_Comm_size(comm, &ranks);
    if (shell) {
      HJB_CHECK(ranks == 1, RuntimeError, "the policy system's shell product is for one rank");
      HJB_PETSC(MatCreateShell(PETSC_COMM_SELF, n, n, n, n, this, a));
      HJB_PETSC(MatShellSetOperation(
          *a, MATOP_MULT, reinterpret_cast<void (*)(void)>(m_compact ? multiply_compact : multiply)));
    } else if (ranks == 1) {  // the arrays themselves (first = 0: global columns are local)
      HJB_PETSC(MatCreateSeqAIJWithArrays(PETSC_COMM_SELF, n, n, m_rows.data(), m_columns.data(),
                                          m_entries.data(), a));
    } else {
      HJB_PETSC(MatCreateMPIAIJWithArrays(comm, n, n, PETSC_DETERMINE, PETSC_DETERMINE, m_rows.data(),
                                          m_columns.data(), m_entries.data(), a));
    }
  }

  /// Factors the ILU(0) of the rank's block of the rows last built. Not collective.
  void factor() { m_ilu.factor(m_n, m_first, m_rows.data(), m_columns.data(), m_entries.data()); }

  /// A shell preconditioner's application (its context this system): y = (LU)^-1 x.
  static PetscErrorCode apply_preconditioner(PC pc, Vec x, Vec y) {
    void* context = nullptr;
    PetscCall(PCShellGetContext(pc, &context));
    return on_arrays(context, x, y, [](const PolicySystem& self, const PetscScalar* in, PetscScalar* out) {
      self.m_ilu.solve(in, out);
    });
  }

 private:
  /// The callbacks' frame: f(system, x's values, y's values) between the arrays' get and restore.
  template <class F>
  static PetscErrorCode on_arrays(void* context, Vec x, Vec y, F&& f) {
    PetscFunctionBeginUser;
    const PetscScalar* in;
    PetscScalar* out;
    PetscCall(VecGetArrayRead(x, &in));
    PetscCall(VecGetArray(y, &out));
    f(*static_cast<const PolicySystem*>(context), in, out);
    PetscCall(VecRestoreArray(y, &out));
    PetscCall(VecRestoreArrayRead(x, &in));
    PetscFunctionReturn(0);
  }
  /// The shell product from the CSR arrays (one rank: global columns are local).
  static PetscErrorCode multiply(Mat a, Vec x, Vec y) {
    void* context = nullptr;
    PetscCall(MatShellGetContext(a, &context));
    return on_arrays(context, x, y, [](const PolicySystem& self, const PetscScalar* in, PetscScalar* out) {
      const PetscInt* start = self.m_rows.data();
      for (std::int64_t i = 0; i < self.m_n; ++i) {
        PetscScalar sum = 0.0;
        for (PetscInt p = start[i]; p < start[i + 1]; ++p) sum += self.m_entries[p] * in[self.m_columns[p]];
        out[i] = sum;
      }
      PetscLogFlops(2.0 * static_cast<double>(start[self.m_n]));
    });
  }
  /// The shell product from the compact transitions: y_l = x_l - gamma sum_j w_j x_j (one rank:
  /// the chain's gathered vector is the owned block, x itself).
  static PetscErrorCode multiply_compact(Mat a, Vec x, Vec y) {
    void* context = nullptr;
    PetscCall(MatShellGetContext(a, &context));
    return on_arrays(context, x, y, [](const PolicySystem& self, const PetscScalar* in, PetscScalar* out) {
      if constexpr (compact_form) {
        for (std::int64_t l = 0; l < self.m_n; ++l)
          out[l] = in[l] -
                   self.m_gamma * self.m_chain->expected_value(self.m_code[l], &self.m_fraction[l * D], in);
        PetscLogFlops(static_cast<double>(self.m_n) * (2.0 * (1 << D) + 2.0));
      }
    });
  }

  const Chain* m_chain = nullptr;
  double m_gamma = 0.0;
  std::int64_t m_n = 0;
  PetscInt m_first = 0;
  bool m_compact = false;
  // Kept between evaluations (a one-rank AIJ matrix uses them in place).
  std::vector<PetscInt> m_rows, m_columns;
  std::vector<PetscScalar> m_entries;
  std::vector<int> m_code;  // the compact form: per node its transition's code and D fractions
  std::vector<double> m_fraction;
  LocalIlu0 m_ilu;
};

}  // namespace hjb
