// Balanced splits and process-grid factorisation (pointwise, no communication).
#include <gtest/gtest.h>
#include <mpi.h>

#include "core/error.hpp"
#include "grids/distributed/partition.hpp"

using namespace hjb;

TEST(Partition, BalancedSplitCoversEveryIndexOnceAndOwnerAgrees) {
  for (std::int64_t n : {1, 2, 7, 100, 101}) {
    for (int p = 1; p <= std::min<std::int64_t>(n, 9); ++p) {
      const BalancedSplit s{n, p};
      std::int64_t covered = 0;
      for (int k = 0; k < p; ++k) {
        EXPECT_EQ(s.start(k), covered);
        EXPECT_GE(s.extent(k), n / p);
        EXPECT_LE(s.extent(k), n / p + 1);
        for (std::int64_t i = s.start(k); i < s.start(k) + s.extent(k); ++i) EXPECT_EQ(s.owner(i), k);
        covered += s.extent(k);
      }
      EXPECT_EQ(covered, n);
    }
  }
}

class PartitionWithMpi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    int initialized;
    MPI_Initialized(&initialized);
    if (!initialized) MPI_Init(nullptr, nullptr);
  }
};

TEST_F(PartitionWithMpi, ProcessDimensionsMultiplyToTheRankCountAndFollowTheLongAxes) {
  const auto d = process_dimensions(12, {10, 100, 50});
  EXPECT_EQ(d[0] * d[1] * d[2], 12);
  EXPECT_GE(d[1], d[2]);
  EXPECT_GE(d[2], d[0]);
  const auto d6 = process_dimensions(64, {8, 8, 8, 8, 8, 8});
  int product = 1;
  for (int x : d6) product *= x;
  EXPECT_EQ(product, 64);
}

TEST_F(PartitionWithMpi, TooManyRanksForATinyAxisIsAValidationError) {
  EXPECT_THROW(process_dimensions(7, {3}), ValidationError);
}
