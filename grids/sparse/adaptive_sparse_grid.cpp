// Spatially adaptive sparse grids: node sets closed under hierarchical parents, refinement and
// coarsening by surplus, (de)hierarchisation and evaluation.
#include "grids/sparse/adaptive_sparse_grid.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace hjb::sparse {

namespace {
std::int64_t points_at(int l) { return l == 0 ? 2 : (std::int64_t{1} << (l - 1)); }
std::int64_t local_of(int l, std::int64_t i) { return l == 0 ? i : (i - 1) / 2; }
void reduce(int& l, std::int64_t& t) {
  while (l > 0 && t % 2 == 0) {
    t /= 2;
    --l;
  }
}
}  // namespace

AdaptiveSparseGrid::AdaptiveSparseGrid(const SparseGrid& regular)
    : m_dim(regular.dimension()),
      m_base_level(regular.level()),
      m_first_level(regular.basis() == Basis::boundary ? 0 : 1),
      m_basis(regular.basis()),
      m_lo(regular.lo()),
      m_hi(regular.hi()),
      m_max_level(static_cast<std::size_t>(regular.dimension()), 0) {
  int l[max_dimension];
  std::int64_t i[max_dimension];
  for (std::int64_t p = 0; p < regular.size(); ++p) {
    regular.level_index(p, l, i);
    insert(l, i);
  }
  m_base.assign(static_cast<std::size_t>(size()), 1);
}

AdaptiveSparseGrid::AdaptiveSparseGrid(int dim, int base_level, std::vector<double> lo,
                                       std::vector<double> hi, Basis basis, const std::vector<int>& levels,
                                       const std::vector<std::int64_t>& indices)
    : m_dim(dim),
      m_base_level(base_level),
      m_first_level(basis == Basis::boundary ? 0 : 1),
      m_basis(basis),
      m_lo(std::move(lo)),
      m_hi(std::move(hi)),
      m_max_level(static_cast<std::size_t>(dim), 0) {
  if (dim < 1 || dim > max_dimension || levels.size() != indices.size() || levels.size() % dim != 0)
    throw std::invalid_argument("adaptive sparse grid: inconsistent node list");
  const std::int64_t count = static_cast<std::int64_t>(levels.size()) / dim;
  for (std::int64_t p = 0; p < count; ++p) {
    const int* l = &levels[p * dim];
    const std::int64_t* i = &indices[p * dim];
    for (int k = 0; k < dim; ++k)
      if (l[k] < m_first_level || l[k] > 30 || i[k] < 0 || i[k] > (std::int64_t{1} << l[k]) ||
          (l[k] > 0 && i[k] % 2 == 0))
        throw std::invalid_argument("adaptive sparse grid: node " + std::to_string(p) + " is not a node");
    if (find(l, i) >= 0)
      throw std::invalid_argument("adaptive sparse grid: node " + std::to_string(p) + " is repeated");
    insert(l, i, false);
  }
  // Closed under parents: every node's hierarchical parents along every axis are present.
  for (std::int64_t p = 0; p < count; ++p)
    if (!parents_present(&levels[p * dim], &indices[p * dim]))
      throw std::invalid_argument("adaptive sparse grid: a hierarchical parent of node " + std::to_string(p) +
                                  " is missing (not a closed node set)");
  m_base.assign(static_cast<std::size_t>(size()), 0);
  for (std::int64_t p = 0; p < size(); ++p) {
    int sum = 0;
    for (int k = 0; k < dim; ++k) sum += m_level[p * dim + k] - m_first_level;
    m_base[p] = sum <= base_level - m_first_level;
  }
}

AdaptiveSparseGrid::AdaptiveSparseGrid(const SparseGrid& regular, const std::vector<int>& levels,
                                       const std::vector<std::int64_t>& indices)
    : AdaptiveSparseGrid(regular.dimension(), regular.level(), regular.lo(), regular.hi(), regular.basis(),
                         levels, indices) {
  for (std::int64_t p = 0; p < size(); ++p) {
    const int* l = &m_level[p * m_dim];
    bool within = true;  // SparseGrid::find's subspace key is unique only up to the grid's caps
    for (int k = 0; k < m_dim; ++k) within = within && l[k] <= regular.max_level(k);
    m_base[p] = within && regular.find(l, &m_index[p * m_dim]) >= 0;
  }
}

std::int64_t AdaptiveSparseGrid::local_index(const Subspace& s, const std::int64_t* i) const {
  std::int64_t local = 0, stride = 1;
  for (int k = 0; k < m_dim; ++k) {
    local += local_of(s.level[k], i[k]) * stride;
    stride *= s.extent[k];
  }
  return local;
}

void AdaptiveSparseGrid::coordinates(std::int64_t p, double* x) const {
  for (int k = 0; k < m_dim; ++k)
    x[k] = m_lo[k] + (m_hi[k] - m_lo[k]) *
                         std::ldexp(static_cast<double>(m_index[p * m_dim + k]), -m_level[p * m_dim + k]);
}

void AdaptiveSparseGrid::level_index(std::int64_t p, int* l, std::int64_t* i) const {
  for (int k = 0; k < m_dim; ++k) {
    l[k] = m_level[p * m_dim + k];
    i[k] = m_index[p * m_dim + k];
  }
}

