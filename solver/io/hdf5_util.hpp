// Small HDF5 helpers shared by the table and checkpoint writers (errors become exceptions).
#pragma once
#include <hdf5.h>

#include <optional>
#include <string>

#include "solver/core/error.hpp"

namespace hjb::h5 {

inline void check_h5(herr_t status, const std::string& what) {
  if (status < 0) throw RuntimeError("HDF5 failed to " + what);
}
inline hid_t check_id(hid_t id, const std::string& what) {
  if (id < 0) throw RuntimeError("HDF5 failed to " + what);
  return id;
}

inline void write_string_attribute(hid_t obj, const std::string& name, const std::string& value) {
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t attr = check_id(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
                        "create attribute " + name);
  const char* data = value.c_str();
  check_h5(H5Awrite(attr, type, &data), "write attribute " + name);
  H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
}

inline void write_number_attribute(hid_t obj, const std::string& name, double value) {
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t attr = check_id(H5Acreate2(obj, name.c_str(), H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT),
                        "create attribute " + name);
  check_h5(H5Awrite(attr, H5T_NATIVE_DOUBLE, &value), "write attribute " + name);
  H5Aclose(attr);
  H5Sclose(space);
}

/// A scalar string attribute, variable- or fixed-length; nullopt when missing or not a string.
inline std::optional<std::string> read_string_attribute(hid_t obj, const std::string& name) {
  if (H5Aexists(obj, name.c_str()) <= 0) return std::nullopt;
  hid_t attr = H5Aopen(obj, name.c_str(), H5P_DEFAULT);
  hid_t type = H5Aget_type(attr);
  std::optional<std::string> out;
  if (H5Tget_class(type) == H5T_STRING) {
    if (H5Tis_variable_str(type) > 0) {
      hid_t mem = H5Tcopy(H5T_C_S1);
      H5Tset_size(mem, H5T_VARIABLE);
      H5Tset_cset(mem, H5Tget_cset(type));  // HDF5 1.10 does not convert between character sets
      char* data = nullptr;
      if (H5Aread(attr, mem, &data) >= 0 && data) out = std::string(data);
      if (data) H5free_memory(data);
      H5Tclose(mem);
    } else {
      std::string s(H5Tget_size(type), '\0');
      if (H5Aread(attr, type, s.data()) >= 0) out = std::string(s.c_str());
    }
  }
  H5Tclose(type);
  H5Aclose(attr);
  return out;
}

/// A scalar numeric attribute as double; nullopt when missing or not numeric.
inline std::optional<double> read_number_attribute(hid_t obj, const std::string& name) {
  if (H5Aexists(obj, name.c_str()) <= 0) return std::nullopt;
  hid_t attr = H5Aopen(obj, name.c_str(), H5P_DEFAULT);
  hid_t type = H5Aget_type(attr);
  std::optional<double> out;
  const H5T_class_t type_class = H5Tget_class(type);
  double v = 0;
  if ((type_class == H5T_FLOAT || type_class == H5T_INTEGER) && H5Aread(attr, H5T_NATIVE_DOUBLE, &v) >= 0)
    out = v;
  H5Tclose(type);
  H5Aclose(attr);
  return out;
}

}  // namespace hjb::h5
