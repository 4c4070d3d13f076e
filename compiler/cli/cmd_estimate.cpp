// netc estimate: how fast a model compiled for an ARM target should run on a named core,
// without the core. It reads the shipped machine code (lib<model>.a), finds each stage's
// hottest innermost loop, and asks llvm-mca how many cycles an iteration takes there.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analysis/compiled_stages.h"
#include "analysis/hot_loops.h"
#include "cli/args.h"
#include "cli/target_options.h"
#include "exec/compiled_model.h"
#include "spec/diagnostic.h"
#include "spec/load_model.h"

namespace netc {

namespace {

struct Core {
    std::string cpu;
    double ghz;
};

// "cortex-a72@1.8,neoverse-n1@2.5"
std::vector<Core> parse_cores(const std::string &text) {
    std::vector<Core> cores;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const size_t at = item.find('@');
        if (item.empty() || at == 0 || at == std::string::npos || at + 1 == item.size())
            throw UsageError("--cpu takes CPU@GHZ[,CPU@GHZ...] (e.g. cortex-a72@1.8), got '" + text + "'");
        char *end;
        const std::string clock = item.substr(at + 1);
        const double ghz = std::strtod(clock.c_str(), &end);
        if (*end != '\0' || !(ghz > 0.01 && ghz < 10)) throw UsageError("--cpu: '" + clock + "' is not a clock in GHz");
        cores.push_back({item.substr(0, at), ghz});
    }
    if (cores.empty()) throw UsageError("--cpu names no core");
    return cores;
}

// What a stage's hottest loop computes per iteration: its multiply-accumulate lanes (armv7
// code multiplies and adds separately, so its multiply lanes stand in).
int macs_per_iteration(const LoopStats &l) { return l.fma_lanes > 0 ? l.fma_lanes : l.fmul_lanes; }

struct StageEstimate {
    double cycles = 0, share_of_peak = 0, cycles_per_iteration = 0;
};

// The loop a kind of work runs in: a convolution's register tile multiplies by one input value
// across lanes (broadcasts); a depthwise conv multiplies whole vectors. The hottest loop of the
// kind, else the stage's hottest loop (a kind whose loop netc cannot tell apart).
const LoopStats *loop_for(const StageLoops &st, bool depthwise) {
    for (const LoopStats &l : st.multiply_loops)
        if (l.broadcasts != depthwise) return &l;
    return st.multiply_loops.empty() ? nullptr : &st.multiply_loops.front();
}

}  // namespace

