// netc's loaders take paths, as users give them: a fuzz input is written to a file of this
// process (with the extension the loader expects) and the loader reads it from there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include <unistd.h>

#include "spec/diagnostic.h"

namespace netc_fuzz {

inline std::string input_file(const uint8_t *data, size_t size, const std::string &extension) {
    const char *dir = getenv("TMPDIR");
    const std::string path = std::string(dir && *dir ? dir : "/tmp") + "/netc-fuzz-" + std::to_string(getpid()) + extension;
    FILE *f = fopen(path.c_str(), "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
        perror(path.c_str());
        abort();  // the harness's own failure, not the loader's: stop rather than fuzz nothing
    }
    return path;
}

// The whole of a harness: the input as a file, given to `load`. A CompileError is the
// expected answer to bad bytes; anything else escapes to the fuzzer as a defect.
template <typename Load>
int load_as_file(const uint8_t *data, size_t size, const std::string &extension, Load load) {
    const std::string path = input_file(data, size, extension);
    try {
        load(path);
    } catch (const netc::CompileError &) {
    }
    return 0;
}

}  // namespace netc_fuzz
