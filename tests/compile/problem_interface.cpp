// The one problem interface catches a misspelt optional member at compile time
// (tests/compile/problem_interface.sh compiles this file three ways).
//   default            a correct problem with a running cost: compiles
//   -DMISSPELT         the declared running_cost is misspelt (runing_cost): must not compile
//   -DUNDECLARED       running_cost present but not declared in `features`: must not compile
#include "core/problem_interface.hpp"

namespace {

struct Boat {
  static constexpr int dim = 2, control_dim = 2, disturbance_dim = 0;
#ifdef UNDECLARED
  static constexpr hjb::ProblemFeatures features{};
#else
  static constexpr hjb::ProblemFeatures features{.running_cost = true};
#endif
  static std::string name() { return "boat"; }
  static std::string description() { return "a boat"; }
  double speed = 1.0;
  hjb::Optimize control_mode = hjb::Optimize::minimize;
  template <class F>
  void visit_parameters(F&& f) {
    f("speed", speed);
  }
  hjb::AffineDynamics<2, 2, 0> affine(const hjb::State<2>&, double) const {
    hjb::AffineDynamics<2, 2, 0> f;
    f.control = {{{speed, 0.0}, {0.0, speed}}};
    return f;
  }
  hjb::Ball<2> control_set() const { return {{0.0, 0.0}, 1.0}; }
  hjb::Box<0> disturbance_set() const { return {}; }
  double target(const hjb::State<2>& s) const { return s[0] * s[0] + s[1] * s[1] - 1.0; }
  std::array<hjb::AxisDomain, 2> domain() const { return {{{-2.0, 2.0, false}, {-2.0, 2.0, false}}}; }
#ifdef MISSPELT
  double runing_cost(const hjb::State<2>&, double) const { return 1.0; }
#else
  double running_cost(const hjb::State<2>&, double) const { return 1.0; }
#endif
};

static_assert(hjb::check_problem<Boat>());

}  // namespace

int main() { return 0; }
