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

/// The components of the combinations of levels n, n - 1, ..., n - coarser (those of level >= 1),
/// each grid once: level n's components first, in combination_components' order, with their
/// coefficients; the others with coefficient 0 (they serve only the coarser combinations).
/// coefficients[k][c] is component c's coefficient in the combination of level n - k.
struct CombinationSet {
  std::vector<CombinationComponent> components;
  std::vector<std::vector<double>> coefficients;
  std::size_t finest = 0;  ///< components[0, finest) are level n's
  /// The components with the coefficients of the combination of level n - k.
  std::vector<CombinationComponent> combination(std::size_t k) const {
    std::vector<CombinationComponent> out = components;
    for (std::size_t c = 0; c < out.size(); ++c) out[c].coefficient = coefficients[k][c];
    return out;
  }
};

inline CombinationSet combination_set(int dim, int level, int min_level, int coarser) {
  CombinationSet set;
  set.components = combination_components(dim, level, min_level);
  set.finest = set.components.size();
  set.coefficients.emplace_back();
  for (const auto& c : set.components) set.coefficients[0].push_back(c.coefficient);
  for (int k = 1; k <= coarser && level - k >= 1; ++k) {
    std::vector<double> coefficient(set.components.size(), 0.0);
    for (const auto& c : combination_components(dim, level - k, min_level)) {
      std::size_t i = 0;
      while (i < set.components.size() && set.components[i].levels != c.levels) ++i;
      if (i == set.components.size()) {
        set.components.push_back({c.levels, 0.0});
        for (auto& earlier : set.coefficients) earlier.push_back(0.0);
        coefficient.push_back(0.0);
      }
      coefficient[i] = c.coefficient;
    }
    set.coefficients.push_back(coefficient);
  }
  return set;
}

}  // namespace hjb
