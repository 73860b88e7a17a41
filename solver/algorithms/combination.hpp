// The components of the truncated sparse-grid combination technique (header-only, no MPI):
//     V_n = sum_{q=0}^{d-1} (-1)^q C(d-1, q) sum_{j >= 0, |j|_1 = n - q} V_{m + j}.
#pragma once
#include <functional>
#include <vector>

namespace hjb {

struct CombinationComponent {
  std::vector<int> levels;
  double coefficient = 0.0;
};

/// The components of level n with minimum level m per axis (their coefficients sum to 1).
inline std::vector<CombinationComponent> combination_components(int dim, int level, int min_level) {
  std::vector<CombinationComponent> out;
  double binomial = 1.0;  // C(d-1, q)
  for (int q = 0; q < dim && q <= level; ++q) {
    const double coefficient = (q % 2 ? -1.0 : 1.0) * binomial;
    // Every j >= 0 with |j|_1 = level - q.
    std::vector<int> j(static_cast<std::size_t>(dim), 0);
    const int total = level - q;
    std::function<void(int, int)> visit = [&](int k, int left) {
      if (k == dim - 1) {
        j[k] = left;
        CombinationComponent c;
        for (int a = 0; a < dim; ++a) c.levels.push_back(min_level + j[a]);
        c.coefficient = coefficient;
        out.push_back(c);
        return;
      }
      for (int v = 0; v <= left; ++v) {
        j[k] = v;
        visit(k + 1, left - v);
      }
    };
    visit(0, total);
    binomial = binomial * (dim - 1 - q) / (q + 1);
  }
  return out;
}

}  // namespace hjb
