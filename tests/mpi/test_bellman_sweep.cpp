// Action elimination in the Bellman sweep (solver/algorithms/bellman_sweep.hpp): value iteration
// with a SweepMemory gives, sweep by sweep, the same values and greedy actions bit for bit as plain
// sweeps, on any rank count — while most nodes evaluate one action once the values settle.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "problems/mountain_car.hpp"
#include "problems/pendulum.hpp"
#include "solver/algorithms/stationary.hpp"
#include "test_solver_helpers.hpp"

using namespace hjb;

namespace {

std::vector<double> owned_values(Vec v) {
  PetscInt n;
  VecGetLocalSize(v, &n);
  const PetscScalar* a;
  VecGetArrayRead(v, &a);
  std::vector<double> out(a, a + n);
  VecRestoreArrayRead(v, &a);
  return out;
}

bool bitwise_equal(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

}  // namespace

TEST(BellmanSweep, ValueIterationWithActionEliminationEqualsPlainSweepsBitForBit) {
  const problems::Pendulum pendulum;
  const auto axes = hjb::testing::problem_axes<problems::Pendulum>(pendulum, {61, 61});
  TensorGrid<2> grid(PETSC_COMM_WORLD, axes);
  ControlledChain<problems::Pendulum> chain(pendulum, grid, 11);
  const double gamma = 0.9;
  const OwnedVec plain = grid.create_vector(), remembered = grid.create_vector(), out = grid.create_vector();
  VecSet(plain, 0.0);
  VecSet(remembered, 0.0);
  std::vector<int> plain_policy, remembered_policy;
  SweepMemory memory;
  long sweeps = 0, mismatches = 0, late_skips = 0, nodes_late = 0;
  double residual = INFINITY;
  for (; sweeps < 400 && residual > 1e-10; ++sweeps) {
    residual = chain.bellman(plain, out, gamma, plain_policy, "plain");
    VecCopy(out, plain);
    const double r = chain.bellman(remembered, out, gamma, remembered_policy, "remembered", &memory);
    VecCopy(out, remembered);
    mismatches += r != residual || remembered_policy != plain_policy ||
                  !bitwise_equal(owned_values(plain), owned_values(remembered));
    if (residual < 1e-6) {  // settled: count the nodes that evaluated one action
      late_skips += memory.last_skipped();
      nodes_late += grid.owned_count();
    }
  }
  EXPECT_EQ(mismatches, 0) << "of " << sweeps << " sweeps";
  EXPECT_LE(residual, 1e-10) << "value iteration did not converge in " << sweeps << " sweeps";
  // The elimination happens: once the residual is small, most nodes keep their action unevaluated
  // against the others (measured: 0.73 of the node-sweeps below a residual of 1e-6).
  ASSERT_GT(nodes_late, 0);
  EXPECT_GT(static_cast<double>(late_skips) / static_cast<double>(nodes_late), 0.5)
      << "skipped share " << static_cast<double>(late_skips) / static_cast<double>(nodes_late);
}

TEST(BellmanSweep, TheSolversValueIterationEndsOnAPlainSweepsGreedyPolicyHavingSkipped) {
  const problems::Pendulum pendulum;
  const auto axes = hjb::testing::problem_axes<problems::Pendulum>(pendulum, {41, 41});
  TensorGrid<2> grid(PETSC_COMM_WORLD, axes);
  StationaryOptions o;
  o.actions = 9;
  o.policy_iteration = false;
  o.progress_seconds = INFINITY;
  StationarySolver<problems::Pendulum> solver(pendulum, grid, o);
  const OwnedVec v = grid.create_vector();
  VecSet(v, 0.0);
  const SolveSummary s = solver.solve(v);
  ASSERT_EQ(s.termination, Termination::converged);
  // Its last sweep is a greedy step on the converged values: the same values and actions as a
  // plain sweep of the chain on them.
  const OwnedVec out = grid.create_vector();
  std::vector<int> policy;
  ControlledChain<problems::Pendulum> chain(pendulum, grid, 9);
  chain.bellman(v, out, solver.discount(), policy, "check");
  // The solver's v is its last sweep's input, its policy that sweep's argmin.
  EXPECT_EQ(policy, solver.policy());
  EXPECT_GT(solver.last_sweep_skipped(), 0);
}

// The chain's build (the feet's cells located per axis for all of a node's actions at once,
// locate_many; owned cells numbered by position, the others through the gathered nodes) gives every
// row the transition semi_lagrangian_transition forms through cell_weights, bit for bit: cost,
// corner weights and corner nodes — on a periodic axis with its seam (Pendulum) and with terminal
// steps on clamped axes (MountainCar), on 1 and 3 ranks (block edges: irregular cells).
template <class P>
void expect_rows_are_the_transitions(const P& problem, int actions) {
  const auto axes = hjb::testing::problem_axes<P>(problem, {41, 37});
  TensorGrid<2> grid(PETSC_COMM_WORLD, axes);
  const ControlledChain<P> chain(problem, grid, actions);
  long rows = 0, equal = 0, terminal = 0;
  for (std::int64_t l = 0; l < grid.owned_count(); ++l) {
    const auto x = grid.coordinates(grid.owned_node(l));
    for (std::int64_t k = 0; k < chain.action_count(); ++k, ++rows) {
      const Transition<2> t = semi_lagrangian_transition(problem, axes, x, chain.actions()[k]);
      const std::int64_t row = l * chain.action_count() + k;
      const double cost = chain.cost(l, k);
      bool same = std::memcmp(&cost, &t.cost, sizeof(double)) == 0;
      for (int c = 0; c < 4; ++c) {
        const double w = chain.weight(row, c);
        same = same && std::memcmp(&w, &t.cell.weight[c], sizeof(double)) == 0 &&
               (t.terminal ? chain.corner_index(row, c) == -1
                           : chain.corner_index(row, c) == grid.petsc_index(t.cell.node[c]));
      }
      equal += same;
      terminal += t.terminal;
    }
  }
  long all[3] = {rows, equal, terminal}, sum[3];
  MPI_Allreduce(all, sum, 3, MPI_LONG, MPI_SUM, PETSC_COMM_WORLD);
  EXPECT_EQ(sum[1], sum[0]) << P::name();
  EXPECT_GT(sum[0], 0);
  if constexpr (HasTerminalStates<P>) {
    EXPECT_GT(sum[2], 0) << "no terminal step exercised";
  }
}

TEST(BellmanSweep, EveryRowOfTheChainIsTheSemiLagrangianTransitionBitForBit) {
  expect_rows_are_the_transitions(problems::Pendulum{}, 9);
  expect_rows_are_the_transitions(problems::MountainCar{}, 7);
}
