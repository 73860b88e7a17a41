// Properties of the time-dependent solver that hold for any problem: tubes only grow, obstacles
// are never entered, snapshots arrive at their times, and NaN/Inf stops every rank with the same
// error naming the step and node.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <functional>

#include "problems/air3d.hpp"
#include "problems/dubins_car.hpp"
#include "solver/run/time_dependent_run.hpp"
#include "solver/schemes/dynamics_cache.hpp"
#include "test_solver_helpers.hpp"

using namespace hjb;

namespace {

TimeDependentOptions quick(ReachMode mode) {
  TimeDependentOptions o;
  o.derivative = DerivativeScheme::eno2;
  o.integrator = TimeIntegrator::rk2;
  o.mode = mode;
  o.horizon = 1.0;
  o.progress_seconds = INFINITY;
  return o;
}

/// Dubins car whose dynamics turn NaN on the half-plane x > 2 after time t < -0.2.
/// Dubins car's features less `autonomous`: its dynamics depend on t (the solvers would otherwise
/// evaluate them once, at t = 0, and never meet the NaN).
constexpr ProblemFeatures time_varying_dubins() {
  ProblemFeatures f = declared_features<problems::DubinsCar>();
  f.autonomous = false;
  return f;
}

struct PoisonedCar : problems::DubinsCar {
  static constexpr ProblemFeatures features = time_varying_dubins();
  AffineDynamics<3, 1, 2> affine(const State<3>& s, double t) const {
    auto f = DubinsCar::affine(s, t);
    if (s[0] > 2.0 && t < -0.2) f.drift[0] = NAN;
    return f;
  }
};

/// Dubins car whose dynamics turn NaN on the last rank only, after the first few steps.
struct PoisonedOnOneRank : problems::DubinsCar {
  static constexpr ProblemFeatures features = time_varying_dubins();
  int rank = 0, poisoned = 0;
  PoisonedOnOneRank() {
    int size;
    MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
    MPI_Comm_size(PETSC_COMM_WORLD, &size);
    poisoned = size - 1;
  }
  AffineDynamics<3, 1, 2> affine(const State<3>& s, double t) const {
    auto f = DubinsCar::affine(s, t);
    if (rank == poisoned && t < -0.1) f.drift[1] = NAN;
    return f;
  }
};

}  // namespace

TEST(SolverBehaviour, NanOnOneRankStopsEveryRankWithExitCode4AndNoTable) {
  std::string dir = std::filesystem::temp_directory_path().string() + "/hjb_nan_" + std::to_string(getpid());
  int length = static_cast<int>(dir.size());
  MPI_Bcast(&length, 1, MPI_INT, 0, PETSC_COMM_WORLD);
  dir.resize(length);
  MPI_Bcast(dir.data(), length, MPI_CHAR, 0, PETSC_COMM_WORLD);
  int rank;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (rank == 0) std::filesystem::create_directories(dir);
  MPI_Barrier(PETSC_COMM_WORLD);
  SolveConfig config;
  config.problem.name = "dubins_car";
  config.grid.shape = {21, 21, 16};
  config.time_dependent = quick(ReachMode::tube);
  config.output.file = dir + "/table.h5";
  config.checkpoint.file = config.output.file + ".ckpt";
  int code = 0;
  std::string message;
  try {
    run_time_dependent<PoisonedOnOneRank>(PETSC_COMM_WORLD, config);
  } catch (const Error& e) {
    code = static_cast<int>(e.code());
    message = e.what();
  }
  int lowest, highest;
  MPI_Allreduce(&code, &lowest, 1, MPI_INT, MPI_MIN, PETSC_COMM_WORLD);
  MPI_Allreduce(&code, &highest, 1, MPI_INT, MPI_MAX, PETSC_COMM_WORLD);
  EXPECT_EQ(lowest, 4) << message;
  EXPECT_EQ(highest, 4) << message;
  MPI_Barrier(PETSC_COMM_WORLD);
  int files = 0;
  if (rank == 0) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      std::printf("  left behind: %s\n", entry.path().c_str());
      ++files;
    }
    std::filesystem::remove_all(dir);
  }
  MPI_Bcast(&files, 1, MPI_INT, 0, PETSC_COMM_WORLD);
  EXPECT_EQ(files, 0) << "no table (nor temporary file) may be left";
}