int cmd_estimate(int argc, char **argv) {
    Args a(argc, argv, 2, {"--alpha", "--input-size", "--input-shape", "--target", "--generated-dir", "--cpu", "--stages", "--show-loop", "--json"}, {"--all-stages"});
    if (a.help()) {
        std::puts(
            "usage: netc estimate SPEC --target arm-64-linux|arm-32-linux [options]\n"
            "\n"
            "Estimates, without ARM hardware, how fast the compiled model runs on one core of a named\n"
            "CPU. It reads the machine code netc compile wrote (lib<model>.a), finds each stage's\n"
            "hottest innermost loop and prints its instruction mix (multiply-adds against all\n"
            "instructions, loads, stores, register spills) and llvm-mca's (Debian llvm-14) cycles per\n"
            "iteration on each core. A stage's estimate runs its convolutions' multiply-accumulates at\n"
            "the rate of its hottest register-tile loop and its depthwise ones at its hottest depthwise\n"
            "loop's, with data in L1: memory stalls, loop overheads outside those loops and stages\n"
            "without a multiply-add loop (pools, softmax) are not counted, so real times are higher.\n"
            "These are ESTIMATES, not measurements (docs/performance-arm.md).\n"
            "\n"
            "options:\n"
            "  --target T         arm-64-linux or arm-32-linux (required)\n"
            "  --cpu LIST         cores and clocks, CPU@GHZ[,...] (default: cortex-a72@1.8,neoverse-n1@2.5 for\n"
            "                     arm-64-linux: a Raspberry Pi 4 and a Graviton2-class server core; cortex-a72@1.8\n"
            "                     for arm-32-linux). LLVM 14 models neoverse-n1 with the Cortex-A57 model, as it\n"
            "                     does cortex-a72; cortex-a53 (Raspberry Pi 3) has a model of its own\n"
            "  --stages N         how many stages to list, most estimated cycles first (default 12; --all-stages: all)\n"
            "  --json FILE        also write every stage's figures and the totals as JSON (bench/arm_estimates reads it)\n"
            "  --show-loop STAGE  also print that stage's innermost multiply loops, as llvm-mca reads them\n"
            "  --generated-dir D  where netc compile wrote it (default generated)");
        std::fputs(kModelOptionsHelp, stdout);
        return 0;
    }
    if (!a.has("--target")) throw UsageError("--target is required (arm-64-linux or arm-32-linux)");
    const TargetInfo target = target_from_args(a);
    if (target.arch != "aarch64" && target.arch != "arm")
        fail("", "", "--target", "netc estimate reads ARM code (arm-64-linux, arm-32-linux); " + target.name +
                                     " code runs on this machine: measure it with netc bench");
    const std::vector<Core> cores = parse_cores(a.get("--cpu", target.arch == "aarch64" ? "cortex-a72@1.8,neoverse-n1@2.5" : "cortex-a72@1.8"));
    const size_t show = a.has("--all-stages") ? SIZE_MAX : size_t(a.get_int("--stages", 12, 0, 100000));
    const Graph g = load_model(a.one_positional("spec file"), model_options(a));
    const std::string dir = checked_compiled_dir(a.get("--generated-dir", "generated"), g, target);
    const std::vector<CompiledStage> stages = compiled_stages(optimize(g), dir + "/" + g.name + ".json");
    std::vector<std::string> functions;
    for (const auto &s : stages) functions.push_back(s.function);
    const std::vector<StageLoops> loops = find_hot_loops(dir + "/lib" + g.name + ".a", target.arch, functions);

    // est[stage][core]
    std::vector<std::vector<StageEstimate>> est(stages.size(), std::vector<StageEstimate>(cores.size()));
    std::vector<double> peak(cores.size(), 0);
    std::vector<std::string> model(cores.size());
    int64_t total_macs = 0, unestimated_macs = 0;
    int unestimated = 0, spilling = 0;
    // The loop shown per stage: the one its larger share of MACs runs in.
    std::vector<const LoopStats *> shown(stages.size(), nullptr);
    for (size_t i = 0; i < stages.size(); i++) {
        total_macs += stages[i].macs;
        const int64_t dw = stages[i].depthwise_macs, other = stages[i].macs - dw;
        shown[i] = loop_for(loops[i], dw > other);
        if (!shown[i] || stages[i].macs == 0) {
            unestimated++, unestimated_macs += stages[i].macs;
            continue;
        }
        spilling += shown[i]->spills > 0;
        for (size_t c = 0; c < cores.size(); c++) {
            StageEstimate &e = est[i][c];
            double lanes_per_cycle = 0;
            // Each kind's MACs at its own loop's rate.
            for (const auto &[macs, depthwise] : {std::pair<int64_t, bool>{other, false}, std::pair<int64_t, bool>{dw, true}}) {
                if (macs == 0) continue;
                const LoopStats *l = loop_for(loops[i], depthwise);
                const McaEstimate m = estimate_loop(*l, target.arch, cores[c].cpu);
                peak[c] = m.peak_fma_lanes_per_cycle, model[c] = m.model;
                e.cycles += double(macs) / macs_per_iteration(*l) * m.cycles_per_iteration;
                if (l == shown[i]) e.cycles_per_iteration = m.cycles_per_iteration, lanes_per_cycle = macs_per_iteration(*l) / m.cycles_per_iteration;
            }
            e.share_of_peak = lanes_per_cycle / peak[c];
        }
    }

    std::printf("ESTIMATE (static, not measured): %s compiled for %s, 1 thread, from its machine code and llvm-mca\n", g.name.c_str(),
                target.name.c_str());
    std::printf("(the target's facts: %s, %d float multiply-adds a cycle)\n", target.core.c_str(), target.fma_lanes_per_cycle);
    std::vector<size_t> order(stages.size());
    for (size_t i = 0; i < order.size(); i++) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return est[x][0].cycles > est[y][0].cycles; });
    std::printf("\nstages, most estimated cycles on %s first (%zu of %zu shown); the loop of each that runs most of its MACs:\n", cores[0].cpu.c_str(),
                std::min(show, stages.size()), stages.size());
    std::printf("  %-28s %-24s %8s | %5s %4s %5s %4s %4s %6s |", "stage", "op (fused: in order)", "MACs", "instr", "fma", "lanes", "ld", "st", "spills");
    for (const Core &c : cores) std::printf(" %12.12s cyc/it %%peak     ms |", c.cpu.c_str());
    std::printf("\n");
    for (size_t k = 0; k < order.size() && k < show; k++) {
        const size_t i = order[k];
        std::printf("  %-28.28s %-24.24s %7.1fM |", stages[i].name.c_str(), stages[i].ops.c_str(), double(stages[i].macs) / 1e6);
        if (!shown[i] || stages[i].macs == 0) {
            std::printf(" %s\n", loops[i].found ? "no multiply-add loop: not estimated" : "stage code not found: not estimated");
            continue;
        }
        const LoopStats &h = *shown[i];
        std::printf(" %5d %4d %5d %4d %4d %6d |", h.instructions, h.fmas > 0 ? h.fmas : h.fmuls, macs_per_iteration(h), h.loads, h.stores, h.spills);
        for (size_t c = 0; c < cores.size(); c++)
            std::printf(" %19.2f %4.0f%% %7.3f |", est[i][c].cycles_per_iteration, 100 * est[i][c].share_of_peak,
                        est[i][c].cycles / (cores[c].ghz * 1e6));
        std::printf("\n");
    }
    std::printf("\n");
    for (size_t c = 0; c < cores.size(); c++) {
        double cycles = 0;
        for (size_t i = 0; i < stages.size(); i++) cycles += est[i][c].cycles;
        const double estimated_macs = double(total_macs - unestimated_macs);
        std::printf("ESTIMATE %s at %.2f GHz (llvm-mca model %s, FMA peak %.0f float lanes a cycle): %.1f ms per inference on 1 thread, "
                    "%.0f%% of the FMA peak\n",
                    cores[c].cpu.c_str(), cores[c].ghz, model[c].c_str(), peak[c], cycles / (cores[c].ghz * 1e6),
                    cycles > 0 ? 100.0 * estimated_macs / cycles / peak[c] : 0.0);
    }
    std::printf("(%.1fM MACs; %d stage%s without a multiply-add loop, %.2fM MACs, not counted; %d hot loop%s with register spills)\n",
                double(total_macs) / 1e6, unestimated, unestimated == 1 ? "" : "s", double(unestimated_macs) / 1e6, spilling,
                spilling == 1 ? "" : "s");
    if (a.has("--json")) {
        nlohmann::ordered_json j;
        j["model"] = g.name;
        j["target"] = target.name;
        j["macs"] = total_macs;
        for (size_t c = 0; c < cores.size(); c++) {
            double cycles = 0;
            for (size_t i = 0; i < stages.size(); i++) cycles += est[i][c].cycles;
            j["cores"].push_back({{"cpu", cores[c].cpu}, {"ghz", cores[c].ghz}, {"mca_model", model[c]}, {"peak_fma_lanes_per_cycle", peak[c]},
                                  {"cycles", cycles}, {"ms", cycles / (cores[c].ghz * 1e6)},
                                  {"share_of_peak", cycles > 0 ? double(total_macs - unestimated_macs) / cycles / peak[c] : 0.0}});
        }
        for (size_t i = 0; i < stages.size(); i++) {
            nlohmann::ordered_json st = {{"name", stages[i].name}, {"ops", stages[i].ops}, {"macs", stages[i].macs},
                                         {"depthwise_macs", stages[i].depthwise_macs}};
            if (shown[i] && stages[i].macs > 0) {
                const LoopStats &h = *shown[i];
                st["loop"] = {{"function", h.function}, {"instructions", h.instructions}, {"multiply_adds", h.fmas ? h.fmas : h.fmuls},
                              {"lanes", macs_per_iteration(h)}, {"loads", h.loads}, {"stores", h.stores}, {"spills", h.spills},
                              {"broadcasts", h.broadcasts}};
                for (size_t c = 0; c < cores.size(); c++)
                    st["cores"].push_back({{"cpu", cores[c].cpu}, {"cycles_per_iteration", est[i][c].cycles_per_iteration},
                                           {"share_of_peak", est[i][c].share_of_peak}, {"ms", est[i][c].cycles / (cores[c].ghz * 1e6)}});
            }
            j["stages"].push_back(st);
        }
        const std::string path = a.get("--json", "");
        std::ofstream out(path);
        out << j.dump(1) << "\n";
        if (!out) fail(path, "", "--json", "cannot write");
    }
    if (a.has("--show-loop")) {
        const std::string want = a.get("--show-loop", "");
        size_t i = 0;
        while (i < stages.size() && stages[i].name != want) i++;
        if (i == stages.size()) throw UsageError("--show-loop: no stage named '" + want + "' (netc summary SPEC --stages lists them)");
        for (const LoopStats &l : loops[i].multiply_loops) {
            std::printf("\n%s: a loop in %s (%s, %s; %d multiply-adds, %d lanes):\n", want.c_str(), l.function.c_str(), target.arch.c_str(),
                        l.broadcasts ? "broadcasts: a convolution's tile" : "whole vectors: depthwise", l.fmas ? l.fmas : l.fmuls, macs_per_iteration(l));
            for (const std::string &line : l.body) std::printf("  %s\n", line.c_str());
        }
    }
    if (target.arch == "arm")
        std::printf("(arm-32-linux: Halide 14's ARMv7 code multiplies and adds with separate instructions; 'fma' counts its multiplies)\n");
    return 0;
}

}  // namespace netc
