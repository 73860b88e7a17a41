// The statistics `hjbench evaluate` reports (rl_baselines/agents/score.hpp): summaries against
// hand-computed values, bootstrap intervals against the normal-theory width, determinism.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "rl_baselines/agents/score.hpp"

using namespace hjb::rl;

TEST(Score, SummaryOfOneToTenMatchesHandComputedValues) {
  std::vector<double> x;
  for (int i = 10; i >= 1; --i) x.push_back(i);  // unsorted on purpose
  const SampleSummary s = summarize(x, 0.95, 2000, 3);
  EXPECT_EQ(s.count, 10);
  EXPECT_DOUBLE_EQ(s.mean, 5.5);
  EXPECT_DOUBLE_EQ(s.median, 5.5);
  EXPECT_NEAR(s.p90, 9.1, 1e-12);  // linear interpolation between order statistics
  EXPECT_DOUBLE_EQ(s.worst, 10.0);
  EXPECT_NEAR(s.standard_error, std::sqrt(55.0 / 6.0 / 10.0), 1e-12);  // sample variance 55/6
  EXPECT_LT(s.ci_low, s.mean);
  EXPECT_GT(s.ci_high, s.mean);
  const SampleSummary again = summarize(x, 0.95, 2000, 3);
  EXPECT_EQ(again.ci_low, s.ci_low);  // seeded: reproducible
  EXPECT_EQ(again.ci_high, s.ci_high);
}

TEST(Score, BootstrapIntervalHasTheNormalTheoryWidthAndCoverage) {
  // 200 samples of size 100 from N(1, 2^2): the 90 % percentile-bootstrap interval of the mean is
  // about 2 x 1.645 x SE wide and covers the true mean about 90 % of the time.
  std::mt19937_64 rng(17);
  std::normal_distribution<double> normal(1.0, 2.0);
  int covered = 0;
  double width_ratio = 0;
  const int trials = 200;
  for (int t = 0; t < trials; ++t) {
    std::vector<double> x(100);
    for (double& v : x) v = normal(rng);
    const SampleSummary s = summarize(x, 0.90, 1000, 100 + t);
    covered += s.ci_low <= 1.0 && 1.0 <= s.ci_high;
    width_ratio += (s.ci_high - s.ci_low) / (2 * 1.6449 * s.standard_error) / trials;
  }
  std::printf("  bootstrap: coverage %.3f (nominal 0.90), width / normal-theory width %.3f\n",
              covered / double(trials), width_ratio);
  EXPECT_NEAR(covered / double(trials), 0.90, 0.06);
  EXPECT_NEAR(width_ratio, 1.0, 0.06);
}

TEST(Score, ErrorNormsAndBadSamples) {
  ErrorNorms e;
  for (double v : {3.0, -4.0}) e.add(v);
  e.finish();
  EXPECT_EQ(e.count, 2);
  EXPECT_DOUBLE_EQ(e.l1, 3.5);
  EXPECT_DOUBLE_EQ(e.l2, std::sqrt(12.5));
  EXPECT_DOUBLE_EQ(e.linf, 4.0);
  EXPECT_THROW(summarize({}), hjb::UsageError);
  EXPECT_THROW(summarize({1.0, 2.0}, 1.0), hjb::UsageError);
  const SampleSummary one = summarize({2.5});
  EXPECT_EQ(one.standard_error, 0.0);
  EXPECT_EQ(one.ci_low, 2.5);
}