std::int64_t AdaptiveSparseGrid::find(const int* l, const std::int64_t* i) const {
  const auto it = m_subspace_of.find(std::vector<int>(l, l + m_dim));
  if (it == m_subspace_of.end()) return -1;
  const Subspace& s = m_subspaces[it->second];
  for (int k = 0; k < m_dim; ++k) {
    if (l[k] > 0 && i[k] % 2 == 0) return -1;
    const std::int64_t j = local_of(l[k], i[k]);
    if (j < 0 || j >= s.extent[k]) return -1;
  }
  return s.node_at(local_index(s, i));
}

std::int64_t AdaptiveSparseGrid::insert(const int* l, const std::int64_t* i, bool with_parents) {
  const std::int64_t existing = find(l, i);
  if (existing >= 0) return existing;
  const std::int64_t p = size();
  for (int k = 0; k < m_dim; ++k) {
    m_level.push_back(l[k]);
    m_index.push_back(i[k]);
  }
  index_node(p);
  m_base.push_back(0);
  if (!with_parents) return p;
  for_each_parent(l, i, [&](const int* pl, const std::int64_t* pi) {  // recursively
    insert(pl, pi);
    return true;
  });
  return p;
}

template <class Visit>
bool AdaptiveSparseGrid::for_each_parent(const int* l, const std::int64_t* i, Visit&& visit) const {
  // Level 1 hangs below both boundary nodes (boundary basis) or is the root (extrapolating);
  // level l >= 2 below (l - 1, 2 floor(i/4) + 1).
  int pl[max_dimension];
  std::int64_t pi[max_dimension];
  for (int k = 0; k < m_dim; ++k) {
    if (l[k] <= m_first_level) continue;
    std::copy(l, l + m_dim, pl);
    std::copy(i, i + m_dim, pi);
    if (l[k] == 1) {
      pl[k] = 0;
      for (std::int64_t side : {0, 1}) {
        pi[k] = side;
        if (!visit(pl, pi)) return false;
      }
    } else {
      pl[k] = l[k] - 1;
      pi[k] = 2 * (i[k] / 4) + 1;
      if (!visit(pl, pi)) return false;
    }
  }
  return true;
}

bool AdaptiveSparseGrid::parents_present(const int* l, const std::int64_t* i) const {
  return for_each_parent(l, i, [&](const int* pl, const std::int64_t* pi) { return find(pl, pi) >= 0; });
}

void AdaptiveSparseGrid::index_node(std::int64_t p) {
  const int* l = &m_level[p * m_dim];
  auto [it, created] = m_subspace_of.try_emplace(std::vector<int>(l, l + m_dim), 0);
  if (created) {
    // Its place in the level order: after its predecessor in the map; later subspaces move up one.
    const std::size_t at = it == m_subspace_of.begin() ? 0 : std::prev(it)->second + 1;
    for (auto later = std::next(it); later != m_subspace_of.end(); ++later) ++later->second;
    it->second = at;
    Subspace fresh;
    fresh.level = it->first;
    for (int k = 0; k < m_dim; ++k) {
      fresh.extent.push_back(points_at(l[k]));
      fresh.total *= fresh.extent.back();
    }
    m_subspaces.insert(m_subspaces.begin() + static_cast<std::ptrdiff_t>(at), std::move(fresh));
    m_children_stale = true;
  }
  m_node_children_stale = true;
  Subspace& s = m_subspaces[it->second];
  s.node_of.emplace(local_index(s, &m_index[p * m_dim]), p);
  if (static_cast<std::int64_t>(s.node_of.size()) == s.total) {  // complete: a plain array from now on
    s.dense.assign(static_cast<std::size_t>(s.total), -1);
    for (const auto& [local, node] : s.node_of) s.dense[static_cast<std::size_t>(local)] = node;
    s.node_of = {};
  }
  for (int k = 0; k < m_dim; ++k) m_max_level[k] = std::max(m_max_level[k], l[k]);
}

void AdaptiveSparseGrid::rebuild_index() {
  m_subspaces.clear();
  m_subspace_of.clear();
  m_children_stale = true;
  std::fill(m_max_level.begin(), m_max_level.end(), 0);
  for (std::int64_t p = 0; p < size(); ++p) index_node(p);
}

void AdaptiveSparseGrid::transform_axis(std::vector<double>& values, int axis, double sign) const {
  // As SparseGrid::transform_axis: finest level first when hierarchising, coarsest first back.
  std::vector<std::int64_t> order(static_cast<std::size_t>(size()));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
    const int la = m_level[a * m_dim + axis], lb = m_level[b * m_dim + axis];
    return sign < 0 ? la > lb : la < lb;
  });
  int l[max_dimension];
  std::int64_t i[max_dimension];
  for (std::int64_t p : order) {
    level_index(p, l, i);
    const int la = l[axis];
    if (la == m_first_level) continue;
    const std::int64_t centre = i[axis];
    auto value_at = [&](std::int64_t position) {
      int pl = la;
      std::int64_t pi = position;
      reduce(pl, pi);
      l[axis] = pl;
      i[axis] = pi;
      const std::int64_t q = find(l, i);
      if (q < 0) throw std::logic_error("adaptive sparse grid: a hierarchical parent is missing");
      return values[static_cast<std::size_t>(q)];
    };
    const double parents = coarser_interpolant(m_basis, la, centre, value_at);
    values[static_cast<std::size_t>(p)] += sign * parents;
  }
}

