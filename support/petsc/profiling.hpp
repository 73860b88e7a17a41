// PETSc log events and stages around the expensive phases, so that `hjbench solve ... -- -log_view`
// splits a run's time into halo exchange, rate evaluation, Bellman update, policy evaluation
// (KSP), fixed-policy sweeps, transition building, table and checkpoint writes.
#pragma once
#include <petsclog.h>
#include <petscsys.h>

namespace hjb {

struct LogEvents {
  PetscLogEvent halo_exchange = 0, rate_evaluation = 0, transition_build = 0, bellman_update = 0,
                policy_evaluation = 0, policy_sweep = 0, table_write = 0, checkpoint_write = 0;
};

/// The events of this process, registered on first use (after PetscInitialize). Not collective.
inline const LogEvents& log_events() {
  static const LogEvents events = [] {
    LogEvents e;
    PetscClassId id = 0;
    PetscClassIdRegister("hjbench", &id);
    PetscLogEventRegister("HjbHaloExchange", id, &e.halo_exchange);
    PetscLogEventRegister("HjbRateEval", id, &e.rate_evaluation);
    PetscLogEventRegister("HjbTransitions", id, &e.transition_build);
    PetscLogEventRegister("HjbBellman", id, &e.bellman_update);
    PetscLogEventRegister("HjbPolicyEval", id, &e.policy_evaluation);
    PetscLogEventRegister("HjbPolicySweep", id, &e.policy_sweep);
    PetscLogEventRegister("HjbTableWrite", id, &e.table_write);
    PetscLogEventRegister("HjbCheckpoint", id, &e.checkpoint_write);
    return e;
  }();
  return events;
}

/// The log stages of the two solver families, each registered on first use (a registered but
/// unused stage would show up in -log_view as "Unknown").
inline PetscLogStage time_marching_stage() {
  static const PetscLogStage stage = [] {
    PetscLogStage s = 0;
    PetscLogStageRegister("Time marching", &s);
    return s;
  }();
  return stage;
}
inline PetscLogStage stationary_stage() {
  static const PetscLogStage stage = [] {
    PetscLogStage s = 0;
    PetscLogStageRegister("Stationary", &s);
    return s;
  }();
  return stage;
}

/// Times one event for the lifetime of the object (nothing is recorded without -log_view).
class ScopedLogEvent {
 public:
  explicit ScopedLogEvent(PetscLogEvent event) : m_event(event) { PetscLogEventBegin(m_event, 0, 0, 0, 0); }
  ~ScopedLogEvent() { PetscLogEventEnd(m_event, 0, 0, 0, 0); }
  ScopedLogEvent(const ScopedLogEvent&) = delete;
  ScopedLogEvent& operator=(const ScopedLogEvent&) = delete;

 private:
  PetscLogEvent m_event;
};

/// Pushes a log stage for the lifetime of the object.
class ScopedLogStage {
 public:
  explicit ScopedLogStage(PetscLogStage stage) { PetscLogStagePush(stage); }
  ~ScopedLogStage() { PetscLogStagePop(); }
  ScopedLogStage(const ScopedLogStage&) = delete;
  ScopedLogStage& operator=(const ScopedLogStage&) = delete;
};

}  // namespace hjb
