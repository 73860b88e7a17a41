// Checks of input files before they are opened: a missing path, a directory, a FIFO, device or
// socket (opening one to read would block for ever or read garbage) and an unreadable file are
// each named as such. And the text of an INI file, with a UTF-8 byte-order mark removed.
#pragma once
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/error.hpp"

namespace hjb {

/// Why `path` cannot be read as a regular input file, or "" when it can.
inline std::string input_file_problem(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (path.empty()) return "an empty path";
  if (ec || !fs::exists(st)) return "no such file";
  if (fs::is_directory(st)) return "a directory, not a file";
  if (fs::is_fifo(st)) return "a named pipe (FIFO), not a regular file";
  if (fs::is_socket(st)) return "a socket, not a regular file";
  if (fs::is_block_file(st) || fs::is_character_file(st)) return "a device, not a regular file";
  if (!fs::is_regular_file(st)) return "not a regular file";
  std::ifstream probe(path, std::ios::binary);
  if (!probe) return "not readable (permissions?)";
  return "";
}

/// Throws ValidationError "`what` PATH: PROBLEM" unless `path` is a readable regular file.
inline void require_input_file(const std::string& path, const std::string& what) {
  const std::string problem = input_file_problem(path);
  HJB_CHECK(problem.empty(), ValidationError, what << " " << path << ": " << problem);
}

/// The text of a configuration file (checked with require_input_file first), without a leading UTF-8
/// byte-order mark (editors on some systems write one; Boost's INI parser would call it an invalid line).
inline std::string read_config_text(const std::string& path) {
  require_input_file(path, "config file");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  if (s.rfind("\xEF\xBB\xBF", 0) == 0) s.erase(0, 3);
  return s;
}

}  // namespace hjb
