// iLQR with box-constrained actions on an environment's exact step (trajectory_optimization.hpp).
#include "rl_baselines/agents/trajectory_optimization.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "core/error.hpp"

namespace hjb::rl {

namespace {

using Matrix = Eigen::MatrixXd;
using Vector = Eigen::VectorXd;

/// One stage's linearisation: the step's Jacobians and the cost's derivatives.
struct Stage {
  Matrix A, B, lxx, luu, lux;
  Vector lx, lu;
  bool live = true;  ///< false once the episode has terminated (no cost, no dynamics)
};

/// The rollout of a sequence: states x_0..x_N, the cost and where the episode terminated.
struct Rollout {
  std::vector<Vector> x;
  std::vector<Vector> u;
  double cost = 0.0;
  long end = 0;  ///< steps taken (the horizon, or the terminating step + 1)
};

class Ilqr {
 public:
  Ilqr(const Environment& env, const std::vector<double>& start, long horizon)
      : m_env(env.clone()),
        m_n(env.state_dim()),
        m_m(env.action_dim()),
        m_horizon(horizon),
        m_periods(env.state_periods()),
        m_lo(Eigen::Map<const Vector>(env.action_low().data(), env.action_dim())),
        m_hi(Eigen::Map<const Vector>(env.action_high().data(), env.action_dim())),
        m_start(Eigen::Map<const Vector>(start.data(), static_cast<Eigen::Index>(start.size()))) {}

  /// Steps x under u: the next state and the step's cost; `terminated` set when the episode ends.
  Vector step(const Vector& x, const Vector& u, double& cost, bool& terminated) const {
    m_env->set_state(std::vector<double>(x.data(), x.data() + x.size()));
    const StepResult r = m_env->step(u.data());
    cost = -r.reward;
    terminated = r.terminated;
    const std::vector<double> y = m_env->state();
    return Eigen::Map<const Vector>(y.data(), m_n);
  }
  /// y - x with periodic axes taken modulo their period.
  Vector difference(const Vector& y, const Vector& x) const {
    Vector d = y - x;
    for (int i = 0; i < m_n; ++i)
      if (m_periods[static_cast<std::size_t>(i)] > 0.0)
        d[i] = std::remainder(d[i], m_periods[static_cast<std::size_t>(i)]);
    return d;
  }
  Vector clip(const Vector& u) const { return u.cwiseMax(m_lo).cwiseMin(m_hi); }

  Rollout rollout(const std::vector<Vector>& u) const {
    Rollout r;
    r.x.push_back(m_start);
    r.u = u;
    r.end = m_horizon;
    for (long k = 0; k < m_horizon; ++k) {
      double c;
      bool terminated;
      r.x.push_back(step(r.x.back(), u[static_cast<std::size_t>(k)], c, terminated));
      r.cost += c;
      if (terminated) {
        r.end = k + 1;
        break;
      }
    }
    return r;
  }

