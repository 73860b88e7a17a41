// Run-time dispatch of the solver's hot loops (issue 23): a function marked HJB_HOT is compiled
// three times — for x86-64-v4 (AVX-512), x86-64-v3 (AVX2) and the baseline x86-64 — with everything
// it calls inlined into it (`flatten`), and the dynamic loader picks the best clone the CPU supports
// (GCC's `target_clones`, resolved once by an ifunc). A portable binary then runs its hot loops with
// the instructions a `-march=native` build would use.
//
// The solver compiles with -ffp-contract=off (CMakeLists.txt), so no clone fuses a multiply and an
// add that the baseline rounds twice: every clone computes the same numbers bit for bit, and a table
// does not depend on the CPU that wrote it. -DHJB_NO_MULTIVERSION turns the clones off.
#pragma once

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(HJB_NO_MULTIVERSION)
#define HJB_HOT __attribute__((flatten, target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define HJB_HOT
#endif
