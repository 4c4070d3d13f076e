#include "analysis/hot_loops.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>

#include "io/command.h"

namespace netc {

const char *const kLoopLabel = "netc_loop";

namespace {

const char *kObjdump = "llvm-objdump-14";
const char *kMca = "llvm-mca-14";

// ---------------------------------------------------------------------------------------------
// Text helpers

bool starts_with(const std::string &s, const std::string &prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

std::string trim(const std::string &s) {
    const size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

bool is_hex(const std::string &s) {
    return !s.empty() && s.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
}

// Splits operands at the commas outside {} and [] (register lists and addresses hold commas).
std::vector<std::string> split_operands(const std::string &s) {
    std::vector<std::string> out;
    std::string cur;
    int depth = 0;
    for (char c : s) {
        if (c == '{' || c == '[') depth++;
        if (c == '}' || c == ']') depth--;
        if (c == ',' && depth == 0) {
            out.push_back(trim(cur));
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!trim(cur).empty()) out.push_back(trim(cur));
    return out;
}

// Runs an llvm-14 tool through io/command.h, saying which Debian package to install when the
// tool is missing.
std::string run(const std::string &cmd, const std::string &tool) {
    if (!program_on_path(tool)) throw std::runtime_error(tool + " not found: install the Debian package llvm-14 (apt-get install llvm-14)");
    return run_command(cmd, tool);
}

void check_arch(const std::string &arch) {
    if (arch != "aarch64" && arch != "arm") throw std::runtime_error("unknown arch \"" + arch + "\": expected \"aarch64\" or \"arm\"");
}

// ---------------------------------------------------------------------------------------------
// Disassembly parsing

struct Insn {
    uint64_t addr = 0;
    std::string mnemonic;  // lower case, as objdump prints it
    std::string operands;  // with the "<sym+off>" annotations and trailing comments removed
    bool has_address_operand = false;  // objdump printed a "0x... <sym>" operand (branch, adr, literal load)
};

struct Function {
    std::string name;
    std::vector<Insn> code;
};

// "0000000000000000 <conv1x1>:" → "conv1x1"; "" if the line is not a label.
std::string label_of(const std::string &line) {
    const size_t sp = line.find(" <");
    if (sp == std::string::npos || line.size() < 3 || line.compare(line.size() - 2, 2, ">:") != 0) return "";
    if (!is_hex(line.substr(0, sp))) return "";
    return line.substr(sp + 2, line.size() - sp - 4);
}

// Removes every "<...>" annotation; objdump adds them after addresses and symbol names may
// contain characters ('@' in "memcpy@plt") that would look like comments.
std::string drop_annotations(const std::string &s, bool *had_any) {
    std::string out;
    int depth = 0;
    for (char c : s) {
        if (c == '<') depth++, *had_any = true;
        else if (c == '>' && depth > 0) depth--;
        else if (depth == 0) out += c;
    }
    return out;
}

// One instruction line ("     1c8:      \tldp\tq20, q22, [x12, #-16]"), or false for anything else.
bool parse_insn(const std::string &line, Insn *insn) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) return false;
    const std::string addr = trim(line.substr(0, colon));
    if (!is_hex(addr)) return false;
    insn->addr = std::stoull(addr, nullptr, 16);
    std::vector<std::string> fields;
    std::stringstream rest(line.substr(colon + 1));
    for (std::string f; std::getline(rest, f, '\t');)
        if (!trim(f).empty()) fields.push_back(trim(f));
    // Raw encoding bytes, if objdump was run without --no-show-raw-insn: hex only and at least
    // 8 characters, which no mnemonic is.
    while (!fields.empty() && fields[0].size() >= 8 && fields[0].find_first_not_of("0123456789abcdef ") == std::string::npos)
        fields.erase(fields.begin());
    if (fields.empty() || fields[0] == "..." || fields[0][0] == '.') return false;  // zero fill, .word data
    insn->mnemonic = fields[0];
    std::string ops;
    for (size_t i = 1; i < fields.size(); i++) ops += (ops.empty() ? "" : " ") + fields[i];
    insn->has_address_operand = false;
    ops = drop_annotations(ops, &insn->has_address_operand);
    for (const char *comment : {"//", "@"})
        if (ops.find(comment) != std::string::npos) ops = ops.substr(0, ops.find(comment));
    insn->operands = trim(ops);
    return true;
}

// Functions in the order objdump printed them. Mapping symbols ($x, $a, $t: code follows; $d: data
// follows) continue the current function; archive members and sections end it.
std::vector<Function> parse_functions(const std::string &text, const std::string &arch) {
    std::vector<Function> out;
    bool in_function = false, in_data = false;
    std::stringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const size_t format = line.find("file format ");
        if (format != std::string::npos) {
            const std::string f = line.substr(format + 12);
            const bool is_a64 = f.find("aarch64") != std::string::npos;
            const bool is_a32 = f.find("littlearm") != std::string::npos || f.find("bigarm") != std::string::npos;
            if ((arch == "aarch64" && is_a32) || (arch == "arm" && is_a64))
                throw std::runtime_error("the object holds " + trim(f) + " code, not " + arch + " code");
            in_function = false;
            continue;
        }
        if (starts_with(line, "Disassembly of section")) {
            in_function = false;
            continue;
        }
        const std::string label = label_of(line);
        if (!label.empty()) {
            if (label[0] == '$') {
                in_data = starts_with(label, "$d");
            } else {
                out.push_back({label, {}});
                in_function = true;
                in_data = false;
            }
            continue;
        }
        Insn insn;
        if (in_function && !in_data && parse_insn(line, &insn)) out.back().code.push_back(insn);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Instruction classes

const std::set<std::string> kArmConditions = {"eq", "ne", "cs", "hs", "cc", "lo", "mi", "pl", "vs",
                                              "vc", "hi", "ls", "ge", "lt", "gt", "le", "al"};

// The mnemonic without an AArch32 condition code and .w/.n width: "ldrge" with base "ldr" → true.
bool arm_is(const std::string &mnemonic, const std::string &base) {
    if (!starts_with(mnemonic, base)) return false;
    std::string rest = mnemonic.substr(base.size());
    if (rest == ".w" || rest == ".n") return true;
    if (rest.size() > 2 && (rest.compare(rest.size() - 2, 2, ".w") == 0 || rest.compare(rest.size() - 2, 2, ".n") == 0))
        rest.resize(rest.size() - 2);
    return rest.empty() || kArmConditions.count(rest) > 0;
}

// A branch that goes to an address in its operands: a loop can be closed only by one of these
// (bl/blx are calls, bx/br/ret go through registers).
bool is_direct_branch(const Insn &i, const std::string &arch) {
    const std::string &m = i.mnemonic;
    if (m == "cbz" || m == "cbnz") return true;
    if (arch == "aarch64") return m == "b" || starts_with(m, "b.") || m == "tbz" || m == "tbnz";
    return arm_is(m, "b");
}

// The branch target: the last operand, "0x1c8" or plain hex.
bool branch_target(const Insn &i, uint64_t *target) {
    const auto ops = split_operands(i.operands);
    if (ops.empty()) return false;
    std::string t = ops.back();
    if (starts_with(t, "0x")) t = t.substr(2);
    if (!is_hex(t)) return false;
    *target = std::stoull(t, nullptr, 16);
    return true;
}

bool is_load(const std::string &m, const std::string &arch) {
    if (arch == "aarch64") return starts_with(m, "ld");
    return starts_with(m, "ld") || starts_with(m, "vld") || arm_is(m, "pop") || m == "vpop";
}

bool is_store(const std::string &m, const std::string &arch) {
    if (arch == "aarch64") return starts_with(m, "st");
    return starts_with(m, "st") || starts_with(m, "vst") || arm_is(m, "push") || m == "vpush";
}

// The part of an AArch32 NEON/VFP mnemonic before the first '.', and the element size its
// ".f32"-style suffix names (0 if not a float type).
void arm_float_op(const std::string &m, std::string *base, int *bits) {
    const size_t dot = m.find('.');
    *base = m.substr(0, dot);
    *bits = 0;
    if (dot == std::string::npos) return;
    const std::string type = m.substr(dot + 1);
    if (type == "f32") *bits = 32;
    else if (type == "f16") *bits = 16;
    else if (type == "f64") *bits = 64;
}

// Lanes of the destination register: AArch64 "v3.4s" → 4, "s0" → 1; AArch32 q/d/s register
// width over the element size.
int float_lanes(const Insn &i, const std::string &arch, int element_bits) {
    const auto ops = split_operands(i.operands);
    if (ops.empty()) return 1;
    const std::string &d = ops[0];
    if (arch == "aarch64") {
        const size_t dot = d.find('.');
        if (dot == std::string::npos) return 1;
        const int n = std::atoi(d.c_str() + dot + 1);
        return n > 0 ? n : 1;
    }
    const int reg_bits = d[0] == 'q' ? 128 : d[0] == 'd' ? 64 : 32;
    return std::max(1, reg_bits / std::max(element_bits, 1));
}

enum class FloatOp { none, fma, mul, add };

FloatOp float_op(const Insn &i, const std::string &arch, int *lanes) {
    const std::string &m = i.mnemonic;
    FloatOp op = FloatOp::none;
    int bits = 32;
    if (arch == "aarch64") {
        if (m == "fmla" || m == "fmls" || m == "fmadd" || m == "fmsub" || m == "fnmadd" || m == "fnmsub") op = FloatOp::fma;
        else if (m == "fmul" || m == "fnmul" || m == "fmulx") op = FloatOp::mul;
        else if (m == "fadd" || m == "fsub") op = FloatOp::add;
    } else {
        std::string base;
        arm_float_op(m, &base, &bits);
        if (bits == 0) return FloatOp::none;
        for (const char *f : {"vmla", "vmls", "vfma", "vfms", "vfnma", "vfnms"})
            if (arm_is(base, f)) op = FloatOp::fma;
        if (arm_is(base, "vmul") || arm_is(base, "vnmul")) op = FloatOp::mul;
        if (arm_is(base, "vadd") || arm_is(base, "vsub")) op = FloatOp::add;
    }
    if (op != FloatOp::none) *lanes = float_lanes(i, arch, bits);
    return op;
}

// ---------------------------------------------------------------------------------------------
// Stack addressing. AArch32 code often reaches spill slots through a register ("add r0, sp, #136"
// then "vldmia r0, {d2, d3}"), so registers holding an sp-based address are tracked too.

// "x8"/"w8" → "r8", AArch32 aliases to rN, "sp"/"wsp" → "sp"; "" for anything else.
std::string gpr(std::string r, const std::string &arch) {
    while (!r.empty() && (r.back() == '!' || r.back() == ' ')) r.pop_back();
    if (r == "sp" || r == "wsp") return "sp";
    if (arch == "aarch64") {
        if (r.size() >= 2 && (r[0] == 'x' || r[0] == 'w') && r.find_first_not_of("0123456789", 1) == std::string::npos)
            return "r" + r.substr(1);
        return r == "fp" ? "r29" : r == "lr" ? "r30" : "";
    }
    static const std::map<std::string, std::string> alias = {{"sb", "r9"}, {"sl", "r10"}, {"fp", "r11"}, {"ip", "r12"}, {"lr", "r14"}};
    if (alias.count(r)) return alias.at(r);
    if (r.size() >= 2 && r[0] == 'r' && r.find_first_not_of("0123456789", 1) == std::string::npos) return r;
    return "";
}

using SpSet = std::set<std::string>;  // registers currently holding an sp-based address

bool stack_based(const std::string &reg, const SpSet &derived) { return reg == "sp" || derived.count(reg) > 0; }

// The base register of a memory instruction: inside "[...]", else the first operand (ldm/vstm).
std::string address_base(const Insn &i, const std::string &arch) {
    const size_t bracket = i.operands.find('[');
    if (bracket != std::string::npos) {
        const size_t end = i.operands.find_first_of(",]:!", bracket + 1);
        return gpr(trim(i.operands.substr(bracket + 1, end - bracket - 1)), arch);
    }
    const auto ops = split_operands(i.operands);
    return ops.empty() ? "" : gpr(ops[0], arch);
}

bool is_spill(const Insn &i, const std::string &arch, const SpSet &derived) {
    const std::string &m = i.mnemonic;
    if (!is_load(m, arch) && !is_store(m, arch)) return false;
    if (arch == "arm" && (arm_is(m, "push") || arm_is(m, "pop") || m == "vpush" || m == "vpop")) return true;
    const std::string base = address_base(i, arch);
    // LLVM's AArch64 spills address sp (or the frame pointer) directly; a register merely
    // derived from sp is a small buffer Halide put on the stack (a fused stage's row of a
    // depthwise conv), walked like any other. x29 is the frame pointer only when it was set
    // from sp: Halide's code omits the frame pointer and uses x29 as one more data pointer.
    if (arch == "aarch64") return base == "sp" || (base == "r29" && derived.count("r29") > 0);
    // AArch32 reaches q-register spill slots through a register set from sp ("add r0, sp, #N",
    // then "vst1.64 {d16, d17}, [r0:128]"); a stack buffer walked with writeback ("[r0]!") or a
    // register step ("[r0], r1") is data, not a spill.
    if (base != "sp" && (i.operands.find('!') != std::string::npos || i.operands.find("], r") != std::string::npos)) return false;
    return stack_based(base, derived);
}

// Applies `i` to the set: "add/sub/mov rd, <sp-based>, ..." makes rd sp-based, any other write
// to rd ends that. Instructions whose first operand is not written (stores, compares, branches,
// ldm/stm bases) leave the set alone.
void track_stack_registers(const Insn &i, const std::string &arch, SpSet *derived) {
    const std::string &m = i.mnemonic;
    const auto ops = split_operands(i.operands);
    if (ops.empty() || is_store(m, arch) || is_direct_branch(i, arch)) return;
    for (const char *no_dest : {"cmp", "cmn", "tst", "teq", "ccmp", "ccmn", "ldm", "vldm", "pop"})
        if (starts_with(m, no_dest)) return;
    const std::string rd = gpr(ops[0], arch);
    if (rd.empty() || rd == "sp") return;
    bool from_stack = false;
    if (starts_with(m, "add") || starts_with(m, "sub") || starts_with(m, "mov"))
        for (size_t k = 1; k < ops.size() && k <= 2; k++) from_stack |= stack_based(gpr(ops[k], arch), *derived);
    if (from_stack) derived->insert(rd);
    else derived->erase(rd);
    // ldp/ldrd write a second register.
    if ((m == "ldp" || starts_with(m, "ldrd")) && ops.size() > 1 && !gpr(ops[1], arch).empty()) derived->erase(gpr(ops[1], arch));
}

// ---------------------------------------------------------------------------------------------
// Loops

struct Loop {
    size_t first = 0, last = 0;  // indices into Function::code; `last` is the backward branch
};

// One loop per branch target: the header is the target, the loop ends at the last branch back
// to it (a loop with two latches is still one loop). A branch to its own address is not a loop:
// in an unlinked object that is how a call or tail call to another symbol looks before relocation.
std::vector<Loop> find_loops(const Function &f, const std::string &arch) {
    std::map<uint64_t, size_t> index_of;
    for (size_t k = 0; k < f.code.size(); k++) index_of[f.code[k].addr] = k;
    std::map<size_t, size_t> last_branch_to;  // header index → latch index
    for (size_t k = 0; k < f.code.size(); k++) {
        uint64_t target;
        const Insn &i = f.code[k];
        if (!is_direct_branch(i, arch) || !branch_target(i, &target) || target >= i.addr) continue;
        const auto header = index_of.find(target);
        if (header == index_of.end()) continue;  // not inside this function
        size_t &latch = last_branch_to[header->second];
        latch = std::max(latch, k);
    }
    std::vector<Loop> out;
    for (const auto &[first, last] : last_branch_to) out.push_back({first, last});
    return out;
}

std::vector<Loop> innermost(const std::vector<Loop> &loops) {
    std::vector<Loop> out;
    for (const Loop &l : loops) {
        bool holds_another = false;
        for (const Loop &o : loops)
            if (o.first != l.first && l.first <= o.first && o.last <= l.last) holds_another = true;
        if (!holds_another) out.push_back(l);
    }
    return out;
}

// The instruction as llvm-mca input, with an address operand pointing at kLoopLabel.
std::string assembly_text(const Insn &i, const std::string &arch) {
    if (!i.has_address_operand && !is_direct_branch(i, arch)) return i.mnemonic + "\t" + i.operands;
    auto ops = split_operands(i.operands);
    uint64_t ignored;
    if (!ops.empty() && branch_target(i, &ignored)) ops.back() = kLoopLabel;
    std::string text = i.mnemonic + "\t";
    for (size_t k = 0; k < ops.size(); k++) text += (k ? ", " : "") + ops[k];
    return text;
}

LoopStats measure(const Function &f, const Loop &l, const std::string &arch) {
    LoopStats s;
    s.function = f.name;
    s.begin = f.code[l.first].addr;
    s.end = f.code[l.last].addr;
    // What the code before the loop left in registers, then one pass over the body so that
    // addresses set late in an iteration count for the next one.
    SpSet derived;
    for (size_t k = 0; k < l.first; k++) track_stack_registers(f.code[k], arch, &derived);
    SpSet carried = derived;
    for (size_t k = l.first; k <= l.last; k++) track_stack_registers(f.code[k], arch, &carried);
    derived.insert(carried.begin(), carried.end());
    for (size_t k = l.first; k <= l.last; k++) {
        const Insn &i = f.code[k];
        s.instructions++;
        int lanes = 0;
        switch (float_op(i, arch, &lanes)) {
            case FloatOp::fma: s.fmas++, s.fma_lanes += lanes; break;
            case FloatOp::mul: s.fmuls++, s.fmul_lanes += lanes; break;
            case FloatOp::add: s.fadds++; break;
            case FloatOp::none: break;
        }
        if (lanes > 0 && (i.operands.find("[") != std::string::npos && i.operands.find("]") != std::string::npos)) s.broadcasts = true;
        if (i.mnemonic == "ld1r" || i.mnemonic == "dup" || (arch == "arm" && (starts_with(i.mnemonic, "vdup") || i.operands.find("[]") != std::string::npos)))
            s.broadcasts = true;
        if (is_load(i.mnemonic, arch)) s.loads++;
        if (is_store(i.mnemonic, arch)) s.stores++;
        if (is_spill(i, arch, derived)) s.spills++;
        track_stack_registers(i, arch, &derived);
        s.body.push_back(assembly_text(i, arch));
    }
    return s;
}

// The stage a symbol belongs to: its own name, or a closure Halide outlined from it. The longest
// matching stage name wins, so a stage named like another's closure prefix is not confused.
int stage_of(const std::string &symbol, const std::vector<std::string> &stages) {
    int best = -1;
    for (size_t k = 0; k < stages.size(); k++) {
        const std::string &s = stages[k];
        const bool mine = symbol == s || starts_with(symbol, s + "_par_for_") || starts_with(symbol, s + "_fork_");
        if (mine && (best < 0 || s.size() > stages[size_t(best)].size())) best = int(k);
    }
    return best;
}

bool hotter(const LoopStats &a, const LoopStats &b) {
    if (a.fma_lanes != b.fma_lanes) return a.fma_lanes > b.fma_lanes;
    if (a.fma_lanes == 0 && a.fmul_lanes != b.fmul_lanes) return a.fmul_lanes > b.fmul_lanes;
    return a.instructions > b.instructions;
}

// ---------------------------------------------------------------------------------------------
// llvm-mca

std::vector<std::string> mca_flags(const std::string &arch, const std::string &cpu) {
    // The plain armv7a triple has no NEON; Halide's arm-32 code needs it (and vfp4 for vfma).
    if (arch == "aarch64") return {"-mtriple=aarch64-linux-gnu", "-mcpu=" + cpu};
    return {"-mtriple=armv7a-linux-gnueabihf", "-mcpu=" + cpu, "-mattr=+neon,+vfp4"};
}

double number_after(const std::string &out, const std::string &key) {
    const size_t at = out.find(key);
    if (at == std::string::npos) throw std::runtime_error("llvm-mca printed no \"" + key + "\" line:\n" + out);
    return std::atof(out.c_str() + at + key.size());
}

// "[0]   - A57UnitB" → "A57": the resource names say which model llvm-mca picked.
std::string model_name(const std::string &out) {
    const size_t at = out.find("\nResources:\n");
    if (at == std::string::npos) return "";
    std::stringstream lines(out.substr(at + 12));
    std::string line;
    std::getline(lines, line);
    const size_t dash = line.find("- ");
    if (dash == std::string::npos) return "";
    const std::string name = trim(line.substr(dash + 2));
    const size_t unit = name.find("Unit");
    return unit == std::string::npos || unit == 0 ? name : name.substr(0, unit);
}

struct McaRun {
    double cycles_per_iteration = 0;
    std::string model;
};

McaRun run_mca_uncached(const std::vector<std::string> &body, const std::string &arch, const std::string &cpu) {
    if (body.empty()) throw std::runtime_error("llvm-mca: the loop body is empty (the stage has no loop to estimate)");
    const char *tmp = std::getenv("TMPDIR");
    std::string path = std::string(tmp && *tmp ? tmp : "/tmp") + "/netc_mca_XXXXXX";
    const int fd = mkstemp(&path[0]);
    if (fd < 0) throw std::runtime_error("cannot create a temporary file for llvm-mca in " + path);
    close(fd);
    {
        std::ofstream s(path);
        s << kLoopLabel << ":\n";
        for (const auto &line : body) s << "\t" << line << "\n";
    }
    std::string cmd = kMca;
    for (const auto &flag : mca_flags(arch, cpu)) cmd += " " + shell_word(flag);
    cmd += " -iterations=" + std::to_string(kMcaIterations) + " " + shell_word(path);
    std::string out;
    try {
        out = run(cmd, kMca);
    } catch (...) {
        std::remove(path.c_str());
        throw;
    }
    std::remove(path.c_str());
    // An unknown cpu is only a warning when llvm-mca then falls back to another model.
    if (out.find("is not a recognized processor") != std::string::npos ||
        out.find("unable to find instruction-level scheduling") != std::string::npos)
        throw std::runtime_error("llvm-mca-14 has no scheduling model for cpu \"" + cpu + "\" on " + arch + ":\n" + out);
    McaRun r;
    const double iterations = number_after(out, "Iterations:");
    const double cycles = number_after(out, "Total Cycles:");
    if (iterations <= 0 || cycles <= 0) throw std::runtime_error("llvm-mca printed no cycle count:\n" + out);
    r.cycles_per_iteration = cycles / iterations;
    r.model = model_name(out);
    return r;
}

// llvm-mca takes 0.1-0.2 s a run, and a network repeats the same loop in many stages (every
// MobileNetV1 1x1 conv has the same one) and asks for each core's peak once per stage: one run
// per distinct body, arch and cpu.
McaRun run_mca(const std::vector<std::string> &body, const std::string &arch, const std::string &cpu) {
    static std::mutex mutex;
    static std::map<std::string, McaRun> cache;
    std::string key = arch + "\n" + cpu;
    for (const auto &line : body) key += "\n" + line;
    {
        std::lock_guard<std::mutex> lock(mutex);
        const auto it = cache.find(key);
        if (it != cache.end()) return it->second;
    }
    const McaRun r = run_mca_uncached(body, arch, cpu);
    std::lock_guard<std::mutex> lock(mutex);
    return cache[key] = r;
}

// Enough independent accumulators to cover the FMA latency of any modelled core (10 cycles on
// the A57 model) at two per cycle; the accumulate operand chains each one to the previous
// iteration only.
std::vector<std::string> peak_block(const std::string &arch) {
    std::vector<std::string> block;
    if (arch == "aarch64")
        for (int k = 0; k < 24; k++) block.push_back("fmla\tv" + std::to_string(k) + ".4s, v30.4s, v31.4s");
    else
        for (int k = 0; k < 14; k++) block.push_back("vmla.f32\tq" + std::to_string(k) + ", q14, q15");
    return block;
}

double peak_fma_lanes_per_cycle(const std::string &arch, const std::string &cpu) {
    const auto block = peak_block(arch);
    return double(block.size()) * 4 / run_mca(block, arch, cpu).cycles_per_iteration;
}

}  // namespace

std::vector<StageLoops> find_hot_loops_in_disassembly(const std::string &objdump_text, const std::string &arch,
                                                      const std::vector<std::string> &stage_functions) {
    check_arch(arch);
    std::vector<StageLoops> out(stage_functions.size());
    for (size_t k = 0; k < out.size(); k++) out[k].stage_function = stage_functions[k];
    for (const Function &f : parse_functions(objdump_text, arch)) {
        const int stage = stage_of(f.name, stage_functions);
        if (stage < 0) continue;
        StageLoops &st = out[size_t(stage)];
        st.found = true;
        st.symbols.push_back(f.name);
        for (const Loop &l : innermost(find_loops(f, arch))) {
            st.innermost_loops++;
            LoopStats s = measure(f, l, arch);
            if (s.fma_lanes + s.fmul_lanes == 0) continue;
            if (st.hot.body.empty() || hotter(s, st.hot)) st.hot = s;
            st.multiply_loops.push_back(std::move(s));
        }
    }
    for (StageLoops &st : out) std::stable_sort(st.multiply_loops.begin(), st.multiply_loops.end(), hotter);
    return out;
}

std::vector<StageLoops> find_hot_loops(const std::string &object_or_archive, const std::string &arch,
                                       const std::vector<std::string> &stage_functions) {
    check_arch(arch);
    if (!std::ifstream(object_or_archive)) throw std::runtime_error("cannot read " + object_or_archive);
    const std::string text = run(std::string(kObjdump) + " -d --no-show-raw-insn " + shell_word(object_or_archive), kObjdump);
    return find_hot_loops_in_disassembly(text, arch, stage_functions);
}

McaEstimate estimate_loop(const LoopStats &loop, const std::string &arch, const std::string &cpu) {
    check_arch(arch);
    const McaRun r = run_mca(loop.body, arch, cpu);
    McaEstimate e;
    e.cpu = cpu;
    e.model = r.model;
    e.cycles_per_iteration = r.cycles_per_iteration;
    e.peak_fma_lanes_per_cycle = peak_fma_lanes_per_cycle(arch, cpu);
    return e;
}

}  // namespace netc