TEST(SolverBehaviour, TubeSnapshotsDecreaseMonotonicallyAndArriveAtTheirTimes) {
  problems::DubinsCar car;
  const auto axes = hjb::testing::problem_axes(car, {31, 31, 24});
  TensorGrid<3> grid(PETSC_COMM_WORLD, axes);
  auto o = quick(ReachMode::tube);
  o.snapshots = 4;
  TimeDependentSolver<problems::DubinsCar> solver(car, grid, o);
  const OwnedVec v = grid.create_vector();
  OwnedVec previous;
  VecDuplicate(v, previous.out());
  solver.set_initial(v);
  std::vector<double> times;
  double max_increase = -INFINITY;
  solver.solve(v, [&](int k, double t, Vec values) {
    times.push_back(t);
    if (k > 0) {
      OwnedVec d;
      VecDuplicate(values, d.out());
      VecWAXPY(d, -1.0, previous, values);  // d = values - previous
      PetscReal m;
      VecMax(d, nullptr, &m);
      max_increase = std::max(max_increase, static_cast<double>(m));
    }
    VecCopy(values, previous);
  });
  EXPECT_EQ(times, (std::vector<double>{0.0, -0.25, -0.5, -0.75, -1.0}));
  EXPECT_LE(max_increase, 0.0) << "a backward reachable tube can only grow";
}

TEST(SolverBehaviour, ObstaclesAreNeverEnteredAndOnlyRaiseTheValue) {
  problems::DubinsCar free_car, blocked_car;
  blocked_car.obstacle_x = 2.0;
  blocked_car.obstacle_radius = 0.75;
  const auto axes = hjb::testing::problem_axes(free_car, {41, 41, 24});
  // First order + forward Euler under the CFL limit is a monotone scheme, so the comparison
  // principle (a larger initial value and a projection from above give a larger solution) holds
  // exactly for the discrete solutions too.
  auto o = quick(ReachMode::tube);
  o.derivative = DerivativeScheme::upwind1;
  o.integrator = TimeIntegrator::rk1;
  const auto free_v = hjb::testing::solve_and_gather(PETSC_COMM_WORLD, free_car, axes, o);
  const auto blocked_v = hjb::testing::solve_and_gather(PETSC_COMM_WORLD, blocked_car, axes, o);
  TensorGrid<3> grid(PETSC_COMM_SELF, axes);
  long violations = 0, raised = 0;
  for (std::int64_t k = 0; k < grid.global_count(); ++k) {
    const auto x = grid.coordinates(grid.from_natural_index(k));
    if (blocked_car.obstacle(x) <= 0.0 && blocked_v[k] < -blocked_car.obstacle(x)) ++violations;
    if (blocked_v[k] < free_v[k] - 1e-12) ++violations;
    if (blocked_v[k] > free_v[k] + 1e-6) ++raised;
  }
  EXPECT_EQ(violations, 0);
  EXPECT_GT(raised, 0) << "the obstacle must change the solution somewhere";
}

namespace {
/// Runs `solve`, which must throw NumericalError on every rank (a collective decision); returns
/// this rank's message.
std::string numerical_error_on_every_rank(const std::function<void()>& solve) {
  int caught = 0;
  std::string message;
  try {
    solve();
  } catch (const NumericalError& e) {
    caught = 1;
    message = e.what();
  }
  int everywhere;
  MPI_Allreduce(&caught, &everywhere, 1, MPI_INT, MPI_MIN, PETSC_COMM_WORLD);
  EXPECT_EQ(everywhere, 1) << "every rank must raise the NumericalError";
  return message;
}
}  // namespace

TEST(SolverBehaviour, NonFiniteValuesStopEveryRankWithTheStepAndNode) {
  PoisonedCar car;
  const auto axes = hjb::testing::problem_axes<problems::DubinsCar>(car, {21, 21, 16});
  TensorGrid<3> grid(PETSC_COMM_WORLD, axes);
  TimeDependentSolver<PoisonedCar> solver(car, grid, quick(ReachMode::set));
  const OwnedVec v = grid.create_vector();
  solver.set_initial(v);
  const std::string message =
      numerical_error_on_every_rank([&] { solver.solve(v, [](int, double, Vec) {}); });
  EXPECT_NE(message.find("non-finite value at step"), std::string::npos) << message;
  EXPECT_NE(message.find("x0 = "), std::string::npos) << message;
}