  /// Central differences of the step and its cost at (x_k, u_k).
  Stage linearize(const Vector& x, const Vector& u) const {
    const int n = m_n, m = m_m, z = n + m;
    Stage s;
    s.A.resize(n, n);
    s.B.resize(n, m);
    // The actions' derivatives are taken just inside the box: the step clips its action, and a
    // difference across the bound would see the kink (a second difference there is about -2 r / h).
    Vector inner = u;
    for (int j = 0; j < m; ++j) {
      const double margin = 2e-4 * std::max(1.0, std::abs(u[j]));
      if (m_hi[j] - m_lo[j] > 4 * margin) inner[j] = std::clamp(u[j], m_lo[j] + margin, m_hi[j] - margin);
    }
    Vector zc(z);
    zc << x, inner;
    // One step at w = (x, u): the next state, and its cost into c.
    const auto f = [&](const Vector& w, double& c) {
      bool t;
      return step(w.head(n).eval(), w.tail(m).eval(), c, t);
    };
    const auto l = [&](const Vector& w) {
      double c;
      f(w, c);
      return c;
    };
    Vector g(z);
    Matrix H(z, z);
    const double l0 = l(zc);
    for (int i = 0; i < z; ++i) {  // the Jacobians and the gradient from the same two steps
      const double h = 1e-6 * std::max(1.0, std::abs(zc[i]));
      Vector p = zc, q = zc;
      p[i] += h;
      q[i] -= h;
      double cp, cq;
      const Vector yp = f(p, cp), yq = f(q, cq);
      const Vector col = difference(yp, yq) / (2 * h);
      if (i < n)
        s.A.col(i) = col;
      else
        s.B.col(i - n) = col;
      g[i] = (cp - cq) / (2 * h);
    }
    // Second differences with a larger step (the cost is smooth where it matters; 1e-4 balances
    // truncation and rounding).
    std::vector<double> e(static_cast<std::size_t>(z));
    for (int i = 0; i < z; ++i) e[static_cast<std::size_t>(i)] = 1e-4 * std::max(1.0, std::abs(zc[i]));
    for (int i = 0; i < z; ++i) {
      const double hi = e[static_cast<std::size_t>(i)];
      Vector p = zc, q = zc;
      p[i] += hi;
      q[i] -= hi;
      H(i, i) = (l(p) - 2 * l0 + l(q)) / (hi * hi);
      for (int j = 0; j < i; ++j) {
        const double hj = e[static_cast<std::size_t>(j)];
        Vector pp = p, pm = p, mp = q, mm = q;
        pp[j] += hj;
        pm[j] -= hj;
        mp[j] += hj;
        mm[j] -= hj;
        H(i, j) = H(j, i) = (l(pp) - l(pm) - l(mp) + l(mm)) / (4 * hi * hj);
      }
    }
    s.lx = g.head(n);
    s.lu = g.tail(m);
    s.lxx = H.topLeftCorner(n, n);
    s.luu = H.bottomRightCorner(m, m);
    s.lux = H.bottomLeftCorner(m, n);
    return s;
  }

  /// The backward pass: feedforward k and gains K per stage; false when a Q_uu (free part) is not
  /// positive definite at this mu.
  bool backward(const std::vector<Stage>& stages, const Rollout& r, double mu, std::vector<Vector>& kff,
                std::vector<Matrix>& gains, double expected[2]) const {
    expected[0] = expected[1] = 0.0;
    Vector vx = Vector::Zero(m_n);
    Matrix vxx = Matrix::Zero(m_n, m_n);
    kff.assign(static_cast<std::size_t>(m_horizon), Vector::Zero(m_m));
    gains.assign(static_cast<std::size_t>(m_horizon), Matrix::Zero(m_m, m_n));
    for (long k = m_horizon - 1; k >= 0; --k) {
      const Stage& s = stages[static_cast<std::size_t>(k)];
      if (!s.live) continue;  // after the episode ended: V = 0
      const Vector qx = s.lx + s.A.transpose() * vx, qu = s.lu + s.B.transpose() * vx;
      const Matrix qxx = s.lxx + s.A.transpose() * vxx * s.A;
      const Matrix quu = s.luu + s.B.transpose() * vxx * s.B, qux = s.lux + s.B.transpose() * vxx * s.A;
      // The gains from the regularised Q (Tassa, Erez & Todorov 2012); the value's update below from the
      // plain one (the regularised one would drive V_xx towards -mu).
      const Matrix reg_uu = quu + mu * (s.B.transpose() * s.B + Matrix::Identity(m_m, m_m));
      const Matrix reg_ux = qux + mu * s.B.transpose() * s.A;
      const Vector& u = r.u[static_cast<std::size_t>(k)];
      Vector k_ff(m_m);
      Matrix K = Matrix::Zero(m_m, m_n);
      if (!solve_box(reg_uu, qu, reg_ux, u, k_ff, K)) return false;
      kff[static_cast<std::size_t>(k)] = k_ff;
      expected[0] += k_ff.dot(qu);  // the model's change of the cost: alpha e0 + alpha^2 e1
      expected[1] += 0.5 * k_ff.dot(quu * k_ff);
      gains[static_cast<std::size_t>(k)] = K;
      vx = qx + K.transpose() * quu * k_ff + K.transpose() * qu + qux.transpose() * k_ff;
      vxx = qxx + K.transpose() * quu * K + K.transpose() * qux + qux.transpose() * K;
      vxx = 0.5 * (vxx + vxx.transpose()).eval();
    }
    return true;
  }

