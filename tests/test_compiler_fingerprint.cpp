// Model fingerprints (schedule/model_fingerprint.h) and how they pick a tuned schedule
// (schedule_params.h): by what the model is, never by what its file is called.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "schedule/model_fingerprint.h"
#include "schedule/schedule_params.h"
#include "spec/diagnostic.h"
#include "spec/load_model.h"

namespace netc {
namespace {

const std::string kSrc = NETC_SOURCE_DIR;

Graph v2() { return load_model_structure(kSrc + "/models/mobilenet_v2.json"); }

TEST(ModelFingerprint, IgnoresTheModelsNameAndWeights) {
    Graph a = v2();
    Graph b = a;
    b.name = "my_export";
    b.spec_file = "/elsewhere/model.json";
    b.weights.seed = 12345;
    EXPECT_EQ(model_fingerprint(a), model_fingerprint(b));
    EXPECT_EQ(model_fingerprint(a).rfind("fnv1a64:", 0), 0u);
}

TEST(ModelFingerprint, ChangesWithLayerNamesShapesAndAttributes) {
    const Graph a = v2();
    const std::string fa = model_fingerprint(a);
    Graph renamed = a;
    renamed.layers[5].name += "_x";
    EXPECT_NE(model_fingerprint(renamed), fa);
    Graph strided = a;
    for (Layer &l : strided.layers)
        if (l.op == OpKind::DepthwiseConv2D) {
            l.stride_h = l.stride_w = 3 - l.stride_h;
            break;
        }
    EXPECT_NE(model_fingerprint(strided), fa);
    ModelOptions smaller;
    smaller.input_size = 192;
    EXPECT_NE(model_fingerprint(load_model_structure(kSrc + "/models/mobilenet_v2.json", smaller)), fa);
}

// Every bundled tuned file records the fingerprint of the model it was tuned for, and that
// model finds it (a stale stamp would silently drop the tuning).
TEST(ModelFingerprint, BundledTunedFilesMatchTheirModels) {
    int files = 0;
    for (const std::string target : {"x86-64-avx512", "x86-64-avx2"})
        for (const auto &e : std::filesystem::directory_iterator(kSrc + "/schedules/" + target)) {
            const std::string model = e.path().stem().string();
            ModelOptions o;
            std::string spec = model;
            if (model == "mobilenet_v1_a050_160") spec = "mobilenet_v1", o.alpha = 0.5, o.input_size = 160;
            const Graph g = load_model_structure(kSrc + "/models/" + spec + ".json", o);
            ASSERT_EQ(g.name, model);
            EXPECT_EQ(load_schedule_params(e.path().string()).model_fingerprint, model_fingerprint(g)) << e.path();
            EXPECT_EQ(default_schedule_file(target, "renamed", model_fingerprint(g)), e.path().string());
            files++;
        }
    EXPECT_EQ(files, 14);
}

TEST(ModelFingerprint, ATunedFileForAnotherGraphIsPassedOverWithANotice) {
    // A user's MobileNetV2 at 192x192, in a file that happens to share the bundled model's name
    // (a graph with no tuned file: another bundled graph would find its own, by fingerprint).
    ModelOptions o;
    o.input_size = 192;
    Graph other = load_model_structure(kSrc + "/models/mobilenet_v2.json", o);
    other.name = "mobilenet_v2";
    std::vector<std::string> notices;
    const std::string chosen = default_schedule_file("x86-64-avx512", other.name, model_fingerprint(other),
                                                     [&](const std::string &s) { notices.push_back(s); });
    EXPECT_EQ(chosen, kSrc + "/schedules/x86-64-avx512.json");
    ASSERT_EQ(notices.size(), 1u);
    EXPECT_NE(notices[0].find("x86-64-avx512/mobilenet_v2.json was tuned for another model"), std::string::npos) << notices[0];
    // And it compiles with the target's knobs: no error about layers it does not have.
    EXPECT_EQ(schedule_params_for("x86-64-avx512", other.name, model_fingerprint(other), "").source, chosen);
}

TEST(ModelFingerprint, AnExplicitFileTunedForAnotherModelIsAnError) {
    const Graph small = load_model_structure(kSrc + "/models/mobilenet_v3_small.json");
    try {
        schedule_params_for("x86-64-avx512", small.name, model_fingerprint(small), kSrc + "/schedules/x86-64-avx512/mobilenet_v2.json");
        FAIL() << "no error";
    } catch (const CompileError &e) {
        EXPECT_NE(std::string(e.what()).find("field 'model_fingerprint': this schedule was tuned for another model"), std::string::npos)
            << e.what();
    }
    // A target's file (no fingerprint) suits any model.
    EXPECT_NO_THROW(schedule_params_for("x86-64-avx512", small.name, model_fingerprint(small), kSrc + "/schedules/x86-64-avx512.json"));
}

}  // namespace
}  // namespace netc
