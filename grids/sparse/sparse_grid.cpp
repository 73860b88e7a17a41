// Regular sparse grids with boundary: enumeration, (de)hierarchisation and evaluation.
#include "grids/sparse/sparse_grid.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "core/multiversion.hpp"

namespace hjb::sparse {

namespace {
/// Points of one axis at level l: the two boundary nodes at level 0, 2^(l-1) odd indices above.
std::int64_t points_at(int l) { return l == 0 ? 2 : (std::int64_t{1} << (l - 1)); }
/// Local (0-based) position of index i at level l.
std::int64_t local_of(int l, std::int64_t i) { return l == 0 ? i : (i - 1) / 2; }
std::int64_t index_of(int l, std::int64_t j) { return l == 0 ? j : 2 * j + 1; }
/// The hierarchical ancestor of the point t 2^-l on its own level: halve while even.
void reduce(int& l, std::int64_t& t) {
  while (l > 0 && t % 2 == 0) {
    t /= 2;
    --l;
  }
}
}  // namespace

std::string to_string(Basis b) { return b == Basis::boundary ? "boundary" : "extrapolating"; }

Basis parse_basis(const std::string& s) {
  if (s == "boundary") return Basis::boundary;
  if (s == "extrapolating") return Basis::extrapolating;
  throw std::invalid_argument("unknown sparse-grid basis '" + s + "' (choose boundary or extrapolating)");
}

double SparseGrid::count_nodes(int dim, int level, const Levels& caps, Basis basis) {
  // Number of multi-levels by level sum, per axis, by dynamic programming over the axes. An axis at
  // level l costs l - first of the budget level - first (first = 0 with boundary, 1 without).
  const int first = basis == Basis::boundary ? 0 : 1, budget = level - first;
  if (budget < 0) return 0.0;
  std::vector<double> ways(static_cast<std::size_t>(budget) + 1, 0.0);
  ways[0] = 1.0;
  for (int k = 0; k < dim; ++k) {
    const int cap = caps.empty() ? level : caps[k];
    std::vector<double> next(ways.size(), 0.0);
    for (int s = 0; s <= budget; ++s)
      for (int l = first; l <= cap && s + l - first <= budget; ++l)
        next[s + l - first] += ways[s] * static_cast<double>(points_at(l));
    ways = next;
  }
  return std::accumulate(ways.begin(), ways.end(), 0.0);
}

SparseGrid::SparseGrid(int dim, int level, std::vector<double> lo, std::vector<double> hi, Levels caps,
                       Basis basis)
    : m_dim(dim),
      m_level(level),
      m_basis(basis),
      m_first_level(basis == Basis::boundary ? 0 : 1),
      m_caps(std::move(caps)),
      m_lo(std::move(lo)),
      m_hi(std::move(hi)) {
  if (dim < 1 || dim > max_dimension)
    throw std::invalid_argument("sparse grids have 1 to " + std::to_string(max_dimension) +
                                " dimensions, got " + std::to_string(dim));
  if (level < 1)
    throw std::invalid_argument("the sparse grid level must be at least 1, got " + std::to_string(level));
  if (level > 30)
    throw std::invalid_argument("the sparse grid level must be at most 30, got " + std::to_string(level));
  if (m_caps.empty()) m_caps.assign(static_cast<std::size_t>(dim), level);
  if (static_cast<int>(m_caps.size()) != dim)
    throw std::invalid_argument("the per-axis levels have " + std::to_string(m_caps.size()) +
                                " entries, expected " + std::to_string(dim));
  for (int k = 0; k < dim; ++k) {
    if (m_caps[k] < m_first_level || m_caps[k] > level)
      throw std::invalid_argument("the level of axis " + std::to_string(k) + " must be in [" +
                                  std::to_string(m_first_level) + ", " + std::to_string(level) + "], got " +
                                  std::to_string(m_caps[k]));
    m_caps[k] = std::min(m_caps[k], level);
  }
  if (static_cast<int>(m_lo.size()) != dim || static_cast<int>(m_hi.size()) != dim)
    throw std::invalid_argument("the sparse grid's box needs " + std::to_string(dim) + " bounds per side");
  for (int k = 0; k < dim; ++k)
    if (!(m_hi[k] > m_lo[k]) || !std::isfinite(m_lo[k]) || !std::isfinite(m_hi[k]))
      throw std::invalid_argument("the sparse grid's box is empty or not finite along axis " +
                                  std::to_string(k));
  const double nodes = count_nodes(dim, level, m_caps, basis);
  if (nodes > static_cast<double>(std::numeric_limits<std::int32_t>::max()))
    throw std::invalid_argument("a sparse grid of level " + std::to_string(level) + " in " +
                                std::to_string(dim) + " dimensions has " + std::to_string(nodes) +
                                " nodes, more than 2^31");
  // Enumerate the multi-levels with sum (l_k - first) <= level - first and first <= l_k <= cap_k
  // (lexicographic).
  std::array<int, max_dimension> l{};
  std::function<void(int, int)> visit = [&](int k, int used) {
    if (k == dim) {
      Subspace s;
      s.level = l;
      s.count = 1;
      for (int a = 0; a < dim; ++a) {
        s.extent[a] = points_at(l[a]);
        s.count *= s.extent[a];
      }
      std::int64_t stride = 1;
      for (int a = 0; a < dim; ++a) {
        s.stride[a] = stride;
        stride *= s.extent[a];
        if (l[a] == 0) s.boundary_axes[s.boundary_count++] = a;
      }
      // The first axis whose level differs from the previous subspace's (evaluation reuses the
      // product over the axes before it).
      s.depth = 0;
      if (!m_subspaces.empty())
        while (s.depth < dim && m_subspaces.back().level[s.depth] == l[s.depth]) ++s.depth;
      s.offset = m_size;
      m_size += s.count;
      m_subspace_of.emplace(subspace_key(l.data()), static_cast<int>(m_subspaces.size()));
      m_subspaces.push_back(s);
      return;
    }
    for (int v = m_first_level; v <= m_caps[k] && used + v - m_first_level <= level - m_first_level; ++v) {
      l[k] = v;
      visit(k + 1, used + v - m_first_level);
    }
    l[k] = 0;
  };
  visit(0, 0);
}

bool SparseGrid::is_full() const {
  int sum = 0;
  for (int c : m_caps) sum += c - m_first_level;
  return sum <= m_level - m_first_level;
}

std::int64_t SparseGrid::subspace_key(const int* l) const {
  std::int64_t key = 0;
  for (int k = 0; k < m_dim; ++k) key = key * (m_level + 1) + l[k];
  return key;
}

void SparseGrid::level_index(std::int64_t p, int* l, std::int64_t* i) const {
  // The subspace holding p: the last whose offset is <= p.
  const auto it = std::upper_bound(m_subspaces.begin(), m_subspaces.end(), p,
                                   [](std::int64_t v, const Subspace& s) { return v < s.offset; });
  const Subspace& s = *(it - 1);
  std::int64_t rest = p - s.offset;
  for (int k = 0; k < m_dim; ++k) {
    const std::int64_t j = rest % s.extent[k];
    rest /= s.extent[k];
    l[k] = s.level[k];
    i[k] = index_of(s.level[k], j);
  }
}

void SparseGrid::coordinates(std::int64_t p, double* x) const {
  int l[max_dimension];
  std::int64_t i[max_dimension];
  level_index(p, l, i);
  for (int k = 0; k < m_dim; ++k)
    x[k] = m_lo[k] + (m_hi[k] - m_lo[k]) * std::ldexp(static_cast<double>(i[k]), -l[k]);
}

std::int64_t SparseGrid::find(const int* l, const std::int64_t* i) const {
  const auto it = m_subspace_of.find(subspace_key(l));
  if (it == m_subspace_of.end()) return -1;
  const Subspace& s = m_subspaces[static_cast<std::size_t>(it->second)];
  std::int64_t local = 0;
  for (int k = 0; k < m_dim; ++k) {
    if (l[k] > 0 && i[k] % 2 == 0) return -1;
    const std::int64_t j = local_of(l[k], i[k]);
    if (j < 0 || j >= s.extent[k]) return -1;
    local += j * s.stride[k];
  }
  return s.offset + local;
}

void SparseGrid::transform_axis(std::vector<double>& values, int axis, double sign) const {
  // Hierarchisation subtracts the parents' nodal values finest level first (the parents are still
  // nodal); dehierarchisation adds them coarsest first (the parents are already nodal again).
  std::vector<int> order(m_subspaces.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return sign < 0 ? m_subspaces[a].level[axis] > m_subspaces[b].level[axis]
                    : m_subspaces[a].level[axis] < m_subspaces[b].level[axis];
  });
  int l[max_dimension];
  std::int64_t i[max_dimension];
  for (int id : order) {
    const Subspace& s = m_subspaces[static_cast<std::size_t>(id)];
    const int la = s.level[axis];
    if (la == m_first_level) continue;  // the coarsest level has no parents
    for (std::int64_t local = 0; local < s.count; ++local) {
      std::int64_t rest = local;
      for (int k = 0; k < m_dim; ++k) {
        const std::int64_t j = rest % s.extent[k];
        rest /= s.extent[k];
        l[k] = s.level[k];
        i[k] = index_of(s.level[k], j);
      }
      const std::int64_t centre = i[axis];
      auto value_at = [&](std::int64_t position) {  // the node at position * 2^-la along the axis
        int pl = la;
        std::int64_t pi = position;
        reduce(pl, pi);
        l[axis] = pl;
        i[axis] = pi;
        return values[static_cast<std::size_t>(find(l, i))];
      };
      const double parents = coarser_interpolant(m_basis, la, centre, value_at);
      l[axis] = la;
      i[axis] = centre;
      values[static_cast<std::size_t>(s.offset + local)] += sign * parents;
    }
  }
}

