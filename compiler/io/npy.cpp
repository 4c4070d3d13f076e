#include "io/npy.h"

#include <cstring>
#include <fstream>
#include <sstream>

#include "io/read_file.h"
#include "spec/diagnostic.h"

namespace netc {

NpyArray read_npy(const std::string &path) {
    const std::string b = read_file(path, "");
    if (b.size() < 12 || b.compare(0, 6, "\x93NUMPY") != 0) fail(path, "", "", "not a .npy file (bad magic)");
    size_t header_len = uint8_t(b[8]) | (size_t(uint8_t(b[9])) << 8), start = 10;
    if (b[6] != 1) header_len |= (size_t(uint8_t(b[10])) << 16) | (size_t(uint8_t(b[11])) << 24), start = 12;
    if (start + header_len > b.size()) fail(path, "", "", "truncated header");
    const std::string h = b.substr(start, header_len);
    if (h.find("'descr': '<f4'") == std::string::npos) fail(path, "", "descr", "only float32 ('<f4') arrays are supported; header: " + h);
    if (h.find("'fortran_order': False") == std::string::npos) fail(path, "", "fortran_order", "only C-order arrays are supported");
    size_t p = h.find("'shape': (");
    if (p == std::string::npos) fail(path, "", "shape", "missing in header");
    const std::string shown = h.substr(0, h.find_last_not_of(" \n") + 1);  // the header without its padding, for messages
    const size_t close = h.find(')', p);
    if (close == std::string::npos) fail(path, "", "shape", "not closed in header: " + shown);
    NpyArray a;
    std::stringstream ds(h.substr(p + 10, close - p - 10));
    std::string tok;
    const size_t data_at = start + header_len;
    const int64_t available = int64_t(b.size() - data_at) / 4;  // what the file can hold bounds the product, so it cannot overflow
    int64_t count = 1;
    while (std::getline(ds, tok, ',')) {
        const size_t first = tok.find_first_not_of(' '), last = tok.find_last_not_of(' ');
        if (first == std::string::npos) continue;
        const std::string digits = tok.substr(first, last - first + 1);
        if (digits.size() > 12 || digits.find_first_not_of("0123456789") != std::string::npos)
            fail(path, "", "shape", "'" + digits + "' is not a dimension; header: " + shown);
        a.shape.push_back(std::stoll(digits));
        if (a.shape.back() == 0) fail(path, "", "shape", "the array holds no values (a dimension is 0)");
        if (a.shape.back() > available / count)
            fail(path, "", "shape", "needs more values than the file's " + std::to_string(b.size() - data_at) + " data bytes hold");
        count *= a.shape.back();
    }
    if (int64_t(b.size() - data_at) != count * 4)
        fail(path, "", "", "holds " + std::to_string(b.size() - data_at) + " data bytes, the shape needs " + std::to_string(count * 4));
    a.data.resize(size_t(count));
    std::memcpy(a.data.data(), b.data() + data_at, size_t(count) * 4);
    return a;
}

void write_npy(const std::string &path, const NpyArray &a) {
    std::string shape = "(";
    for (size_t i = 0; i < a.shape.size(); i++) shape += std::to_string(a.shape[i]) + ", ";
    if (a.shape.size() > 1) shape.resize(shape.size() - 2);
    else if (a.shape.size() == 1) shape.resize(shape.size() - 1);
    shape += ")";
    std::string h = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    while ((10 + h.size() + 1) % 64) h += ' ';
    h += '\n';
    std::ofstream f(path, std::ios::binary);
    if (!f) fail(path, "", "", "cannot write");
    f.write("\x93NUMPY\x01\x00", 8);
    f.put(char(h.size() & 0xff));
    f.put(char(h.size() >> 8));
    f << h;
    f.write(reinterpret_cast<const char *>(a.data.data()), std::streamsize(a.data.size() * 4));
}

}  // namespace netc