  /// The step du minimising 0.5 du'Q du + q'du over u + du in the action box (Q positive definite):
  /// exactly for up to 3 actions (every assignment of each action to free, at its lower or at its upper
  /// bound; the free ones solve the reduced system; the best feasible candidate is the minimum of this
  /// convex problem), else by the clamped-set rule (the actions the unconstrained step pushes past a
  /// bound are held there). Feedback: K_f = -Q_ff^-1 Q_ux,f on the free actions, 0 on the held ones.
  bool solve_box(const Matrix& quu, const Vector& qu, const Matrix& qux, const Vector& u, Vector& du,
                 Matrix& K) const {
    Eigen::LLT<Matrix> full(quu);
    if (full.info() != Eigen::Success) return false;
    const Vector lo = m_lo - u, hi = m_hi - u;  // bounds on du
    const Vector unconstrained = -full.solve(qu);
    std::vector<int> best_state;
    double best = std::numeric_limits<double>::infinity();
    const int sets = m_m <= 3 ? static_cast<int>(std::pow(3, m_m)) : 0;
    std::vector<int> state(static_cast<std::size_t>(m_m));
    for (int code = 0; code <= sets; ++code) {
      if (code < sets) {
        for (int j = 0, c = code; j < m_m; ++j, c /= 3) state[static_cast<std::size_t>(j)] = c % 3;  // 0 free
      } else if (best_state.empty()) {
        for (int j = 0; j < m_m; ++j)  // the clamped-set rule
          state[static_cast<std::size_t>(j)] = unconstrained[j] < lo[j]   ? 1
                                               : unconstrained[j] > hi[j] ? 2
                                                                          : 0;
      } else {
        break;
      }
      Vector d(m_m);
      Matrix k = Matrix::Zero(m_m, m_n);
      if (!reduced_step(quu, qu, qux, lo, hi, state, d, k)) continue;
      const double value = 0.5 * d.dot(quu * d) + qu.dot(d);
      if (code < sets && !(value < best)) continue;
      best = value;
      best_state = state;
      du = d;
      K = k;
    }
    return !best_state.empty();
  }
  /// The step with actions held at their bounds (state 1: lower, 2: upper) and the rest solving the
  /// reduced system; false when a free action leaves the box (when enumerating) or Q_ff is singular.
  bool reduced_step(const Matrix& quu, const Vector& qu, const Matrix& qux, const Vector& lo,
                    const Vector& hi, const std::vector<int>& state, Vector& du, Matrix& K) const {
    std::vector<int> free;
    for (int j = 0; j < m_m; ++j) {
      const int st = state[static_cast<std::size_t>(j)];
      if (st == 0) free.push_back(j);
      du[j] = st == 1 ? lo[j] : st == 2 ? hi[j] : 0.0;
    }
    if (free.empty()) return true;
    const auto nf = static_cast<Eigen::Index>(free.size());
    Matrix qff(nf, nf), quxf(nf, m_n);
    Vector rhs(nf);
    for (Eigen::Index a = 0; a < nf; ++a) {
      rhs[a] = qu[free[a]];
      for (int c = 0; c < m_m; ++c)
        if (state[static_cast<std::size_t>(c)] != 0) rhs[a] += quu(free[a], c) * du[c];
      for (Eigen::Index b = 0; b < nf; ++b) qff(a, b) = quu(free[a], free[b]);
      quxf.row(a) = qux.row(free[a]);
    }
    Eigen::LLT<Matrix> reduced(qff);
    if (reduced.info() != Eigen::Success) return false;
    const Vector dfree = -reduced.solve(rhs);
    const Matrix kfree = -reduced.solve(quxf);
    for (Eigen::Index a = 0; a < nf; ++a) {
      if (dfree[a] < lo[free[a]] - 1e-12 || dfree[a] > hi[free[a]] + 1e-12) return false;
      du[free[a]] = std::clamp(dfree[a], lo[free[a]], hi[free[a]]);
      K.row(free[a]) = kfree.row(a);
    }
    return true;
  }

