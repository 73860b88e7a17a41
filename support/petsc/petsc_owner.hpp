// Owners of PETSc objects: the object is destroyed when its owner goes out of scope, so an
// exception never leaks a Vec, Mat, KSP, IS or VecScatter and no try/catch exists to free one.
#pragma once
#include <petscis.h>
#include <petscvec.h>

#include <utility>

namespace hjb {

/// Unique ownership of one PETSc object of type T, destroyed with `Destroy`. Converts to T for
/// PETSc calls (only from an lvalue: `Vec v = grid.create_vector();` does not compile, because
/// the temporary owner would destroy the vector at once).
template <class T, PetscErrorCode (*Destroy)(T*)>
class PetscOwner {
 public:
  PetscOwner() = default;
  explicit PetscOwner(T object) : m_object(object) {}
  ~PetscOwner() { reset(); }
  PetscOwner(const PetscOwner&) = delete;
  PetscOwner& operator=(const PetscOwner&) = delete;
  PetscOwner(PetscOwner&& other) noexcept : m_object(std::exchange(other.m_object, nullptr)) {}
  PetscOwner& operator=(PetscOwner&& other) noexcept {
    if (this != &other) {
      reset();
      m_object = std::exchange(other.m_object, nullptr);
    }
    return *this;
  }

  operator T() const& { return m_object; }
  operator T() const&& = delete;
  T get() const { return m_object; }
  /// Destroys the current object and returns the slot for a PETSc creation call
  /// (`VecDuplicate(v, copy.out())`).
  T* out() {
    reset();
    return &m_object;
  }
  /// Destroys the object now (errors from PETSc's destroy are ignored: nothing can be done).
  void reset() {
    if (m_object) Destroy(&m_object);
    m_object = nullptr;
  }

 private:
  T m_object = nullptr;
};

/// Read access to a vector's local values for the lifetime of the object (VecGetArrayRead /
/// VecRestoreArrayRead), so a throw between the two never leaves the array checked out.
class VecReadAccess {
 public:
  explicit VecReadAccess(Vec v) : m_vec(v) {
    if (VecGetArrayRead(v, &m_data) != 0) m_data = nullptr;
  }
  ~VecReadAccess() {
    if (m_data) VecRestoreArrayRead(m_vec, &m_data);
  }
  VecReadAccess(const VecReadAccess&) = delete;
  VecReadAccess& operator=(const VecReadAccess&) = delete;
  const PetscScalar* data() const { return m_data; }

 private:
  Vec m_vec;
  const PetscScalar* m_data = nullptr;
};

using OwnedVec = PetscOwner<Vec, VecDestroy>;
using OwnedIs = PetscOwner<IS, ISDestroy>;
using OwnedScatter = PetscOwner<VecScatter, VecScatterDestroy>;

}  // namespace hjb
