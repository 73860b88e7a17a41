// Small HDF5 helpers shared by the table and checkpoint writers (errors become exceptions).
#pragma once
#include <hdf5.h>

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

}  // namespace hjb::h5
