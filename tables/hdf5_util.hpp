// Small HDF5 helpers shared by the table, checkpoint and policy-file code: owned identifiers,
// attribute reading and writing (errors become exceptions). No MPI calls, no PETSc.
#pragma once
#include <hdf5.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace hjb::h5 {

inline void check_h5(herr_t status, const std::string& what) {
  if (status < 0) throw RuntimeError("HDF5 failed to " + what);
}
inline hid_t check_id(hid_t id, const std::string& what) {
  if (id < 0) throw RuntimeError("HDF5 failed to " + what);
  return id;
}

/// Unique ownership of an HDF5 identifier, closed with its own close function when the owner
/// goes out of scope (so a throw never leaks a file, dataset, dataspace, type or property list).
class Handle {
 public:
  using Close = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Close close) : m_id(id), m_close(close) {}
  ~Handle() { close(); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : m_id(std::exchange(other.m_id, -1)), m_close(other.m_close) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      close();
      m_id = std::exchange(other.m_id, -1);
      m_close = other.m_close;
    }
    return *this;
  }
  operator hid_t() const { return m_id; }
  bool valid() const { return m_id >= 0; }
  /// Closes now; returns the close function's status (negative: failed, e.g. a full disk on H5Fclose).
  herr_t close() {
    herr_t status = 0;
    if (m_id >= 0 && m_close) status = m_close(m_id);
    m_id = -1;
    return status;
  }

 private:
  hid_t m_id = -1;
  Close m_close = nullptr;
};

inline Handle file(hid_t id) { return {id, H5Fclose}; }
inline Handle group(hid_t id) { return {id, H5Gclose}; }
inline Handle dataset(hid_t id) { return {id, H5Dclose}; }
inline Handle dataspace(hid_t id) { return {id, H5Sclose}; }
inline Handle datatype(hid_t id) { return {id, H5Tclose}; }
inline Handle attribute(hid_t id) { return {id, H5Aclose}; }
inline Handle property_list(hid_t id) { return {id, H5Pclose}; }

inline void write_string_attribute(hid_t obj, const std::string& name, const std::string& value) {
  const Handle type = datatype(H5Tcopy(H5T_C_S1));
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  const Handle space = dataspace(H5Screate(H5S_SCALAR));
  const Handle attr = attribute(check_id(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
                                         "create attribute " + name));
  const char* data = value.c_str();
  check_h5(H5Awrite(attr, type, &data), "write attribute " + name);
}

inline void write_number_attribute(hid_t obj, const std::string& name, double value) {
  const Handle space = dataspace(H5Screate(H5S_SCALAR));
  const Handle attr =
      attribute(check_id(H5Acreate2(obj, name.c_str(), H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT),
                         "create attribute " + name));
  check_h5(H5Awrite(attr, H5T_NATIVE_DOUBLE, &value), "write attribute " + name);
}

/// A scalar string attribute, variable- or fixed-length; nullopt when missing or not a string.
inline std::optional<std::string> read_string_attribute(hid_t obj, const std::string& name) {
  if (H5Aexists(obj, name.c_str()) <= 0) return std::nullopt;
  const Handle attr = attribute(H5Aopen(obj, name.c_str(), H5P_DEFAULT));
  const Handle type = datatype(H5Aget_type(attr));
  std::optional<std::string> out;
  if (H5Tget_class(type) == H5T_STRING) {
    if (H5Tis_variable_str(type) > 0) {
      const Handle mem = datatype(H5Tcopy(H5T_C_S1));
      H5Tset_size(mem, H5T_VARIABLE);
      H5Tset_cset(mem, H5Tget_cset(type));  // HDF5 1.10 does not convert between character sets
      char* data = nullptr;
      if (H5Aread(attr, mem, &data) >= 0 && data) out = std::string(data);
      if (data) H5free_memory(data);
    } else {
      std::string s(H5Tget_size(type), '\0');
      if (H5Aread(attr, type, s.data()) >= 0) out = std::string(s.c_str());
    }
  }
  return out;
}

/// A scalar numeric attribute as double; nullopt when missing or not numeric.
inline std::optional<double> read_number_attribute(hid_t obj, const std::string& name) {
  if (H5Aexists(obj, name.c_str()) <= 0) return std::nullopt;
  const Handle attr = attribute(H5Aopen(obj, name.c_str(), H5P_DEFAULT));
  const Handle type = datatype(H5Aget_type(attr));
  const H5T_class_t type_class = H5Tget_class(type);
  double v = 0;
  if ((type_class == H5T_FLOAT || type_class == H5T_INTEGER) && H5Aread(attr, H5T_NATIVE_DOUBLE, &v) >= 0)
    return v;
  return std::nullopt;
}

/// Reads the string and numeric attributes of an object (H5Aiterate2 visitor; tables/table.cpp).
struct AttributeReader {
  std::map<std::string, std::string>* strings;
  std::map<std::string, double>* numbers;
  static herr_t visit(hid_t obj, const char* name, const H5A_info_t*, void* self_ptr);
};
/// A whole dataset as doubles; ValidationError naming `path` when missing or unreadable.
std::vector<double> read_dataset(hid_t file, const std::string& name, const std::string& path);
/// Opens an existing regular HDF5 file read-only; ValidationError naming the path otherwise.
Handle open_for_reading(const std::string& path);

}  // namespace hjb::h5