#include "problems/mountain_car.hpp"
#include "problems/pendulum.hpp"
#include "solver/algorithms/stationary.hpp"

namespace {
/// Pendulum whose step cost is NaN in one corner of the state space (owned by one rank); its state
/// part is poisoned too, so the declared split still holds.
struct PoisonedPendulum : problems::Pendulum {
  static bool poisoned(const State<2>& s) { return s[0] > 2.5 && s[1] > 6.0; }
  double step_cost(const State<2>& s, const Point<1>& a) const {
    return poisoned(s) ? NAN : Pendulum::step_cost(s, a);
  }
  double state_step_cost(const State<2>& s) const { return poisoned(s) ? NAN : Pendulum::state_step_cost(s); }
};

/// Pendulum whose step cost differs from the declared split in one corner of the state space, by
/// one unit in the last place: a problem definition the chain must refuse.
struct MisdeclaredPendulum : problems::Pendulum {
  double step_cost(const State<2>& s, const Point<1>& a) const {
    const double c = Pendulum::step_cost(s, a);
    return s[0] > 2.5 && s[1] > 6.0 ? std::nextafter(c, INFINITY) : c;
  }
};
}  // namespace

TEST(SolverBehaviour, ASeparableCostIsStoredPerNodeAndActionAndEqualsTheStepCost) {
  static_assert(ControlledChain<problems::Pendulum>::separable_cost);
  static_assert(!ControlledChain<problems::MountainCar>::separable_cost);  // terminal steps
  const problems::Pendulum pendulum;
  const auto axes = hjb::testing::problem_axes<problems::Pendulum>(pendulum, {31, 31});
  TensorGrid<2> grid(PETSC_COMM_WORLD, axes);
  const ControlledChain<problems::Pendulum> chain(pendulum, grid, 5);
  long rows = 0, equal = 0;
  for (std::int64_t l = 0; l < grid.owned_count(); ++l)
    for (std::int64_t k = 0; k < chain.action_count(); ++k, ++rows)
      equal +=
          chain.cost(l, k) == pendulum.step_cost(grid.coordinates(grid.owned_node(l)), chain.actions()[k]);
  EXPECT_EQ(equal, rows);
  EXPECT_GT(rows, 0);
}

TEST(SolverBehaviour, AStepCostThatIsNotItsDeclaredSplitStopsEveryRankNamingTheState) {
  const MisdeclaredPendulum pendulum;
  const auto axes = hjb::testing::problem_axes<problems::Pendulum>(pendulum, {31, 31});
  TensorGrid<2> grid(PETSC_COMM_WORLD, axes);
  std::string message;
  try {
    const ControlledChain<MisdeclaredPendulum> chain(pendulum, grid, 5);
  } catch (const RuntimeError& e) {
    message = e.what();
  }
  // Every rank threw (the rank owning the corner with its own text, the others with its rank's).
  EXPECT_NE(message.find("declares a separable step cost"), std::string::npos) << message;
  EXPECT_NE(message.find("step_cost must return exactly that sum"), std::string::npos) << message;
}

TEST(SolverBehaviour, NanInPolicyIterationStopsEveryRankNamingTheNode) {
  PoisonedPendulum pendulum;
  const auto axes = hjb::testing::problem_axes<problems::Pendulum>(pendulum, {31, 31});
  TensorGrid<2> grid(PETSC_COMM_WORLD, axes);
  StationaryOptions o;
  o.actions = 5;
  o.progress_seconds = INFINITY;
  StationarySolver<PoisonedPendulum> solver(pendulum, grid, o);
  const OwnedVec v = grid.create_vector();
  VecSet(v, 0.0);
  const std::string message = numerical_error_on_every_rank([&] { solver.solve(v); });
  EXPECT_NE(message.find("x0 = "), std::string::npos) << message;
}

#include "solver/algorithms/finite_horizon.hpp"