void SparseGrid::hierarchize(std::vector<double>& values) const {
  for (int k = 0; k < m_dim; ++k) transform_axis(values, k, -1.0);
}

void SparseGrid::dehierarchize(std::vector<double>& values) const {
  for (int k = m_dim - 1; k >= 0; --k) transform_axis(values, k, +1.0);
}

HJB_HOT double evaluate_boundary_basis(const SparseGrid& g, const std::vector<double>& surpluses,
                                       const double* x, const double* nodal, double* range) {
  const int m_dim = g.m_dim;
  const auto& m_lo = g.m_lo;
  const auto& m_hi = g.m_hi;
  const auto& m_caps = g.m_caps;
  // Per axis and level: the one hat containing u (levels >= 1) or both boundary functions.
  double u[max_dimension];
  for (int k = 0; k < m_dim; ++k) u[k] = std::clamp((x[k] - m_lo[k]) / (m_hi[k] - m_lo[k]), 0.0, 1.0);
  std::int64_t cell[max_dimension][31];
  double hat[max_dimension][31];
  for (int k = 0; k < m_dim; ++k)
    for (int l = 1; l <= m_caps[k]; ++l) {
      const double scaled = std::ldexp(u[k], l);  // 2^l u
      std::int64_t j = static_cast<std::int64_t>(std::floor(0.5 * scaled));
      j = std::clamp<std::int64_t>(j, 0, points_at(l) - 1);
      cell[k][l] = j;
      hat[k][l] = std::max(0.0, 1.0 - std::abs(scaled - static_cast<double>(2 * j + 1)));
    }
  double sum = 0.0;
  double corner[1 << max_dimension];
  for (const SparseGrid::Subspace& s : g.m_subspaces) {
    // The hat of each refined axis (one per axis contains u), then the multilinear interpolation
    // of the 2^z surpluses of the boundary axes' corner block, one axis at a time.
    double weight = 1.0;
    std::int64_t base = s.offset;
    for (int k = 0; k < m_dim; ++k) {
      const int l = s.level[k];
      if (l == 0) continue;
      weight *= hat[k][l];
      base += cell[k][l] * s.stride[k];
    }
    if (weight == 0.0) continue;
    const int z = s.boundary_count;
    if (z == 0) {
      sum += weight * surpluses[static_cast<std::size_t>(base)];
      if (nodal) {
        range[0] = std::min(range[0], nodal[base]);
        range[1] = std::max(range[1], nodal[base]);
      }
      continue;
    }
    const int n_corners = 1 << z;
    for (int bits = 0; bits < n_corners; ++bits) {
      std::int64_t position = base;
      for (int b = 0; b < z; ++b)
        if ((bits >> b) & 1) position += s.stride[s.boundary_axes[b]];
      corner[bits] = surpluses[static_cast<std::size_t>(position)];
      if (nodal) {
        range[0] = std::min(range[0], nodal[position]);
        range[1] = std::max(range[1], nodal[position]);
      }
    }
    for (int b = z - 1; b >= 0; --b) {  // collapse the highest bit: lerp along boundary axis b
      const double t = u[s.boundary_axes[b]];
      const int half = 1 << b;
      for (int c = 0; c < half; ++c) corner[c] = (1.0 - t) * corner[c] + t * corner[c + half];
    }
    sum += weight * corner[0];
  }
  return sum;
}

