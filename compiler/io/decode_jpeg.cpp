// JPEG through libjpeg(-turbo). Its default error handler calls exit(): ours longjmps back and
// turns the library's message into a netc error naming the file.
#include <csetjmp>
#include <cstdio>
#include <memory>

#include <jpeglib.h>

#include "io/image.h"
#include "io/read_file.h"
#include "spec/diagnostic.h"

namespace netc {

namespace {

struct ErrorManager {
    jpeg_error_mgr pub;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
    char warning[JMSG_LENGTH_MAX];  // the first corrupt-data warning, "" if none
};

void on_error(j_common_ptr cinfo) {
    auto *e = reinterpret_cast<ErrorManager *>(cinfo->err);
    (*cinfo->err->format_message)(cinfo, e->message);
    std::longjmp(e->jump, 1);
}

// Level -1 is corrupt data (a truncated file among it): libjpeg would fill the rest with gray
// and go on; netc keeps the first such message and refuses the image afterwards.
void on_warning(j_common_ptr cinfo, int level) {
    auto *e = reinterpret_cast<ErrorManager *>(cinfo->err);
    if (level == -1 && e->warning[0] == 0) (*cinfo->err->format_message)(cinfo, e->warning);
}

}  // namespace

Image read_jpeg(const std::string &path) {
    // The whole file in memory first: no FILE* to leak on a longjmp, and its size bounds the image.
    const std::string bytes = read_file(path, "image");
    // Only memory (never a local variable) changes between setjmp and a longjmp.
    const auto img = std::make_unique<Image>();
    Image &out = *img;
    jpeg_decompress_struct cinfo{};
    ErrorManager err{};
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = on_error;
    err.pub.emit_message = on_warning;
    std::string problem;
    // Nothing with a destructor may be created between setjmp and the last libjpeg call.
    if (setjmp(err.jump)) {
        problem = err.message;
    } else {
        jpeg_create_decompress(&cinfo);
        jpeg_mem_src(&cinfo, reinterpret_cast<const unsigned char *>(bytes.data()), static_cast<unsigned long>(bytes.size()));
        jpeg_read_header(&cinfo, TRUE);
        problem = pixel_limit_problem(cinfo.image_width, cinfo.image_height);
        if (problem.empty()) {
            cinfo.out_color_space = JCS_RGB;  // libjpeg converts gray and YCbCr; CMYK it refuses (reported below)
            jpeg_start_decompress(&cinfo);
            out.width = int(cinfo.output_width);
            out.height = int(cinfo.output_height);
            out.rgb.resize(size_t(out.width) * size_t(out.height) * 3);
            while (cinfo.output_scanline < cinfo.output_height) {
                JSAMPROW row = out.rgb.data() + size_t(cinfo.output_scanline) * size_t(out.width) * 3;
                jpeg_read_scanlines(&cinfo, &row, 1);
            }
            jpeg_finish_decompress(&cinfo);
        }
    }
    jpeg_destroy_decompress(&cinfo);
    if (!problem.empty()) fail(path, "", "", "cannot decode the JPEG: " + problem);
    if (err.warning[0]) fail(path, "", "", std::string("the JPEG is corrupt or truncated: ") + err.warning);
    return std::move(out);
}

}  // namespace netc