TEST(SolverBehaviour, NanInTheFiniteHorizonRecursionStopsEveryRankNamingStageAndNode) {
  PoisonedPendulum pendulum;
  const auto axes = hjb::testing::problem_axes<problems::Pendulum>(pendulum, {31, 31});
  TensorGrid<2> grid(PETSC_COMM_WORLD, axes);
  FiniteHorizonSolver<PoisonedPendulum> solver(pendulum, grid, 5, 10, INFINITY);
  const OwnedVec v = grid.create_vector();
  VecSet(v, 0.0);
  int stages_seen = 0;
  const std::string message = numerical_error_on_every_rank([&] {
    solver.solve(v, 9, [&](long, Vec, const std::vector<int>&) {
      ++stages_seen;
      return Termination::horizon_reached;
    });
  });
  EXPECT_EQ(stages_seen, 0);  // the first stage (k = 9) already fails: no table data is handed on
  EXPECT_NE(message.find("stage 9"), std::string::npos) << message;
  EXPECT_NE(message.find("x0 = "), std::string::npos) << message;
}

#include "problems/stationary_benchmarks.hpp"

namespace {
/// Merton whose cost rate is NaN at large wealth (owned by the last rank).
struct PoisonedMerton : problems::Merton {
  double cost_rate(const std::array<double, 1>& w, const Point<2>& c) const {
    return w[0] > 1.5 ? NAN : Merton::cost_rate(w, c);
  }
};
}  // namespace

TEST(SolverBehaviour, NanInAMarkovChainApproximationStopsEveryRankNamingTheNode) {
  PoisonedMerton merton;
  std::array<Axis, 1> axes{Axis{"wealth", 0.0, 2.0, 41, false}};
  TensorGrid<1> grid(PETSC_COMM_WORLD, axes);
  StationaryOptions o;
  o.actions = 5;
  o.progress_seconds = INFINITY;
  ChainSchemeOptions scheme;
  scheme.scheme = ChainScheme::kushner_dupuis;
  StationarySolver<PoisonedMerton, SparseChain<PoisonedMerton>> solver(merton, grid, o, scheme);
  const OwnedVec v = grid.create_vector();
  VecSet(v, 0.0);
  const std::string message = numerical_error_on_every_rank([&] { solver.solve(v); });
  EXPECT_NE(message.find("wealth = "), std::string::npos) << message;
}

#include <algorithm>
#include <map>
#include <random>

#include "solver/algorithms/local_ilu.hpp"

namespace {
/// The local rows (global, sorted columns) of I - gamma P for a random stochastic P with 4
/// successors per row, some of them on other ranks' blocks: an M-matrix like a policy's.
struct RandomPolicyMatrix {
  std::vector<PetscInt> row_start{0}, columns;
  std::vector<PetscScalar> entries;
  RandomPolicyMatrix(PetscInt first, PetscInt n, PetscInt global, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<PetscInt> near(-40, 40);
    std::uniform_real_distribution<double> weight(0.05, 1.0);
    for (PetscInt i = first; i < first + n; ++i) {
      std::map<PetscInt, double> row{{i, 1.0}};
      double w[4], sum = 0.0;
      for (double& x : w) sum += (x = weight(rng));
      for (double x : w) row[std::clamp<PetscInt>(i + near(rng), 0, global - 1)] -= 0.99 * x / sum;
      for (const auto& [c, v] : row) {
        columns.push_back(c);
        entries.push_back(v);
      }
      row_start.push_back(static_cast<PetscInt>(columns.size()));
    }
  }
};
}  // namespace

