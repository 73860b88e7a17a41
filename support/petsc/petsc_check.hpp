// Turns a PETSc error code into a C++ exception so callers can reduce and report it.
#pragma once
#include <petscsys.h>

#include <string>

#include "core/error.hpp"

#define HJB_PETSC(call)                                                         \
  do {                                                                          \
    const PetscErrorCode hjb_petsc_ierr_ = (call);                              \
    if (hjb_petsc_ierr_) {                                                      \
      const char* hjb_petsc_text_ = nullptr;                                    \
      PetscErrorMessage(hjb_petsc_ierr_, &hjb_petsc_text_, nullptr);            \
      throw hjb::RuntimeError(std::string("PETSc error in ") + #call + ": " +   \
                              (hjb_petsc_text_ ? hjb_petsc_text_ : "unknown")); \
    }                                                                           \
  } while (0)
