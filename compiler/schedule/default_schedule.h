// The default schedule of each stage kind, derived from the target's vector width and
// register count. Channels are vectorized, rows run in parallel; shapes are known at
// compile time, so every split is chosen to fit its extent (an odd shape is slower, never wrong).
#pragma once

#include "lower/stage.h"
#include "schedule/schedule_params.h"
#include "schedule/target.h"

namespace netc {

void apply_default_schedule(StageFuncs &s, const StageVars &v, const TargetInfo &t, const ScheduleParams &p = {});

}  // namespace netc