HJB_HOT double evaluate_extrapolating_basis(const SparseGrid& g, const std::vector<double>& surpluses,
                                            const double* x, const double* nodal, double* range) {
  const int m_dim = g.m_dim;
  const auto& m_lo = g.m_lo;
  const auto& m_hi = g.m_hi;
  const auto& m_caps = g.m_caps;
  // Per axis and level the one function containing u: the constant at level 1, a hat inside, the
  // extrapolating half-line function 2 - |2^l u - i| at the two ends (up to 2 at the boundary).
  std::int64_t cell[max_dimension][31];
  double phi[max_dimension][31];
  for (int k = 0; k < m_dim; ++k) {
    const double u = std::clamp((x[k] - m_lo[k]) / (m_hi[k] - m_lo[k]), 0.0, 1.0);
    cell[k][1] = 0;
    phi[k][1] = 1.0;
    for (int l = 2; l <= m_caps[k]; ++l) {
      const double scaled = std::ldexp(u, l);
      const std::int64_t last = points_at(l) - 1;
      const std::int64_t j = std::clamp<std::int64_t>(static_cast<std::int64_t>(0.5 * scaled), 0, last);
      cell[k][l] = j;
      const double d = scaled - static_cast<double>(2 * j + 1);
      phi[k][l] =
          (j == 0 && d < 0) || (j == last && d > 0) ? 1.0 + std::abs(d) : std::max(0.0, 1.0 - std::abs(d));
    }
  }
  // Subspaces come in lexicographic order of their levels and the strides of a subspace depend only
  // on the levels of the axes before (first axis fastest), so the partial products and offsets of
  // the axes before `depth` carry over from the previous subspace.
  double weight[max_dimension + 1];
  std::int64_t position[max_dimension + 1];
  weight[0] = 1.0;
  position[0] = 0;
  double sum = 0.0;
  for (const SparseGrid::Subspace& s : g.m_subspaces) {
    for (int k = s.depth; k < m_dim; ++k) {
      const int l = s.level[k];
      weight[k + 1] = weight[k] * phi[k][l];
      position[k + 1] = position[k] + cell[k][l] * s.stride[k];
    }
    const std::int64_t node = s.offset + position[m_dim];
    sum += weight[m_dim] * surpluses[static_cast<std::size_t>(node)];
    if (nodal && weight[m_dim] != 0.0) {
      range[0] = std::min(range[0], nodal[node]);
      range[1] = std::max(range[1], nodal[node]);
    }
  }
  return sum;
}