  /// The forward pass with step alpha: the new sequence's rollout.
  Rollout forward(const Rollout& r, const std::vector<Vector>& kff, const std::vector<Matrix>& gains,
                  double alpha) const {
    std::vector<Vector> u(r.u.size());
    Rollout n;
    n.x.push_back(m_start);
    n.end = m_horizon;
    for (long k = 0; k < m_horizon; ++k) {
      const auto i = static_cast<std::size_t>(k);
      const Vector dx = k < r.end ? difference(n.x.back(), r.x[i]) : Vector::Zero(m_n);
      u[i] = clip(r.u[i] + alpha * kff[i] + gains[i] * dx);
      double c;
      bool terminated;
      n.x.push_back(step(n.x.back(), u[i], c, terminated));
      n.cost += c;
      if (terminated) {
        n.end = k + 1;
        for (long j = k + 1; j < m_horizon; ++j)
          u[static_cast<std::size_t>(j)] = r.u[static_cast<std::size_t>(j)];
        break;
      }
    }
    n.u = std::move(u);
    return n;
  }

  /// iLQR from an initial sequence; returns the final rollout and adds the iterations taken.
  Rollout optimize(std::vector<Vector> u0, const TrajectoryOptimizationSettings& settings,
                   long& iterations) const {
    Rollout r = rollout(u0);
    double mu = 1e-6;
    std::vector<Vector> kff;
    std::vector<Matrix> gains;
    for (int it = 0; it < settings.iterations; ++it) {
      ++iterations;
      std::vector<Stage> stages(static_cast<std::size_t>(m_horizon));
      for (long k = 0; k < m_horizon; ++k) {
        if (k >= r.end) {
          stages[static_cast<std::size_t>(k)].live = false;
          continue;
        }
        stages[static_cast<std::size_t>(k)] =
            linearize(r.x[static_cast<std::size_t>(k)], r.u[static_cast<std::size_t>(k)]);
      }
      bool improved = false;
      while (!improved && mu < 1e10) {
        double expected[2];
        if (!backward(stages, r, mu, kff, gains, expected)) {
          mu = std::max(mu * 10.0, 1e-6);
          continue;
        }
        for (double alpha = 1.0; alpha > 1e-3; alpha *= 0.5) {
          Rollout n = forward(r, kff, gains, alpha);
          // Armijo: a step is taken when it achieves a tenth of the decrease the model predicts (a
          // lucky decrease far from the model's would carry the sequence into another basin).
          const double predicted = -(alpha * expected[0] + alpha * alpha * expected[1]);
          if (n.cost < r.cost && (predicted <= 0.0 || r.cost - n.cost >= 0.1 * predicted)) {
            const double gain = r.cost - n.cost;
            r = std::move(n);
            improved = true;
            if (gain <= settings.tolerance * (1.0 + std::abs(r.cost))) return r;
            break;
          }
        }
        mu = improved ? std::max(mu / 10.0, 1e-9) : mu * 10.0;
      }
      if (!improved) break;  // no descent at any regularisation: a local optimum (up to differences)
    }
    return r;
  }