void AdaptiveSparseGrid::hierarchize(std::vector<double>& values) const {
  for (int k = 0; k < m_dim; ++k) transform_axis(values, k, -1.0);
}

void AdaptiveSparseGrid::dehierarchize(std::vector<double>& values) const {
  for (int k = m_dim - 1; k >= 0; --k) transform_axis(values, k, +1.0);
}

std::int64_t AdaptiveSparseGrid::refine(const std::vector<double>& surpluses, std::vector<double>& values,
                                        double threshold, int max_level, bool limited) {
  const std::int64_t before = size();
  int l[max_dimension], cl[max_dimension];
  std::int64_t i[max_dimension], ci[max_dimension];
  for (std::int64_t p = 0; p < before; ++p) {
    if (!(std::abs(surpluses[p]) > threshold)) continue;
    level_index(p, l, i);
    for (int k = 0; k < m_dim; ++k) {
      if (l[k] >= max_level) continue;
      std::copy(l, l + m_dim, cl);
      std::copy(i, i + m_dim, ci);
      if (l[k] == 0) {
        cl[k] = 1;
        ci[k] = 1;
        insert(cl, ci);
        continue;
      }
      cl[k] = l[k] + 1;
      for (std::int64_t c : {2 * i[k] - 1, 2 * i[k] + 1}) {
        ci[k] = c;
        insert(cl, ci);
      }
    }
  }
  double x[max_dimension];
  // Into a copy first: a limited value's range is that of the nodes present before.
  std::vector<double> added(static_cast<std::size_t>(size() - before));
  for (std::int64_t p = before; p < size(); ++p) {
    coordinates(p, x);
    added[static_cast<std::size_t>(p - before)] =
        limited ? evaluate_limited(surpluses, values, x) : evaluate(surpluses, x);
  }
  values.insert(values.end(), added.begin(), added.end());
  return size() - before;
}

bool AdaptiveSparseGrid::adapt(std::vector<double>& surpluses, std::vector<double>& values, double threshold,
                               double coarsen_threshold, int max_level, bool limited) {
  const std::int64_t removed = coarsen(surpluses, values, coarsen_threshold, threshold);
  const std::int64_t added = refine(surpluses, values, threshold, max_level, limited);
  return removed > 0 || added > 0;
}

std::int64_t AdaptiveSparseGrid::coarsen(std::vector<double>& surpluses, std::vector<double>& values,
                                         double threshold, double refine_threshold) {
  int l[max_dimension];
  std::int64_t i[max_dimension];
  std::vector<char> keep(static_cast<std::size_t>(size()), 1);
  std::int64_t removed = 0;
  for (std::int64_t p = 0; p < size(); ++p) {
    if (m_base[p] || std::abs(surpluses[p]) >= threshold) continue;
    level_index(p, l, i);
    bool leaf = true;
    for (int k = 0; k < m_dim && leaf; ++k) {
      const int lk = l[k];
      const std::int64_t ik = i[k];
      l[k] = lk == 0 ? 1 : lk + 1;
      for (std::int64_t c :
           lk == 0 ? std::vector<std::int64_t>{1} : std::vector<std::int64_t>{2 * ik - 1, 2 * ik + 1}) {
        i[k] = c;
        if (find(l, i) >= 0) leaf = false;
      }
      l[k] = lk;
      i[k] = ik;
    }
    // A leaf that refinement would add again (a parent's surplus above its threshold) stays.
    if (leaf && refine_threshold < std::numeric_limits<double>::infinity())
      leaf = for_each_parent(l, i, [&](const int* pl, const std::int64_t* pi) {
        const std::int64_t q = find(pl, pi);
        return q < 0 || !(std::abs(surpluses[q]) > refine_threshold);
      });
    if (leaf) {
      keep[p] = 0;
      ++removed;
    }
  }
  if (removed == 0) return 0;
  std::int64_t q = 0;
  for (std::int64_t p = 0; p < size(); ++p) {
    if (!keep[p]) continue;
    for (int k = 0; k < m_dim; ++k) {
      m_level[q * m_dim + k] = m_level[p * m_dim + k];
      m_index[q * m_dim + k] = m_index[p * m_dim + k];
    }
    m_base[q] = m_base[p];
    surpluses[q] = surpluses[p];
    values[q] = values[p];
    ++q;
  }
  m_level.resize(static_cast<std::size_t>(q * m_dim));
  m_index.resize(static_cast<std::size_t>(q * m_dim));
  m_base.resize(static_cast<std::size_t>(q));
  surpluses.resize(static_cast<std::size_t>(q));
  values.resize(static_cast<std::size_t>(q));
  rebuild_index();
  return removed;
}

}  // namespace hjb::sparse
