# The runtime under threads (tests/test_runtime_threads.cpp): several sessions on several
# threads, and one session misused by several threads (NETC_ERROR_BUSY, never a wrong answer).
# Included from tests/CMakeLists.txt.
#
# test_runtime_threads: against the runtime library, as applications link it.
# runtime_threads_tsan: the same tests with the runtime's sources compiled again under
# ThreadSanitizer; any report fails the test (halt_on_error, a distinct exit code, and the
# report's text). Skipped, with a message, where the compiler cannot build and run TSan code,
# and in the ASan + UBSan build (NETC_SANITIZE: TSan cannot be combined with ASan; that build
# runs test_runtime_threads under ASan instead).

add_executable(test_runtime_threads test_runtime_threads.cpp)
target_link_libraries(test_runtime_threads PRIVATE netc_runtime GTest::gtest_main Threads::Threads)
target_include_directories(test_runtime_threads PRIVATE /usr/include/halide14)
gtest_discover_tests(test_runtime_threads)

if(NETC_SANITIZE)
  return()
endif()
include(CheckCXXSourceRuns)
set(CMAKE_REQUIRED_FLAGS -fsanitize=thread)
set(CMAKE_REQUIRED_LINK_OPTIONS -fsanitize=thread)
check_cxx_source_runs([[
#include <thread>
int main() { int x = 0; std::thread t([&] { x = 1; }); t.join(); return x == 1 ? 0 : 1; }
]] NETC_HAVE_TSAN)
unset(CMAKE_REQUIRED_FLAGS)
unset(CMAKE_REQUIRED_LINK_OPTIONS)

if(NETC_HAVE_TSAN)
  # The runtime library's own sources, whatever they are.
  get_target_property(_netc_rt_sources netc_runtime SOURCES)
  get_target_property(_netc_rt_dir netc_runtime SOURCE_DIR)
  set(_netc_rt_tsan_sources)
  foreach(_src IN LISTS _netc_rt_sources)
    if(IS_ABSOLUTE "${_src}")
      list(APPEND _netc_rt_tsan_sources "${_src}")
    else()
      list(APPEND _netc_rt_tsan_sources "${_netc_rt_dir}/${_src}")
    endif()
  endforeach()
  add_executable(test_runtime_threads_tsan test_runtime_threads.cpp ${_netc_rt_tsan_sources})
  target_include_directories(test_runtime_threads_tsan PRIVATE ${_netc_rt_dir} ${Halide_INCLUDE_DIR} /usr/include/halide14)
  target_compile_options(test_runtime_threads_tsan PRIVATE -fsanitize=thread -O1 -g -fno-omit-frame-pointer)
  target_link_options(test_runtime_threads_tsan PRIVATE -fsanitize=thread)
  target_link_libraries(test_runtime_threads_tsan PRIVATE GTest::gtest_main Threads::Threads m)
  add_test(NAME runtime_threads_tsan COMMAND test_runtime_threads_tsan)
  set_tests_properties(runtime_threads_tsan PROPERTIES
                       ENVIRONMENT "TSAN_OPTIONS=halt_on_error=1 exitcode=66 second_deadlock_stack=1"
                       FAIL_REGULAR_EXPRESSION "ThreadSanitizer|FAILED"
                       TIMEOUT 300)
else()
  message(STATUS "ThreadSanitizer unavailable with ${CMAKE_CXX_COMPILER}: runtime_threads_tsan not built")
endif()
