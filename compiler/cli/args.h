// Command-line flags for the netc subcommands: --name value pairs, --flag switches and
// positional arguments. A bad flag is a UsageError (exit code 2), never a crash.
#pragma once

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace netc {

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Args {
public:
    // `with_value`: flags that take a value; `switches`: flags that don't.
    Args(int argc, char **argv, int first, const std::set<std::string> &with_value, const std::set<std::string> &switches);
    bool help() const { return help_; }
    bool has(const std::string &flag) const { return values_.count(flag) || switches_.count(flag); }
    std::string get(const std::string &flag, const std::string &dflt) const;
    int get_int(const std::string &flag, int dflt, int min, int max) const;
    double get_double(const std::string &flag, double dflt) const;
    const std::vector<std::string> &positional() const { return positional_; }
    const std::string &one_positional(const std::string &what) const;
    // The value of a list flag ("1,3,224,224"), split at its commas; an empty part stays one.
    std::vector<std::string> get_list(const std::string &flag) const;

private:
    bool help_ = false;
    std::map<std::string, std::string> values_;
    std::set<std::string> switches_;
    std::vector<std::string> positional_;
};

// --alpha and --input-size, which every command that loads a spec takes.
struct ModelOptions;
extern const char *const kModelOptionsHelp;
ModelOptions model_options(const Args &a);

int cmd_compile(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_weights(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_tune(int argc, char **argv);
int cmd_estimate(int argc, char **argv);

}  // namespace netc
