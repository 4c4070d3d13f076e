#include "codegen/scratch_bytes.h"

namespace netc {

namespace {

// Halide 14 (CodeGen_Posix) keeps a constant-sized temporary up to this size on the stack.
constexpr int64_t kStackLimit = 16 * 1024;
// runtime/netc_scratch.c: a 64-byte header per block, sizes rounded up to 64; and a vector's
// worth of slack, since Halide may read a little past a buffer's end.
constexpr int64_t kBlockOverhead = 64 + 64 + 64;

class HeapTemporaries : public Halide::Internal::IRVisitor {
public:
    int64_t bytes = 0;

private:
    using IRVisitor::visit;
    void visit(const Halide::Internal::Allocate *op) override {
        const int64_t elements = op->constant_allocation_size();
        const int64_t size = elements * op->type.bytes();
        // A size known only at run time cannot be counted here; the scratch grows to it
        // after the first inference.
        if (elements > 0 && (size > kStackLimit || op->memory_type == Halide::MemoryType::Heap)) bytes += size + kBlockOverhead;
        IRVisitor::visit(op);
    }
};

}  // namespace

int64_t scratch_bytes(const Halide::Module &m) {
    HeapTemporaries h;
    for (const Halide::Internal::LoweredFunc &f : m.functions()) f.body.accept(&h);
    return h.bytes;
}

}  // namespace netc
