// A TF.js model directory through the importer, shape inference and the front end: what
// `netc import model.json` and `netc compile model.json` do before any code is generated.
// The input is model.json's text, a NUL byte, then the bytes of its weight shard, written
// under both names the seeds' manifests use (weights.bin, group1-shard1of1.bin).
#include <sys/stat.h>

#include <cstring>

#include "fuzz_input_file.h"
#include "spec/load_model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const uint8_t *nul = static_cast<const uint8_t *>(memchr(data, 0, size));
    const size_t json_size = nul ? size_t(nul - data) : size;
    const char *tmp = getenv("TMPDIR");
    const std::string dir = std::string(tmp && *tmp ? tmp : "/tmp") + "/netc-fuzz-tfjs-" + std::to_string(getpid());
    mkdir(dir.c_str(), 0700);
    auto write = [&](const std::string &name, const uint8_t *bytes, size_t n) {
        FILE *f = fopen((dir + "/" + name).c_str(), "wb");
        if (!f || fwrite(bytes, 1, n, f) != n || fclose(f) != 0) abort();  // the harness's failure, not the loader's
    };
    const uint8_t *shard = nul ? nul + 1 : data + size;
    const size_t shard_size = size - json_size - (nul ? 1 : 0);
    write("weights.bin", shard, shard_size);
    write("group1-shard1of1.bin", shard, shard_size);
    write("model.json", data, json_size);
    try {
        netc::load_model(dir + "/model.json");
    } catch (const netc::CompileError &) {
    }
    return 0;
}