TEST(SolverBehaviour, LocalIluMatchesPetscsBlockJacobiIluToSinglePrecisionOnEveryRankCount) {
  int rank, size;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  const PetscInt global = 3000, n = global / size + (rank < global % size ? 1 : 0);
  PetscInt first = 0;
  MPI_Exscan(&n, &first, 1, MPIU_INT, MPI_SUM, PETSC_COMM_WORLD);
  if (rank == 0) first = 0;
  RandomPolicyMatrix m(first, n, global, 17u + static_cast<unsigned>(rank));
  Mat a;
  ASSERT_EQ(MatCreateMPIAIJWithArrays(PETSC_COMM_WORLD, n, n, global, global, m.row_start.data(),
                                      m.columns.data(), m.entries.data(), &a),
            0);
  PC pc;  // PETSc's: block Jacobi, one block per rank, ILU(0) inside
  PCCreate(PETSC_COMM_WORLD, &pc);
  PCSetType(pc, PCBJACOBI);
  PCSetOperators(pc, a, a);
  PCSetUp(pc);
  KSP* sub;
  PetscInt blocks;
  PCBJacobiGetSubKSP(pc, &blocks, nullptr, &sub);
  PC sub_pc;
  KSPGetPC(sub[0], &sub_pc);
  PCSetType(sub_pc, PCILU);
  PCSetUp(pc);
  Vec x, y;
  MatCreateVecs(a, &x, &y);
  PetscRandom random;
  PetscRandomCreate(PETSC_COMM_WORLD, &random);
  VecSetRandom(x, random);
  PCApply(pc, x, y);
  LocalIlu0 ilu;
  ilu.factor(n, first, m.row_start.data(), m.columns.data(), m.entries.data());
  std::vector<PetscScalar> ours(static_cast<std::size_t>(n));
  const PetscScalar *in, *theirs;
  VecGetArrayRead(x, &in);
  VecGetArrayRead(y, &theirs);
  ilu.solve(in, ours.data());
  double difference = 0.0, scale = 0.0;
  for (PetscInt i = 0; i < n; ++i) {
    difference = std::max(difference, std::abs(ours[i] - theirs[i]));
    scale = std::max(scale, std::abs(theirs[i]));
  }
  VecRestoreArrayRead(y, &theirs);
  VecRestoreArrayRead(x, &in);
  // The factor's entries are kept in single precision: equal to PETSc's double-precision ILU(0)
  // to about that precision (a wrong elimination differs by the order of the result itself).
  EXPECT_GT(scale, 0.1);
  EXPECT_LE(difference, 1e-6 * scale) << "rank " << rank << " of " << size;
  if (rank == 0) std::printf("max |ours - PETSc's| = %.3g (max |PETSc's| = %.3g)\n", difference, scale);
  PetscRandomDestroy(&random);
  VecDestroy(&x);
  VecDestroy(&y);
  PCDestroy(&pc);
  MatDestroy(&a);
}

TEST(SolverBehaviour, LocalIluRefusesARowWithoutItsDiagonalOrAPivotThatIsNotPositive) {
  const std::vector<PetscInt> start{0, 2, 4}, no_diagonal{0, 1, 0, 0}, columns{0, 1, 0, 1};
  const std::vector<PetscScalar> entries{1.0, -0.5, -0.5, 1.0}, singular{1.0, -1.0, -1.0, 1.0};
  LocalIlu0 ilu;
  EXPECT_THROW(ilu.factor(2, 0, start.data(), no_diagonal.data(), entries.data()), NumericalError);
  EXPECT_THROW(ilu.factor(2, 0, start.data(), columns.data(), singular.data()), NumericalError);
  EXPECT_NO_THROW(ilu.factor(2, 0, start.data(), columns.data(), entries.data()));
}

TEST(SolverBehaviour, DynamicsCacheKeepsConstantComponentsOnceAndGivesEveryNodesDynamics) {
  // Air3D: f0's psi entry (0), G's (-1), K = (0, 0, 1) and alpha_psi = 2 are the same at every node:
  // 6 of its 12 components (f0, G, K, alpha) are kept once, 5 of 9 without alpha. Every rank's block
  // spans several x, y and psi values here, so the rest vary on each rank.
  problems::Air3D air;
  const auto axes = hjb::testing::problem_axes(air, {9, 9, 8});
  TensorGrid<3> grid(PETSC_COMM_WORLD, axes);
  using Cache = DynamicsCache<problems::Air3D>;
  for (const bool with_alpha : {true, false}) {
    const Cache cache(air, grid, with_alpha, 50);
    EXPECT_EQ(cache.stored_bytes_per_node(), with_alpha ? 48.0 : 32.0);
    long wrong = 0;
    for (std::int64_t l = 0; l < grid.owned_count(); ++l) {
      const auto c = cache.block(l / 50);
      const auto f = Cache::affine(c, l % 50), g = air.affine(grid.coordinates(grid.owned_node(l)), 0.0);
      wrong += f.drift != g.drift || f.control != g.control || f.disturbance != g.disturbance;
      if (with_alpha) wrong += Cache::alpha(c, l % 50) != partial_max_magnitudes(air, g);
    }
    EXPECT_EQ(wrong, 0) << (with_alpha ? "with" : "without") << " alpha";
  }
}
