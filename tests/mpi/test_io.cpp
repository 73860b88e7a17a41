// HDF5 tables: collective write -> read round trip, atomic publication, XDMF sidecar.
#include <gtest/gtest.h>
#include <petscsys.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "grids/distributed/tensor_grid.hpp"
#include "solver/io/hdf5_table.hpp"

using namespace hjb;
namespace fs = std::filesystem;

namespace {

MPI_Comm world() { return PETSC_COMM_WORLD; }

int failures_over_ranks(int local) {
  int g;
  MPI_Allreduce(&local, &g, 1, MPI_INT, MPI_SUM, world());
  return g;
}

std::string shared_temp_dir() {
  // Rank 0 chooses, everyone uses the same folder (tests run on one machine).
  std::string dir = (fs::temp_directory_path() / ("hjb_io_test_" + std::to_string(getpid()))).string();
  int length = static_cast<int>(dir.size());
  MPI_Bcast(&length, 1, MPI_INT, 0, world());
  dir.resize(length);
  MPI_Bcast(dir.data(), length, MPI_CHAR, 0, world());
  int rank;
  MPI_Comm_rank(world(), &rank);
  if (rank == 0) fs::create_directories(dir);
  MPI_Barrier(world());
  return dir;
}

double f(const Index<3>& g, int k) { return 1000.0 * g[0] + 10.0 * g[1] + g[2] + 0.5 * k; }

}  // namespace

TEST(Hdf5Table, WriteReadRoundTripIsExactAndPublishedAtomically) {
  const std::string dir = shared_temp_dir();
  const std::string path = dir + "/table.h5";
  const std::array<Axis, 3> axes{Axis{"x", -1.0, 1.0, 7, false}, Axis{"y", 0.0, 2.0, 6, false},
                                 Axis{"psi", 0.0, 6.283185307179586, 5, true}};
  TensorGrid<3> grid(world(), axes);
  const std::vector<double> times{0.0, -0.5, -1.0};
  TableMetadata meta;
  meta.problem = "round_trip";
  meta.strings["scheme"] = "test";
  meta.numbers["horizon"] = 1.0;
  meta.problem_parameters["speed"] = 5.0;
  {
    TableWriter writer(world(), path, path + ".tmp", {axes.begin(), axes.end()},
                       {grid.owned_start().begin(), grid.owned_start().end()},
                       {grid.owned_extent().begin(), grid.owned_extent().end()}, times, meta);
    for (int k = 0; k < 3; ++k) {
      std::vector<double> owned(grid.owned_count());
      for (std::int64_t l = 0; l < grid.owned_count(); ++l) owned[l] = f(grid.owned_node(l), k);
      writer.write_snapshot(k, owned.data());
    }
    int visible = fs::exists(path);
    EXPECT_EQ(failures_over_ranks(visible), 0) << "the table must not be visible before commit";
    writer.commit(dir + "/table.xmf", dir + "/table.xmf.tmp");
  }
  MPI_Barrier(world());
  int bad = 0;
  const Table t = read_table(path);
  bad += t.axes.size() != 3 || t.times != times || t.strings.at("problem") != "round_trip";
  bad += t.problem_parameters.at("speed") != 5.0 || t.numbers.at("horizon") != 1.0;
  bad += t.axes[2].name != "psi" || !t.axes[2].periodic || t.axes[1].n != 6;
  for (int k = 0; k < 3; ++k)
    for (std::int64_t n = 0; n < grid.global_count(); ++n)
      bad += t.values[k][n] != f(grid.from_natural_index(n), k);
  // Each rank reads its own block back.
  const auto block = read_snapshot_block(path, 2, {grid.owned_start().begin(), grid.owned_start().end()},
                                         {grid.owned_extent().begin(), grid.owned_extent().end()});
  for (std::int64_t l = 0; l < grid.owned_count(); ++l) bad += block[l] != f(grid.owned_node(l), 2);
  bad += fs::exists(path + ".tmp") || fs::exists(dir + "/table.xmf.tmp");
  bad += !t.complete;
  // XDMF names the axes and every snapshot dataset of this file.
  std::ifstream xmf(dir + "/table.xmf");
  std::stringstream text;
  text << xmf.rdbuf();
  for (const char* needle : {"table.h5:/value/snapshot_0000", "table.h5:/value/snapshot_0002",
                             "table.h5:/axes/psi", "3DRectMesh", "Dimensions=\"7 6 5\"", "VXVYVZ"})
    bad += text.str().find(needle) == std::string::npos;
  EXPECT_EQ(failures_over_ranks(bad), 0);
  MPI_Barrier(world());
  int rank;
  MPI_Comm_rank(world(), &rank);
  if (rank == 0) fs::remove_all(dir);
}

TEST(Hdf5Table, AnUncommittedWriterLeavesNothingBehind) {
  const std::string dir = shared_temp_dir();
  const std::array<Axis, 2> axes{Axis{"a", 0.0, 1.0, 4, false}, Axis{"b", 0.0, 1.0, 5, false}};
  TensorGrid<2> grid(world(), axes);
  {
    TableWriter writer(world(), dir + "/abandoned.h5", dir + "/abandoned.h5.tmp", {axes.begin(), axes.end()},
                       {grid.owned_start().begin(), grid.owned_start().end()},
                       {grid.owned_extent().begin(), grid.owned_extent().end()}, {0.0},
                       TableMetadata{"x", {}, {}, {}});
  }
  MPI_Barrier(world());
  int left = !fs::is_empty(dir);
  EXPECT_EQ(failures_over_ranks(left), 0);
  int rank;
  MPI_Comm_rank(world(), &rank);
  if (rank == 0) fs::remove_all(dir);
}

TEST(Hdf5Table, ReadingGarbageNamesThePath) {
  int rank;
  MPI_Comm_rank(world(), &rank);
  const std::string path =
      (fs::temp_directory_path() / ("hjb_garbage_" + std::to_string(getpid()) + ".h5")).string();
  std::ofstream(path) << "this is not HDF5";
  int bad = 0;
  try {
    read_table(path);
    bad = 1;
  } catch (const ValidationError& e) {
    bad = std::string(e.what()).find(path) == std::string::npos;
  }
  fs::remove(path);
  EXPECT_EQ(failures_over_ranks(bad), 0);
}
