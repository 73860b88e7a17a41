// Error types that carry the process exit code (README, "Exit codes"), and the always-on check macro.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>

namespace hjb {

/// Exit codes shared by every command.
enum class ExitCode : int {
  success = 0,
  runtime_failure = 1,
  usage = 2,        ///< bad option, unknown name, unparsable value
  validation = 3,   ///< inconsistent parameters, unreadable/unwritable paths
  numerical = 4,    ///< NaN/Inf, divergence, no convergence
  interrupted = 5,  ///< stopped on signal or wall time after a checkpoint
};

/// Base of all hjbench errors: a message for the user and the exit code it maps to.
class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), m_code(code) {}
  ExitCode code() const { return m_code; }

 private:
  ExitCode m_code;
};

struct UsageError : Error {
  explicit UsageError(const std::string& m) : Error(ExitCode::usage, m) {}
};
struct ValidationError : Error {
  explicit ValidationError(const std::string& m) : Error(ExitCode::validation, m) {}
};
struct NumericalError : Error {
  explicit NumericalError(const std::string& m) : Error(ExitCode::numerical, m) {}
};
struct InterruptedError : Error {
  explicit InterruptedError(const std::string& m) : Error(ExitCode::interrupted, m) {}
};
struct RuntimeError : Error {
  explicit RuntimeError(const std::string& m) : Error(ExitCode::runtime_failure, m) {}
};

}  // namespace hjb

/// Always-on check: throws ErrorType with a streamed message when cond is false.
/// Usage: HJB_CHECK(n > 0, hjb::UsageError, "--grid.shape: sizes must be positive, got " << n);
#define HJB_CHECK(cond, ErrorType, message_stream) \
  do {                                             \
    if (!(cond)) {                                 \
      std::ostringstream hjb_check_os_;            \
      hjb_check_os_ << message_stream;             \
      throw ErrorType(hjb_check_os_.str());        \
    }                                              \
  } while (0)