double SparseGrid::evaluate(const std::vector<double>& surpluses, const double* x) const {
  return m_basis == Basis::extrapolating ? evaluate_extrapolating_basis(*this, surpluses, x, nullptr, nullptr)
                                         : evaluate_boundary_basis(*this, surpluses, x, nullptr, nullptr);
}

double SparseGrid::evaluate_limited(const std::vector<double>& surpluses, const std::vector<double>& nodal,
                                    const double* x) const {
  double range[2] = {std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
  const double v = m_basis == Basis::extrapolating
                       ? evaluate_extrapolating_basis(*this, surpluses, x, nodal.data(), range)
                       : evaluate_boundary_basis(*this, surpluses, x, nodal.data(), range);
  return range[0] <= range[1] ? std::clamp(v, range[0], range[1]) : v;
}

double SparseGrid::evaluate_extrapolating(const std::vector<double>& surpluses, const double* x) const {
  return evaluate_extrapolating_basis(*this, surpluses, x, nullptr, nullptr);
}

void SparseGrid::evaluate_batch(const std::vector<double>& surpluses, const double* points,
                                std::int64_t count, double* out) const {
  for (std::int64_t q = 0; q < count; ++q) out[q] = evaluate(surpluses, points + q * m_dim);
}

}  // namespace hjb::sparse