  /// Restart r's initial sequence (see TrajectoryOptimizationSettings).
  std::vector<Vector> initial(int restart, std::uint64_t seed) const {
    std::vector<Vector> u(static_cast<std::size_t>(m_horizon), 0.5 * (m_lo + m_hi));
    if (restart == 0) return u;
    std::mt19937_64 rng(seed * 1000003ull + static_cast<std::uint64_t>(restart));
    std::uniform_real_distribution<double> unit(-1.0, 1.0);
    Vector block(m_m);
    for (long k = 0; k < m_horizon; ++k) {
      if (k % 10 == 0)
        for (int j = 0; j < m_m; ++j)
          block[j] = 0.5 * (m_lo[j] + m_hi[j]) + 0.25 * (m_hi[j] - m_lo[j]) * unit(rng);
      u[static_cast<std::size_t>(k)] = block;
    }
    return u;
  }

 private:
  std::unique_ptr<Environment> m_env;
  int m_n, m_m;
  long m_horizon;
  std::vector<double> m_periods;
  Vector m_lo, m_hi, m_start;
};

}  // namespace

TrajectoryOptimizationResult optimize_trajectory(const Environment& env, const std::vector<double>& start,
                                                 long horizon,
                                                 const TrajectoryOptimizationSettings& settings) {
  HJB_CHECK(env.discrete_action_count() == 0, UsageError,
            "trajectory optimisation needs continuous actions; problem '" << env.problem_name()
                                                                          << "' has a discrete action set");
  HJB_CHECK(horizon >= 1, UsageError, "the horizon must be at least 1 step, got " << horizon);
  HJB_CHECK(settings.iterations >= 1 && settings.restarts >= 1, UsageError,
            "--trajopt.iterations and --trajopt.restarts must be positive");
  HJB_CHECK(static_cast<int>(start.size()) == env.state_dim(), UsageError,
            "a start state of " << start.size() << " numbers for a " << env.state_dim() << "-D problem");
  const Ilqr ilqr(env, start, horizon);
  TrajectoryOptimizationResult result;
  result.achieved_return = -std::numeric_limits<double>::infinity();
  for (int restart = 0; restart < settings.restarts; ++restart) {
    // Continuation in the horizon: the first eighth of the episode optimised first, then a quarter,
    // a half and the whole, each from the previous optimum (its tail from the initial sequence). A
    // long open-loop initial sequence drifts far (into walls, where the step's derivatives vanish);
    // a short one stays where its linearisation holds.
    std::vector<Vector> u = ilqr.initial(restart, settings.seed);
    for (long part = std::max(1L, horizon / 8); part < horizon; part *= 2) {
      const Ilqr shorter(env, start, part);
      const Rollout p = shorter.optimize({u.begin(), u.begin() + part}, settings, result.iterations);
      std::copy(p.u.begin(), p.u.end(), u.begin());
    }
    const Rollout r = ilqr.optimize(u, settings, result.iterations);
    // Replayed on a fresh copy from the start: the return this sequence achieves.
    auto probe = env.clone();
    probe->set_state(start);
    double achieved = 0.0;
    for (long k = 0; k < horizon; ++k) {
      const StepResult s = probe->step(r.u[static_cast<std::size_t>(k)].data());
      achieved += s.reward;
      if (s.terminated) break;
    }
    HJB_CHECK(std::abs(achieved + r.cost) <= 1e-9 * (1.0 + std::abs(achieved)), RuntimeError,
              "the optimised sequence returned " << achieved << " when replayed, " << -r.cost
                                                 << " when optimised: the step is not deterministic");
    result.restart_returns.push_back(achieved);
    if (achieved > result.achieved_return) {
      result.achieved_return = achieved;
      result.actions.clear();
      for (const auto& u : r.u) result.actions.emplace_back(u.data(), u.data() + u.size());
    }
  }
  return result;
}

}  // namespace hjb::rl
